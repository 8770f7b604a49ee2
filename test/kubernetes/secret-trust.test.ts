// The controller never sends a Kubernetes credential to VVP: a CR naming a
// `kubernetes.io/service-account-token` Secret (which the webhook refuses,
// but a CR may predate it or the webhook may be off) is reported like a
// missing Secret, and a name that is not a Secret name is never read.
import { afterEach, describe, expect, it } from "vitest";
import { conditionOf, crObject, startWorld, until, type World } from "./harness.js";

const NS = "my-deploy-namespace";
const SA_TOKEN = "eyJhbGciOiJSUzI1NiJ9.kubernetes-service-account-token";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function named(name: string, secretName: string) {
  const object = crObject(name);
  (object.metadata as { annotations: Record<string, string> }).annotations.apikeySecretName =
    secretName;
  return object;
}

describe("Secrets the controller refuses", () => {
  it("a service-account-token Secret: Healthy=Unknown and a Warning naming it, no VVP call, the token nowhere", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/service-account-token",
      metadata: { name: "builder-token", namespace: NS },
      data: { token: Buffer.from(SA_TOKEN).toString("base64") },
    });
    await world.start();
    kube.apply(named("sa", "builder-token"));
    await kube.waitFor(
      () => conditionOf(kube.get("vvpdeployments", NS, "sa"), "Healthy")?.status === "Unknown",
    );
    expect(conditionOf(kube.get("vvpdeployments", NS, "sa"), "Healthy")?.message).toContain(
      "kubernetes.io/service-account-token",
    );
    await until(() =>
      kube
        .objects("events.events.k8s.io")
        .some((event) => (event as Record<string, unknown>).reason === "ApiKeySecretUnavailable"),
    );
    expect(vvp.requests).toHaveLength(0);
    expect(JSON.stringify(kube.objects("vvpdeployments"))).not.toContain("kubernetes-service");
    expect(JSON.stringify(kube.objects("events.events.k8s.io"))).not.toContain(
      "kubernetes-service",
    );
  });

  it("a name that is not a DNS-1123 subdomain is never read (`.` would list the Secrets)", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    await world.start();
    kube.apply(named("dot", "."));
    await kube.waitFor(
      () => conditionOf(kube.get("vvpdeployments", NS, "dot"), "Healthy")?.status === "Unknown",
    );
    expect(conditionOf(kube.get("vvpdeployments", NS, "dot"), "Healthy")?.message).toContain(
      "not a valid Secret name",
    );
    expect(kube.requests({ resource: "secrets" })).toEqual([]);
    expect(vvp.requests).toHaveLength(0);
  });
});
