// `meta.k8s.io/v1` Table output, what `kubectl get` asks for: the CRD's
// printer columns for custom resources, kubectl's usual columns for built-ins.

import { humanDuration } from "../printer-columns/index.js";
import { evaluateJsonPath } from "./json-path.js";
import type { KubeObject } from "./objects.js";
import type { CustomColumn, ResourceType } from "./resource-types.js";

/** Whether the Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return accept?.split(",").some((part) => part.includes("as=Table")) ?? false;
}

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number | boolean;

interface BuiltInColumn extends ColumnDefinition {
  cell: (object: KubeObject, now: Date) => Cell;
}

const age = (object: KubeObject, now: Date): string =>
  ageOf(object.metadata.creationTimestamp, now);

function ageOf(timestamp: unknown, now: Date): string {
  if (typeof timestamp !== "string") return "<unknown>";
  const then = Date.parse(timestamp);
  return Number.isNaN(then) ? "<invalid>" : humanDuration(now.getTime() - then);
}

const column = (
  name: string,
  cell: BuiltInColumn["cell"],
  extra: Partial<ColumnDefinition> = {},
): BuiltInColumn => ({
  name,
  type: "string",
  format: "",
  description: "",
  priority: 0,
  cell,
  ...extra,
});

const count = (value: unknown): number =>
  value !== null && typeof value === "object" ? Object.keys(value).length : 0;

const field = (object: KubeObject, ...path: string[]): Cell => {
  let node: unknown = object;
  for (const key of path)
    node =
      node !== null && typeof node === "object"
        ? (node as Record<string, unknown>)[key]
        : undefined;
  return typeof node === "string" || typeof node === "number" || typeof node === "boolean"
    ? node
    : "";
};

const BUILT_IN_COLUMNS: Record<string, BuiltInColumn[]> = {
  Namespace: [column("Status", (o) => field(o, "status", "phase")), column("Age", age)],
  Secret: [
    column("Type", (o) => field(o, "type")),
    column("Data", (o) => count(o.data), { type: "string" }),
    column("Age", age),
  ],
  ConfigMap: [
    column("Data", (o) => count(o.data) + count(o.binaryData), { type: "string" }),
    column("Age", age),
  ],
  Lease: [column("Holder", (o) => field(o, "spec", "holderIdentity")), column("Age", age)],
  Event: [
    // The last occurrence: a series' last observation, else the event's time.
    column("Last Seen", (o, now) =>
      ageOf(
        (o.series as { lastObservedTime?: unknown } | undefined)?.lastObservedTime ??
          o.eventTime ??
          o.lastTimestamp ??
          o.metadata.creationTimestamp,
        now,
      ),
    ),
    column("Type", (o) => field(o, "type")),
    column("Reason", (o) => field(o, "reason")),
    column("Object", (o) => {
      const ref = (o.regarding ?? o.involvedObject) as { kind?: string; name?: string } | undefined;
      return ref === undefined ? "" : `${String(ref.kind ?? "").toLowerCase()}/${ref.name ?? ""}`;
    }),
    column("Message", (o) => field(o, "note") || field(o, "message")),
    // kubectl shows an Event's name only with -o wide, last.
    column("Name", (o) => o.metadata.name ?? "", { format: "name", priority: 1 }),
  ],
  CustomResourceDefinition: [
    column("Created At", (o) => field(o, "metadata", "creationTimestamp"), { type: "date" }),
  ],
};

const NAME_COLUMN: ColumnDefinition = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace.",
  priority: 0,
};

// A custom column's cell as the apiextensions table convertor renders it:
// dates as ages, other values typed, nothing as an empty cell.
function customCell(col: CustomColumn, object: KubeObject, now: Date): Cell {
  const value = evaluateJsonPath(object, col.jsonPath);
  if (value === undefined || value === null) return "";
  if (col.type === "date") return ageOf(value, now);
  if (typeof value === "object") return JSON.stringify(value);
  return value as Cell;
}

/** The Table of some objects; `includeObject` is None, Metadata (default) or Object. */
export function tableOf(
  type: ResourceType,
  objects: readonly KubeObject[],
  now: Date,
  includeObject: string | null,
  resourceVersion: string,
  next: { token: string; remaining: number } | undefined,
): Record<string, unknown> {
  const custom = type.custom ? (type.columns ?? []) : undefined;
  const builtIn = custom === undefined ? (BUILT_IN_COLUMNS[type.kind] ?? [column("Age", age)]) : [];
  const nameFirst = !builtIn.some((c) => c.format === "name");
  const columnDefinitions: ColumnDefinition[] = [
    ...(nameFirst ? [NAME_COLUMN] : []),
    ...(custom ?? []).map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? "",
      description: c.description ?? "",
      priority: c.priority,
    })),
    ...builtIn.map(({ cell: _cell, ...definition }) => definition),
  ];
  if (custom !== undefined && custom.length === 0) {
    columnDefinitions.push({ name: "Age", type: "date", format: "", description: "", priority: 0 });
  }
  const rows = objects.map((object) => {
    const cells: Cell[] = nameFirst ? [object.metadata.name ?? ""] : [];
    if (custom !== undefined) {
      cells.push(...custom.map((c) => customCell(c, object, now)));
      if (custom.length === 0) cells.push(age(object, now));
    } else {
      cells.push(...builtIn.map((c) => c.cell(object, now)));
    }
    return { cells, ...rowObject(object, includeObject) };
  });
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: {
      resourceVersion,
      ...(next === undefined ? {} : { continue: next.token, remainingItemCount: next.remaining }),
    },
    columnDefinitions,
    rows,
  };
}

function rowObject(object: KubeObject, includeObject: string | null): Record<string, unknown> {
  if (includeObject === "None") return {};
  if (includeObject === "Object") return { object };
  return {
    object: {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: object.metadata,
    },
  };
}
