// The durable CR → VVP deployment mapping: one ConfigMap per CR (ours), named
// from the CR's uid, in the CR's namespace (so RBAC stays within the watched
// namespaces and a deleted namespace takes its records along), labelled with
// the instanceId. A list+watch keeps an in-memory index current, so the
// steady state costs no Kubernetes request at all, and a record deleted out
// of band disappears from the index within one watch event: the next
// reconcile reports Consistent=False/DBRecordMissing instead of trusting a
// stale cache. Writes carry the resourceVersion (409 → re-read, retry).
import type { MappingStore } from "../execution/index.js";
import { OWNER_LABEL } from "../models/index.js";
import type { MappingRecord } from "../reconcile/index.js";
import { createInformer, type Informer, type WatchTiming } from "./informer.js";
import { isConflict, type KubeApi, type KubeObject } from "./kube-api.js";
import type { ControllerLogger } from "./logger.js";

/** The label that marks a ConfigMap as a mapping record. */
export const MAPPING_COMPONENT_LABEL = "app.kubernetes.io/component";
/** Its value. */
export const MAPPING_COMPONENT = "vvp-mapping";
/** The label that names the CR uid a record belongs to. */
export const MAPPING_CR_UID_LABEL = "ververica.platform/cr-uid";

/** The ConfigMap name of a CR's record. */
export function mappingConfigMapName(crUid: string): string {
  return `vvp-mapping-${crUid}`;
}

/** What the Kubernetes mapping store is built with. */
export interface KubernetesMappingStoreOptions {
  api: KubeApi;
  instanceId: string;
  namespaces: readonly string[];
  /** The namespace of the CR with this uid (the controller knows it from its cache). */
  namespaceOf(crUid: string): string | undefined;
  timing?: Partial<WatchTiming>;
  logger?: ControllerLogger;
  /** Called when a record changes or disappears, with the CR uid (the controller re-queues the CR). */
  onChange?(crUid: string): void;
}

/** A MappingStore on ConfigMaps, with the informer that feeds it. */
export interface KubernetesMappingStore extends MappingStore {
  start(): void;
  stop(): void;
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /** How many records the index holds. */
  size(): number;
}

/** Creates the ConfigMap-backed MappingStore. */
export function createKubernetesMappingStore(
  options: KubernetesMappingStoreOptions,
): KubernetesMappingStore {
  const { api, instanceId } = options;
  const byUid = new Map<string, KubeObject>();
  const informer: Informer = createInformer({
    api,
    resource: "configmaps",
    namespaces: options.namespaces,
    labelSelector: `${OWNER_LABEL}=${instanceId},${MAPPING_COMPONENT_LABEL}=${MAPPING_COMPONENT}`,
    ...(options.timing === undefined ? {} : { timing: options.timing }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    onChange: (change, object) => {
      const uid = uidOf(object);
      if (uid === undefined) return;
      const known = byUid.get(uid);
      if (change === "deleted") byUid.delete(uid);
      else byUid.set(uid, object);
      // The echo of our own write (already in the index) is no news.
      const echo =
        change === "deleted"
          ? known === undefined
          : known?.metadata?.resourceVersion === object.metadata?.resourceVersion;
      if (!echo) options.onChange?.(uid);
    },
  });

  const namespaceFor = (crUid: string): string => {
    const namespace = byUid.get(crUid)?.metadata?.namespace ?? options.namespaceOf(crUid);
    if (namespace === undefined) throw new Error(`no namespace known for the CR with uid ${crUid}`);
    return namespace;
  };

  const write = async (crUid: string, record: MappingRecord): Promise<KubeObject> => {
    const namespace = namespaceFor(crUid);
    const name = mappingConfigMapName(crUid);
    const body = configMap(name, namespace, crUid, record, instanceId);
    let current = byUid.get(crUid);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        if (current === undefined) return await api.create("configmaps", namespace, body);
        const resourceVersion = current.metadata?.resourceVersion;
        return await api.replace("configmaps", namespace, name, {
          ...body,
          metadata: {
            ...body.metadata,
            ...(resourceVersion === undefined ? {} : { resourceVersion }),
          },
        });
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Created elsewhere or changed since our read: re-read and write on top of it.
        current = (await api.get("configmaps", namespace, name)) ?? undefined;
      }
    }
    throw new Error(
      `the mapping record ${namespace}/${name} kept changing (409) while being saved`,
    );
  };

  return {
    async get(crUid) {
      // Never answer from an index that has not listed yet.
      await informer.synced;
      const object = byUid.get(crUid);
      return object === undefined ? null : recordOf(object);
    },
    async save(crUid, record) {
      await informer.synced;
      const existing = byUid.get(crUid);
      if (existing !== undefined && sameRecord(recordOf(existing), record)) return;
      byUid.set(crUid, await write(crUid, record));
    },
    async delete(crUid) {
      await informer.synced;
      const existing = byUid.get(crUid);
      if (existing === undefined) return;
      const namespace = existing.metadata?.namespace ?? namespaceFor(crUid);
      const name = mappingConfigMapName(crUid);
      try {
        await api.delete("configmaps", namespace, name, {
          ...(existing.metadata?.resourceVersion === undefined
            ? {}
            : { resourceVersion: existing.metadata.resourceVersion }),
        });
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Changed since our read; it is ours to delete all the same.
        await api.delete("configmaps", namespace, name);
      }
      byUid.delete(crUid);
    },
    start: () => informer.start(),
    stop: () => informer.stop(),
    synced: informer.synced,
    hasSynced: () => informer.hasSynced(),
    size: () => byUid.size,
  };
}

function uidOf(object: KubeObject): string | undefined {
  const data = object.data as Record<string, unknown> | undefined;
  const uid = object.metadata?.labels?.[MAPPING_CR_UID_LABEL] ?? data?.crUid;
  return typeof uid === "string" && uid !== "" ? uid : undefined;
}

function recordOf(object: KubeObject): MappingRecord | null {
  const data = (object.data ?? {}) as Record<string, unknown>;
  const { deploymentId, vvpNamespace, instanceId } = data;
  if (
    typeof deploymentId !== "string" ||
    typeof vvpNamespace !== "string" ||
    typeof instanceId !== "string"
  ) {
    // ours: a record edited into nonsense counts as missing, so Consistent says so.
    return null;
  }
  return { deploymentId, vvpNamespace, instanceId };
}

function sameRecord(a: MappingRecord | null, b: MappingRecord): boolean {
  return (
    a !== null &&
    a.deploymentId === b.deploymentId &&
    a.vvpNamespace === b.vvpNamespace &&
    a.instanceId === b.instanceId
  );
}

function configMap(
  name: string,
  namespace: string,
  crUid: string,
  record: MappingRecord,
  instanceId: string,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      labels: {
        [OWNER_LABEL]: instanceId,
        [MAPPING_COMPONENT_LABEL]: MAPPING_COMPONENT,
        [MAPPING_CR_UID_LABEL]: crUid,
        "app.kubernetes.io/managed-by": "vvp-operator",
      },
    },
    data: {
      crUid,
      deploymentId: record.deploymentId,
      vvpNamespace: record.vvpNamespace,
      instanceId: record.instanceId,
    },
  };
}
