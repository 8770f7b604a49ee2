// core/v1 Events are a view of the events.k8s.io/v1 Events, as in
// kube-apiserver where both versions share one storage: an Event an operator
// records through events.k8s.io shows in `kubectl get events` and
// `kubectl describe`, and the other way round.

import type { KubeObject } from "./objects.js";

// events.k8s.io/v1 field ↔ core/v1 field (k8s.io/kubernetes pkg/apis/events/v1 conversion).
const RENAMES: readonly (readonly [string, string])[] = [
  ["regarding", "involvedObject"],
  ["note", "message"],
  ["deprecatedSource", "source"],
  ["deprecatedFirstTimestamp", "firstTimestamp"],
  ["deprecatedLastTimestamp", "lastTimestamp"],
  ["deprecatedCount", "count"],
  ["reportingController", "reportingComponent"],
];

function rename(
  object: KubeObject,
  pairs: readonly (readonly [string, string])[],
  apiVersion: string,
): KubeObject {
  const result: KubeObject = { ...object, apiVersion, kind: "Event" };
  for (const [from, to] of pairs) {
    delete result[from];
    if (object[from] !== undefined) result[to] = object[from];
  }
  return result;
}

/** A MicroTime (or any RFC 3339 time) as a metav1.Time: whole seconds, UTC. */
function seconds(time: unknown): string | undefined {
  if (typeof time !== "string") return undefined;
  const parsed = Date.parse(time);
  return Number.isFinite(parsed) ? `${new Date(parsed).toISOString().slice(0, 19)}Z` : undefined;
}

/**
 * A stored events.k8s.io/v1 Event as core/v1 shows it. An Event recorded
 * through events.k8s.io has no deprecated timestamps, so the view fills
 * firstTimestamp, lastTimestamp and count (what `kubectl describe` and
 * `kubectl get events` sort and age by) from eventTime and the series.
 */
export function toCoreEvent(event: KubeObject): KubeObject {
  const core = rename(event, RENAMES, "v1");
  const series = event.series as { count?: unknown; lastObservedTime?: unknown } | undefined;
  const first = seconds(event.eventTime);
  const last = seconds(series?.lastObservedTime) ?? first;
  if (core.firstTimestamp === undefined && first !== undefined) core.firstTimestamp = first;
  if (core.lastTimestamp === undefined && last !== undefined) core.lastTimestamp = last;
  if (core.count === undefined) core.count = typeof series?.count === "number" ? series.count : 1;
  return core;
}

/** A core/v1 Event as events.k8s.io/v1 stores it. */
export function fromCoreEvent(event: KubeObject): KubeObject {
  return rename(
    event,
    RENAMES.map(([a, b]) => [b, a] as const),
    "events.k8s.io/v1",
  );
}
