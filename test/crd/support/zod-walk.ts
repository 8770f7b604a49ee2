// Reads the zod models directly (not their JSON Schema) so tests can check
// the CRD against an independent account of the models' shape.

import type { z } from "zod";

type Definition = {
  type: string;
  shape?: Record<string, z.core.$ZodType>;
  catchall?: z.core.$ZodType;
  innerType?: z.core.$ZodType;
  valueType?: z.core.$ZodType;
  element?: z.core.$ZodType;
  options?: z.core.$ZodType[];
};

const definitionOf = (schema: z.core.$ZodType): Definition =>
  schema._zod.def as unknown as Definition;

/** Schema paths (`a.b`, `a.*`, `a[]`) of every loose object (unknown keys kept) in a zod schema. */
export function looseObjectPaths(schema: z.core.$ZodType, path = ""): string[] {
  const definition = definitionOf(schema);
  const join = (name: string): string => (path === "" ? name : `${path}.${name}`);
  switch (definition.type) {
    case "object": {
      const loose =
        definition.catchall !== undefined && definitionOf(definition.catchall).type === "unknown";
      return [
        ...(loose ? [path] : []),
        ...Object.entries(definition.shape ?? {}).flatMap(([name, child]) =>
          looseObjectPaths(child, join(name)),
        ),
      ];
    }
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
      return definition.innerType ? looseObjectPaths(definition.innerType, path) : [];
    case "record":
      return definition.valueType ? looseObjectPaths(definition.valueType, `${path}.*`) : [];
    case "array":
      return definition.element ? looseObjectPaths(definition.element, `${path}[]`) : [];
    case "union":
      return [
        ...new Set((definition.options ?? []).flatMap((option) => looseObjectPaths(option, path))),
      ];
    default:
      return [];
  }
}
