// Validating admission webhooks called by the fake, with our own
// reviewAdmission behind a test HTTPS server: the end-to-end path of
// `kubectl apply` → API server → the operator's webhook.

import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { generateTestTls } from "../../src/testing/tls.js";
import { reviewAdmission } from "../../src/validation/index.js";
import { clientsFor, failure, MERGE_PATCH, VVP, vvpDeployment } from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;
let webhook: Server;
let caBundle: string;
let lastOptions: unknown;
const reviews: { operation: string; name: string; hasOld: boolean; options?: unknown }[] = [];
let mode: "review" | "hang" | "garbage" | "bare-denial" | "reason-only" = "review";

beforeAll(async () => {
  const tls = await generateTestTls();
  caBundle = Buffer.from(tls.caCert).toString("base64");
  webhook = createServer({ key: tls.key, cert: tls.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      if (mode === "hang") return;
      if (mode === "garbage") {
        response.end("not json");
        return;
      }
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      lastOptions = review.request.options;
      if (mode === "bare-denial" || mode === "reason-only") {
        response.setHeader("Content-Type", "application/json");
        const status = mode === "bare-denial" ? { message: "no thanks" } : { reason: "Busy" };
        response.end(
          JSON.stringify({
            apiVersion: "admission.k8s.io/v1",
            kind: "AdmissionReview",
            response: { uid: review.request.uid, allowed: false, status },
          }),
        );
        return;
      }
      reviews.push({
        operation: review.request.operation,
        name: review.request.name,
        hasOld: review.request.oldObject !== null,
      });
      response.setHeader("Content-Type", "application/json");
      response.end(JSON.stringify(reviewAdmission(review, { instanceId: "my-operator" })));
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, "127.0.0.1", resolve));
  const port = (webhook.address() as AddressInfo).port;
  // The CRD's own schema would refuse the invalid writes below before any
  // webhook is called (as kube-apiserver does); off here so the webhook sees them.
  kube = await startFakeKubernetes({
    namespaces: ["team-a"],
    crdEnforcement: false,
    webhooks: { services: { "vvp-system/vvp-operator": `https://127.0.0.1:${port}` } },
  });
  api = clientsFor(kube);
});
afterAll(async () => {
  await kube?.close();
  webhook?.closeAllConnections();
  await new Promise((resolve) => webhook?.close(resolve));
});
beforeEach(() => {
  mode = "review";
  reviews.length = 0;
});

function configuration(failurePolicy: "Fail" | "Ignore", timeoutSeconds = 2) {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "vvp-operator" },
    webhooks: [
      {
        name: "my-operator.vvpdeployments.ververica.platform",
        admissionReviewVersions: ["v1"],
        sideEffects: "None",
        failurePolicy,
        timeoutSeconds,
        clientConfig: {
          service: { name: "vvp-operator", namespace: "vvp-system", path: "/validate" },
          caBundle,
        },
        objectSelector: { matchLabels: { "ververica.platform/owner": "my-operator" } },
        rules: [
          {
            apiGroups: ["ververica.platform"],
            apiVersions: ["v1"],
            operations: ["CREATE", "UPDATE"],
            resources: ["vvpdeployments"],
            scope: "Namespaced",
          },
        ],
      },
    ],
  };
}

describe("validating admission webhooks", () => {
  it("calls the webhook on CREATE and UPDATE of matching objects and refuses what it denies", async () => {
    kube.apply(configuration("Fail"));
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("allowed"),
    });
    expect(reviews).toEqual([{ operation: "CREATE", name: "allowed", hasOld: false }]);
    const denied = await failure(
      api.custom.patchNamespacedCustomObject(
        {
          ...VVP,
          namespace: "team-a",
          name: "allowed",
          body: { spec: { syncingMode: "SIDEWAYS" } },
        },
        MERGE_PATCH,
      ),
    );
    expect(reviews.at(-1)).toEqual({ operation: "UPDATE", name: "allowed", hasOld: true });
    expect(denied.code).toBeGreaterThanOrEqual(400);
    expect(String(denied.status.message)).toMatch(
      /^admission webhook "my-operator\.vvpdeployments\.ververica\.platform" denied the request: /,
    );
    expect(String(denied.status.message)).toContain("spec.syncingMode");
    const stored = kube.get("VvpDeployment", "team-a", "allowed") as unknown as {
      spec: { syncingMode: string };
    };
    expect(stored.spec.syncingMode).toBe("PATCH");
  });

  it("skips objects outside the objectSelector and writes to /status", async () => {
    kube.apply(configuration("Fail"));
    const body = vvpDeployment("foreign");
    body.metadata.labels = { "ververica.platform/owner": "someone-else" };
    await api.custom.createNamespacedCustomObject({ ...VVP, namespace: "team-a", body });
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("mine"),
    });
    reviews.length = 0;
    await api.custom.patchNamespacedCustomObjectStatus(
      { ...VVP, namespace: "team-a", name: "mine", body: { status: { actualState: "RUNNING" } } },
      MERGE_PATCH,
    );
    expect(reviews).toEqual([]);
  });

  it("failurePolicy Fail refuses writes when the webhook cannot answer (500), Ignore lets them through", async () => {
    kube.apply(configuration("Fail"));
    mode = "garbage";
    const refused = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        body: vvpDeployment("during-outage"),
      }),
    );
    expect(refused.code).toBe(500);
    expect(String(refused.status.message)).toContain(
      'failed calling webhook "my-operator.vvpdeployments.ververica.platform"',
    );
    expect(kube.get("VvpDeployment", "team-a", "during-outage")).toBeUndefined();
    kube.apply(configuration("Ignore", 0.2 as never));
    mode = "hang";
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("ignored-outage"),
    });
    expect(kube.get("VvpDeployment", "team-a", "ignored-outage")).toBeDefined();
  });

  it("refuses when the Service has no URL", async () => {
    const config = configuration("Fail");
    const [hook] = config.webhooks;
    if (hook) hook.clientConfig.service.name = "unknown";
    kube.apply(config);
    const refused = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        body: vvpDeployment("nowhere"),
      }),
    );
    expect(refused.code).toBe(500);
    expect(String(refused.status.message)).toContain('service "vvp-system/unknown" not found');
    kube.delete("ValidatingWebhookConfiguration", undefined, "vvp-operator");
    await api.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("nowhere"),
    });
  });

  it("a denial without status.code is 400 with kube-apiserver's message; the review carries the request's options", async () => {
    kube.apply(configuration("Fail"));
    mode = "bare-denial";
    const denied = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        body: vvpDeployment("bare"),
        dryRun: "All",
      }),
    );
    expect(denied.code).toBe(400);
    expect(denied.status.message).toBe(
      'admission webhook "my-operator.vvpdeployments.ververica.platform" denied the request: no thanks',
    );
    expect(lastOptions).toEqual({
      kind: "CreateOptions",
      apiVersion: "meta.k8s.io/v1",
      dryRun: ["All"],
    });
    mode = "reason-only";
    const reasoned = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "team-a",
        body: vvpDeployment("bare"),
      }),
    );
    expect(reasoned.code).toBe(400);
    expect(reasoned.status.message).toBe(
      'admission webhook "my-operator.vvpdeployments.ververica.platform" denied the request: Busy',
    );
    expect(lastOptions).toEqual({ kind: "CreateOptions", apiVersion: "meta.k8s.io/v1" });
    kube.delete("ValidatingWebhookConfiguration", undefined, "vvp-operator");
  });
});
