// Addressing schema nodes by the path syntax of DESCRIPTIONS: dotted property
// names, `*` for a map's values, `[]` for array items. Works on both the CRD's
// structural schema and the editor JSON Schema, whose unions it descends into.

/** The keywords a path walk reads; both schema dialects share them. */
export interface SchemaNodeLike {
  properties?: Record<string, SchemaNodeLike>;
  additionalProperties?: SchemaNodeLike | boolean;
  items?: SchemaNodeLike;
  oneOf?: SchemaNodeLike[];
  anyOf?: SchemaNodeLike[];
}

/** Splits a schema path into segments: `a.b[].c` → `["a", "b", "[]", "c"]`. */
export function schemaPathSegments(path: string): string[] {
  if (path === "") return [];
  return path
    .replaceAll("[]", ".[]")
    .split(".")
    .filter((segment) => segment !== "");
}

/** Every node a path reaches (several when it crosses a union); empty when it reaches none. */
export function schemaNodesAt<T extends SchemaNodeLike>(root: T, path: string): T[] {
  let current: SchemaNodeLike[] = [root];
  for (const segment of schemaPathSegments(path)) {
    const next: SchemaNodeLike[] = [];
    const visit = (node: SchemaNodeLike): void => {
      for (const branch of [...(node.oneOf ?? []), ...(node.anyOf ?? [])]) visit(branch);
      if (segment === "[]") {
        if (node.items !== undefined) next.push(node.items);
      } else if (segment === "*") {
        if (typeof node.additionalProperties === "object") next.push(node.additionalProperties);
      } else {
        const child = node.properties?.[segment];
        if (child !== undefined) next.push(child);
      }
    };
    for (const node of current) visit(node);
    current = next;
  }
  return current as T[];
}
