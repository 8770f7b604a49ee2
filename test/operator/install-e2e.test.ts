// The generated base applied with kubectl to the fake API server, which then
// calls the operator's webhook (our HTTPS server) through the generated
// ValidatingWebhookConfiguration: `kubectl apply` of a CR → API server →
// /validate → allowed or denied, as in a cluster.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { formatFieldPath } from "../../src/models/index.js";
import { createKubernetesSecretLookup } from "../../src/operator/kube-secret-lookup.js";
import { DEFAULT_INSTALL, installNames } from "../../src/operator/manifests.js";
import {
  type ApiKeySecretLookup,
  startWebhookServer,
  type WebhookServer,
} from "../../src/operator/webhook-server.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { exampleCr } from "../support/examples.js";
import { replacedAt } from "../support/json-paths.js";
import { writeServingCertificate } from "./tls.js";

const run = promisify(execFile);
const SECRET_FIELD = formatFieldPath(["metadata", "annotations", "apikeySecretName"]);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NAMESPACE = DEFAULT_INSTALL.watchedNamespaces[0] ?? "default";
const OWNER = ["metadata", "labels", "ververica.platform/owner"];

let kube: FakeKubernetes;
let webhook: WebhookServer;
let directory: string;
let lookup: ApiKeySecretLookup = () => "not-found";
/** What the webhook answered, from its debug log. */
const reviews: Array<{ name: unknown; allowed: unknown }> = [];

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "vvp-install-"));
  const certificate = await writeServingCertificate(directory);
  webhook = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: join(directory, "tls.crt"),
    keyFile: join(directory, "tls.key"),
    instanceId: DEFAULT_INSTALL.instanceId,
    watchedNamespaces: DEFAULT_INSTALL.watchedNamespaces,
    apiKeyValidation: true,
    apiKeySecretLookup: (namespace, name) => lookup(namespace, name),
    logger: {
      info: () => undefined,
      warn: () => undefined,
      debug: (fields: { name?: unknown; allowed?: unknown }) =>
        reviews.push({ name: fields.name, allowed: fields.allowed }),
    },
  });
  const names = installNames(DEFAULT_INSTALL);
  kube = await startFakeKubernetes({
    webhooks: {
      services: {
        [`${DEFAULT_INSTALL.namespace}/${names.service}`]: `https://127.0.0.1:${webhook.port}`,
      },
      // Where cert-manager's CA injector would put the caBundle.
      ca: certificate.caCert,
    },
  });
  writeFileSync(join(directory, "kubeconfig"), kube.kubeconfig);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  lookup = createKubernetesSecretLookup(kubeConfig);
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace: NAMESPACE },
    data: { token: Buffer.from("not-used-here").toString("base64") },
  });
});

afterAll(async () => {
  await kube?.close();
  await webhook?.close();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

async function kubectl(...args: string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run("kubectl", [
      "--kubeconfig",
      join(directory, "kubeconfig"),
      "--cache-dir",
      join(directory, "cache"),
      ...args,
    ]);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

async function applyObject(object: unknown): Promise<{ ok: boolean; output: string }> {
  const file = join(directory, `object-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(object));
  return kubectl("apply", "--validate=false", "-f", file);
}

/** The seed's PATCH example in the base's watched namespace, owned by the base's instance. */
function ownCr(name: string) {
  const cr = replacedAt(exampleCr("PATCH"), OWNER, DEFAULT_INSTALL.instanceId);
  return replacedAt(
    replacedAt(cr, ["metadata", "namespace"], NAMESPACE),
    ["metadata", "name"],
    name,
  );
}

describe("the generated base on the fake API server, with the operator's webhook", () => {
  it("applies cleanly with kubectl (all but cert-manager's kinds), and again with no change", async () => {
    const { stdout } = await run("kubectl", ["kustomize", join(ROOT, "deploy")]);
    const objects = parseAllDocuments(stdout)
      .map((document) => document.toJSON() as { apiVersion: string; kind: string })
      // cert-manager's Issuer and Certificate need cert-manager's CRDs, which the fake does not have.
      .filter((object) => !object.apiVersion.startsWith("cert-manager.io/"));
    const file = join(directory, "base.yaml");
    writeFileSync(file, objects.map((object) => stringify(object)).join("---\n"));
    const first = await kubectl("apply", "--validate=false", "-f", file);
    expect(first.output).toContain("validatingwebhookconfiguration.admissionregistration.k8s.io/");
    expect(first.ok, first.output).toBe(true);
    const second = await kubectl("apply", "--validate=false", "-f", file);
    expect(second.ok, second.output).toBe(true);
    // Nothing new on the second apply. (The fake answers the PodDisruptionBudget "configured": reported.)
    expect(second.output, second.output).not.toMatch(/ created$/m);
    expect(second.output).toMatch(/deployment\.apps\/vvp-operator unchanged/);
    expect(second.output).toMatch(/validatingwebhookconfiguration\.\S+ unchanged/);
    for (const kind of ["Deployment", "Role", "RoleBinding", "ServiceAccount", "Service"]) {
      expect(kube.objects(kind).length, kind).toBeGreaterThan(0);
    }
  });

  it("kubectl apply of a valid CR passes the webhook", async () => {
    const result = await applyObject(ownCr("valid"));
    expect(result.ok, result.output).toBe(true);
    expect(reviews).toContainEqual({ name: "valid", allowed: true });
    expect(result.output).toContain("vvpdeployment.ververica.platform/valid created");
  });

  it("kubectl apply of a CR the CRD accepts but the webhook refuses is denied, naming the field", async () => {
    // The annotation is required by the operator's configuration (API-key validation), not by the CRD.
    const invalid: { metadata: { annotations?: unknown } } = ownCr("invalid");
    delete invalid.metadata.annotations;
    const result = await applyObject(invalid);
    expect(result.ok).toBe(false);
    // kubectl prints a denial with causes as "The VvpDeployment … is invalid: <causes>".
    expect(result.output).toContain('The VvpDeployment "invalid" is invalid');
    expect(reviews).toContainEqual({ name: "invalid", allowed: false });
    expect(result.output).toContain(SECRET_FIELD);
    expect(kube.get("VvpDeployment", NAMESPACE, "invalid")).toBeUndefined();
  });

  it("denies a CR whose token Secret does not exist (checked through the API server)", async () => {
    const result = await applyObject(
      replacedAt(ownCr("no-secret"), ["metadata", "annotations", "apikeySecretName"], "absent"),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Secret "absent"');
  });

  it("denies removing the owner label from a CR of this instance (the old object matches the selector)", async () => {
    const result = await applyObject(replacedAt(ownCr("valid"), OWNER, "someone-else"));
    expect(result.ok).toBe(false);
    expect(result.output).toContain("ververica.platform/owner");
  });

  it("denies `kubectl label … ververica.platform/owner-`: the old object matches the objectSelector, the new one lacks the label", async () => {
    const denials = () =>
      reviews.filter((review) => review.name === "valid" && review.allowed === false).length;
    const before = denials();
    const result = await kubectl(
      "label",
      "vvpdeployment",
      "valid",
      "-n",
      NAMESPACE,
      "ververica.platform/owner-",
    );
    expect(result.ok, result.output).toBe(false);
    // kubectl prints the webhook's denial with its causes: "… is invalid: <field>: …".
    expect(result.output).toContain('The VvpDeployment "valid" is invalid');
    expect(result.output).toContain("metadata.labels[ververica.platform/owner]");
    // The operator's webhook decided (the CRD alone cannot: it does not know the instanceId).
    expect(denials()).toBe(before + 1);
    // The CR keeps its owner label, so the operator still finalizes it.
    const stored = kube.get("vvpdeployments", NAMESPACE, "valid");
    expect(stored?.metadata.labels?.["ververica.platform/owner"]).toBe(DEFAULT_INSTALL.instanceId);
  });

  it("leaves another instance's CRs alone (objectSelector)", async () => {
    // The webhook of this instance would deny the foreign owner; the
    // objectSelector keeps it from being asked (the CR is otherwise valid, so
    // the CRD's own schema and rules accept it).
    const foreign = replacedAt(ownCr("foreign"), OWNER, "another-instance");
    const result = await applyObject(foreign);
    expect(result.ok, result.output).toBe(true);
    expect(reviews.map((review) => review.name)).not.toContain("foreign");
  });
});
