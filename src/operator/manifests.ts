// The install manifests of the operator, built from code so they always
// match the flags, the RBAC the controller needs and the generated CRD.
// Pure: `scripts/generate-deploy.ts` writes them to deploy/.

import { stringify } from "yaml";
import { buildCrd, buildMappingCrd, MAPPING_PLURAL } from "../crd/index.js";
import { API_GROUP, OWNER_LABEL, PLURAL } from "../models/index.js";
import { WEBHOOK_PATH } from "./webhook-server.js";

/** What an installation is made of; the base uses DEFAULT_INSTALL. */
export interface InstallOptions {
  /** Namespace the operator runs in (its Deployment, Lease, Service, certificate). */
  namespace: string;
  instanceId: string;
  watchedNamespaces: string[];
  image: string;
  vvpUrl: string;
  replicas: number;
}

/** The kustomize base's values (ours): override them in an overlay or regenerate with flags. */
export const DEFAULT_INSTALL: InstallOptions = {
  namespace: "vvp-operator",
  instanceId: "vvp-operator",
  watchedNamespaces: ["default"],
  image: "vvp-operator:0.1.0",
  // https: the API token travels in every request's Authorization header.
  // VVP's chart serves plain HTTP unless TLS is on: see the README.
  vvpUrl: "https://vvp-ververica-platform.vvp.svc",
  replicas: 2,
};

/** A Kubernetes object as plain data. */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
};

const HEALTH_PORT = 8081;
const WEBHOOK_PORT = 9443;
const TLS_DIRECTORY = "/etc/vvp-operator/tls";

/** The names every object of one installation uses. */
export function installNames(options: InstallOptions) {
  const base =
    options.instanceId === "vvp-operator" ? "vvp-operator" : `vvp-operator-${options.instanceId}`;
  return {
    base,
    serviceAccount: base,
    service: `${base}-webhook`,
    tlsSecret: `${base}-webhook-tls`,
    certificate: `${base}-webhook`,
    issuer: `${base}-selfsigned`,
    caCertificate: `${base}-ca`,
    caSecret: `${base}-ca`,
    caIssuer: `${base}-ca`,
    networkPolicy: base,
    lease: `vvp-operator-${options.instanceId}`,
    // Cluster-scoped: one per instance, so several operators can share a cluster.
    webhookConfiguration: `vvp-operator-${options.instanceId}`,
    watchedRole: `${base}-watched`,
    leaderRole: `${base}-leader-election`,
  };
}

function labels(options: InstallOptions, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "vvp-operator",
    "app.kubernetes.io/instance": options.instanceId,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "vvp-deployment-sdk",
  };
}

function selectorLabels(options: InstallOptions): Record<string, string> {
  return {
    "app.kubernetes.io/name": "vvp-operator",
    "app.kubernetes.io/instance": options.instanceId,
  };
}

/** The operator's namespace. */
export function namespaceManifest(options: InstallOptions): Manifest {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: options.namespace, labels: labels(options, "namespace") },
  };
}

/** The ServiceAccount the pods run as. */
export function serviceAccountManifest(options: InstallOptions): Manifest {
  const names = installNames(options);
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: names.serviceAccount,
      namespace: options.namespace,
      labels: labels(options, "rbac"),
    },
  };
}

/**
 * Least privilege, namespaced only (no ClusterRole is needed): in each watched
 * namespace the CRs (read, and merge patches for the finalizer), their status,
 * the token Secrets (get by name only: the controller re-reads a token after
 * its TTL rather than watching, so it can list no Secret of the namespace),
 * the VvpDeploymentMapping records (the controller's durable store, a CRD of
 * our own: list+watch, create, update with a resourceVersion, delete), the
 * ConfigMaps an earlier version kept records in (list and delete only: each
 * is migrated on first read and then deleted; Kubernetes RBAC cannot narrow
 * this to our label, so the grant can go once every record has moved) and
 * events.k8s.io Events (the recorder reads an Event to bump its series), and
 * LocalSubjectAccessReviews (the webhook checks that a CR's author may get the
 * Secret it names). No `vvpdeployments/finalizers`:
 * it only guards ownerReferences' blockOwnerDeletion, which we never set.
 */
export function watchedNamespaceRbac(options: InstallOptions): Manifest[] {
  const names = installNames(options);
  return options.watchedNamespaces.flatMap((namespace): Manifest[] => [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: names.watchedRole, namespace, labels: labels(options, "rbac") },
      rules: [
        { apiGroups: [API_GROUP], resources: [PLURAL], verbs: ["get", "list", "watch", "patch"] },
        { apiGroups: [API_GROUP], resources: [`${PLURAL}/status`], verbs: ["get", "patch"] },
        { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
        {
          apiGroups: [API_GROUP],
          resources: [MAPPING_PLURAL],
          verbs: ["get", "list", "watch", "create", "update", "delete"],
        },
        { apiGroups: [""], resources: ["configmaps"], verbs: ["list", "delete"] },
        { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["get", "create", "patch"] },
        // The webhook asks whether a CR's author may get the Secret the CR names.
        {
          apiGroups: ["authorization.k8s.io"],
          resources: ["localsubjectaccessreviews"],
          verbs: ["create"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: names.watchedRole, namespace, labels: labels(options, "rbac") },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.watchedRole },
      subjects: [
        { kind: "ServiceAccount", name: names.serviceAccount, namespace: options.namespace },
      ],
    },
  ]);
}

/** The Lease, in the operator's namespace: client-go's leader election needs get, create, update. */
export function leaderElectionRbac(options: InstallOptions): Manifest[] {
  const names = installNames(options);
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: {
        name: names.leaderRole,
        namespace: options.namespace,
        labels: labels(options, "rbac"),
      },
      rules: [
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
        {
          apiGroups: ["coordination.k8s.io"],
          resources: ["leases"],
          resourceNames: [names.lease],
          verbs: ["get", "update"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: {
        name: names.leaderRole,
        namespace: options.namespace,
        labels: labels(options, "rbac"),
      },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.leaderRole },
      subjects: [
        { kind: "ServiceAccount", name: names.serviceAccount, namespace: options.namespace },
      ],
    },
  ];
}

/** The operator's Deployment: hardened pods, probes, the webhook certificate mounted. */
export function deploymentManifest(options: InstallOptions): Manifest {
  const names = installNames(options);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: names.base,
      namespace: options.namespace,
      labels: labels(options, "operator"),
    },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: selectorLabels(options) },
      // One replica at a time, the other keeps serving the webhook.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: { ...labels(options, "operator"), ...selectorLabels(options) } },
        spec: {
          serviceAccountName: names.serviceAccount,
          // Longer than --shutdown-timeout, so in-flight reconciles finish and the Lease is released.
          terminationGracePeriodSeconds: 40,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            // The certificate files (mode 0440) are readable through the group.
            fsGroup: 1000,
            seccompProfile: { type: "RuntimeDefault" },
          },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: selectorLabels(options) },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: "operator",
              image: options.image,
              imagePullPolicy: "IfNotPresent",
              args: [
                `--instance-id=${options.instanceId}`,
                `--watched-namespaces=${options.watchedNamespaces.join(",")}`,
                `--vvp-url=${options.vvpUrl}`,
                `--health-port=${HEALTH_PORT}`,
                `--webhook-port=${WEBHOOK_PORT}`,
                `--tls-cert-file=${TLS_DIRECTORY}/tls.crt`,
                `--tls-key-file=${TLS_DIRECTORY}/tls.key`,
                `--leader-election-id=${names.lease}`,
                "--shutdown-timeout=30s",
              ],
              env: [
                // The Lease lives in the pod's own namespace.
                {
                  name: "POD_NAMESPACE",
                  valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                },
                // The Lease identity's prefix and the Events' reportingInstance.
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                { name: "NODE_ENV", value: "production" },
              ],
              ports: [
                { name: "webhook", containerPort: WEBHOOK_PORT, protocol: "TCP" },
                { name: "health", containerPort: HEALTH_PORT, protocol: "TCP" },
              ],
              livenessProbe: {
                httpGet: { path: "/healthz", port: "health" },
                initialDelaySeconds: 5,
                periodSeconds: 10,
                failureThreshold: 3,
              },
              readinessProbe: {
                httpGet: { path: "/readyz", port: "health" },
                periodSeconds: 5,
                failureThreshold: 2,
              },
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { memory: "512Mi" },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
              },
              volumeMounts: [
                { name: "webhook-tls", mountPath: TLS_DIRECTORY, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "webhook-tls", secret: { secretName: names.tlsSecret, defaultMode: 0o440 } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
}

/** Keeps one replica (and so the webhook) up through voluntary disruptions. */
export function podDisruptionBudgetManifest(options: InstallOptions): Manifest {
  const names = installNames(options);
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: {
      name: names.base,
      namespace: options.namespace,
      labels: labels(options, "operator"),
    },
    spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(options) } },
  };
}

/** The webhook's Service (443 → the pods' webhook port) and the metrics port for scraping. */
export function serviceManifest(options: InstallOptions): Manifest {
  const names = installNames(options);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: names.service,
      namespace: options.namespace,
      labels: labels(options, "webhook"),
    },
    spec: {
      selector: selectorLabels(options),
      ports: [
        { name: "https", port: 443, targetPort: "webhook", protocol: "TCP" },
        { name: "metrics", port: HEALTH_PORT, targetPort: "health", protocol: "TCP" },
      ],
    },
  };
}

/**
 * cert-manager's CA pattern: a self-signed Issuer signs only a CA Certificate;
 * a CA Issuer on that CA signs the webhook's serving Certificate. The API
 * server trusts the CA (injected from the CA Certificate), so the serving
 * certificate rotates (new key every renewal) without a caBundle change. The
 * CA keeps its key across renewals (rotationPolicy Never), so a renewed CA
 * still verifies the serving certificate it signed before.
 */
export function certificateManifests(options: InstallOptions): Manifest[] {
  const names = installNames(options);
  const metadata = (name: string) => ({
    name,
    namespace: options.namespace,
    labels: labels(options, "webhook"),
  });
  return [
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: metadata(names.issuer),
      spec: { selfSigned: {} },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: metadata(names.caCertificate),
      spec: {
        isCA: true,
        commonName: names.caCertificate,
        secretName: names.caSecret,
        issuerRef: { kind: "Issuer", name: names.issuer },
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Never" },
        duration: "87600h",
        renewBefore: "720h",
      },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Issuer",
      metadata: metadata(names.caIssuer),
      spec: { ca: { secretName: names.caSecret } },
    },
    {
      apiVersion: "cert-manager.io/v1",
      kind: "Certificate",
      metadata: metadata(names.certificate),
      spec: {
        secretName: names.tlsSecret,
        dnsNames: [
          `${names.service}.${options.namespace}.svc`,
          `${names.service}.${options.namespace}.svc.cluster.local`,
        ],
        issuerRef: { kind: "Issuer", name: names.caIssuer },
        usages: ["server auth", "digital signature"],
        privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
        duration: "2160h",
        renewBefore: "360h",
      },
    },
  ];
}

/**
 * Ingress to the operator's pods: the webhook port from anywhere (the API
 * server's address is not a pod and differs per cluster, so it cannot be
 * selected portably), the health and metrics port only from namespaces
 * labelled `kubernetes.io/metadata.name: monitoring` (change it in an
 * overlay). The kubelet's probes come from the node, which a NetworkPolicy
 * always allows. Everything else is denied; egress is left open (the API
 * server and VVP).
 */
export function networkPolicyManifest(options: InstallOptions): Manifest {
  const names = installNames(options);
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: {
      name: names.networkPolicy,
      namespace: options.namespace,
      labels: labels(options, "operator"),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(options) },
      policyTypes: ["Ingress"],
      ingress: [
        { ports: [{ protocol: "TCP", port: WEBHOOK_PORT }] },
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { "kubernetes.io/metadata.name": "monitoring" },
              },
            },
          ],
          ports: [{ protocol: "TCP", port: HEALTH_PORT }],
        },
      ],
    },
  };
}

/**
 * The ValidatingWebhookConfiguration: only this instance's CRs (objectSelector
 * on the owner label; on UPDATE the API server also sends a write that
 * removes the label, since the old object matches), CREATE and UPDATE,
 * failing closed. cert-manager's CA injector fills in the caBundle (the CA's).
 */
export function webhookConfigurationManifest(options: InstallOptions): Manifest {
  const names = installNames(options);
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: {
      name: names.webhookConfiguration,
      labels: labels(options, "webhook"),
      annotations: {
        // The CA, not the serving certificate: a rotated leaf needs no new caBundle.
        "cert-manager.io/inject-ca-from": `${options.namespace}/${names.caCertificate}`,
      },
    },
    webhooks: [
      {
        name: `${options.instanceId}.${PLURAL}.${API_GROUP}`,
        admissionReviewVersions: ["v1"],
        sideEffects: "None",
        failurePolicy: "Fail",
        matchPolicy: "Equivalent",
        timeoutSeconds: 10,
        clientConfig: {
          service: {
            name: names.service,
            namespace: options.namespace,
            path: WEBHOOK_PATH,
            port: 443,
          },
        },
        objectSelector: { matchLabels: { [OWNER_LABEL]: options.instanceId } },
        rules: [
          {
            apiGroups: [API_GROUP],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: [PLURAL],
            scope: "Namespaced",
          },
        ],
      },
    ],
  };
}

/** The generated-file notice of deploy/. */
export const DEPLOY_NOTICE =
  "Generated by npm run generate (scripts/generate-deploy.ts) from src/operator/manifests.ts — do not edit; customise with a kustomize overlay.";

/** Every file of the kustomize base, by file name, as text. */
export function renderDeployFiles(
  options: InstallOptions = DEFAULT_INSTALL,
): Record<string, string> {
  const files: Record<string, Manifest[]> = {
    "namespace.yaml": [namespaceManifest(options)],
    "crd.yaml": [buildCrd() as unknown as Manifest, buildMappingCrd() as unknown as Manifest],
    "service-account.yaml": [serviceAccountManifest(options)],
    "rbac.yaml": [...leaderElectionRbac(options), ...watchedNamespaceRbac(options)],
    "certificate.yaml": certificateManifests(options),
    "deployment.yaml": [deploymentManifest(options), podDisruptionBudgetManifest(options)],
    "service.yaml": [serviceManifest(options)],
    "network-policy.yaml": [networkPolicyManifest(options)],
    "webhook.yaml": [webhookConfigurationManifest(options)],
  };
  const rendered: Record<string, string> = {};
  for (const [file, manifests] of Object.entries(files)) {
    rendered[file] = `# ${DEPLOY_NOTICE}\n${manifests.map(toYaml).join("---\n")}`;
  }
  rendered["kustomization.yaml"] = `# ${DEPLOY_NOTICE}\n${toYaml({
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    resources: Object.keys(files),
  })}`;
  return rendered;
}

function toYaml(value: unknown): string {
  // YAML 1.1 quoting: Kubernetes' YAML reader treats bare yes/no/on/off as booleans.
  return stringify(value, { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false });
}
