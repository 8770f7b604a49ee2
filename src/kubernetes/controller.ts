// createVvpDeploymentController: list+watch VvpDeployments of one instance,
// a controller-runtime-style work queue, reconcileOnce per key, and the
// writes Kubernetes needs (finalizer before any VVP create, status through
// the subresource, Events), with tokens from Secrets and the mapping in
// ConfigMaps. The periodic resync observes VVP with one list per VVP
// namespace and hands each reconcile the deployment it read.
import type { KubeConfig } from "@kubernetes/client-node";
import {
  listOwnedDeployments,
  type MappingStore,
  type ReconcileOnceResult,
  reconcileOnce,
} from "../execution/index.js";
import { OWNER_LABEL, type VvpDeployment } from "../models/index.js";
import {
  createVvpClient,
  type Deployment,
  isVvpApiError,
  type VvpClient,
} from "../vvp-client/index.js";
import type { BackoffOptions } from "./backoff.js";
import { createClientNodeKubeApi } from "./client-node-api.js";
import {
  APIKEY_SECRET_ANNOTATION,
  crFields,
  deploymentIdOf,
  keyOf,
  splitKey,
  type TokenProblem,
  withHealthyUnknown,
} from "./cr-fields.js";
import { createFinalizerWriter, writeStatus } from "./cr-writes.js";
import { createEventRecorder } from "./events.js";
import { fleetGroups, forEachMatch } from "./fleet.js";
import { createInformer, type WatchTiming } from "./informer.js";
import type { KubeApi, KubeObject } from "./kube-api.js";
import { type ControllerLogger, errorFields, silentLogger } from "./logger.js";
import { createKubernetesMappingStore, type KubernetesMappingStore } from "./mapping-store.js";
import { createCrSlimmer } from "./slim-cache.js";
import { type SteadyCycle, sameInputs, sameMapping, steadyCycleOf } from "./steady-cycles.js";
import { createTokenCache, TokenUnavailableError } from "./tokens.js";
import { type RetryBucket, WorkQueue } from "./work-queue.js";

/** Hooks the controller calls so a host can export controller-runtime's metrics. */
export interface ControllerMetrics {
  /** One reconcile ended; result as controller-runtime labels it. */
  reconcileDone(result: "success" | "error" | "requeue" | "requeue_after", seconds: number): void;
  /** The number of workers reconciling right now. */
  activeWorkers(count: number): void;
  /** The queue's depth after a change. */
  queueDepth(depth: number): void;
  /** A key was added to the queue (controller-runtime's workqueue_adds_total). */
  queueAdd(): void;
  /** A key was re-queued with rate limiting after a failure (workqueue_retries_total). */
  queueRetry(): void;
}

/** Options of createVvpDeploymentController. */
export interface VvpDeploymentControllerOptions {
  /** Where the API server is and how to authenticate (client-node). */
  kubeConfig: KubeConfig;
  /** The operator's instanceId: only CRs labelled `ververica.platform/owner=<instanceId>` are read. */
  instanceId: string;
  /** The namespaces whose VvpDeployments are reconciled. */
  watchedNamespaces: readonly string[];
  /** VVP's root URL, an instrumented fetch, and the per-request timeout. */
  vvp: { baseUrl: string; fetch?: typeof fetch; timeoutMs?: number };
  /** Workers reconciling in parallel (default 4; one key never on two at once). */
  concurrency?: number;
  /** Every CR is reconciled at least this often, VVP being observed in one list per namespace (default 300 000). */
  resyncPeriodMs?: number;
  /** Where the CR → VVP mapping lives (default: one ConfigMap per CR, in its namespace). */
  mappingStore?: MappingStore;
  /** A pino-compatible logger (default silent). */
  logger?: ControllerLogger;
  /** Metrics hooks (controller-runtime's names in the operator). */
  metrics?: ControllerMetrics;
  /** Per-key backoff after a failed reconcile (default 5 ms → 1000 s). */
  backoff?: BackoffOptions;
  /** The retry budget shared by all keys (default 10 per second beyond bursts of 100). */
  retryBucket?: RetryBucket;
  /** Timing of every list+watch loop. */
  watch?: Partial<WatchTiming>;
  /** How long a token read from a Secret is used (default 60 000). */
  tokenTtlMs?: number;
  /**
   * False when the operator runs without API-key auth (Helm value
   * `webhook.apiKeyValidation.enabled: false`): a CR without the
   * apikeySecretName annotation then calls VVP with no token. Default true.
   */
  apiKey?: boolean;
  /** events.k8s.io reportingInstance (default the instanceId; the operator passes its pod name). */
  reportingInstance?: string;
  /** The time of each reconcile (default the wall clock). */
  now?: () => Date;
  /** Limit of each Kubernetes call (default 30 000 ms); watches have their own timers. */
  kubeRequestTimeoutMs?: number;
  /** Replaces the client-node port (tests, another client). */
  kubeApi?: KubeApi;
}

/** A running controller. */
export interface VvpDeploymentController {
  /** Starts the watches, then the workers and the resync once every namespace has listed. */
  start(): void;
  /** Stops taking work, lets in-flight reconciles finish (bounded), closes the watches; a stopped controller is not started again (create a new one). */
  stop(options?: { drainTimeoutMs?: number }): Promise<void>;
  /** Resolves once every watched namespace has listed (CRs and mapping records). */
  readonly synced: Promise<void>;
  /** The readiness probe's answer. */
  hasSynced(): boolean;
  /** Reconciles every CR now (the periodic resync, on demand). */
  resync(): Promise<void>;
  /** Counters for diagnostics and tests. */
  stats(): ControllerStats;
}

/** What the controller did so far. */
export interface ControllerStats {
  /** reconcileOnce runs (a status write that conflicted is followed by another run). */
  reconciles: number;
  /**
   * Reconciles of a resync answered from the CR's last cycle, whose inputs
   * (CR version, listed deployment, mapping record) had not changed (counted
   * in `reconciles` too).
   */
  unchanged: number;
  /** Status writes refused with 409 (then re-read and reconciled again). */
  conflicts: number;
  /** Watch events skipped because their version was already handled (our own writes). */
  skipped: number;
  /** Reconciles that failed and were re-queued with backoff. */
  errors: number;
  /** VVP list requests of the fleet resyncs. */
  fleetLists: number;
  /** Keys waiting in the queue. */
  queueDepth: number;
  /** Keys being reconciled. */
  inFlight: number;
  /** Keys with a pending requeue-after or backoff. */
  delayed: number;
}

/** What one reconcile of a key ended with. */
type KeyOutcome =
  | { kind: "done"; requeueAfterMs: number; handled: string[] }
  | { kind: "conflict" };

/** How many handled resourceVersions are remembered per CR. */
const HANDLED_VERSIONS = 4;

const noMetrics: ControllerMetrics = {
  reconcileDone: () => {},
  activeWorkers: () => {},
  queueDepth: () => {},
  queueAdd: () => {},
  queueRetry: () => {},
};

/** Creates the controller; nothing runs before start(). */
export function createVvpDeploymentController(
  options: VvpDeploymentControllerOptions,
): VvpDeploymentController {
  const api =
    options.kubeApi ??
    createClientNodeKubeApi(options.kubeConfig, {
      ...(options.kubeRequestTimeoutMs === undefined
        ? {}
        : { requestTimeoutMs: options.kubeRequestTimeoutMs }),
    });
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noMetrics;
  const now = options.now ?? (() => new Date());
  const { instanceId } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const resyncPeriodMs = options.resyncPeriodMs ?? 300_000;
  const apiKeyRequired = options.apiKey ?? true;

  const queue = new WorkQueue({
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.retryBucket === undefined ? {} : { retryBucket: options.retryBucket }),
    hooks: metrics,
  });
  /** The cached CR of each uid (a reference: no string of its own per CR). */
  const crByUid = new Map<string, KubeObject>();
  /** Per CR key, the versions it handled: one (a steady CR's), or the last HANDLED_VERSIONS. */
  const handledVersions = new Map<string, string | string[]>();
  const prefetched = new Map<string, Deployment>();
  /** Per CR key, the last full cycle when it may answer the next resync (steady-cycles.ts). */
  const steadyCycles = new Map<string, SteadyCycle>();
  /**
   * Per CR key, the remembered cycle whose CR version and deployment (id,
   * resourceVersion, status) the last resync's list found unchanged: the
   * listed copy itself is not kept (a steady fleet's list is garbage at once).
   */
  const listedUnchanged = new Map<string, SteadyCycle>();
  const crs = createInformer({
    api,
    resource: "vvpdeployments",
    namespaces: options.watchedNamespaces,
    // Another instance's CRs are never even read.
    labelSelector: `${OWNER_LABEL}=${instanceId}`,
    ...(options.watch === undefined ? {} : { timing: options.watch }),
    logger,
    transform: createCrSlimmer(),
    onChange: (change, object) => {
      const key = keyOf(object);
      if (change !== "deleted") shareMappingStrings(object);
      const uid = object.metadata?.uid;
      if (uid !== undefined) {
        if (change === "deleted") crByUid.delete(uid);
        else crByUid.set(uid, object);
      }
      if (change === "deleted") {
        prefetched.delete(key);
        listedUnchanged.delete(key);
        steadyCycles.delete(key);
      }
      queue.add(key);
    },
  });
  const ownStore: KubernetesMappingStore | undefined =
    options.mappingStore === undefined
      ? createKubernetesMappingStore({
          api,
          instanceId,
          namespaces: options.watchedNamespaces,
          namespaceOf: (uid) => crByUid.get(uid)?.metadata?.namespace,
          ...(options.watch === undefined ? {} : { timing: options.watch }),
          logger,
          crStrings: (uid) => {
            const cr = crByUid.get(uid);
            const metadata = cr?.metadata;
            return metadata?.uid === undefined
              ? undefined
              : { uid: metadata.uid, deploymentId: deploymentIdOf(cr as KubeObject) };
          },
          // A record changed or deleted behind our back: look at its CR now.
          onChange: (uid) => {
            const cr = crByUid.get(uid);
            if (cr !== undefined) queue.add(keyOf(cr), true);
          },
        })
      : undefined;
  const mappingStore: MappingStore = options.mappingStore ?? (ownStore as MappingStore);

  /** The CR takes the mapping index's copies of its uid and deployment id when equal (memory only). */
  function shareMappingStrings(cr: KubeObject): void {
    const uid = cr.metadata?.uid;
    const indexed = uid === undefined ? undefined : ownStore?.strings(uid);
    if (indexed === undefined || cr.metadata === undefined) return;
    cr.metadata.uid = indexed.crUid;
    const status = cr.status as { deploymentId?: unknown } | undefined;
    if (status !== undefined && status.deploymentId === indexed.deploymentId) {
      status.deploymentId = indexed.deploymentId;
    }
  }
  const tokens = createTokenCache({
    api,
    ...(options.tokenTtlMs === undefined ? {} : { ttlMs: options.tokenTtlMs }),
  });
  const events = createEventRecorder({
    api,
    reportingInstance: options.reportingInstance ?? instanceId,
    now,
    logger,
  });
  const clients = new Map<string, VvpClient>();
  const counters = {
    reconciles: 0,
    unchanged: 0,
    conflicts: 0,
    skipped: 0,
    errors: 0,
    fleetLists: 0,
  };
  let running = false;
  let stopping = false;
  let activeWorkers = 0;
  let resyncTimer: NodeJS.Timeout | undefined;
  let resyncing: Promise<void> | undefined;
  const workers: Promise<void>[] = [];

  const synced = Promise.all([crs.synced, ownStore?.synced]).then(() => {});

  /** The VVP client of a CR's Secret (one per Secret; the token is read per request from the cache). */
  const clientFor = async (cr: KubeObject): Promise<VvpClient> => {
    const namespace = cr.metadata?.namespace ?? "";
    const secretName = cr.metadata?.annotations?.[APIKEY_SECRET_ANNOTATION];
    if (secretName === undefined || secretName === "") {
      if (apiKeyRequired) {
        throw new TokenUnavailableError(
          "SecretNotFound",
          { namespace, name: "" },
          `cannot read the VVP API token: the CR has no ${APIKEY_SECRET_ANNOTATION} annotation`,
        );
      }
      return clientWith("", undefined);
    }
    // Read now so a missing Secret is reported as such, not as a failed VVP call.
    await tokens.token(namespace, secretName);
    return clientWith(`${namespace}/${secretName}`, { namespace, secretName });
  };

  const clientWith = (
    key: string,
    secret: { namespace: string; secretName: string } | undefined,
  ) => {
    const existing = clients.get(key);
    if (existing !== undefined) return existing;
    const client = createVvpClient({
      baseUrl: options.vvp.baseUrl,
      ...(options.vvp.fetch === undefined ? {} : { fetch: options.vvp.fetch }),
      ...(options.vvp.timeoutMs === undefined ? {} : { timeoutMs: options.vvp.timeoutMs }),
      ...(secret === undefined
        ? {}
        : { token: () => tokens.token(secret.namespace, secret.secretName) }),
      log: (entry) => {
        logger.debug({ ...entry }, "vvp call");
        // VVP refused the token: it may have been rotated, read the Secret again.
        if (secret !== undefined && entry.status === 401)
          tokens.invalidate(secret.namespace, secret.secretName);
      },
    });
    clients.set(key, client);
    return client;
  };

  /** A token problem the author or an admin must fix: Healthy=Unknown with its reason, naming the Secret, and a Warning Event. */
  const reportTokenProblem = async (cr: KubeObject, reason: TokenProblem, message: string) => {
    const status = (cr.status ?? {}) as Record<string, unknown>;
    const next = withHealthyUnknown(
      status,
      reason,
      message,
      now().toISOString(),
      cr.metadata?.generation,
    );
    try {
      await writeStatus(api, cr, status, next);
    } catch (writeError) {
      logger.warn({ ...crFields(keyOf(cr)), ...errorFields(writeError) }, "status not written");
    }
    await events.record(cr, { type: "Warning", reason, action: "ReadApiKey", note: message });
  };

  /** The mapping record's version in our store (undefined: none); with a custom store, undefined (the cycle's observed record is kept). */
  const mappingVersion = (cr: KubeObject): string | undefined => {
    const uid = cr.metadata?.uid;
    return uid === undefined ? undefined : ownStore?.versionOf(uid);
  };

  const reconcileCr = async (
    key: string,
    cr: KubeObject,
    deployment: Deployment | undefined,
  ): Promise<KeyOutcome> => {
    steadyCycles.delete(key);
    let client: VvpClient;
    try {
      client = await clientFor(cr);
    } catch (error) {
      if (error instanceof TokenUnavailableError) {
        await reportTokenProblem(cr, "ApiKeySecretUnavailable", error.message);
      }
      throw error;
    }
    const written: string[] = [];
    const onWritten = (version: string) => written.push(version);
    const writer = createFinalizerWriter(api, cr, onWritten);
    const mappingBefore = mappingVersion(cr);
    let result: ReconcileOnceResult;
    try {
      result = await reconcileOnce({
        cr: cr as unknown as VvpDeployment,
        client,
        mappingStore,
        instanceId,
        now: now().toISOString(),
        finalizers: writer,
        ...(deployment === undefined ? {} : { prefetched: { deployment } }),
      });
    } catch (error) {
      // VVP refused the token read from the Secret: the same kind of problem.
      const secretName = cr.metadata?.annotations?.[APIKEY_SECRET_ANNOTATION];
      if (isVvpApiError(error) && (error.status === 401 || error.status === 403) && secretName) {
        await reportTokenProblem(
          writer.current,
          "ApiKeyRejected",
          `VVP refused the API token of Secret ${cr.metadata?.namespace}/${secretName} (HTTP ${error.status})`,
        );
      }
      throw error;
    }
    // The CR changed under the finalizer write: nothing was done in VVP; no
    // Events or status from a stale read, the fresh CR is reconciled instead.
    if (writer.stale) return { kind: "conflict" };
    logReconciled(cr, result);
    for (const event of result.events) {
      await events.record(writer.current, {
        type: event.type,
        reason: event.reason,
        action: "Reconcile",
        note: event.message,
      });
    }
    if (result.changed && !writer.released) {
      const outcome = await writeStatus(
        api,
        writer.current,
        cr.status,
        result.cr.status,
        onWritten,
      );
      if (outcome === "conflict") return { kind: "conflict" };
    }
    if (deployment !== undefined && written.length === 0) {
      const mapping = ownStore === undefined ? result.observed?.mapping : mappingBefore;
      const after = ownStore === undefined ? mapping : mappingVersion(cr);
      const steady = steadyCycleOf(cr, deployment, result, mapping, after);
      if (steady !== undefined) steadyCycles.set(key, steady);
    }
    const start = cr.metadata?.resourceVersion;
    return {
      kind: "done",
      requeueAfterMs: result.requeueAfterMs,
      handled: start === undefined ? written : [start, ...written],
    };
  };

  /**
   * One line per reconcile with the CR, what it did and where it stands; a
   * cycle that changed nothing (a resync in the steady state) only at debug,
   * so a fleet's resync does not flood the log.
   */
  const logReconciled = (cr: KubeObject, result: ReconcileOnceResult) => {
    const fields = reconciledFields(
      keyOf(cr),
      result.cr.status,
      result.outcomes.map((outcome) => `${outcome.action.type}:${outcome.result}`),
      result.requeueAfterMs,
    );
    if (result.changed) logger.info(fields, "reconciled");
    else logger.debug(fields, "reconciled");
  };

  const reconciledFields = (
    key: string,
    status: VvpDeployment["status"],
    actions: string[],
    requeueAfterMs: number,
  ) => {
    const healthy = status?.conditions?.find((condition) => condition.type === "Healthy");
    return {
      ...crFields(key),
      actions,
      healthy: healthy === undefined ? undefined : `${healthy.status}/${healthy.reason}`,
      actualState: status?.actualState,
      requeueAfterMs,
    };
  };

  const debugLogged =
    (logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.bind(logger) ??
    (() => logger !== silentLogger);

  /**
   * The answer of the CR's last cycle when the resync's list found its
   * deployment as that cycle left it, and the CR and its mapping record are
   * too (steady-cycles.ts); else undefined: run the cycle. Synchronous with
   * our own mapping store; a custom store is read.
   */
  const unchangedAnswer = (
    key: string,
    cr: KubeObject,
    version: string,
  ): number | undefined | Promise<number | undefined> => {
    const steady = listedUnchanged.get(key);
    if (steady === undefined) return undefined;
    listedUnchanged.delete(key);
    if (steadyCycles.get(key) !== steady || steady.crVersion !== version) return undefined;
    const uid = cr.metadata?.uid ?? "";
    return ownStore === undefined
      ? mappingStore.get(uid).then((mapping) => answerUnchanged(key, cr, version, steady, mapping))
      : answerUnchanged(key, cr, version, steady, ownStore.versionOf(uid));
  };

  /** The remembered answer when the mapping record is the one its cycle read (counted and logged as a reconcile), else undefined. */
  const answerUnchanged = (
    key: string,
    cr: KubeObject,
    version: string,
    steady: SteadyCycle,
    mapping: SteadyCycle["mapping"],
  ): number | undefined => {
    if (!sameMapping(steady.mapping, mapping)) return undefined;
    if (debugLogged("debug")) {
      const status = (cr as unknown as VvpDeployment).status;
      logger.debug(reconciledFields(key, status, [], steady.requeueAfterMs), "reconciled");
    }
    counters.reconciles += 1;
    counters.unchanged += 1;
    remember(key, version);
    return steady.requeueAfterMs;
  };

  /**
   * Reconciles one key; a status write that lost a race is re-read and
   * reconciled again. A watch event for a version this controller already
   * handled (the one a reconcile started from, or wrote itself) is skipped:
   * our own finalizer and status writes, or a stale cached copy of them, need
   * no second reconcile (ours; a resync, requeue or retry always runs).
   */
  const processKey = (key: string): number | "skipped" | Promise<number | "skipped"> => {
    const [namespace = "", name = ""] = splitKey(key);
    const forced = queue.takeForced(key);
    const cr = crs.get(namespace, name);
    if (cr === undefined) {
      handledVersions.delete(key);
      steadyCycles.delete(key);
      listedUnchanged.delete(key);
    }
    const version = cr?.metadata?.resourceVersion;
    if (!forced && version !== undefined && handled(key, version)) {
      counters.skipped += 1;
      return "skipped";
    }
    if (cr !== undefined && version !== undefined) {
      const answer = unchangedAnswer(key, cr, version);
      if (typeof answer === "number") return answer;
      if (answer !== undefined) {
        return answer.then((known) => known ?? reconcileKey(key, namespace, name, cr));
      }
    }
    return reconcileKey(key, namespace, name, cr);
  };

  const reconcileKey = async (
    key: string,
    namespace: string,
    name: string,
    first: KubeObject | undefined,
  ): Promise<number> => {
    let cr = first;
    const deployment = prefetched.get(key);
    prefetched.delete(key);
    listedUnchanged.delete(key);
    for (let attempt = 0; cr !== undefined; attempt += 1) {
      counters.reconciles += 1;
      const outcome = await reconcileCr(key, cr, attempt === 0 ? deployment : undefined);
      if (outcome.kind === "done") {
        remember(key, ...outcome.handled);
        return outcome.requeueAfterMs;
      }
      counters.conflicts += 1;
      if (attempt >= 2) throw new Error("the status write kept conflicting (409)");
      logger.debug(crFields(key), "status write conflicted; reconciling the fresh CR");
      cr = (await api.get("vvpdeployments", namespace, name)) ?? undefined;
    }
    return 0;
  };

  /** Adds versions to the CR's handled ones (the last HANDLED_VERSIONS are kept). */
  const remember = (key: string, ...versions: string[]) => {
    const known = handledVersions.get(key);
    const last = typeof known === "string" ? known : known?.at(-1);
    if (versions.length === 1 && last === versions[0]) return;
    const remembered = [...(known === undefined ? [] : [known].flat()), ...versions].slice(
      -HANDLED_VERSIONS,
    );
    handledVersions.set(key, remembered.length === 1 ? (remembered[0] as string) : remembered);
  };

  const handled = (key: string, version: string): boolean => {
    const known = handledVersions.get(key);
    return typeof known === "string" ? known === version : (known?.includes(version) ?? false);
  };

  const work = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      activeWorkers += 1;
      metrics.activeWorkers(activeWorkers);
      const started = performance.now();
      let result: "success" | "error" | "requeue_after" | "skipped" = "success";
      try {
        const processed = processKey(key);
        const requeueAfterMs = typeof processed === "object" ? await processed : processed;
        if (requeueAfterMs === "skipped") result = "skipped";
        else queue.forget(key);
        // ours: a requeue no sooner than the resync is left to the resync,
        // which observes the whole fleet with one VVP list per namespace.
        if (
          typeof requeueAfterMs === "number" &&
          requeueAfterMs > 0 &&
          requeueAfterMs < resyncPeriodMs
        ) {
          result = "requeue_after";
          queue.addAfter(key, requeueAfterMs);
        }
      } catch (error) {
        result = "error";
        counters.errors += 1;
        logger.warn(
          { ...crFields(key), failures: queue.failures(key) + 1, ...errorFields(error) },
          "reconcile failed",
        );
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
        activeWorkers -= 1;
        metrics.activeWorkers(activeWorkers);
        if (result !== "skipped") {
          metrics.reconcileDone(result, (performance.now() - started) / 1000);
        }
      }
    }
  };

  /** Observes VVP for every CR in one list per (VVP namespace, token), then queues every CR. */
  const resyncFleet = async () => {
    const fleet = crs.list();
    for (const { vvpNamespace, representative, members } of fleetGroups(fleet)) {
      if (stopping) return;
      try {
        const client = await clientFor(representative);
        counters.fleetLists += 1;
        const listed = await listOwnedDeployments(client, { vvpNamespace, instanceId });
        forEachMatch(members, listed, (member, key, deployment) => {
          // A steady CR's deployment is compared now, so the list is not kept.
          const steady = steadyCycles.get(key);
          if (steady !== undefined && sameInputs(steady, member, deployment)) {
            listedUnchanged.set(key, steady);
            prefetched.delete(key);
          } else {
            prefetched.set(key, deployment);
            listedUnchanged.delete(key);
          }
        });
      } catch (error) {
        // Each CR then reads its own deployment.
        logger.warn({ vvpNamespace, ...errorFields(error) }, "fleet observation failed");
      }
    }
    // The CRs as the resync began: one created since was queued by its watch event.
    for (const cr of fleet) queue.add(keyOf(cr), true);
  };

  const resync = () => {
    resyncing ??= resyncFleet().finally(() => {
      resyncing = undefined;
    });
    return resyncing;
  };

  return {
    start() {
      if (running) return;
      running = true;
      crs.start();
      ownStore?.start();
      void synced.then(async () => {
        if (stopping) return;
        // Observe the fleet before the first reconcile, so start-up costs one
        // VVP list per namespace rather than one GET per CR.
        await resync();
        if (stopping) return;
        // No instanceId field: the host binds it to its logger once (the
        // operator's base fields), so no line carries it twice.
        logger.info({ namespaces: options.watchedNamespaces }, "caches synced; workers start");
        for (let index = 0; index < concurrency; index += 1) workers.push(work());
        resyncTimer = setInterval(() => void resync(), resyncPeriodMs);
        resyncTimer.unref?.();
      });
    },
    async stop({ drainTimeoutMs = 30_000 } = {}) {
      stopping = true;
      clearInterval(resyncTimer);
      queue.shutDown();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        Promise.all(workers).then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), drainTimeoutMs);
          timer.unref?.();
        }),
      ]);
      clearTimeout(timer);
      if (!drained)
        logger.warn({ inFlight: queue.inFlight }, "stopped before in-flight reconciles finished");
      crs.stop();
      ownStore?.stop();
    },
    synced,
    hasSynced: () => crs.hasSynced() && (ownStore?.hasSynced() ?? true),
    resync,
    stats: () => ({
      ...counters,
      queueDepth: queue.depth,
      inFlight: queue.inFlight,
      delayed: queue.delayed,
    }),
  };
}
