import { CST, type Document, isScalar, Lexer, parseAllDocuments, visit } from "yaml";
import { type FieldError, ROOT_FIELD } from "./field-error.js";
import { schemaFindings } from "./findings.js";
import { MAX_YAML_ALIASES, textLengthError } from "./input-bounds.js";
import type { VvpDeployment } from "./vvp-deployment.js";

/**
 * The outcome of parsing: the typed CR, or every field error at once. Either
 * way, `warnings` holds findings that do not refuse the CR (an unknown VVP
 * field one typo away from a known one), each with its field path.
 */
export type ParseResult<T> =
  | { ok: true; value: T; warnings: FieldError[] }
  | { ok: false; errors: FieldError[]; warnings: FieldError[] };

/**
 * Reads YAML text into a plain value; a syntax error becomes a field error,
 * never a throw. Its cost is linear in the text: the text length is bounded
 * first, aliases are counted by the lexer (and refused over
 * {@link MAX_YAML_ALIASES}) before anything is built or resolved (resolving
 * them is quadratic), and duplicate keys are found with one set per map (the
 * `yaml` library's own `uniqueKeys` check is quadratic in a map's size).
 */
export function readYaml(text: string): ParseResult<unknown> {
  const tooLong = textLengthError(text);
  if (tooLong !== undefined) return { ok: false, errors: [tooLong], warnings: [] };
  if (hasTooManyAliases(text)) {
    return rootError(
      `not valid YAML: more than ${MAX_YAML_ALIASES} aliases, the limit (aliases can make a small text expand into a huge object)`,
    );
  }
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    documents = parseAllDocuments(text, { uniqueKeys: false });
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
  const structural = structuralProblem(document);
  if (structural !== undefined) return rootError(structural);
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_YAML_ALIASES }), warnings: [] };
  } catch (error) {
    return rootError(`not valid YAML: ${(error as Error).message}`);
  }
}

/** Whether the text holds more alias tokens than the limit; lexes only up to the first one over it. */
function hasTooManyAliases(text: string): boolean {
  if (!text.includes("*")) return false;
  let aliases = 0;
  for (const token of new Lexer().lex(text)) {
    if (CST.tokenType(token) === "alias" && ++aliases > MAX_YAML_ALIASES) return true;
  }
  return false;
}

/** The first duplicate key, found in one pass over the parsed nodes. */
function structuralProblem(document: Document): string | undefined {
  let problem: string | undefined;
  visit(document, {
    Map(_, map) {
      const keys = new Set<string>();
      for (const pair of map.items) {
        // A merge key (`<<`) may repeat; alias and collection keys are left to toJS.
        if (!isScalar(pair.key) || pair.key.value === "<<") continue;
        const key = String(pair.key.value);
        if (keys.has(key)) {
          problem = `not valid YAML: Map keys must be unique (${JSON.stringify(key)} appears twice)`;
          return visit.BREAK;
        }
        keys.add(key);
      }
      return undefined;
    },
  });
  return problem;
}

/** Parses a VvpDeployment from YAML text or an object; it never throws. */
export function parseVvpDeployment(input: unknown): ParseResult<VvpDeployment> {
  let value = input;
  if (typeof input === "string") {
    const read = readYaml(input);
    if (!read.ok) return read;
    value = read.value;
  }
  try {
    const findings = schemaFindings(value);
    if (findings.value !== undefined) {
      return { ok: true, value: findings.value, warnings: findings.warnings };
    }
    return { ok: false, errors: findings.errors, warnings: findings.warnings };
  } catch (error) {
    // Only objects no YAML or JSON produces get here (a throwing getter, a proxy).
    return rootError(
      `could not be read: ${error instanceof Error ? error.message : "unreadable input"}`,
    );
  }
}

function rootError(message: string): { ok: false; errors: FieldError[]; warnings: FieldError[] } {
  return {
    ok: false,
    errors: [{ field: ROOT_FIELD, reason: "FieldValueInvalid", message }],
    warnings: [],
  };
}
