// The JSONPath subset of CRD printer columns: `.a.b`, `.a[0]`, `.a['x.y']`
// and filters `.a[?(@.k=="v")].b`; the first match is the value, as kubectl
// prints a column (ours: no recursive descent, no wildcards).

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "filter"; path: string[]; value: string };

const TOKEN =
  /^(?:\.([A-Za-z0-9_$-]+)|\[(\d+)\]|\['([^']*)'\]|\[\?\(@((?:\.[A-Za-z0-9_$-]+)+)\s*==\s*(?:"([^"]*)"|'([^']*)')\)\])/;

/** Parses a printer-column JSONPath; undefined when it uses more than the subset. */
export function parseJsonPath(path: string): Step[] | undefined {
  const steps: Step[] = [];
  let rest = path
    .trim()
    .replace(/^\{(.*)\}$/, "$1")
    .replace(/^\$/, "");
  while (rest !== "") {
    const match = TOKEN.exec(rest);
    if (!match) return undefined;
    const [whole, field, index, quoted, filterPath, double, single] = match;
    if (field !== undefined) steps.push({ kind: "field", name: field });
    else if (index !== undefined) steps.push({ kind: "index", index: Number(index) });
    else if (quoted !== undefined) steps.push({ kind: "field", name: quoted });
    else
      steps.push({
        kind: "filter",
        path: (filterPath ?? "").slice(1).split("."),
        value: double ?? single ?? "",
      });
    rest = rest.slice(whole.length);
  }
  return steps;
}

function child(node: unknown, name: string): unknown {
  return node !== null &&
    typeof node === "object" &&
    !Array.isArray(node) &&
    Object.hasOwn(node, name)
    ? (node as Record<string, unknown>)[name]
    : undefined;
}

function matchesFilter(item: unknown, path: readonly string[], value: string): boolean {
  let node = item;
  for (const key of path) node = child(node, key);
  return node !== undefined && node !== null && String(node) === value;
}

/** The first value a printer-column JSONPath finds in an object, or undefined. */
export function evaluateJsonPath(object: unknown, path: string): unknown {
  const steps = parseJsonPath(path);
  if (steps === undefined) return undefined;
  let nodes: unknown[] = [object];
  for (const step of steps) {
    nodes = nodes.flatMap((node): unknown[] => {
      if (step.kind === "field") {
        const value = child(node, step.name);
        return value === undefined ? [] : [value];
      }
      if (!Array.isArray(node)) return [];
      if (step.kind === "index") return step.index < node.length ? [node[step.index]] : [];
      return node.filter((item) => matchesFilter(item, step.path, step.value));
    });
  }
  return nodes[0];
}
