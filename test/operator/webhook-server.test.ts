import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFieldPath } from "../../src/models/index.js";
import {
  type ApiKeySecretState,
  startWebhookServer,
  type WebhookServer,
} from "../../src/operator/webhook-server.js";
import { exampleCr } from "../support/examples.js";
import { replacedAt } from "../support/json-paths.js";
import { admissionReview } from "./admission-reviews.js";
import { waitFor } from "./support.js";
import {
  httpsCall,
  type ServingCertificate,
  servingCertificate,
  writeServingCertificate,
} from "./tls.js";

const INSTANCE_ID = "my-operator";

let directory: string;
let certificate: ServingCertificate;
let webhook: WebhookServer;
const secrets = new Map<string, ApiKeySecretState>();
const logLines: string[] = [];

const logger = {
  info: (object: object, message: string) => logLines.push(JSON.stringify({ ...object, message })),
  warn: (object: object, message: string) => logLines.push(JSON.stringify({ ...object, message })),
  debug: (object: object, message: string) => logLines.push(JSON.stringify({ ...object, message })),
};

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "vvp-webhook-"));
  certificate = await writeServingCertificate(directory);
  webhook = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: join(directory, "tls.crt"),
    keyFile: join(directory, "tls.key"),
    instanceId: INSTANCE_ID,
    watchedNamespaces: ["my-deploy-namespace"],
    apiKeyValidation: true,
    apiKeySecretLookup: async (namespace, name) =>
      secrets.get(`${namespace}/${name}`) ?? "not-found",
    logger,
    maxBodyBytes: 64 * 1024,
    certificatePollIntervalMs: 50,
  });
  secrets.set("my-deploy-namespace/my-vvp-apikey", "found");
});

afterAll(async () => {
  await webhook?.close();
  rmSync(directory, { recursive: true, force: true });
});

/** The parts of an AdmissionResponse the tests read. */
interface ReviewAnswer {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; details?: { causes: Array<{ field: string }> } };
}

function review(operation: "CREATE" | "UPDATE", object: unknown, oldObject?: unknown) {
  return admissionReview(operation, object, { oldObject });
}

async function send(
  body: unknown,
  extra: { method?: string; contentType?: string; ca?: string[] } = {},
) {
  const answer = await httpsCall({
    port: webhook.port,
    path: "/validate",
    method: extra.method ?? "POST",
    headers: { "content-type": extra.contentType ?? "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ca: extra.ca ?? [certificate.caCert],
  });
  return { ...answer, json: JSON.parse(answer.body) as { response: ReviewAnswer } };
}

const SECRET_FIELD = formatFieldPath(["metadata", "annotations", "apikeySecretName"]);
const PARALLELISM = ["spec", "deployment", "spec", "template", "spec", "parallelism"];
const SECRET_ANNOTATION = ["metadata", "annotations", "apikeySecretName"];

function causes(response: ReviewAnswer): string[] {
  return (response.status?.details?.causes ?? []).map((cause) => cause.field);
}

describe("the validating admission webhook over HTTPS", () => {
  it("allows the seed's examples and echoes the uid", async () => {
    for (const mode of ["PATCH", "PUT"] as const) {
      const sent = review("CREATE", {
        ...exampleCr(mode),
        metadata: { ...exampleCr(mode).metadata, namespace: "my-deploy-namespace" },
      });
      const answer = await send(sent);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
      });
      expect(answer.json.response).toMatchObject({ uid: sent.request.uid, allowed: true });
    }
  });

  it("rejects a CR without the owner label, or with another instance's", async () => {
    const missing = replacedAt(exampleCr("PUT"), ["metadata", "labels"], undefined);
    const wrong = replacedAt(exampleCr("PUT"), ["metadata", "labels"], {
      "ververica.platform/owner": "someone-else",
    });
    for (const cr of [missing, wrong]) {
      const answer = await send(review("CREATE", cr));
      expect(answer.status).toBe(200);
      expect(answer.json.response).toMatchObject({
        allowed: false,
        status: { code: 422, reason: "Invalid" },
      });
      expect(causes(answer.json.response)).toContain("metadata.labels[ververica.platform/owner]");
    }
  });

  it("rejects a PUT-mode CR missing PUT's required fields", async () => {
    const withoutLogging = replacedAt(
      exampleCr("PUT"),
      ["spec", "deployment", "spec", "template", "spec", "logging"],
      undefined,
    );
    const cr = replacedAt(
      withoutLogging,
      ["spec", "deployment", "spec", "maxJobCreationAttempts"],
      undefined,
    );
    const answer = await send(review("CREATE", cr));
    expect(answer.json.response.allowed).toBe(false);
    expect(causes(answer.json.response)).toEqual(
      expect.arrayContaining([
        "spec.deployment.spec.template.spec.logging",
        "spec.deployment.spec.maxJobCreationAttempts",
      ]),
    );
  });

  it("rejects an update that changes an immutable field, and allows an ordinary update", async () => {
    const before = exampleCr("PATCH");
    const renamed = replacedAt(before, ["spec", "deployment", "metadata", "name"], "another-name");
    const refused = await send(review("UPDATE", renamed, before));
    expect(refused.json.response.allowed).toBe(false);
    expect(causes(refused.json.response)).toContain("spec.deployment.metadata.name");

    const edited = replacedAt(before, PARALLELISM, 7);
    const allowed = await send(review("UPDATE", edited, before));
    expect(allowed.json.response).toMatchObject({ allowed: true });
  });

  it("checks that the token Secret exists and holds a token key, naming the Secret", async () => {
    const absent = replacedAt(exampleCr("PATCH"), SECRET_ANNOTATION, "absent");
    const notFound = await send(review("CREATE", absent));
    expect(notFound.json.response).toMatchObject({ allowed: false, status: { code: 422 } });
    expect(notFound.json.response.status?.message).toContain('Secret "absent"');
    expect(causes(notFound.json.response)).toEqual([SECRET_FIELD]);

    secrets.set("my-deploy-namespace/empty", "no-token-key");
    const empty = replacedAt(exampleCr("PATCH"), SECRET_ANNOTATION, "empty");
    const noKey = await send(review("CREATE", empty));
    expect(noKey.json.response.allowed).toBe(false);
    expect(noKey.json.response.status?.message).toContain('no key "token"');

    // An update that leaves the annotation alone does not look the Secret up again (ours).
    const update = await send(review("UPDATE", replacedAt(empty, PARALLELISM, 3), empty));
    expect(update.json.response.allowed).toBe(true);
  });

  it("answers a malformed review 400, other methods 405, other content types 415, an oversized body 413", async () => {
    const malformed = await send({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: { uid: "u-1" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.response).toMatchObject({
      uid: "u-1",
      allowed: false,
      status: { code: 400 },
    });
    expect((await send("{not json")).status).toBe(400);
    const get = await send("", { method: "GET" });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect(
      (await send(review("CREATE", exampleCr("PUT")), { contentType: "text/yaml" })).status,
    ).toBe(415);
    expect((await send("x".repeat(70 * 1024))).status).toBe(413);
    const elsewhere = await httpsCall({
      port: webhook.port,
      path: "/mutate",
      ca: [certificate.caCert],
      body: "{}",
    });
    expect(elsewhere.status).toBe(404);
  });

  it("serves a certificate rotated on disk, without a restart", async () => {
    const before = await send(review("CREATE", exampleCr("PUT")));
    expect(before.fingerprint).toBe(certificate.fingerprint);
    const rotated = await servingCertificate();
    // cert-manager writes the key and certificate; a half-written pair is never served.
    writeFileSync(join(directory, "tls.key"), rotated.key);
    writeFileSync(join(directory, "tls.crt"), rotated.cert);
    const both = [certificate.caCert, rotated.caCert];
    await waitFor(
      async () =>
        (await send(review("CREATE", exampleCr("PUT")), { ca: both })).fingerprint ===
        rotated.fingerprint,
      "the rotated certificate to be served",
    );
    const after = await send(review("CREATE", exampleCr("PUT")), { ca: [rotated.caCert] });
    expect(after.json.response.allowed).toBe(true);
    certificate = rotated;
  });

  it("keeps serving the old certificate when the files on disk are not a valid pair", async () => {
    writeFileSync(join(directory, "tls.crt"), "garbage");
    await waitFor(
      () => logLines.some((line) => line.includes("not reloaded")),
      "the failed reload to be logged",
    );
    const answer = await send(review("CREATE", exampleCr("PUT")));
    expect(answer.fingerprint).toBe(certificate.fingerprint);
    writeFileSync(join(directory, "tls.crt"), certificate.cert);
  });
});
