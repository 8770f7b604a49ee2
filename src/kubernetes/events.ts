// Kubernetes Events (events.k8s.io/v1) for what reconciles did, deduplicated
// like client-go's EventRecorder: the same event on the same object again
// bumps the existing Event's `series` (count, lastObservedTime) instead of
// creating another object. The Event's name is derived from what identifies
// it, so a restarted controller finds its earlier Event (409 → series).
// Recording never fails a reconcile: errors are logged and dropped.
import { createHash } from "node:crypto";
import { isConflict, isKubeStatus, type KubeApi, type KubeObject } from "./kube-api.js";
import { type ControllerLogger, errorFields, silentLogger } from "./logger.js";

/** ours: the reportingController of every Event the controller records. */
export const REPORTING_CONTROLLER = "ververica.platform/vvp-operator";

/** One event to record about an object. */
export interface EventToRecord {
  type: "Normal" | "Warning";
  reason: string;
  /** What the controller did (events.k8s.io `action`), e.g. Reconcile. */
  action: string;
  note: string;
}

/** What the recorder is built with. */
export interface EventRecorderOptions {
  api: KubeApi;
  /** events.k8s.io `reportingInstance`: this replica (pod name) or the instanceId. */
  reportingInstance: string;
  now: () => Date;
  logger?: ControllerLogger;
  /** How many distinct events to remember for deduplication (client-go: 4096). */
  cacheSize?: number;
}

/** Records Events about objects. */
export interface EventRecorder {
  /** Records the event about `regarding`; never throws. */
  record(regarding: KubeObject, event: EventToRecord): Promise<void>;
}

interface SeenEvent {
  name: string;
  count: number;
}

/** The longest note events.k8s.io accepts. */
const MAX_NOTE = 1024;

/** Creates an EventRecorder writing events.k8s.io/v1 Events. */
export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const logger = options.logger ?? silentLogger;
  const cacheSize = options.cacheSize ?? 4096;
  const seen = new Map<string, SeenEvent>();

  const remember = (key: string, entry: SeenEvent) => {
    seen.delete(key);
    seen.set(key, entry);
    // Oldest first in a Map: drop the least recently recorded.
    if (seen.size > cacheSize) {
      const oldest = seen.keys().next().value;
      if (oldest !== undefined) seen.delete(oldest);
    }
  };

  const bumpSeries = async (namespace: string, key: string, entry: SeenEvent) => {
    const count = entry.count + 1;
    await options.api.mergePatch("events", namespace, entry.name, {
      series: { count, lastObservedTime: microTime(options.now()) },
    });
    remember(key, { name: entry.name, count });
  };

  return {
    async record(regarding, event) {
      const metadata = regarding.metadata ?? {};
      const namespace = metadata.namespace ?? "default";
      const key = dedupKey(regarding, event);
      try {
        const entry = seen.get(key);
        if (entry !== undefined) {
          try {
            await bumpSeries(namespace, key, entry);
            return;
          } catch (error) {
            // The Event expired or was deleted: record it afresh.
            if (!isKubeStatus(error, 404)) throw error;
            seen.delete(key);
          }
        }
        const name = `${metadata.name ?? "object"}.${key.slice(0, 16)}`;
        try {
          await options.api.create("events", namespace, eventBody(name, regarding, event, options));
          remember(key, { name, count: 1 });
        } catch (error) {
          if (!isConflict(error)) throw error;
          // Recorded before this process started: continue its series.
          const existing = await options.api.get("events", namespace, name);
          const series = (existing?.series as { count?: number } | undefined)?.count ?? 1;
          await bumpSeries(namespace, key, { name, count: series });
        }
      } catch (error) {
        logger.warn(
          { namespace, name: metadata.name, reason: event.reason, ...errorFields(error) },
          "event not recorded",
        );
      }
    },
  };
}

function dedupKey(regarding: KubeObject, event: EventToRecord): string {
  const metadata = regarding.metadata ?? {};
  return createHash("sha256")
    .update(
      JSON.stringify([
        metadata.uid,
        metadata.namespace,
        metadata.name,
        event.type,
        event.reason,
        event.action,
        event.note,
      ]),
    )
    .digest("hex");
}

function eventBody(
  name: string,
  regarding: KubeObject,
  event: EventToRecord,
  options: EventRecorderOptions,
): KubeObject {
  const metadata = regarding.metadata ?? {};
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name, namespace: metadata.namespace ?? "default" },
    eventTime: microTime(options.now()),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: options.reportingInstance,
    action: event.action,
    reason: event.reason,
    note: event.note.length > MAX_NOTE ? `${event.note.slice(0, MAX_NOTE - 3)}...` : event.note,
    type: event.type,
    regarding: {
      apiVersion: regarding.apiVersion ?? "ververica.platform/v1",
      kind: regarding.kind ?? "VvpDeployment",
      name: metadata.name,
      namespace: metadata.namespace,
      uid: metadata.uid,
      resourceVersion: metadata.resourceVersion,
    },
  };
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
