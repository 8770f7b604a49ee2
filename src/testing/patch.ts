// JSON merge patch (RFC 7396), JSON patch (RFC 6902, with `test`) and the
// strategic-merge approximation the fake applies to built-in kinds.

import { badRequest, KubeApiError } from "./status.js";

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

// Sets an own property even for keys like "__proto__", which JSON allows
// and kube-apiserver stores like any other key.
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** RFC 7396: objects merge key by key, `null` removes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, mergePatch(result[key], value));
  }
  return result;
}

/**
 * Strategic merge patch without the Go types' schema (ours): a merge patch
 * that reads what kubectl's patches carry about lists. A list with a
 * `$setElementOrder/<field>` sibling merges by the key its entries name
 * (e.g. `{name: …}` for containers), honouring `$patch: delete`; a list of
 * primitives with one merges as a set, minus `$deleteFromPrimitiveList/<field>`;
 * other lists replace. `$patch: replace|delete` and `$retainKeys` apply to maps.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") return withoutDirectives(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    if (value === null || (isObject(value) && value.$patch === "delete")) delete result[key];
    else if (Array.isArray(value)) setOwn(result, key, mergeList(result[key], value, patch, key));
    else if (isObject(value)) setOwn(result, key, strategicMergePatch(result[key], value));
    else setOwn(result, key, value);
  }
  for (const [key, value] of Object.entries(patch)) {
    const field = key.startsWith("$deleteFromPrimitiveList/") ? key.slice(25) : undefined;
    if (field === undefined || patch[field] !== undefined || !Array.isArray(result[field]))
      continue;
    setOwn(
      result,
      field,
      (result[field] as unknown[]).filter((item) => !includesJson(value, item)),
    );
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function includesJson(list: unknown, item: unknown): boolean {
  return Array.isArray(list) && list.some((entry) => deepEqual(entry, item));
}

// One list field of a strategic merge patch, merged as its directives say.
function mergeList(
  current: unknown,
  items: unknown[],
  patch: Record<string, unknown>,
  field: string,
): unknown[] {
  const order = patch[`$setElementOrder/${field}`];
  const existing = Array.isArray(current) ? current : [];
  if (!Array.isArray(order)) return items.map(withoutDirectives);
  const first = order[0];
  if (isObject(first)) {
    const mergeKey = Object.keys(first)[0];
    if (mergeKey !== undefined) return mergeByKey(existing, items, order, mergeKey);
  }
  const removed = patch[`$deleteFromPrimitiveList/${field}`];
  const union = [...existing, ...items.filter((item) => !includesJson(existing, item))].filter(
    (item) => !includesJson(removed, item),
  );
  return orderBy(union, order, (item) => item);
}

function mergeByKey(
  existing: unknown[],
  items: unknown[],
  order: unknown[],
  mergeKey: string,
): unknown[] {
  const keyOf = (item: unknown) => (isObject(item) ? item[mergeKey] : undefined);
  let merged = [...existing];
  for (const item of items) {
    const at = merged.findIndex((entry) => deepEqual(keyOf(entry), keyOf(item)));
    if (isObject(item) && item.$patch === "delete") {
      if (at >= 0) merged = merged.filter((_, index) => index !== at);
    } else if (at >= 0) {
      merged[at] = strategicMergePatch(merged[at], item);
    } else {
      merged.push(withoutDirectives(item));
    }
  }
  return orderBy(merged, order, keyOf, (entry) => keyOf(entry));
}

// Items named in `order` come first, in its order; the others keep theirs.
function orderBy(
  items: unknown[],
  order: unknown[],
  keyOfItem: (item: unknown) => unknown,
  keyOfOrder: (entry: unknown) => unknown = (entry) => entry,
): unknown[] {
  const keys = order.map(keyOfOrder);
  const named = keys.flatMap((key) => items.filter((item) => deepEqual(keyOfItem(item), key)));
  const rest = items.filter((item) => !keys.some((key) => deepEqual(keyOfItem(item), key)));
  return [...named, ...rest];
}

function withoutDirectives(patch: unknown): unknown {
  if (Array.isArray(patch)) return patch.map(withoutDirectives);
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (!key.startsWith("$")) setOwn(result, key, withoutDirectives(value));
  }
  return result;
}

/** One operation of an RFC 6902 JSON patch. */
export interface JsonPatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  from?: string;
  value?: unknown;
}

function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw badRequest(`invalid JSON pointer: "${pointer}"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

// The 422 the API server answers when a patch cannot be applied.
function unprocessable(message: string): KubeApiError {
  return new KubeApiError(422, "Invalid", message);
}

function parentOf(root: unknown, tokens: readonly string[], pointer: string): unknown {
  let node = root;
  for (const token of tokens.slice(0, -1)) {
    node = childOf(node, token, pointer);
  }
  return node;
}

function childOf(node: unknown, token: string, pointer: string): unknown {
  if (Array.isArray(node)) {
    const index = Number(token);
    if (!/^(0|[1-9][0-9]*)$/.test(token) || index >= node.length) {
      throw unprocessable(`jsonpatch: unable to access invalid index: ${token} (path ${pointer})`);
    }
    return node[index];
  }
  if (isObject(node) && Object.hasOwn(node, token)) return node[token];
  throw unprocessable(`jsonpatch: doc is missing path: "${pointer}": missing value`);
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of pointerTokens(pointer)) node = childOf(node, token, pointer);
  return node;
}

function addAt(root: unknown, pointer: string, value: unknown): unknown {
  const tokens = pointerTokens(pointer);
  const last = tokens.at(-1);
  if (last === undefined) return structuredClone(value);
  const parent = parentOf(root, tokens, pointer);
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : Number(last);
    if (!/^(0|[1-9][0-9]*|-)$/.test(last) || index > parent.length) {
      throw unprocessable(
        `jsonpatch: add operation does not apply: index out of bounds (path ${pointer})`,
      );
    }
    parent.splice(index, 0, structuredClone(value));
  } else if (isObject(parent)) {
    setOwn(parent, last, structuredClone(value));
  } else {
    throw unprocessable(
      `jsonpatch: add operation does not apply: doc is missing path: "${pointer}"`,
    );
  }
  return root;
}

function removeAt(root: unknown, pointer: string): unknown {
  const tokens = pointerTokens(pointer);
  const last = tokens.at(-1);
  if (last === undefined) return null;
  const parent = parentOf(root, tokens, pointer);
  childOf(parent, last, pointer);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Record<string, unknown>)[last];
  return root;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]))
    );
  }
  return false;
}

function parseOperation(entry: unknown, index: number): JsonPatchOperation {
  if (!isObject(entry) || typeof entry.op !== "string" || typeof entry.path !== "string") {
    throw badRequest(`json: cannot unmarshal operation ${index}: "op" and "path" are required`);
  }
  const ops = ["add", "remove", "replace", "move", "copy", "test"];
  if (!ops.includes(entry.op)) throw unprocessable(`Unexpected kind: ${entry.op}`);
  if (["add", "replace", "test"].includes(entry.op) && !Object.hasOwn(entry, "value")) {
    throw unprocessable(`jsonpatch ${entry.op} operation does not apply: missing value`);
  }
  if (["move", "copy"].includes(entry.op) && typeof entry.from !== "string") {
    throw unprocessable(`jsonpatch ${entry.op} operation does not apply: missing from`);
  }
  return entry as unknown as JsonPatchOperation;
}

/** Applies an RFC 6902 patch to a copy; a body that is not an array is 400, a failed op 422. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) {
    throw badRequest(
      "json: cannot unmarshal object into Go value of type jsonpatch.Patch (a JSON patch must be an array)",
    );
  }
  let document: unknown = structuredClone(target);
  patch.forEach((entry, index) => {
    const operation = parseOperation(entry, index);
    switch (operation.op) {
      case "add":
        document = addAt(document, operation.path, operation.value);
        break;
      case "remove":
        document = removeAt(document, operation.path);
        break;
      case "replace":
        valueAt(document, operation.path);
        document = addAt(removeAt(document, operation.path), operation.path, operation.value);
        break;
      case "move": {
        const value = valueAt(document, operation.from ?? "");
        document = addAt(removeAt(document, operation.from ?? ""), operation.path, value);
        break;
      }
      case "copy":
        document = addAt(document, operation.path, valueAt(document, operation.from ?? ""));
        break;
      case "test":
        if (!deepEqual(valueAt(document, operation.path), operation.value)) {
          throw unprocessable(`jsonpatch: testing value ${operation.path} failed: test failed`);
        }
        break;
    }
  });
  return document;
}

/** Deep structural equality of JSON values. */
export const jsonEqual: (a: unknown, b: unknown) => boolean = deepEqual;
