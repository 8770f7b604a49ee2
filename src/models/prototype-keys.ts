import { type FieldError, formatFieldPath } from "./field-error.js";

/** The one JSON key a JavaScript object cannot hold through a parse: it names the prototype. */
export const PROTOTYPE_KEY = "__proto__";

/**
 * Every `__proto__` key in a CR, as a field error. JSON and YAML readers keep
 * it as data, but zod, like most JavaScript code, drops it or takes it for the
 * prototype, so the key would silently never reach VVP. Refusing it says so.
 */
export function prototypeKeyErrors(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<object>();
  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => {
        visit(item, [...path, index]);
      });
      return;
    }
    for (const key of Object.keys(node)) {
      const child = (node as Record<string, unknown>)[key];
      if (key === PROTOTYPE_KEY) {
        errors.push({
          field: formatFieldPath([...path, key]),
          reason: "FieldValueNotSupported",
          message: `the key ${PROTOTYPE_KEY} is not supported: JavaScript readers take it for an object's prototype, so it would never reach VVP`,
        });
      }
      visit(child, [...path, key]);
    }
  };
  visit(value, []);
  return errors;
}
