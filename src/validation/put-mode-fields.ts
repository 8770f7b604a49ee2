import { type FieldError, PUT_MODE_REQUIREMENTS } from "../models/index.js";
import { isJsonObject, valueAt } from "./paths.js";

interface Check {
  names: readonly string[];
  field: string;
  message: string;
}

// The requirements grouped by parent path, so each parent is read once.
const BY_PARENT = new Map<string, { parent: readonly string[]; checks: Check[] }>();
for (const { anyOf, hint } of PUT_MODE_REQUIREMENTS) {
  const [first] = anyOf;
  if (first === undefined) continue;
  const parent = first.slice(0, -1);
  const group = BY_PARENT.get(parent.join(".")) ?? { parent, checks: [] };
  group.checks.push({
    names: anyOf.map((path) => path[path.length - 1] ?? ""),
    field: first.join("."),
    message: `Required value in PUT mode: ${hint}`,
  });
  BY_PARENT.set(parent.join("."), group);
}
// Shallower parents first; each group reads its parent from the deepest
// earlier parent that contains it, so the walk from the root happens once.
const GROUPS = [...BY_PARENT.values()]
  .sort((left, right) => left.parent.length - right.parent.length)
  .map((group, index, sorted) => {
    let from = -1;
    for (let earlier = 0; earlier < index; earlier += 1) {
      const candidate = sorted[earlier]?.parent ?? [];
      if (candidate.every((name, at) => group.parent[at] === name)) from = earlier;
    }
    const skip = from === -1 ? 0 : (sorted[from]?.parent.length ?? 0);
    return { from, rest: group.parent.slice(skip), checks: group.checks };
  });

function hasAny(holder: Record<string, unknown>, names: readonly string[]): boolean {
  for (const name of names)
    if (Object.hasOwn(holder, name) && holder[name] !== undefined) return true;
  return false;
}

/**
 * PUT replaces the whole VVP deployment, so the fields VVP would otherwise
 * default must be written out (the seed's "Additional Required Fields").
 * A requirement under a parent that is missing or not an object is left to
 * the error on that parent, so one mistake gives one error. Every
 * alternative of a requirement shares its parent.
 */
export function putModeFieldErrors(object: unknown): FieldError[] {
  if (valueAt(object, ["spec", "syncingMode"]) !== "PUT") return [];
  const errors: FieldError[] = [];
  const holders: unknown[] = [];
  for (const { from, rest, checks } of GROUPS) {
    const holder = valueAt(from === -1 ? object : holders[from], rest);
    holders.push(holder);
    if (!isJsonObject(holder)) continue;
    for (const { names, field, message } of checks) {
      if (!hasAny(holder, names)) errors.push({ field, reason: "FieldValueRequired", message });
    }
  }
  return errors;
}
