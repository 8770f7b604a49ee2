// "Did you mean" for the mistakes a manifest author makes: a kind or an
// apiVersion one edit (or only case) away from ours, an enum value near a
// supported one; and the one-line verdict on an unrendered Helm/Go template.
import { distance } from "fastest-levenshtein";
import { API_GROUP, KIND } from "../models/index.js";
import { isPlainObject } from "./findings.js";

/** The kinds of the ververica.platform group a manifest may hold: the CR and the KRM function's config. */
export const KNOWN_KINDS: readonly string[] = [KIND, "VvpDeploymentValidation"];

/** The closest candidate: equal ignoring case, or within `maxEdits`; undefined when none is. */
export function closest(
  value: string,
  candidates: readonly string[],
  maxEdits: number,
): string | undefined {
  const folded = candidates.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (folded !== undefined) return folded;
  let best: string | undefined;
  let bestDistance = maxEdits + 1;
  for (const candidate of candidates) {
    const edits = distance(value, candidate);
    if (edits < bestDistance) {
      best = candidate;
      bestDistance = edits;
    }
  }
  return best;
}

/** What is wrong with a document's kind or apiVersion that is nearly ours. */
export interface KindProblem {
  field: "kind" | "apiVersion";
  message: string;
}

/**
 * A document that is not a VvpDeployment but looks meant to be one: a kind of
 * our group that is not ours, a kind differing from VvpDeployment only in
 * case or by one edit (any group), or our kind under a misspelt group.
 * Undefined for every other document (those are skipped).
 */
export function kindProblem(value: unknown): KindProblem | undefined {
  if (!isPlainObject(value)) return undefined;
  const kind = typeof value.kind === "string" ? value.kind : undefined;
  const apiVersion = typeof value.apiVersion === "string" ? value.apiVersion : "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  if (kind === undefined) return undefined;
  if (group === API_GROUP) {
    if (KNOWN_KINDS.includes(kind)) return undefined;
    const near = closest(kind, KNOWN_KINDS, Math.max(3, Math.floor(kind.length / 3)));
    return {
      field: "kind",
      message: `Unsupported value ${JSON.stringify(kind)}: ${API_GROUP} has no such kind${near === undefined ? `; its kinds are ${KNOWN_KINDS.map((k) => JSON.stringify(k)).join(", ")}` : `; did you mean ${JSON.stringify(near)}?`}`,
    };
  }
  if (kind !== KIND && closest(kind, [KIND], 1) !== undefined) {
    return {
      field: "kind",
      message: `Unsupported value ${JSON.stringify(kind)}: did you mean ${JSON.stringify(KIND)}?`,
    };
  }
  if (kind === KIND && group !== "" && closest(group, [API_GROUP], 2) !== undefined) {
    return {
      field: "apiVersion",
      message: `Unsupported value ${JSON.stringify(apiVersion)}: did you mean "${API_GROUP}/v1"?`,
    };
  }
  return undefined;
}

const UNSUPPORTED =
  /^Unsupported value "((?:[^"\\]|\\.)*)": supported values are ((?:"(?:[^"\\]|\\.)*"(?:, )?)+)$/;

/**
 * An "Unsupported value X: supported values are …" message with the nearest
 * supported value appended (`CANCELED` → did you mean "CANCELLED"?); any
 * other message as it is.
 */
export function withEnumHint(message: string): string {
  const match = UNSUPPORTED.exec(message);
  if (match === null) return message;
  const value = JSON.parse(`"${match[1] ?? ""}"`) as string;
  const supported = [...(match[2] ?? "").matchAll(/"((?:[^"\\]|\\.)*)"/g)].map(
    (m) => JSON.parse(`"${m[1] ?? ""}"`) as string,
  );
  const near = closest(value, supported, Math.max(1, Math.floor(value.length / 3)));
  return near === undefined ? message : `${message}; did you mean ${JSON.stringify(near)}?`;
}

/**
 * Where a text looks like a Helm or Go template: a `{{ … }}` action (a
 * value, pipeline, comment or control word), which YAML would misread into
 * dozens of unrelated errors. Undefined for plain manifests, also ones
 * holding `{{` inside a quoted string that is not an action.
 */
export function templatePosition(text: string): { line: number; column: number } | undefined {
  const action =
    /\{\{-?\s*(?:[.$(]|"|\/\*|(?:if|else|end|range|with|define|template|include|block|toYaml|tpl|required|default|quote|printf|indent|nindent)\b)/;
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? "";
    const match = action.exec(line);
    if (match !== null) return { line: index + 1, column: match.index + 1 };
  }
  return undefined;
}
