import { parseAllDocuments } from "yaml";
import { type FieldError, fieldErrorsFromZod, ROOT_FIELD } from "./field-error.js";
import { prototypeKeyErrors } from "./prototype-keys.js";
import { type VvpDeployment, VvpDeploymentSchema } from "./vvp-deployment.js";

/** The outcome of parsing: the typed CR, or every field error at once. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Reads YAML text into a plain value; a syntax error becomes a field error, never a throw. */
export function readYaml(text: string): ParseResult<unknown> {
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    documents = parseAllDocuments(text, { uniqueKeys: true });
  } catch (error) {
    return rootError(`not valid YAML: ${(error as Error).message}`);
  }
  const list = Array.isArray(documents) ? documents : [documents];
  const nonEmpty = list.filter((document) => document.contents !== null);
  if (nonEmpty.length !== 1) {
    return rootError(`expected exactly one YAML document, found ${nonEmpty.length}`);
  }
  const document = nonEmpty[0];
  if (document === undefined) return rootError("expected one YAML document");
  const problem = document.errors[0];
  if (problem !== undefined) return rootError(`not valid YAML: ${problem.message.split("\n")[0]}`);
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return rootError(`not valid YAML: ${(error as Error).message}`);
  }
}

/** Parses a VvpDeployment from YAML text or an object; it never throws. */
export function parseVvpDeployment(input: unknown): ParseResult<VvpDeployment> {
  let value = input;
  if (typeof input === "string") {
    const read = readYaml(input);
    if (!read.ok) return read;
    value = read.value;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return rootError("expected a VvpDeployment object");
  }
  try {
    const result = VvpDeploymentSchema.safeParse(value);
    const errors = [
      ...prototypeKeyErrors(value),
      ...(result.success ? [] : fieldErrorsFromZod(result.error.issues, value)),
    ];
    if (result.success && errors.length === 0) return { ok: true, value: result.data };
    return { ok: false, errors };
  } catch (error) {
    // Only objects no YAML or JSON produces get here (a throwing getter, a proxy).
    return rootError(
      `could not be read: ${error instanceof Error ? error.message : "unreadable input"}`,
    );
  }
}

function rootError(message: string): { ok: false; errors: FieldError[] } {
  return { ok: false, errors: [{ field: ROOT_FIELD, reason: "FieldValueInvalid", message }] };
}
