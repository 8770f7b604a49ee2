// The fake's etcd and registry in one: objects per resource, a global
// revision counter for resourceVersions, the event history watches resume
// from, and the write semantics of the API server (preconditions,
// generation, status subresource, finalizers, namespace lifecycle).

import { objectMetaErrors } from "./built-in-rules.js";
import type { FieldValidation } from "./crd-enforcement.js";
import { toCauses } from "./crd-schema.js";
import {
  isPlainObject,
  type KubeObject,
  kubeTimestamp,
  metadataOf,
  type ObjectMeta,
  specPart,
} from "./objects.js";
import { jsonEqual } from "./patch.js";
import {
  builtInTypes,
  type CrdShape,
  groupVersion,
  qualifiedResource,
  type ResourceType,
  storageKey,
  typeKey,
  typesOfCrd,
} from "./resource-types.js";
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  invalid,
  KubeApiError,
  notFound,
  type ObjectRef,
  type StatusCause,
} from "./status.js";

/** A change to an object, as a watch reports it. */
export interface StoreEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** `group/version/plural` of the object's resource. */
  resource: string;
  object: KubeObject;
  /** The object before a MODIFIED (for selector transitions). */
  previous?: KubeObject;
  revision: number;
}

/** Checks a write: return causes to answer 422 Invalid; `oldObject` is absent on create. */
export type WriteValidator = (
  type: ResourceType,
  object: KubeObject,
  oldObject: KubeObject | undefined,
) => StatusCause[];

/** How the store stamps objects: a clock, uids and generateName suffixes. */
export interface StoreOptions {
  /** Revisions of history kept for watch resumption; older ones answer 410. */
  compactionWindow: number;
  now: () => Date;
  uid: () => string;
  nameSuffix: () => string;
  validate?: WriteValidator;
  /** Issue resourceVersions that are neither numbers nor ordered (catches clients that compare them). */
  scrambleResourceVersions?: boolean;
  /** Enforce each CRD's schema on its custom resources (default true). */
  enforceCrdSchemas?: boolean;
}

/** How a write's body is decoded: the fieldValidation directive and where warnings go. */
export interface DecodeOptions {
  /** Unknown fields: dropped silently, dropped with a warning, or 400 (default Ignore). */
  fieldValidation?: FieldValidation;
  /** Warnings for the response's Warning header. */
  warnings?: string[];
  /** The body is a patched object (its strict error is worded without the decode context). */
  patch?: boolean;
}

// A bijection on 32-bit revisions (multiplication by an odd constant) and its inverse.
const SCRAMBLE = 0x9e3779b1;
const UNSCRAMBLE = 0x0e8b2f51;

/** Which part of the object a write changes. */
export type WriteTarget = "main" | "status";

/** Options of a write: the subresource and server-side dry run. */
export interface WriteOptions {
  target?: WriteTarget;
  dryRun?: boolean;
  /** Direct server-side writes: skip the configured validator (test setup). */
  trusted?: boolean;
  /** Admission saw this version: a write finding another throws StaleWriteError (then admission reruns). */
  expectResourceVersion?: string;
  /** Decoding of the body (unknown fields, warnings). */
  decode?: DecodeOptions;
}

/** The object changed between admission and the write; kube-apiserver retries such writes. */
export class StaleWriteError extends Error {
  constructor() {
    super("the object changed during admission");
    this.name = "StaleWriteError";
  }
}

/** DELETE options the fake honours: preconditions and dry run. */
export interface DeleteOptions {
  preconditions?: { resourceVersion?: string; uid?: string };
  dryRun?: boolean;
  /** Admission saw this version (see WriteOptions). */
  expectResourceVersion?: string;
}

/** The result of a DELETE: the object and whether it is gone or only marked. */
export interface DeleteResult {
  object: KubeObject;
  deleted: boolean;
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const STRING_FIELDS = ["name", "generateName", "namespace", "resourceVersion", "uid"] as const;

// What JSON decoding into ObjectMeta refuses: the wrong type for a field it knows.
function metadataShapeError(metadata: ObjectMeta): string | undefined {
  for (const field of STRING_FIELDS) {
    const value = metadata[field];
    if (value !== undefined && value !== null && typeof value !== "string") {
      return `json: cannot unmarshal ${typeof value} into Go struct field ObjectMeta.metadata.${field} of type string`;
    }
  }
  const finalizers = metadata.finalizers;
  if (finalizers !== undefined && finalizers !== null) {
    if (!Array.isArray(finalizers) || finalizers.some((f) => typeof f !== "string")) {
      return "json: cannot unmarshal into Go struct field ObjectMeta.metadata.finalizers of type []string";
    }
  }
  for (const field of ["labels", "annotations"] as const) {
    const map = metadata[field];
    if (map === undefined || map === null) continue;
    if (!isPlainObject(map) || Object.values(map).some((v) => typeof v !== "string")) {
      return `json: cannot unmarshal into Go struct field ObjectMeta.metadata.${field} of type map[string]string`;
    }
  }
  return undefined;
}

/** In-memory API server state. */
export class ObjectStore {
  private revision = 0;
  private compactedThrough = 0;
  private history: StoreEvent[] = [];
  private readonly types = new Map<string, ResourceType>();
  private readonly crdTypes = new Map<string, string[]>();
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly options: StoreOptions) {
    for (const type of builtInTypes()) this.register(type);
  }

  /** The current revision, as a resourceVersion string. */
  currentResourceVersion(): string {
    return this.encode(this.revision);
  }

  /** A revision as a resourceVersion string. */
  encode(revision: number): string {
    if (!this.options.scrambleResourceVersions || revision === 0) return String(revision);
    return `r${(Math.imul(revision, SCRAMBLE) >>> 0).toString(36)}`;
  }

  /** The revision a resourceVersion string names, or undefined when it names none. */
  decode(resourceVersion: string): number | undefined {
    if (resourceVersion === "0") return 0;
    if (this.options.scrambleResourceVersions) {
      if (!/^r[0-9a-z]{1,7}$/.test(resourceVersion)) return undefined;
      return Math.imul(Number.parseInt(resourceVersion.slice(1), 36), UNSCRAMBLE) >>> 0;
    }
    const revision = Number(resourceVersion);
    return /^[0-9]+$/.test(resourceVersion) && Number.isSafeInteger(revision)
      ? revision
      : undefined;
  }

  /** The oldest revision a watch may resume from. */
  oldestResourceVersion(): string {
    return this.encode(this.compactedThrough);
  }

  /** The oldest revision a watch may resume from, as a number. */
  oldestRevision(): number {
    return this.compactedThrough;
  }

  /** Every served resource type. */
  allTypes(): ResourceType[] {
    return [...this.types.values()];
  }

  /** The served type of `group/version/plural`, if any. */
  type(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(typeKey({ group, version, plural }));
  }

  /** Subscribes to every change; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events of a resource after `revision`; 410 Expired when history no longer reaches back. */
  eventsSince(resource: string, revision: number): StoreEvent[] {
    if (revision < this.compactedThrough) {
      throw expired(this.encode(revision), this.encode(this.compactedThrough));
    }
    return this.history.filter((e) => e.resource === resource && e.revision > revision);
  }

  /**
   * The objects of a type as they were at `revision` (history undone from the
   * current state); 410 Expired when history no longer reaches back.
   */
  listAt(type: ResourceType, namespace: string | undefined, revision: number): KubeObject[] {
    return this.storedAt(type, namespace, revision).map((object) => this.view(type, object));
  }

  /**
   * The stored objects of a type (in one namespace, or all) at `revision`, or
   * now without it, in key order, not copied: a list reads only the ones it
   * answers through `viewOf`, so a page of a large collection costs its page.
   */
  storedAt(type: ResourceType, namespace: string | undefined, revision?: number): KubeObject[] {
    const prefix = type.namespaced && namespace !== undefined ? `${namespace}/` : "";
    let objects = this.bucket(type);
    if (revision !== undefined && revision !== this.revision) {
      const undo = this.eventsSince(storageKey(type), revision).reverse();
      objects = new Map(objects);
      for (const event of undo) {
        const at = this.key(
          type,
          event.object.metadata.namespace,
          event.object.metadata.name ?? "",
        );
        if (event.type === "ADDED" || event.previous === undefined) objects.delete(at);
        else objects.set(at, event.previous);
      }
    }
    const keys: string[] = [];
    for (const key of objects.keys()) if (key.startsWith(prefix)) keys.push(key);
    keys.sort();
    return keys.map((key) => objects.get(key) as KubeObject);
  }

  /** A copy of a stored object (from `storedAt`) as the type shows it. */
  viewOf(type: ResourceType, stored: KubeObject): KubeObject {
    return this.view(type, stored);
  }

  /** The current revision as a number. */
  currentRevision(): number {
    return this.revision;
  }

  /** Forgets all history: a watch from any earlier resourceVersion gets 410. */
  compact(): void {
    this.history = [];
    this.compactedThrough = this.revision;
  }

  /** A copy of one object, or 404. */
  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const stored = this.bucket(type).get(this.key(type, namespace, name));
    if (stored === undefined) throw notFound(this.ref(type, name));
    return this.view(type, stored);
  }

  // A copy of a stored object as the type shows it.
  private view(type: ResourceType, stored: KubeObject): KubeObject {
    const copy = structuredClone(stored);
    if (type.schema?.hasDefaults) type.schema.applyDefaults(copy);
    return type.storage === undefined ? copy : type.storage.fromStorage(copy);
  }

  /** Copies of the objects of a type (in one namespace, or all), in key order. */
  list(type: ResourceType, namespace: string | undefined): KubeObject[] {
    return this.storedAt(type, namespace).map((object) => this.view(type, object));
  }

  /** POST: creates an object; the name may come from generateName. */
  create(
    type: ResourceType,
    namespace: string | undefined,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const object = this.bodyObject(type, body, options);
    const metadata = object.metadata;
    if (metadata.resourceVersion !== undefined && metadata.resourceVersion !== "") {
      // kube-apiserver's storage refuses it this way (a 500, not a 400).
      throw new KubeApiError(
        500,
        "InternalError",
        "Internal error occurred: resourceVersion should not be set on objects to be created",
      );
    }
    const ns = this.namespaceFor(type, namespace, metadata);
    if (metadata.name === undefined || metadata.name === "") {
      if (typeof metadata.generateName !== "string" || metadata.generateName === "") {
        throw invalid(type.kind, type.group, "", [
          {
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required",
            field: "metadata.name",
          },
        ]);
      }
      // names.SimpleNameGenerator: the prefix is cut to 58 characters, then 5 random ones.
      metadata.name = `${metadata.generateName.slice(0, 58)}${this.options.nameSuffix()}`;
    }
    const name = metadata.name;
    this.checkName(type, name);
    if (ns !== undefined) this.checkNamespaceAcceptsContent(ns);
    const key = this.key(type, ns, name);
    if (this.bucket(type).has(key)) throw alreadyExists(this.ref(type, name));

    const fresh: KubeObject = {
      ...object,
      apiVersion: groupVersion(type),
      kind: type.kind,
      metadata: this.freshMetadata(type, metadata, ns),
    };
    const stamped = type.normalize?.(fresh) ?? fresh;
    if (type.statusSubresource && type.custom) delete stamped.status;
    if (type.kind === "Namespace" && type.group === "") {
      // The namespace lifecycle's finalizer, as kube-apiserver's strategy sets it.
      const spec = isPlainObject(stamped.spec) ? stamped.spec : {};
      const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
      stamped.spec = {
        ...spec,
        finalizers: finalizers.includes("kubernetes") ? finalizers : [...finalizers, "kubernetes"],
      };
      stamped.status = { phase: "Active" };
    }
    this.validate(type, stamped, undefined, options);
    if (options.dryRun) return structuredClone(stamped);
    return this.commit("ADDED", type, stamped, undefined);
  }

  /** PUT (main resource or /status): the body replaces what the target covers. */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const candidate = this.bodyObject(type, body, options);
    return this.write(type, current, candidate, options);
  }

  /** PATCH: `apply` turns the current object into the candidate, then PUT semantics follow. */
  patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    apply: (current: KubeObject) => unknown,
    options: WriteOptions = {},
  ): KubeObject {
    const current = this.get(type, namespace, name);
    const patched = apply(structuredClone(current));
    const candidate = this.bodyObject(type, patched, options);
    // A patch that leaves resourceVersion out updates the current version;
    // one that sets it is a precondition (409 when stale).
    if (candidate.metadata.resourceVersion === undefined) {
      candidate.metadata.resourceVersion = current.metadata.resourceVersion;
    }
    return this.write(type, current, candidate, options);
  }

  /** DELETE: removes the object, or only marks it while finalizers remain. */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions = {},
  ): DeleteResult {
    const current = this.get(type, namespace, name);
    if (
      options.expectResourceVersion !== undefined &&
      options.expectResourceVersion !== current.metadata.resourceVersion
    ) {
      throw new StaleWriteError();
    }
    this.checkPreconditions(type, current, options.preconditions);
    const metadata = current.metadata;
    if (type.kind === "Namespace" && type.group === "") {
      return this.deleteNamespace(type, current, options);
    }
    if ((metadata.finalizers ?? []).length > 0) {
      if (metadata.deletionTimestamp !== undefined || options.dryRun) {
        return { object: current, deleted: false };
      }
      const marked = structuredClone(current);
      marked.metadata.deletionTimestamp = kubeTimestamp(this.options.now());
      marked.metadata.deletionGracePeriodSeconds = 0;
      if ((marked.metadata.generation ?? 0) > 0) {
        marked.metadata.generation = (marked.metadata.generation ?? 0) + 1;
      }
      return { object: this.commit("MODIFIED", type, marked, current), deleted: false };
    }
    if (options.dryRun) return { object: current, deleted: true };
    const gone = this.commit("DELETED", type, current, current);
    if (type.namespaced) this.finishNamespace(current.metadata.namespace ?? "");
    return { object: gone, deleted: true };
  }

  private deleteNamespace(
    type: ResourceType,
    current: KubeObject,
    options: DeleteOptions,
  ): DeleteResult {
    if (options.dryRun) return { object: current, deleted: false };
    const name = current.metadata.name ?? "";
    let marked = current;
    if (current.metadata.deletionTimestamp === undefined) {
      const next = structuredClone(current);
      next.metadata.deletionTimestamp = kubeTimestamp(this.options.now());
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { phase: "Terminating" };
      marked = this.commit("MODIFIED", type, next, current);
    }
    for (const contentType of this.types.values()) {
      if (!contentType.namespaced) continue;
      for (const object of this.list(contentType, name)) {
        this.delete(contentType, name, object.metadata.name ?? "");
      }
    }
    return this.finishNamespace(name)
      ? { object: marked, deleted: true }
      : { object: marked, deleted: false };
  }

  // A terminating namespace goes away once its last object is gone (ours:
  // immediately, where the namespace controller takes a few seconds).
  private finishNamespace(name: string): boolean {
    const nsType = this.type("", "v1", "namespaces");
    if (nsType === undefined) return false;
    const namespace = this.bucket(nsType).get(name);
    if (namespace?.metadata.deletionTimestamp === undefined) return false;
    for (const type of this.types.values()) {
      if (type.namespaced && this.list(type, name).length > 0) return false;
    }
    this.commit("DELETED", nsType, structuredClone(namespace), namespace);
    return true;
  }

  private write(
    type: ResourceType,
    current: KubeObject,
    candidate: KubeObject,
    options: WriteOptions,
  ): KubeObject {
    if (
      options.expectResourceVersion !== undefined &&
      options.expectResourceVersion !== current.metadata.resourceVersion
    ) {
      throw new StaleWriteError();
    }
    this.checkIdentity(type, current, candidate);
    this.checkResourceVersion(type, current, candidate);
    const target = options.target ?? "main";
    const next =
      target === "status"
        ? this.statusWrite(current, candidate)
        : this.mainWrite(type, current, candidate);
    if (target === "main") {
      this.checkFinalizers(type, current, next);
      this.validate(type, next, current, options);
    } else if (type.schema !== undefined && !options.trusted && this.enforcing) {
      const errors = type.schema.validateStatus(next, current);
      if (errors.length > 0) {
        throw invalid(type.kind, type.group, current.metadata.name ?? "", toCauses(errors));
      }
    }
    if (jsonEqual(next, current)) return current;
    if (type.generation === "spec" && target === "main") {
      const changed = !jsonEqual(
        specPart(next, type.statusSubresource),
        specPart(current, type.statusSubresource),
      );
      if (changed) next.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    if (options.dryRun) return next;
    const finalized =
      next.metadata.deletionTimestamp !== undefined &&
      (next.metadata.finalizers ?? []).length === 0;
    if (finalized) {
      const gone = this.commit("DELETED", type, next, current);
      if (type.namespaced) this.finishNamespace(current.metadata.namespace ?? "");
      return gone;
    }
    return this.commit("MODIFIED", type, next, current);
  }

  // Writes to /status take the status and nothing else.
  private statusWrite(current: KubeObject, candidate: KubeObject): KubeObject {
    const next = structuredClone(current);
    if (candidate.status === undefined) delete next.status;
    else next.status = structuredClone(candidate.status);
    return next;
  }

  // Writes to the main resource keep the server-owned metadata and, with a
  // status subresource, the stored status.
  private mainWrite(type: ResourceType, current: KubeObject, candidate: KubeObject): KubeObject {
    const next: KubeObject = {
      ...structuredClone(candidate),
      apiVersion: groupVersion(type),
      kind: type.kind,
    };
    const owned: (keyof ObjectMeta)[] = [
      "uid",
      "creationTimestamp",
      "generation",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "resourceVersion",
      "namespace",
      "name",
      "generateName",
    ];
    const metadata: ObjectMeta = { ...next.metadata };
    for (const key of owned) {
      if (current.metadata[key] === undefined) delete metadata[key];
      else metadata[key] = current.metadata[key];
    }
    if (metadata.finalizers !== undefined && metadata.finalizers.length === 0)
      delete metadata.finalizers;
    next.metadata = metadata;
    if (type.statusSubresource) {
      if (current.status === undefined) delete next.status;
      else next.status = structuredClone(current.status);
    }
    return type.normalize?.(next) ?? next;
  }

  private checkIdentity(type: ResourceType, current: KubeObject, candidate: KubeObject): void {
    const name = current.metadata.name ?? "";
    const given = candidate.metadata.name;
    if (given !== undefined && given !== name) {
      throw badRequest(
        `the name of the object (${given}) does not match the name on the URL (${name})`,
      );
    }
    const namespace = candidate.metadata.namespace;
    if (type.namespaced && namespace !== undefined && namespace !== current.metadata.namespace) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    const uid = candidate.metadata.uid;
    if (uid !== undefined && uid !== "" && uid !== current.metadata.uid) {
      throw conflict(
        this.ref(type, name),
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
  }

  private checkResourceVersion(
    type: ResourceType,
    current: KubeObject,
    candidate: KubeObject,
  ): void {
    const given = candidate.metadata.resourceVersion;
    if (given === undefined || given === "") {
      if (type.unconditionalUpdate) return;
      throw invalid(type.kind, type.group, current.metadata.name ?? "", [
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: 0x0: must be specified for an update",
          field: "metadata.resourceVersion",
        },
      ]);
    }
    if (given !== current.metadata.resourceVersion)
      throw conflict(this.ref(type, current.metadata.name ?? ""));
  }

  private checkFinalizers(type: ResourceType, current: KubeObject, next: KubeObject): void {
    if (current.metadata.deletionTimestamp === undefined) return;
    const before = new Set(current.metadata.finalizers ?? []);
    const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length === 0) return;
    throw invalid(type.kind, type.group, current.metadata.name ?? "", [
      {
        reason: "FieldValueForbidden",
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(", ")}}`,
        field: "metadata.finalizers",
      },
    ]);
  }

  private checkPreconditions(
    type: ResourceType,
    current: KubeObject,
    preconditions: DeleteOptions["preconditions"],
  ): void {
    const ref = this.ref(type, current.metadata.name ?? "");
    const { uid, resourceVersion } = preconditions ?? {};
    if (uid !== undefined && uid !== current.metadata.uid) {
      throw conflict(
        ref,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (resourceVersion !== undefined && resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(
        ref,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
  }

  private validate(
    type: ResourceType,
    object: KubeObject,
    old: KubeObject | undefined,
    options: WriteOptions,
  ): void {
    if (options.trusted) return;
    const causes = [
      ...objectMetaErrors(object, !type.custom),
      ...(type.schema !== undefined && this.enforcing
        ? toCauses(type.schema.validate(object, old))
        : []),
      ...(type.rules?.(object, old) ?? []),
    ];
    const fail = (all: StatusCause[]) => {
      if (all.length > 0) throw invalid(type.kind, type.group, object.metadata.name ?? "", all);
    };
    // The API server's own validation refuses first; the webhook rules
    // (the `validate` option) only see what it accepted.
    fail(causes);
    fail(this.options.validate?.(type, structuredClone(object), old && structuredClone(old)) ?? []);
  }

  private checkName(type: ResourceType, name: string): void {
    const label = type.kind === "Namespace" && type.group === "";
    const ok = label
      ? LABEL.test(name) && name.length <= 63
      : NAME.test(name) && name.length <= 253;
    if (ok) return;
    throw invalid(type.kind, type.group, name, [
      {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 ${label ? "label" : "subdomain"} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
        field: "metadata.name",
      },
    ]);
  }

  private checkNamespaceAcceptsContent(namespace: string): void {
    const nsType = this.type("", "v1", "namespaces");
    const stored = nsType && this.bucket(nsType).get(namespace);
    if (nsType === undefined || stored === undefined) {
      throw notFound({
        qualifiedResource: "namespaces",
        group: "",
        plural: "namespaces",
        name: namespace,
      });
    }
    if (stored.metadata.deletionTimestamp !== undefined) {
      throw new KubeApiError(
        403,
        "Forbidden",
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: namespace, group: "", kind: "namespaces" },
      );
    }
  }

  private namespaceFor(
    type: ResourceType,
    namespace: string | undefined,
    metadata: ObjectMeta,
  ): string | undefined {
    if (!type.namespaced) return undefined;
    const given = metadata.namespace;
    if (given !== undefined && given !== "" && namespace !== undefined && given !== namespace) {
      throw badRequest(
        "the namespace of the provided object does not match the namespace sent on the request",
      );
    }
    const ns = namespace ?? (given === "" ? undefined : given);
    if (ns === undefined) throw badRequest("a namespaced object needs a namespace");
    return ns;
  }

  private freshMetadata(
    type: ResourceType,
    metadata: ObjectMeta,
    namespace: string | undefined,
  ): ObjectMeta {
    const fresh: ObjectMeta = { ...metadata };
    for (const key of [
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "resourceVersion",
      "generation",
    ]) {
      delete fresh[key];
    }
    if (namespace === undefined) delete fresh.namespace;
    else fresh.namespace = namespace;
    fresh.uid = this.options.uid();
    fresh.creationTimestamp = kubeTimestamp(this.options.now());
    if (type.generation === "spec") fresh.generation = 1;
    if (fresh.finalizers !== undefined && fresh.finalizers.length === 0) delete fresh.finalizers;
    return fresh;
  }

  private get enforcing(): boolean {
    return this.options.enforceCrdSchemas !== false;
  }

  // Checks a body is an object of this resource and returns a copy, decoded
  // as kube-apiserver decodes a custom resource (pruned, defaulted).
  private bodyObject(type: ResourceType, body: unknown, options: WriteOptions = {}): KubeObject {
    if (!isPlainObject(body)) {
      throw badRequest(`the body of the request was not a ${type.kind} object`);
    }
    const object = structuredClone(body) as KubeObject;
    const cannot = (why: string) =>
      badRequest(
        `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${why}`,
      );
    const { apiVersion, kind } = object;
    if (kind !== undefined && kind !== type.kind) {
      throw cannot(`the kind is ${JSON.stringify(kind)}`);
    }
    if (apiVersion !== undefined && apiVersion !== groupVersion(type)) {
      throw badRequest(
        `the API version in the data (${JSON.stringify(apiVersion)}) does not match the expected API version (${groupVersion(type)})`,
      );
    }
    if (
      object.metadata !== undefined &&
      object.metadata !== null &&
      !isPlainObject(object.metadata)
    ) {
      throw cannot("json: cannot unmarshal into Go struct field of type v1.ObjectMeta (metadata)");
    }
    const wrong = metadataShapeError(metadataOf(object));
    if (wrong !== undefined) throw cannot(wrong);
    const metadata: ObjectMeta = { ...metadataOf(object) };
    // JSON null is "unset" for ObjectMeta's fields.
    for (const [key, value] of Object.entries(metadata)) if (value === null) delete metadata[key];
    object.metadata = metadata;
    if (type.schema !== undefined && this.enforcing && !options.trusted) {
      this.decodeUnknown(type, type.schema.decode(object), options.decode);
    }
    return object;
  }

  // Unknown fields by the request's fieldValidation: 400 (Strict), warnings (Warn) or nothing.
  // A create or update body's strict error reads as the handler's decode
  // error ("<Kind> in version … cannot be handled as a <Kind>: …"); a patch's
  // is the strict error alone.
  private decodeUnknown(
    type: ResourceType,
    unknown: string[],
    decode: DecodeOptions | undefined,
  ): void {
    if (unknown.length === 0) return;
    const errors = unknown.map((path) => `unknown field "${path}"`);
    const directive = decode?.fieldValidation ?? "Ignore";
    if (directive === "Strict") {
      const strict = `strict decoding error: ${errors.join(", ")}`;
      throw badRequest(
        decode?.patch
          ? strict
          : `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${strict}`,
      );
    }
    if (directive === "Warn" && decode?.warnings !== undefined) {
      for (const warning of errors) {
        if (!decode.warnings.includes(warning)) decode.warnings.push(warning);
      }
    }
  }

  private commit(
    kind: StoreEvent["type"],
    type: ResourceType,
    object: KubeObject,
    previous: KubeObject | undefined,
  ): KubeObject {
    this.revision += 1;
    const toStorage = type.storage?.toStorage ?? ((o: KubeObject) => o);
    const stored = toStorage(structuredClone(object));
    stored.metadata.resourceVersion = this.encode(this.revision);
    const key = this.key(type, stored.metadata.namespace, stored.metadata.name ?? "");
    if (kind === "DELETED") this.bucket(type).delete(key);
    else this.bucket(type).set(key, stored);
    if (type.kind === "CustomResourceDefinition" && type.group === "apiextensions.k8s.io") {
      this.serveCrd(stored, kind === "DELETED");
    }
    const event: StoreEvent = {
      type: kind,
      resource: storageKey(type),
      object: stored,
      ...(previous === undefined ? {} : { previous: toStorage(previous) }),
      revision: this.revision,
    };
    this.remember(event);
    for (const listener of this.listeners) listener(event);
    return this.view(type, stored);
  }

  private remember(event: StoreEvent): void {
    this.history.push(event);
    const excess = this.history.length - this.options.compactionWindow;
    if (excess > 0) {
      const dropped = this.history.splice(0, excess);
      this.compactedThrough = dropped.at(-1)?.revision ?? this.compactedThrough;
    }
  }

  // A stored CRD serves its resources, as the apiextensions controller does.
  private serveCrd(crd: KubeObject, removed: boolean): void {
    const name = crd.metadata.name ?? "";
    for (const key of this.crdTypes.get(name) ?? []) this.types.delete(key);
    this.crdTypes.delete(name);
    if (removed) return;
    try {
      const types = typesOfCrd(crd as unknown as CrdShape, this.enforcing);
      for (const type of types) this.register(type);
      this.crdTypes.set(name, types.map(typeKey));
    } catch {
      // A CRD too malformed to read serves nothing (ours: the real API server would have rejected it).
    }
  }

  /** Serves a resource type (built-ins at start; custom ones through their CRD). */
  register(type: ResourceType): void {
    this.types.set(typeKey(type), type);
  }

  private bucket(type: ResourceType): Map<string, KubeObject> {
    const key = storageKey(type);
    let bucket = this.objects.get(key);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private key(type: ResourceType, namespace: string | undefined, name: string): string {
    return type.namespaced ? `${namespace ?? ""}/${name}` : name;
  }

  /** How messages name an object of this type. */
  ref(type: ResourceType, name: string): ObjectRef {
    return {
      qualifiedResource: qualifiedResource(type),
      group: type.group,
      plural: type.plural,
      name,
    };
  }
}
