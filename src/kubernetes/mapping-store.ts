// The durable CR → VVP deployment mapping: one VvpDeploymentMapping object
// per CR (ours; a CRD of our own, so RBAC keeps it to the operator and users
// get nothing on it), named from the CR's uid, in the CR's namespace (so RBAC
// stays within the watched namespaces and a deleted namespace takes its
// records along), labelled with the instanceId. Records an earlier version
// kept in ConfigMaps are migrated on first read: copied into a mapping object,
// then the ConfigMap is deleted. The record is never trusted alone: the core
// acts on a deployment only if it carries the CR's cr-uid and our owner label. A list+watch keeps an in-memory index current, so the
// steady state costs no Kubernetes request at all, and a record deleted out
// of band disappears from the index within one watch event: the next
// reconcile reports Consistent=False/DBRecordMissing instead of trusting a
// stale cache. Writes carry the resourceVersion (409 → re-read, retry).

import { MAPPING_KIND, MAPPING_PLURAL } from "../crd/index.js";
import type { MappingStore } from "../execution/index.js";
import { API_VERSION, OWNER_LABEL } from "../models/index.js";
import type { MappingRecord } from "../reconcile/index.js";
import { createInformer, type Informer, type WatchTiming } from "./informer.js";
import { isConflict, type KubeApi, type KubeObject } from "./kube-api.js";
import type { ControllerLogger } from "./logger.js";

/** The label that marks an object as a mapping record. */
export const MAPPING_COMPONENT_LABEL = "app.kubernetes.io/component";
/** Its value. */
export const MAPPING_COMPONENT = "vvp-mapping";
/** The label that names the CR uid a record belongs to. */
export const MAPPING_CR_UID_LABEL = "ververica.platform/cr-uid";

/** The object name of a CR's record (the same for the CRD object and a legacy ConfigMap). */
export function mappingRecordName(crUid: string): string {
  return `vvp-mapping-${crUid}`;
}

/** The name of a CR's record as an earlier version kept it in a ConfigMap. */
export const mappingConfigMapName = mappingRecordName;

const RESOURCE = MAPPING_PLURAL as "vvpdeploymentmappings";

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
  /**
   * The cached CR's own copies of its uid and recorded deployment id, so an
   * index entry holds no second copy of equal strings (the controller's CR
   * cache; memory only).
   */
  crStrings?(crUid: string): { uid: string; deploymentId: unknown } | undefined;
}

/** A MappingStore on VvpDeploymentMapping objects, with the informer that feeds it. */
export interface KubernetesMappingStore extends MappingStore {
  start(): void;
  stop(): void;
  readonly synced: Promise<void>;
  hasSynced(): boolean;
  /** How many records the index holds. */
  size(): number;
  /** The index's copies of the CR uid and deployment id of a record (so the CR cache can share them), or undefined. */
  strings(crUid: string): { crUid: string; deploymentId: unknown } | undefined;
  /**
   * The resourceVersion of the CR's record as the index holds it now
   * (undefined when it holds none): it changes whenever the record does, so
   * the controller can tell, without a read, that a record is the one an
   * earlier cycle decided from.
   */
  versionOf(crUid: string): string | undefined;
}

/** Creates the VvpDeploymentMapping-backed MappingStore. */
export function createKubernetesMappingStore(
  options: KubernetesMappingStoreOptions,
): KubernetesMappingStore {
  const { api, instanceId } = options;
  const byUid = new Map<string, KubeObject>();
  const labelSelector = `${OWNER_LABEL}=${instanceId},${MAPPING_COMPONENT_LABEL}=${MAPPING_COMPONENT}`;
  const informer: Informer = createInformer({
    api,
    resource: RESOURCE,
    namespaces: options.namespaces,
    labelSelector,
    ...(options.timing === undefined ? {} : { timing: options.timing }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    // The index keeps what the store reads, not the whole object.
    transform: (object) => indexed(object, options.crStrings),
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
    const name = mappingRecordName(crUid);
    const body = mappingObject(name, namespace, crUid, record, instanceId);
    let current = byUid.get(crUid);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        if (current === undefined) return await api.create(RESOURCE, namespace, body);
        const resourceVersion = current.metadata?.resourceVersion;
        return await api.replace(RESOURCE, namespace, name, {
          ...body,
          metadata: {
            ...body.metadata,
            ...(resourceVersion === undefined ? {} : { resourceVersion }),
          },
        });
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Created elsewhere or changed since our read: re-read and write on top of it.
        current = (await api.get(RESOURCE, namespace, name)) ?? undefined;
      }
    }
    throw new Error(
      `the mapping record ${namespace}/${name} kept changing (409) while being saved`,
    );
  };

  // Records of an earlier version, in ConfigMaps: listed once (the first read
  // that misses), then each migrated on its first read.
  let legacy: Promise<Map<string, KubeObject>> | undefined;
  const legacyRecords = (): Promise<Map<string, KubeObject>> => {
    legacy ??= (async () => {
      const found = new Map<string, KubeObject>();
      for (const namespace of options.namespaces) {
        const list = await api.list("configmaps", namespace, { labelSelector });
        for (const item of list.items) {
          const uid = uidOf(item);
          if (uid !== undefined) found.set(uid, item);
        }
      }
      return found;
    })().catch((error: unknown) => {
      legacy = undefined;
      throw error;
    });
    return legacy;
  };
  const migrate = async (crUid: string): Promise<MappingRecord | null> => {
    const records = await legacyRecords();
    const old = records.get(crUid);
    if (old === undefined) return null;
    const record = recordOf(old);
    if (record !== null) byUid.set(crUid, indexed(await write(crUid, record), options.crStrings));
    const namespace = old.metadata?.namespace ?? namespaceFor(crUid);
    await api.delete("configmaps", namespace, old.metadata?.name ?? mappingRecordName(crUid));
    records.delete(crUid);
    options.logger?.info(
      { namespace, crUid, migrated: record !== null },
      "mapping record moved from its ConfigMap to a VvpDeploymentMapping",
    );
    return record;
  };

  return {
    async get(crUid) {
      // Never answer from an index that has not listed yet.
      await informer.synced;
      const object = byUid.get(crUid);
      if (object !== undefined) return recordOf(object);
      return migrate(crUid);
    },
    async save(crUid, record) {
      await informer.synced;
      const existing = byUid.get(crUid);
      if (existing !== undefined && sameRecord(recordOf(existing), record)) return;
      byUid.set(crUid, indexed(await write(crUid, record), options.crStrings));
    },
    async delete(crUid) {
      await informer.synced;
      const existing = byUid.get(crUid);
      if (existing === undefined) return;
      const namespace = existing.metadata?.namespace ?? namespaceFor(crUid);
      const name = mappingRecordName(crUid);
      try {
        await api.delete(RESOURCE, namespace, name, {
          ...(existing.metadata?.resourceVersion === undefined
            ? {}
            : { resourceVersion: existing.metadata.resourceVersion }),
        });
      } catch (error) {
        if (!isConflict(error)) throw error;
        // Changed since our read; it is ours to delete all the same.
        await api.delete(RESOURCE, namespace, name);
      }
      byUid.delete(crUid);
    },
    start: () => informer.start(),
    stop: () => informer.stop(),
    synced: informer.synced,
    hasSynced: () => informer.hasSynced(),
    size: () => byUid.size,
    versionOf: (crUid) => byUid.get(crUid)?.metadata?.resourceVersion,
    strings: (crUid) => {
      const spec = byUid.get(crUid)?.spec as { crUid?: string; deploymentId?: unknown } | undefined;
      return spec?.crUid === undefined
        ? undefined
        : { crUid: spec.crUid, deploymentId: spec.deploymentId };
    },
  };
}

/**
 * What the index keeps of a record object: its name, namespace and
 * resourceVersion (for writes over it and deletes) and the record's fields,
 * with the CR uid the labels or the record name (about a third of the object).
 */
function indexed(
  object: KubeObject,
  crStrings: KubernetesMappingStoreOptions["crStrings"],
): KubeObject {
  const fields = fieldsOf(object);
  const { vvpNamespace, instanceId } = fields;
  let { deploymentId } = fields;
  let crUid = uidOf(object);
  const cr = crUid === undefined ? undefined : crStrings?.(crUid);
  if (cr !== undefined) {
    crUid = cr.uid;
    if (cr.deploymentId === deploymentId) deploymentId = cr.deploymentId;
  }
  const metadata = object.metadata;
  // One literal shape for every record (conditional spreads gave each object a hidden class of its own).
  return {
    metadata: {
      name: metadata?.name,
      namespace: metadata?.namespace,
      resourceVersion: metadata?.resourceVersion,
    },
    spec: { crUid, deploymentId, vvpNamespace, instanceId },
  };
}

// A mapping object keeps the record in spec, a legacy ConfigMap in data.
function fieldsOf(object: KubeObject): Record<string, unknown> {
  // (List items carry no kind: tell them apart by the field present.)
  const fields = isObject(object.spec) ? object.spec : object.data;
  return fields !== null && typeof fields === "object" ? (fields as Record<string, unknown>) : {};
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function uidOf(object: KubeObject): string | undefined {
  const data = fieldsOf(object);
  const uid = object.metadata?.labels?.[MAPPING_CR_UID_LABEL] ?? data?.crUid;
  return typeof uid === "string" && uid !== "" ? uid : undefined;
}

function recordOf(object: KubeObject): MappingRecord | null {
  const { deploymentId, vvpNamespace, instanceId } = fieldsOf(object);
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

function mappingObject(
  name: string,
  namespace: string,
  crUid: string,
  record: MappingRecord,
  instanceId: string,
): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: MAPPING_KIND,
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
    spec: {
      crUid,
      deploymentId: record.deploymentId,
      vvpNamespace: record.vvpNamespace,
      instanceId: record.instanceId,
    },
  };
}
