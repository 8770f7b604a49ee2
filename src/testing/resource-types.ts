// The resources the fake serves: their names, scope and the write semantics
// the API server applies to each (status subresource, generation, updates
// without a resourceVersion, patch types).

import { buildCrd, type CustomResourceDefinition } from "../crd/index.js";
import {
  crdErrors,
  eventErrors,
  immutableDataErrors,
  webhookConfigurationErrors,
} from "./built-in-rules.js";
import { type CrdEnforcement, compileCrdEnforcement } from "./crd-enforcement.js";
import { fromCoreEvent, toCoreEvent } from "./event-conversion.js";
import type { KubeObject } from "./objects.js";
import type { StatusCause } from "./status.js";

/** How `metadata.generation` moves: on changes outside metadata (and status), or never set. */
export type GenerationPolicy = "spec" | "none";

/** The printer columns of a custom resource, as its CRD declares them. */
export interface CustomColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority: number;
  jsonPath: string;
}

/** One resource the fake serves, e.g. `vvpdeployments.ververica.platform/v1`. */
export interface ResourceType {
  /** API group; "" for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** Whether `/status` is a separate subresource (then main writes ignore status). */
  statusSubresource: boolean;
  generation: GenerationPolicy;
  /** A PUT without metadata.resourceVersion is allowed (built-ins) or 422 (custom resources). */
  unconditionalUpdate: boolean;
  /** Custom resources take no strategic merge patch (415) and list items carry apiVersion/kind. */
  custom: boolean;
  /** Printer columns for Table output (custom resources only). */
  columns?: CustomColumn[];
  /** A view of another resource's storage (core/v1 Events of events.k8s.io/v1 Events). */
  storage?: StorageView;
  /** What the API server rewrites on every write (a Secret's stringData into data). */
  normalize?: (object: KubeObject) => KubeObject;
  /** A custom resource's schema enforcement (pruning, defaults, validation, CEL), compiled once per CRD. */
  schema?: CrdEnforcement;
  /** The kind's own validation (`old` is absent on create). */
  rules?: (object: KubeObject, old: KubeObject | undefined) => StatusCause[];
}

/** Where a view type's objects live and how they convert. */
export interface StorageView {
  /** `group/version/plural` of the storage resource. */
  key: string;
  toStorage: (object: KubeObject) => KubeObject;
  fromStorage: (object: KubeObject) => KubeObject;
}

/** `group/version`, or `version` for the core group. */
export function groupVersion(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

/** How the API server names the resource in messages: `plural.group` or `plural`. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === "" ? type.plural : `${type.plural}.${type.group}`;
}

/** The key of the bucket a type's objects live in (its own, or the one it views). */
export function storageKey(type: ResourceType): string {
  return type.storage?.key ?? typeKey(type);
}

/** The key a type is registered under: `group/version/plural`. */
export function typeKey(type: Pick<ResourceType, "group" | "version" | "plural">): string {
  return `${type.group}/${type.version}/${type.plural}`;
}

function builtIn(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    shortNames: [],
    categories: [],
    namespaced,
    statusSubresource: false,
    generation: "none",
    unconditionalUpdate: true,
    custom: false,
    ...extra,
  };
}

/**
 * The built-in kinds: Namespaces, Secrets, ConfigMaps, Events (core/v1 as a
 * view of events.k8s.io/v1), Leases, CRDs, and the kinds an operator's
 * install applies (ServiceAccounts, Services, Deployments, RBAC, webhook
 * configurations, PodDisruptionBudgets, NetworkPolicies), stored without
 * further semantics (ours: no controllers act on them).
 */
export function builtInTypes(): ResourceType[] {
  const spec = { generation: "spec", statusSubresource: true } as const;
  return [
    builtIn("", "v1", "ServiceAccount", "serviceaccounts", true, { shortNames: ["sa"] }),
    builtIn("", "v1", "Service", "services", true, {
      shortNames: ["svc"],
      statusSubresource: true,
    }),
    builtIn("apps", "v1", "Deployment", "deployments", true, { shortNames: ["deploy"], ...spec }),
    builtIn("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
    builtIn("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
    builtIn("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
    builtIn("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
    builtIn(
      "admissionregistration.k8s.io",
      "v1",
      "ValidatingWebhookConfiguration",
      "validatingwebhookconfigurations",
      false,
      { generation: "spec", unconditionalUpdate: false, rules: webhookConfigurationErrors },
    ),
    builtIn(
      "admissionregistration.k8s.io",
      "v1",
      "MutatingWebhookConfiguration",
      "mutatingwebhookconfigurations",
      false,
      { generation: "spec", unconditionalUpdate: false, rules: webhookConfigurationErrors },
    ),
    builtIn("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, {
      shortNames: ["pdb"],
      ...spec,
    }),
    builtIn("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, {
      shortNames: ["netpol"],
      generation: "spec",
    }),
    builtIn("", "v1", "Namespace", "namespaces", false, {
      shortNames: ["ns"],
      statusSubresource: true,
      normalize: withNameLabel,
    }),
    builtIn("", "v1", "Secret", "secrets", true, {
      normalize: secretWithData,
      rules: immutableDataErrors,
    }),
    builtIn("", "v1", "ConfigMap", "configmaps", true, {
      shortNames: ["cm"],
      rules: immutableDataErrors,
    }),
    builtIn("", "v1", "Event", "events", true, {
      shortNames: ["ev"],
      storage: {
        key: "events.k8s.io/v1/events",
        toStorage: fromCoreEvent,
        fromStorage: toCoreEvent,
      },
    }),
    builtIn("events.k8s.io", "v1", "Event", "events", true, {
      shortNames: ["ev"],
      rules: eventErrors,
    }),
    // Leases, webhook configurations and CRDs refuse a PUT without
    // resourceVersion (their strategies' AllowUnconditionalUpdate is false).
    builtIn("coordination.k8s.io", "v1", "Lease", "leases", true, { unconditionalUpdate: false }),
    builtIn(
      "apiextensions.k8s.io",
      "v1",
      "CustomResourceDefinition",
      "customresourcedefinitions",
      false,
      {
        shortNames: ["crd", "crds"],
        categories: ["api-extensions"],
        statusSubresource: true,
        generation: "spec",
        unconditionalUpdate: false,
        rules: crdErrors,
      },
    ),
  ];
}

/** The parts of a CRD the fake reads (a CRD applied by a client may carry more names). */
export interface CrdShape {
  spec: {
    group: string;
    scope: string;
    names: {
      kind: string;
      plural: string;
      listKind?: string;
      singular?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions: {
      name: string;
      served: boolean;
      subresources?: { status?: unknown };
      schema?: { openAPIV3Schema?: unknown };
      additionalPrinterColumns?: {
        name: string;
        type: string;
        jsonPath: string;
        format?: string;
        description?: string;
        priority?: number;
      }[];
    }[];
  };
}

/**
 * The resource types a CustomResourceDefinition declares, one per served
 * version; with `enforce`, each carries its schema's compiled enforcement.
 */
export function typesOfCrd(crd: CrdShape, enforce = true): ResourceType[] {
  const { group, names, scope, versions } = crd.spec;
  return versions
    .filter((version) => version.served)
    .map((version) => ({
      group,
      version: version.name,
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      shortNames: [...(names.shortNames ?? [])],
      categories: [...(names.categories ?? [])],
      namespaced: scope === "Namespaced",
      statusSubresource: version.subresources?.status !== undefined,
      generation: "spec" as const,
      unconditionalUpdate: false,
      custom: true,
      ...(enforce && version.schema?.openAPIV3Schema !== undefined
        ? { schema: compileCrdEnforcement(version.schema.openAPIV3Schema) }
        : {}),
      columns: (version.additionalPrinterColumns ?? []).map((column) => ({
        name: column.name,
        type: column.type,
        ...(column.format === undefined ? {} : { format: column.format }),
        ...(column.description === undefined ? {} : { description: column.description }),
        priority: column.priority ?? 0,
        jsonPath: column.jsonPath,
      })),
    }));
}

/** The VvpDeployment CRD the fake serves from the start, built by `buildCrd()`. */
export function vvpDeploymentCrd(): CustomResourceDefinition {
  return buildCrd();
}

// kube-apiserver merges a Secret's write-only stringData into data (base64)
// and never stores stringData.
function secretWithData(input: KubeObject): KubeObject {
  // SetDefaults_Secret: an empty type is Opaque.
  const secret =
    input.type === undefined || input.type === "" ? { ...input, type: "Opaque" } : input;
  const stringData = secret.stringData;
  if (stringData === undefined) return secret;
  const { stringData: _dropped, ...rest } = secret;
  if (stringData === null || typeof stringData !== "object") return rest as KubeObject;
  const data: Record<string, unknown> = {
    ...(rest.data !== null && typeof rest.data === "object" ? (rest.data as object) : {}),
  };
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === "string") data[key] = Buffer.from(value, "utf8").toString("base64");
  }
  return { ...rest, data } as KubeObject;
}

// kube-apiserver labels every Namespace with its name (namespaceSelectors rely on it).
function withNameLabel(namespace: KubeObject): KubeObject {
  const name = namespace.metadata.name;
  if (typeof name !== "string") return namespace;
  const labels = { ...(namespace.metadata.labels ?? {}), "kubernetes.io/metadata.name": name };
  return { ...namespace, metadata: { ...namespace.metadata, labels } };
}
