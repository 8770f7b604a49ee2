// A small JSON Schema (draft 2020-12) checker covering exactly the keywords
// the editor schema uses. An unknown keyword throws, so a schema that grows a
// keyword this checker ignores cannot pass silently.

const ANNOTATIONS = new Set([
  "$schema",
  "$id",
  "$comment",
  "title",
  "description",
  "readOnly",
  "default",
]);
const ASSERTIONS = new Set([
  "type",
  "const",
  "enum",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "anyOf",
  "oneOf",
  "allOf",
  "if",
  "then",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
]);

type Schema = Record<string, unknown> | boolean;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function typeOf(value: unknown): string[] {
  if (value === null) return ["null"];
  if (Array.isArray(value)) return ["array"];
  if (typeof value === "number")
    return Number.isInteger(value) ? ["integer", "number"] : ["number"];
  return [typeof value];
}

/** Every error (as `path: problem`) of `value` against `schema`; empty when it is valid. */
export function jsonSchemaErrors(schema: Schema, value: unknown, path = ""): string[] {
  if (schema === true) return [];
  if (schema === false) return [`${path || "<root>"}: not allowed`];
  const errors: string[] = [];
  const at = path || "<root>";
  for (const keyword of Object.keys(schema)) {
    if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) {
      throw new Error(`${at}: the checker does not know the keyword ${keyword}`);
    }
  }
  const sub = (s: unknown, v: unknown, p = path): string[] => jsonSchemaErrors(s as Schema, v, p);

  if (typeof schema.type === "string" && !typeOf(value).includes(schema.type)) {
    return [`${at}: must be ${schema.type}`];
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) {
    errors.push(`${at}: must be ${JSON.stringify(schema.const)}`);
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) errors.push(`${at}: not in enum`);
  if (typeof value === "string") {
    if (typeof schema.minLength === "number" && value.length < schema.minLength)
      errors.push(`${at}: too short`);
    if (typeof schema.maxLength === "number" && value.length > schema.maxLength)
      errors.push(`${at}: too long`);
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) {
      errors.push(`${at}: does not match ${schema.pattern}`);
    }
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum)
      errors.push(`${at}: below minimum`);
    if (typeof schema.maximum === "number" && value > schema.maximum)
      errors.push(`${at}: above maximum`);
  }
  if (isRecord(value)) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!Object.hasOwn(value, name)) errors.push(`${path ? `${path}.` : ""}${name}: required`);
    }
    for (const [name, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${name}` : name;
      if (Object.hasOwn(properties, name)) errors.push(...sub(properties[name], item, itemPath));
      else if (schema.additionalProperties !== undefined) {
        errors.push(...sub(schema.additionalProperties, item, itemPath));
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((item, index) => {
      errors.push(...sub(schema.items, item, `${path}[${index}]`));
    });
  }
  if (Array.isArray(schema.allOf))
    for (const part of schema.allOf) errors.push(...sub(part, value));
  if (Array.isArray(schema.anyOf) && !schema.anyOf.some((part) => sub(part, value).length === 0)) {
    errors.push(`${at}: matches none of anyOf`);
  }
  if (Array.isArray(schema.oneOf)) {
    const matching = schema.oneOf.filter((part) => sub(part, value).length === 0).length;
    if (matching !== 1) errors.push(`${at}: matches ${matching} of oneOf, not exactly one`);
  }
  if (schema.if !== undefined && sub(schema.if, value).length === 0 && schema.then !== undefined) {
    errors.push(...sub(schema.then, value));
  }
  return errors;
}
