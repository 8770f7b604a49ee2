// Who may name which Secret: the webhook asks the API server (a
// LocalSubjectAccessReview in the CR's namespace) whether the requesting user
// may `get` the Secret a CR names, on CREATE and whenever the annotation
// changes; a service-account-token Secret is refused; the name must be a
// DNS-1123 subdomain. Against the fake API server with a test authorizer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import { createTokenCache, TokenUnavailableError } from "../../src/kubernetes/tokens.js";
import { formatFieldPath } from "../../src/models/index.js";
import { createWebhookKubeChecks } from "../../src/operator/kube-secret-lookup.js";
import { DEFAULT_INSTALL, watchedNamespaceRbac } from "../../src/operator/manifests.js";
import { startWebhookServer, type WebhookServer } from "../../src/operator/webhook-server.js";
import {
  type AccessReviewAttributes,
  type FakeKubernetes,
  startFakeKubernetes,
} from "../../src/testing/index.js";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr } from "../support/examples.js";
import { admissionReview, type ReviewUserInfo } from "./admission-reviews.js";
import { httpsCall, type ServingCertificate, writeServingCertificate } from "./tls.js";

const NAMESPACE = "team-a";
const INSTANCE_ID = "my-operator";
const SECRET_FIELD = formatFieldPath(["metadata", "annotations", "apikeySecretName"]);

let kube: FakeKubernetes;
let webhook: WebhookServer;
let directory: string;
let certificate: ServingCertificate;
/** Which user may get which Secret (`user/namespace/name`); everything else is denied. */
const grants = new Set<string>();
const asked: AccessReviewAttributes[] = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "vvp-secret-trust-"));
  certificate = await writeServingCertificate(directory);
  kube = await startFakeKubernetes({
    namespaces: [NAMESPACE],
    authorizer: (attributes) => {
      asked.push(attributes);
      const allowed =
        attributes.verb === "get" &&
        attributes.resource === "secrets" &&
        attributes.group === "" &&
        grants.has(`${attributes.user}/${attributes.namespace}/${attributes.name}`);
      return { allowed, ...(allowed ? {} : { reason: "no RBAC rule" }) };
    },
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  // A cache of 0: every review asks again, so a changed grant is seen at once.
  const checks = createWebhookKubeChecks(createClientNodeKubeApi(kubeConfig), { cacheTtlMs: 0 });
  webhook = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: join(directory, "tls.crt"),
    keyFile: join(directory, "tls.key"),
    instanceId: INSTANCE_ID,
    watchedNamespaces: [NAMESPACE],
    apiKeyValidation: true,
    apiKeySecretLookup: checks.secretLookup,
    secretAccessReview: checks.accessReview,
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
  });
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "team-a-vvp", namespace: NAMESPACE },
    data: { token: Buffer.from("team-a-token").toString("base64") },
  });
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "team-b-vvp", namespace: NAMESPACE },
    data: { token: Buffer.from("team-b-token").toString("base64") },
  });
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/service-account-token",
    metadata: { name: "default-token-x1", namespace: NAMESPACE },
    data: { token: Buffer.from("eyJhbGciOi.kubernetes-sa-token").toString("base64") },
  });
});

afterAll(async () => {
  await webhook?.close();
  await kube?.close();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

beforeEach(() => {
  grants.clear();
  asked.length = 0;
});

function cr(secretName: string) {
  const example = exampleCr("PATCH") as { metadata: Record<string, unknown> };
  return {
    ...example,
    metadata: {
      ...example.metadata,
      name: "orders",
      namespace: NAMESPACE,
      labels: { "ververica.platform/owner": INSTANCE_ID },
      annotations: { apikeySecretName: secretName },
    },
  };
}

async function review(
  operation: "CREATE" | "UPDATE",
  object: unknown,
  userInfo: ReviewUserInfo | undefined,
  oldObject?: unknown,
) {
  const body = admissionReview(operation, object, {
    namespace: NAMESPACE,
    name: "orders",
    ...(userInfo === undefined ? {} : { userInfo }),
    oldObject,
  });
  const answer = await httpsCall({
    port: webhook.port,
    path: "/validate",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ca: [certificate.caCert],
  });
  return (
    JSON.parse(answer.body) as {
      response: {
        allowed: boolean;
        status?: { code: number; reason: string; message: string; details?: unknown };
      };
    }
  ).response;
}

const ALICE: ReviewUserInfo = {
  username: "alice",
  uid: "alice-uid-1",
  groups: ["team-a", "system:authenticated"],
  extra: { "scopes.example.com": ["deploy"] },
};

describe("who may name which Secret", () => {
  it("admits a CR whose author may get the Secret, asking with the whole userInfo in the CR's namespace", async () => {
    grants.add(`alice/${NAMESPACE}/team-a-vvp`);
    const answer = await review("CREATE", cr("team-a-vvp"), ALICE);
    expect(answer.allowed).toBe(true);
    expect(asked).toEqual([
      expect.objectContaining({
        user: "alice",
        uid: "alice-uid-1",
        groups: ["team-a", "system:authenticated"],
        extra: { "scopes.example.com": ["deploy"] },
        namespace: NAMESPACE,
        verb: "get",
        group: "",
        resource: "secrets",
        name: "team-a-vvp",
      }),
    ]);
    const reviews = kube.requests({ resource: "localsubjectaccessreviews" });
    expect(reviews.map((entry) => [entry.method, entry.path])).toEqual([
      ["POST", `/apis/authorization.k8s.io/v1/namespaces/${NAMESPACE}/localsubjectaccessreviews`],
    ]);
  });

  it("refuses a CR naming another team's Secret (403 on the annotation), before saying whether it exists", async () => {
    grants.add(`alice/${NAMESPACE}/team-a-vvp`);
    kube.clearRequests();
    const answer = await review("CREATE", cr("team-b-vvp"), ALICE);
    expect(answer.allowed).toBe(false);
    expect(answer.status?.code).toBe(403);
    expect(answer.status?.reason).toBe("Forbidden");
    expect(answer.status?.message).toContain(SECRET_FIELD);
    expect(answer.status?.message).toContain('user "alice" may not get Secret "team-b-vvp"');
    // The Secret was never read for her.
    expect(kube.requests({ resource: "secrets" })).toEqual([]);
    const missing = await review("CREATE", cr("no-such-secret"), ALICE);
    expect(missing.status?.code).toBe(403);
  });

  it("asks again when an UPDATE changes the annotation, and not on other updates", async () => {
    grants.add(`alice/${NAMESPACE}/team-a-vvp`);
    const before = cr("team-a-vvp");
    expect((await review("UPDATE", before, ALICE, before)).allowed).toBe(true);
    expect(asked).toEqual([]);
    const changed = await review("UPDATE", cr("team-b-vvp"), ALICE, before);
    expect(changed.allowed).toBe(false);
    expect(changed.status?.code).toBe(403);
    expect(asked.map((attributes) => attributes.name)).toEqual(["team-b-vvp"]);
  });

  it("refuses a review without userInfo", async () => {
    grants.add(`alice/${NAMESPACE}/team-a-vvp`);
    const answer = await review("CREATE", cr("team-a-vvp"), undefined);
    expect(answer.allowed).toBe(false);
    expect(answer.status?.code).toBe(403);
  });

  it("refuses a service-account-token Secret even to a user who may read it", async () => {
    grants.add(`alice/${NAMESPACE}/default-token-x1`);
    const answer = await review("CREATE", cr("default-token-x1"), ALICE);
    expect(answer.allowed).toBe(false);
    expect(answer.status?.code).toBe(422);
    expect(answer.status?.message).toContain("kubernetes.io/service-account-token");
    expect(answer.status?.message).not.toContain("kubernetes-sa-token");
  });

  it("refuses a name that is not a DNS-1123 subdomain without any API call (`.` would list Secrets)", async () => {
    grants.add(`alice/${NAMESPACE}/.`);
    kube.clearRequests();
    for (const name of [".", "..", "Team-A", "a/b", "x.", "-a"]) {
      const answer = await review("CREATE", cr(name), ALICE);
      expect(answer.allowed, name).toBe(false);
      expect(answer.status?.code, name).toBe(422);
      expect(answer.status?.message, name).toContain(SECRET_FIELD);
    }
    expect(kube.requests()).toEqual([]);
  });

  it("fails closed (500, retryable) when the access review cannot be made", async () => {
    grants.add(`alice/${NAMESPACE}/team-a-vvp`);
    kube.faults.failNext({ resource: "localsubjectaccessreviews", status: 500 });
    const answer = await review("CREATE", cr("team-a-vvp"), ALICE);
    expect(answer.allowed).toBe(false);
    expect(answer.status?.code).toBe(500);
  });
});

describe("the validation rule and the controller", () => {
  it("validates the annotation as a Secret name even without API-key validation", () => {
    for (const apiKeyValidation of [true, false]) {
      const verdict = validateVvpDeployment(cr("."), {
        instanceId: INSTANCE_ID,
        apiKeyValidation,
      });
      expect(verdict.allowed).toBe(false);
      expect(verdict.errors.map((error) => error.field)).toContain(SECRET_FIELD);
      const ok = validateVvpDeployment(cr("team-a.vvp-1"), {
        instanceId: INSTANCE_ID,
        apiKeyValidation,
      });
      expect(ok.allowed).toBe(true);
    }
  });

  it("the controller's token reader refuses a service-account-token Secret and a malformed name", async () => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(kube.kubeconfig);
    const tokens = createTokenCache({ api: createClientNodeKubeApi(kubeConfig) });
    const refused = await tokens.token(NAMESPACE, "default-token-x1").catch((error) => error);
    expect(refused).toBeInstanceOf(TokenUnavailableError);
    expect((refused as TokenUnavailableError).reason).toBe("SecretTypeRefused");
    expect(String(refused.message)).not.toContain("kubernetes-sa-token");
    kube.clearRequests();
    const dot = await tokens.token(NAMESPACE, ".").catch((error) => error);
    expect((dot as TokenUnavailableError).reason).toBe("SecretNameInvalid");
    expect(kube.requests()).toEqual([]);
    expect(await tokens.token(NAMESPACE, "team-a-vvp")).toBe("team-a-token");
  });
});

describe("the operator's RBAC for the access review", () => {
  it("grants create on localsubjectaccessreviews in each watched namespace's Role, and no ClusterRole", () => {
    const manifests = watchedNamespaceRbac({ ...DEFAULT_INSTALL, watchedNamespaces: ["a", "b"] });
    const roles = manifests.filter((manifest) => manifest.kind === "Role");
    expect(roles.map((role) => role.metadata.namespace)).toEqual(["a", "b"]);
    for (const role of roles) {
      expect(role.rules).toContainEqual({
        apiGroups: ["authorization.k8s.io"],
        resources: ["localsubjectaccessreviews"],
        verbs: ["create"],
      });
    }
    expect(manifests.some((manifest) => manifest.kind.startsWith("Cluster"))).toBe(false);
  });
});
