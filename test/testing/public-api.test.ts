import { describe, expect, it } from "vitest";
import * as testing from "../../src/testing/index.js";

describe("vvp-deployment-sdk/testing", () => {
  it("exports the fake server, its errors and the TLS helper", () => {
    expect(Object.keys(testing).sort()).toEqual([
      "FakeKubernetesOptionError",
      "KubeApiError",
      "generateTestTls",
      "startFakeKubernetes",
    ]);
  });

  it("serves a kubeconfig client-node and kubectl read: one context, the CA inline, a bearer token", async () => {
    const kube = await testing.startFakeKubernetes({ token: "t-123" });
    try {
      const { parse } = await import("yaml");
      const config = parse(kube.kubeconfig);
      expect(config["current-context"]).toBe("fake");
      expect(config.clusters[0].cluster.server).toBe(kube.url);
      expect(
        Buffer.from(config.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
      ).toBe(kube.caCert);
      expect(config.users[0].user.token).toBe("t-123");
      expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await kube.close();
    }
  });
});
