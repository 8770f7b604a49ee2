// One open watch: newline-delimited JSON events of one resource, filtered by
// namespace and selectors, with bookmarks, a timeout, and the faults a real
// connection suffers (dropped, stalled, expired).

import type { ServerResponse } from "node:http";
import type { KubeObject } from "./objects.js";
import { groupVersion, type ResourceType, storageKey } from "./resource-types.js";
import {
  type FieldRequirement,
  type LabelSelector,
  matchesFields,
  matchesLabels,
} from "./selectors.js";
import { expired, type KubeStatus } from "./status.js";
import type { ObjectStore, StoreEvent } from "./store.js";

/** What a watch asks for. */
export interface WatchSpec {
  type: ResourceType;
  namespace?: string;
  labels: LabelSelector;
  fields: FieldRequirement[];
  /** Resume after this revision; undefined (or "0") starts with ADDED for every current object. */
  resourceVersion?: number;
  bookmarks: boolean;
  /** `sendInitialEvents=true`: the current state as ADDED, then a BOOKMARK marking its end. */
  initialEvents?: boolean;
  bookmarkIntervalMs: number;
  /** Close the stream after this long (timeoutSeconds), with a last bookmark when allowed. */
  timeoutMs?: number;
  /** Sends objects as one-row Tables (`kubectl get -w`); column definitions only in the first. */
  asTable?: (object: KubeObject, withColumns: boolean) => Record<string, unknown>;
}

/** A watch event on the wire. */
export interface WireEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject | KubeStatus | Record<string, unknown>;
}

/** An open watch stream. */
export class WatchStream {
  private stalled = false;
  private closed = false;
  private tableSent = false;
  private unsubscribe: (() => void) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  /** Events written to this stream, for assertions. */
  sent = 0;

  constructor(
    private readonly response: ServerResponse,
    private readonly store: ObjectStore,
    readonly spec: WatchSpec,
    private readonly onClose: (stream: WatchStream) => void,
  ) {}

  /** Replays what the client missed (or the current state), then follows changes. Throws 410 before anything is sent when history is gone. */
  start(): void {
    const replay = this.replay();
    this.response.writeHead(200, {
      "Content-Type": "application/json",
      "Cache-Control": "no-cache, private",
      "Transfer-Encoding": "chunked",
    });
    this.response.flushHeaders();
    for (const event of replay) this.write(event);
    if (this.spec.initialEvents && this.spec.bookmarks) {
      this.bookmark({ "k8s.io/initial-events-end": "true" });
    }
    this.unsubscribe = this.store.subscribe((event) => this.deliver(event));
    this.response.on("close", () => this.finish());
    if (this.spec.bookmarks && this.spec.bookmarkIntervalMs > 0) {
      this.timers.push(setInterval(() => this.bookmark(), this.spec.bookmarkIntervalMs));
    }
    if (this.spec.timeoutMs !== undefined) {
      this.timers.push(
        setTimeout(() => {
          if (this.stalled) return;
          if (this.spec.bookmarks) this.bookmark();
          this.end();
        }, this.spec.timeoutMs),
      );
    }
  }

  private replay(): WireEvent[] {
    const rv = this.spec.resourceVersion;
    if (rv === undefined || rv === 0 || this.spec.initialEvents) {
      return this.store
        .list(this.spec.type, this.spec.namespace)
        .filter((object) => this.matches(object))
        .map((object) => ({ type: "ADDED", object: this.wireObject(object) }));
    }
    return this.store
      .eventsSince(storageKey(this.spec.type), rv)
      .flatMap((event) => this.filter(event) ?? []);
  }

  private matches(object: KubeObject): boolean {
    const { namespace, labels, fields } = this.spec;
    if (namespace !== undefined && object.metadata.namespace !== namespace) return false;
    return matchesLabels(labels, object.metadata.labels) && matchesFields(fields, object);
  }

  // Selector transitions as the watch cache reports them: an object that
  // starts matching is ADDED, one that stops matching is DELETED.
  private filter(stored: StoreEvent): WireEvent | undefined {
    if (stored.resource !== storageKey(this.spec.type)) return undefined;
    const event = this.viewOf(stored);
    const now = this.matches(event.object);
    if (event.type !== "MODIFIED") {
      return now ? { type: event.type, object: this.wireObject(event.object) } : undefined;
    }
    const before = event.previous !== undefined && this.matches(event.previous);
    if (now) return { type: before ? "MODIFIED" : "ADDED", object: this.wireObject(event.object) };
    if (!before || event.previous === undefined) return undefined;
    const gone = structuredClone(event.previous);
    gone.metadata.resourceVersion = event.object.metadata.resourceVersion;
    return { type: "DELETED", object: this.wireObject(gone) };
  }

  // The event as this watch's type shows it (core/v1 Events convert).
  private viewOf(event: StoreEvent): StoreEvent {
    const view = this.spec.type.storage;
    const schema = this.spec.type.schema;
    if (schema?.hasDefaults) {
      // Defaults apply to what a watch sends, as to every read from storage.
      const object = structuredClone(event.object);
      schema.applyDefaults(object);
      return { ...event, object };
    }
    if (view === undefined) return event;
    return {
      ...event,
      object: view.fromStorage(structuredClone(event.object)),
      ...(event.previous === undefined
        ? {}
        : { previous: view.fromStorage(structuredClone(event.previous)) }),
    };
  }

  private wireObject(object: KubeObject): KubeObject | Record<string, unknown> {
    const typed = {
      ...object,
      apiVersion: groupVersion(this.spec.type),
      kind: this.spec.type.kind,
    };
    if (this.spec.asTable === undefined) return typed;
    const table = this.spec.asTable(typed, !this.tableSent);
    this.tableSent = true;
    return table;
  }

  private deliver(event: StoreEvent): void {
    const wire = this.filter(event);
    if (wire !== undefined) this.write(wire);
  }

  /** Sends a BOOKMARK carrying the current resourceVersion. */
  bookmark(annotations?: Record<string, string>): void {
    this.write({
      type: "BOOKMARK",
      object: {
        kind: this.spec.type.kind,
        apiVersion: groupVersion(this.spec.type),
        metadata: {
          resourceVersion: this.store.currentResourceVersion(),
          ...(annotations === undefined ? {} : { annotations }),
        },
      },
    });
  }

  private write(event: WireEvent): void {
    if (this.closed || this.stalled) return;
    this.sent += 1;
    this.response.write(`${JSON.stringify(event)}\n`);
  }

  /** Keeps the connection open but sends nothing more, not even the timeout's end. */
  stall(): void {
    this.stalled = true;
  }

  /** Cuts the connection without a clean end of the chunked body. */
  drop(): void {
    this.finish();
    this.response.socket?.destroy();
  }

  /** Sends an in-stream ERROR event with a 410 Expired Status, then ends the stream. */
  expire(requested: string, oldest: string): void {
    if (this.stalled) return;
    this.write({ type: "ERROR", object: expired(requested, oldest).status });
    this.end();
  }

  /** Ends the stream cleanly, as when timeoutSeconds passes. */
  end(): void {
    if (this.closed) return;
    this.finish();
    this.response.end();
  }

  /** Whether the stream is still open. */
  get open(): boolean {
    return !this.closed;
  }

  /** Whether the stream was stalled. */
  get isStalled(): boolean {
    return this.stalled;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.onClose(this);
  }
}
