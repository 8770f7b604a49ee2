// Label selectors (equality- and set-based) and field selectors, parsed as
// the API server parses the `labelSelector` and `fieldSelector` parameters.

import { badRequest } from "./status.js";

/** One requirement of a label selector. */
export type LabelRequirement =
  | { key: string; op: "exists" | "notExists" }
  | { key: string; op: "in" | "notIn"; values: string[] };

/** A parsed label selector: every requirement must hold. */
export type LabelSelector = LabelRequirement[];

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

// Splits at commas outside parentheses: `a in (x,y),b` has two requirements.
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim());
}

function checkKey(key: string, whole: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${whole}"`);
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!VALUE.test(value) || value.length > 63) {
    throw badRequest(`unable to parse requirement: invalid label value: "${value}" in "${whole}"`);
  }
  return value;
}

function parseRequirement(part: string, whole: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (set) {
    const [, key = "", op, list = ""] = set;
    const values = list.split(",").map((v) => checkValue(v.trim(), whole));
    return { key: checkKey(key, whole), op: op === "in" ? "in" : "notIn", values };
  }
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (equality) {
    const [, key = "", op, value = ""] = equality;
    return {
      key: checkKey(key, whole),
      op: op === "!=" ? "notIn" : "in",
      values: [checkValue(value, whole)],
    };
  }
  if (part.startsWith("!")) return { key: checkKey(part.slice(1).trim(), whole), op: "notExists" };
  return { key: checkKey(part, whole), op: "exists" };
}

/** Parses a `labelSelector` parameter; an empty one selects everything. A bad one is 400. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (text === undefined || text.trim() === "") return [];
  return splitRequirements(text).map((part) => {
    if (part === "")
      throw badRequest(`unable to parse requirement: found '', expected: identifier in "${text}"`);
    return parseRequirement(part, text);
  });
}

function holds(requirement: LabelRequirement, value: string | undefined): boolean {
  switch (requirement.op) {
    case "exists":
      return value !== undefined;
    case "notExists":
      return value === undefined;
    case "in":
      return value !== undefined && requirement.values.includes(value);
    default:
      return value === undefined || !requirement.values.includes(value);
  }
}

/** Whether labels satisfy a selector (`!=` and `notin` hold when the label is absent). */
export function matchesLabels(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  return selector.every((requirement) => holds(requirement, labels?.[requirement.key]));
}

/** One requirement of a field selector: `path=value` or `path!=value`. */
export interface FieldRequirement {
  path: string;
  negate: boolean;
  value: string;
}

/** Parses a `fieldSelector`, allowing only the field paths the resource supports (else 400). */
export function parseFieldSelector(
  text: string | undefined,
  supported: readonly string[],
): FieldRequirement[] {
  if (text === undefined || text.trim() === "") return [];
  return text.split(",").map((part) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const [, path = "", op, value = ""] = match;
    if (!supported.includes(path)) {
      throw badRequest(`field label not supported: ${path}`);
    }
    return { path, negate: op === "!=", value };
  });
}

function fieldText(object: unknown, path: string): string {
  let node: unknown = object;
  for (const key of path.split(".")) {
    if (node === null || typeof node !== "object") return "";
    node = Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
  }
  if (node === undefined || node === null) return "";
  return typeof node === "object" ? JSON.stringify(node) : String(node);
}

/** Whether an object satisfies every field requirement. */
export function matchesFields(requirements: readonly FieldRequirement[], object: unknown): boolean {
  return requirements.every((r) => (fieldText(object, r.path) === r.value) !== r.negate);
}
