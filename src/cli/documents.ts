// Multi-document YAML (and JSON, which YAML reads) with the source position of
// every field, so a finding can name its line and column.
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type ParsedNode,
  parseAllDocuments,
  visit,
} from "yaml";
import { formatFieldPath } from "../models/index.js";

/** A 1-based line and column in a source text. */
export interface Position {
  line: number;
  column: number;
}

/** One object of a source: a document, or an item of a `kind: List` document. */
export interface ManifestObject {
  /** 0-based index of its YAML document among the source's non-empty documents. */
  documentIndex: number;
  /** The plain value (maps, lists, scalars). */
  value: unknown;
  /** Where the object starts. */
  start: Position;
  /** Where a finding on `field` (a Kubernetes field path) points; see `FieldLocator`. */
  locate(field: string, pointAt?: "key" | "value"): Position;
}

/** A YAML syntax error with its position. */
export interface SyntaxProblem {
  position: Position;
  message: string;
  /** The yaml package's error code, e.g. BAD_INDENT or DUPLICATE_KEY. */
  code: string;
}

/** Objects and syntax errors of one source text. */
export interface ParsedManifests {
  objects: ManifestObject[];
  syntaxErrors: SyntaxProblem[];
}

/** Aliases one document may expand, against "billion laughs" inputs (the models' limit). */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses every document of a text. Empty documents (a trailing `---`, a
 * comment-only document) are dropped; a document with a syntax error gives
 * its errors and no object; `kind: List` documents give their items (ours:
 * `kubectl get -o yaml` prints a List).
 */
export function parseManifests(text: string): ParsedManifests {
  const lineCounter = new LineCounter();
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const result: ParsedManifests = { objects: [], syntaxErrors: [] };
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    // Duplicate keys and aliases are checked by `linearProblems`: the yaml
    // library's own checks are quadratic (a 1.5 MB map took minutes).
    documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  } catch (error) {
    // The parser reports syntax as data; a throw is exhaustion (stack depth) on hostile input.
    const message = error instanceof Error ? error.message : "unreadable input";
    result.syntaxErrors.push({
      position: { line: 1, column: 1 },
      message,
      code: "RESOURCE_EXHAUSTION",
    });
    return result;
  }
  const list = Array.isArray(documents) ? documents : [documents];
  let documentIndex = -1;
  for (const document of list) {
    if (document.contents === null && document.errors.length === 0) continue;
    documentIndex += 1;
    const errors =
      document.errors.length > 0
        ? document.errors.map((error) => ({
            offset: error.pos[0],
            message: error.message.split("\n")[0] ?? "",
            code: error.code as string,
          }))
        : linearProblems(document);
    if (errors.length > 0) {
      for (const error of errors) {
        result.syntaxErrors.push({
          position: position(error.offset),
          message: error.message,
          code: error.code,
        });
      }
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      result.syntaxErrors.push({
        position: position(document.contents?.range?.[0] ?? 0),
        message: (error as Error).message.split("\n")[0] ?? "",
        code: "RESOURCE_EXHAUSTION",
      });
      continue;
    }
    // `---` followed by nothing (or by `~`) is an empty document, not an object.
    if (value === null || value === undefined) continue;
    const root = document.contents as ParsedNode;
    const items = listItems(value, root);
    const entries = items ?? [{ value, node: root }];
    for (const entry of entries) {
      const locator = new FieldLocator(entry.node, position);
      result.objects.push({
        documentIndex,
        value: entry.value,
        start: position(entry.node.range[0]),
        locate: (field, pointAt) => locator.locate(field, pointAt),
      });
    }
  }
  return result;
}

/** A problem of a parsed document, at a text offset. */
export interface DocumentProblem {
  offset: number;
  message: string;
  code: string;
}

/**
 * Duplicate keys (as the yaml library's `uniqueKeys` reports them) and more
 * aliases than {@link MAX_ALIAS_COUNT}, found in one pass: the library's own
 * checks are quadratic in a map's size and in the number of aliases, so a
 * file within the size limit could keep the CLI busy for minutes.
 */
export function linearProblems(document: Document): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  let aliases = 0;
  visit(document, {
    Alias(_, alias) {
      aliases += 1;
      if (aliases <= MAX_ALIAS_COUNT) return undefined;
      problems.push({
        offset: alias.range?.[0] ?? 0,
        message: `Excessive alias count indicates a resource exhaustion attack (more than ${MAX_ALIAS_COUNT} aliases)`,
        code: "RESOURCE_EXHAUSTION",
      });
      return visit.BREAK;
    },
    Map(_, map) {
      const keys = new Set<unknown>();
      for (const pair of map.items) {
        // Only scalar keys compare by value, as in the library's default check.
        if (!isScalar(pair.key)) continue;
        const key = pair.key.value;
        if (keys.has(key)) {
          problems.push({
            offset: pair.key.range?.[0] ?? 0,
            message: "Map keys must be unique",
            code: "DUPLICATE_KEY",
          });
        }
        keys.add(key);
      }
      return undefined;
    },
  });
  return problems;
}

function listItems(
  value: unknown,
  root: ParsedNode,
): Array<{ value: unknown; node: ParsedNode }> | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const { kind, items } = value as { kind?: unknown; items?: unknown };
  if (typeof kind !== "string" || !kind.endsWith("List") || !Array.isArray(items)) {
    return undefined;
  }
  if (!isMap(root)) return undefined;
  const itemsNode = root.get("items", true);
  if (!isSeq(itemsNode)) return undefined;
  return items.map((item, index) => ({
    value: item,
    node: (itemsNode.items[index] as ParsedNode | undefined) ?? root,
  }));
}

interface FieldPlace {
  /** The key of the map entry holding the field, if it is one. */
  key?: Node;
  value: Node | null;
}

/**
 * Maps Kubernetes field paths (`spec.deployment.metadata.name`,
 * `metadata.labels[ververica.platform/owner]`, `items[0]`) to source
 * positions. Paths are rendered with the models' own `formatFieldPath`, so
 * a finding's path and the index agree by construction.
 */
export class FieldLocator {
  private readonly places = new Map<string, FieldPlace>();

  constructor(
    private readonly root: ParsedNode,
    private readonly position: (offset: number) => Position,
  ) {
    this.index(root, [], undefined);
  }

  /**
   * Where a finding on `field` points. An existing scalar points at its
   * value, a map or list at its key (`pointAt: "key"` forces the key, for a
   * field that should not be there); a missing field points at its nearest
   * existing parent's key; `<root>` and unknown paths at the object's start.
   */
  locate(field: string, pointAt: "key" | "value" = "value"): Position {
    const exact = this.places.get(field);
    if (exact !== undefined) return this.placePosition(exact, pointAt);
    for (let end = field.length - 1; end > 0; end -= 1) {
      const char = field[end];
      if (char !== "." && char !== "[") continue;
      const parent = this.places.get(field.slice(0, end));
      if (parent !== undefined) return this.placePosition(parent, "key");
    }
    return this.position(this.root.range[0]);
  }

  private placePosition(place: FieldPlace, pointAt: "key" | "value"): Position {
    const scalarValue = place.value !== null && isScalar(place.value);
    const node = pointAt === "value" && scalarValue ? place.value : (place.key ?? place.value);
    const offset = node?.range?.[0] ?? this.root.range[0];
    return this.position(offset);
  }

  private index(node: Node | null, path: PropertyKey[], key: Node | undefined): void {
    if (path.length > 0) {
      this.places.set(formatFieldPath(path), {
        ...(key === undefined ? {} : { key }),
        value: node,
      });
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const name = pair.key.value;
        if (typeof name !== "string" && typeof name !== "number" && typeof name !== "boolean") {
          continue;
        }
        this.index(pair.value as Node | null, [...path, String(name)], pair.key as Node);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, itemIndex) => {
        this.index(item as Node | null, [...path, itemIndex], undefined);
      });
    }
  }
}
