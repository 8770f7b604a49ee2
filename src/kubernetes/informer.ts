// The list+watch loop, owned here because client-node's informer stops for
// good after one error, relists in a storm on 410 and has no idle timeout.
// Per namespace: list (server-side label selector), then watch from the
// list's resourceVersion with bookmarks and a randomized timeoutSeconds;
// follow bookmarks; relist on 410 (HTTP status or in-stream ERROR); restart
// after any error with jittered exponential backoff; abort a watch that goes
// silent (half-open) after an idle timeout.
import { type BackoffOptions, exponentialDelay, jittered } from "./backoff.js";
import {
  isGone,
  type KubeApi,
  type KubeObject,
  type KubeResource,
  type KubeWatchEvent,
  statusError,
} from "./kube-api.js";
import { type ControllerLogger, errorFields, silentLogger } from "./logger.js";

/** Timing of the list+watch loop; tests shorten every value. */
export interface WatchTiming {
  /** Range of the watch's `timeoutSeconds`, drawn per request (client-go: 300–600). */
  timeoutSeconds: { min: number; max: number };
  /** A watch with no byte (event or bookmark) for this long is aborted and restarted. */
  idleTimeoutMs: number;
  /** Backoff between restarts after errors, jittered. */
  backoff: BackoffOptions;
}

/** Defaults as client-go's reflector: 5–10 minute watches, 0.8 s → 30 s restarts; an idle limit of ours. */
export const DEFAULT_WATCH_TIMING: WatchTiming = {
  timeoutSeconds: { min: 300, max: 600 },
  // ours: the API server sends a bookmark about every minute, so two silent
  // minutes mean a dead connection.
  idleTimeoutMs: 120_000,
  backoff: { baseMs: 800, maxMs: 30_000 },
};

/** Why an object reached the handler. */
export type InformerChange = "added" | "modified" | "deleted";

/** What the informer is built with. */
export interface InformerOptions {
  api: KubeApi;
  resource: KubeResource;
  namespaces: readonly string[];
  labelSelector?: string;
  timing?: Partial<WatchTiming>;
  logger?: ControllerLogger;
  random?: () => number;
  /** Called for every object listed or watched, and for each one that went away. */
  onChange?(change: InformerChange, object: KubeObject): void;
  /**
   * What the cache keeps of each listed or watched object (client-go's
   * SetTransform): the cache and `onChange` see the transformed object. It
   * must keep `metadata.name`. Default: the object as received.
   */
  transform?(object: KubeObject): KubeObject;
}

/** A cache of one resource kept current by list+watch. */
export interface Informer {
  start(): void;
  stop(): void;
  /** Resolves once every namespace has listed. */
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /** The cached object, or undefined. */
  get(namespace: string, name: string): KubeObject | undefined;
  /** Every cached object. */
  list(): KubeObject[];
  /** Counters for tests and diagnostics. */
  readonly stats: { lists: number; watches: number; restarts: number };
}

/** Thrown when a watch stayed silent longer than the idle timeout. */
export class WatchIdleError extends Error {
  override readonly name = "WatchIdleError";
}

/** Creates an informer; nothing happens before start(). */
export function createInformer(options: InformerOptions): Informer {
  const timing = { ...DEFAULT_WATCH_TIMING, ...options.timing };
  const logger = options.logger ?? silentLogger;
  const random = options.random ?? Math.random;
  const transform = options.transform ?? ((object: KubeObject) => object);
  const caches = new Map<string, Map<string, KubeObject>>();
  const syncedNamespaces = new Set<string>();
  const stops: (() => void)[] = [];
  const stats = { lists: 0, watches: 0, restarts: 0 };
  let stopped = false;
  let resolveSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => {
    resolveSynced = resolve;
  });

  const markSynced = (namespace: string) => {
    syncedNamespaces.add(namespace);
    if (syncedNamespaces.size === options.namespaces.length) resolveSynced();
  };
  if (options.namespaces.length === 0) resolveSynced();

  const applyList = (namespace: string, items: KubeObject[]) => {
    const previous = caches.get(namespace) ?? new Map<string, KubeObject>();
    const next = new Map<string, KubeObject>();
    for (const item of items) {
      const name = item.metadata?.name;
      if (name !== undefined) next.set(name, transform(item));
    }
    caches.set(namespace, next);
    for (const [name, object] of previous) {
      if (!next.has(name)) options.onChange?.("deleted", object);
    }
    for (const [name, object] of next)
      options.onChange?.(previous.has(name) ? "modified" : "added", object);
  };

  const applyEvent = (namespace: string, event: KubeWatchEvent) => {
    const cache = caches.get(namespace) ?? new Map<string, KubeObject>();
    caches.set(namespace, cache);
    const name = event.object.metadata?.name;
    if (name === undefined) return;
    const object = transform(event.object);
    if (event.type === "DELETED") {
      cache.delete(name);
      options.onChange?.("deleted", object);
      return;
    }
    const existed = cache.has(name);
    cache.set(name, object);
    options.onChange?.(existed ? "modified" : "added", object);
  };

  /**
   * One watch from `position.resourceVersion`, which follows every event and
   * bookmark (so a failed watch resumes where it was); resolves with the
   * number of events when the server ends it normally.
   */
  const watchOnce = (
    namespace: string,
    position: { resourceVersion: string },
    register: (abort: () => void) => void,
  ) =>
    new Promise<{ events: number }>((resolve, reject) => {
      const resourceVersion = position.resourceVersion;
      let events = 0;
      let idle: NodeJS.Timeout | undefined;
      let settled = false;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        watch.abort();
        if (error === undefined) resolve({ events });
        else reject(error);
      };
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(
          () => finish(new WatchIdleError(`no data for ${timing.idleTimeoutMs} ms`)),
          timing.idleTimeoutMs,
        );
        idle.unref?.();
      };
      const { min, max } = timing.timeoutSeconds;
      stats.watches += 1;
      const watch = options.api.watch(
        options.resource,
        namespace,
        {
          resourceVersion,
          ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
          timeoutSeconds: Math.round(min + (max - min) * random()),
          allowWatchBookmarks: true,
        },
        {
          onActivity: armIdle,
          onEvent: (event) => {
            if (settled) return;
            armIdle();
            if (event.type === "ERROR") {
              finish(statusError(event.object, 500));
              return;
            }
            const version = event.object.metadata?.resourceVersion;
            if (version !== undefined && version !== "") position.resourceVersion = version;
            // Bookmarks count: a quiet namespace's watch is healthy too.
            events += 1;
            if (event.type === "BOOKMARK") return;
            applyEvent(namespace, event);
          },
          onClose: (error) => finish(error),
        },
      );
      register(() => finish());
      armIdle();
    });

  const sleep = (ms: number, register: (abort: () => void) => void) =>
    new Promise<void>((resolve) => {
      const handle = setTimeout(resolve, ms);
      register(() => {
        clearTimeout(handle);
        resolve();
      });
    });

  /**
   * Lists the namespace into its cache; the list's resourceVersion, or
   * undefined once stopped. Its own function, so the listed objects are not
   * kept alive by the frame of `run`, which lives as long as the informer
   * (a frame's locals outlive their block).
   */
  const relist = async (namespace: string): Promise<string | undefined> => {
    stats.lists += 1;
    const list = await options.api.list(options.resource, namespace, {
      ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
    });
    if (stopped) return undefined;
    applyList(namespace, list.items);
    return list.resourceVersion;
  };

  const run = async (namespace: string) => {
    // undefined: (re)list first.
    let position: { resourceVersion: string } | undefined;
    let failures = 0;
    let abortCurrent: () => void = () => {};
    stops.push(() => abortCurrent());
    const register = (abort: () => void) => {
      abortCurrent = abort;
    };
    while (!stopped) {
      try {
        if (position === undefined) {
          const resourceVersion = await relist(namespace);
          if (resourceVersion === undefined) return;
          position = { resourceVersion };
          markSynced(namespace);
        }
        const ended = await watchOnce(namespace, position, register);
        // A watch the server ends at once, empty, would otherwise loop hot.
        if (ended.events > 0) failures = 0;
        else if (!stopped)
          await sleep(jittered(exponentialDelay(failures++, timing.backoff), random), register);
      } catch (error) {
        if (stopped) return;
        stats.restarts += 1;
        // 410: the resourceVersion is compacted away; only a relist recovers.
        if (isGone(error)) position = undefined;
        logger.warn(
          {
            resource: options.resource,
            namespace,
            relist: position === undefined,
            ...errorFields(error),
          },
          "watch restarts",
        );
        await sleep(jittered(exponentialDelay(failures++, timing.backoff), random), register);
      }
    }
  };

  return {
    start() {
      for (const namespace of options.namespaces) void run(namespace);
    },
    stop() {
      stopped = true;
      for (const stop of stops) stop();
    },
    synced,
    hasSynced: () => syncedNamespaces.size === options.namespaces.length,
    get: (namespace, name) => caches.get(namespace)?.get(name),
    list: () => [...caches.values()].flatMap((cache) => [...cache.values()]),
    stats,
  };
}
