import { type FieldError, PUT_MODE_REQUIREMENTS } from "../models/index.js";
import { isJsonObject, valueAt } from "./paths.js";

/**
 * PUT replaces the whole VVP deployment, so the fields VVP would otherwise
 * default must be written out (the seed's "Additional Required Fields").
 * A requirement under a parent that is missing or not an object is left to
 * the error on that parent, so one mistake gives one error.
 */
export function putModeFieldErrors(object: unknown): FieldError[] {
  if (valueAt(object, ["spec", "syncingMode"]) !== "PUT") return [];
  return PUT_MODE_REQUIREMENTS.flatMap(({ anyOf, hint }) => {
    const [first] = anyOf;
    if (first === undefined || !isJsonObject(valueAt(object, first.slice(0, -1)))) return [];
    if (anyOf.some((path) => valueAt(object, path) !== undefined)) return [];
    return [
      {
        field: first.join("."),
        reason: "FieldValueRequired" as const,
        message: `Required value in PUT mode: ${hint}`,
      },
    ];
  });
}
