import {
  ApiException,
  CoordinationV1Api,
  type KubeConfig,
  type V1Lease,
  V1MicroTime,
} from "@kubernetes/client-node";
import { withDeadline } from "./kube-deadline.js";
import {
  LeaseConflictError,
  type LeaseRecord,
  type LeaseStore,
  type StoredLease,
} from "./leader-election.js";

/** Where the Lease lives, and how long one call may take. */
export interface LeaseLocation {
  namespace: string;
  name: string;
  /** Deadline of each call (default 10 s): an abandoned attempt must not leave a request hanging. */
  requestTimeoutMs?: number;
}

/** The LeaseStore over client-node's CoordinationV1Api: read, create, replace with resourceVersion. */
export function createKubernetesLeaseStore(
  kubeConfig: KubeConfig,
  location: LeaseLocation,
): LeaseStore {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const { namespace, name } = location;
  const deadline = withDeadline(location.requestTimeoutMs ?? 10_000);
  return {
    async get() {
      try {
        return fromLease(await api.readNamespacedLease({ name, namespace }, deadline));
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw describe(error, "read");
      }
    },
    async create(record) {
      try {
        return fromLease(
          await api.createNamespacedLease({ namespace, body: toLease(location, record) }, deadline),
        );
      } catch (error) {
        if (error instanceof ApiException && error.code === 409) throw new LeaseConflictError();
        throw describe(error, "create");
      }
    },
    async update(record, resourceVersion) {
      try {
        const body = toLease(location, record, resourceVersion);
        return fromLease(await api.replaceNamespacedLease({ name, namespace, body }, deadline));
      } catch (error) {
        if (error instanceof ApiException && error.code === 409) throw new LeaseConflictError();
        throw describe(error, "update");
      }
    },
  };
}

function toLease(location: LeaseLocation, record: LeaseRecord, resourceVersion?: string): V1Lease {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: location.name,
      namespace: location.namespace,
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      leaseTransitions: record.leaseTransitions,
      ...(record.acquireTime === undefined
        ? {}
        : { acquireTime: new V1MicroTime(record.acquireTime) }),
      ...(record.renewTime === undefined ? {} : { renewTime: new V1MicroTime(record.renewTime) }),
    },
  };
}

function fromLease(lease: V1Lease): StoredLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? "",
    record: {
      holderIdentity: spec.holderIdentity ?? "",
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      leaseTransitions: spec.leaseTransitions ?? 0,
      acquireTime: timeText(spec.acquireTime),
      renewTime: timeText(spec.renewTime),
    },
  };
}

/** client-node hands MicroTime back as the server's string (it has no deserializer for it) or a Date. */
function timeText(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === "string" ? value : undefined;
}

/** The API's status and reason, never the request (which carries the bearer token in its headers). */
function describe(error: unknown, verb: string): Error {
  if (error instanceof ApiException) {
    return new Error(`Lease ${verb} failed: HTTP ${error.code} ${reasonOf(error.body)}`.trim());
  }
  return new Error(
    `Lease ${verb} failed: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/** The Status reason from a client-node error body, which is the raw response text. */
export function reasonOf(body: unknown): string {
  try {
    const parsed: unknown = typeof body === "string" ? JSON.parse(body) : body;
    if (parsed !== null && typeof parsed === "object" && "reason" in parsed) {
      return String((parsed as { reason: unknown }).reason);
    }
  } catch {
    // Not JSON: no reason to report.
  }
  return "";
}
