// One restartNonce change, one job restart: also when the restart PATCH times
// out and VVP applies it late while the author edits the CR (a new
// generation). The token used to be `<nonce>/<generation>`, so the retry
// carried a new one and the late PATCH put the old one back: two or three
// restarts.
import { afterEach, describe, expect, it } from "vitest";
import { RESTART_NONCE_ANNOTATION } from "../../src/models/index.js";
import { conditionOf, crObject, startWorld, until, type World } from "./harness.js";

const NS = "my-deploy-namespace";
const NAME = "restarted";
const TIMEOUT_MS = 300;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface StoredCr {
  metadata: { generation: number };
  spec: {
    restartNonce?: number;
    deployment: {
      metadata: { annotations?: Record<string, string> };
      spec: { state: string };
    };
  };
  status?: { observedGeneration?: number; lastProcessedTriggerNonce?: number };
}

function stored(world: World): StoredCr {
  return world.kube.get("vvpdeployments", NS, NAME) as unknown as StoredCr;
}

function edit(world: World, change: (cr: StoredCr) => void): void {
  const cr = stored(world);
  change(cr);
  world.kube.apply(cr as never);
}

function settled(world: World): boolean {
  const cr = stored(world);
  const deployment = world.vvp.deployments()[0];
  return (
    deployment?.status.state === "RUNNING" &&
    cr.status?.observedGeneration === cr.metadata.generation &&
    conditionOf(cr, "NonceAligned")?.status === "True"
  );
}

describe("a restart PATCH that times out and that VVP applies late, while the author edits", () => {
  it.each([
    ["within the client's timeout after it gave up (found by the wait)", TIMEOUT_MS + 100],
    ["after the wait, once the retry landed (same token, no template change)", 3 * TIMEOUT_MS],
  ])("restarts the job once: applied %s", async (_name, appliedAfterMs) => {
    world = await startWorld();
    const { kube, vvp } = world;
    let armed = false;
    let edits = 0;
    const editingFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (armed && request.method === "PATCH" && edits < 2) {
        // Each restart attempt meets an edit of the CR: a new generation.
        edits += 1;
        edit(world as World, (cr) => {
          cr.spec.deployment.metadata.annotations = { note: `edit ${edits}` };
        });
      }
      return fetch(request);
    };
    await world.start({ vvp: { baseUrl: vvp.url, fetch: editingFetch, timeoutMs: TIMEOUT_MS } });
    const object = crObject(NAME) as unknown as StoredCr;
    object.spec.deployment.spec.state = "RUNNING";
    kube.apply(object as never);
    await until(() => settled(world as World), 10_000, "RUNNING");
    const [deployment] = vvp.deployments();
    const id = deployment?.metadata.id ?? "";
    const jobs = () => vvp.jobs().filter((job) => job.metadata.deploymentId === id).length;
    const before = jobs();

    vvp.failNext({
      method: "PATCH",
      path: "/api/v1/namespaces/:ns/deployments/:id",
      mode: "timeout",
      appliedAfterMs,
    });
    armed = true;
    edit(world, (cr) => {
      cr.spec.restartNonce = 1;
    });
    await until(
      () => vvp.requests.some((entry) => entry.method === "PATCH" && entry.fault === "timeout"),
      10_000,
      "the late PATCH",
    );
    await until(
      () =>
        settled(world as World) && stored(world as World).status?.lastProcessedTriggerNonce === 1,
      10_000,
      "restart recorded",
    );
    expect(edits).toBeGreaterThanOrEqual(1);
    expect(jobs() - before).toBe(1);
    expect(
      vvp.deployment(id)?.spec.template.metadata?.annotations?.[RESTART_NONCE_ANNOTATION],
    ).toBe("1/r1");
  });
});
