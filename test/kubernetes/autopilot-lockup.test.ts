// Autopilot ACTIVE and a state write whose record was lost: the state last
// sent must be known from VVP (the projected-state mark), not only from the
// status write that should have recorded it. Each case locked the CR up
// before: every later spec change suppressed as "Autopilot scaling", every
// nonce blocked.
import { afterEach, describe, expect, it } from "vitest";
import { SAVEPOINT_NONCE_ANNOTATION } from "../../src/models/index.js";
import { exampleCr } from "../support/examples.js";
import { conditionOf, crObject, startWorld, until, type World } from "./harness.js";

const NS = "my-deploy-namespace";
const NAME = "ap";
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

interface StoredCr {
  metadata: { generation: number };
  spec: { savepointNonce?: number; deployment: { spec: { state: string } } };
  status?: { observedGeneration?: number };
}

function stored(world: World): StoredCr {
  return world.kube.get("vvpdeployments", NS, NAME) as unknown as StoredCr;
}

function edit(world: World, change: (cr: StoredCr) => void): void {
  const cr = stored(world);
  change(cr);
  world.kube.apply(cr as never);
}

function vvpDeployment(world: World) {
  const [deployment] = world.vvp.deployments();
  if (deployment === undefined) throw new Error("no VVP deployment");
  return deployment;
}

function settled(world: World, state: string): boolean {
  const cr = stored(world);
  const deployment = world.vvp.deployments()[0];
  return (
    deployment?.spec.state === state &&
    deployment.status.state === state &&
    cr.status?.observedGeneration === cr.metadata.generation &&
    conditionOf(cr, "SpecAligned")?.status === "True" &&
    conditionOf(cr, "NonceAligned")?.status === "True"
  );
}

/** A RUNNING CR whose deployment has Autopilot ACTIVE. */
async function runningUnderAutopilot(world: World): Promise<string> {
  const object = crObject(NAME) as unknown as StoredCr;
  object.spec.deployment.spec.state = "RUNNING";
  world.kube.apply(object as never);
  await until(() => settled(world, "RUNNING"), 10_000, "RUNNING");
  const id = vvpDeployment(world).metadata.id;
  world.vvp.setAutopilot(id, "ACTIVE");
  return id;
}

/** After the fault: a state change back to RUNNING and a savepoint nonce both happen. */
async function expectLive(world: World, id: string): Promise<void> {
  edit(world, (cr) => {
    cr.spec.deployment.spec.state = "RUNNING";
  });
  await until(() => settled(world, "RUNNING"), 10_000, "RUNNING again");
  edit(world, (cr) => {
    cr.spec.savepointNonce = 7;
  });
  // Only the nonce's savepoints count: suspending takes one of its own.
  const triggered = () =>
    world.vvp
      .savepoints()
      .filter(
        (savepoint) =>
          savepoint.metadata.deploymentId === id &&
          savepoint.metadata.annotations?.[SAVEPOINT_NONCE_ANNOTATION] !== undefined,
      );
  await until(() => triggered().length > 0, 10_000, "a savepoint");
  await until(() => settled(world, "RUNNING"), 10_000, "nonce processed");
  expect(triggered()).toHaveLength(1);
  expect(conditionOf(stored(world), "SpecAligned")?.reason).not.toBe(
    "StateProjectionSuppressedAutopilot",
  );
}

describe("Autopilot ACTIVE: the state last sent survives a lost status write", () => {
  it("one 500 on the status write right after the state PATCH does not lock the CR up", async () => {
    world = await startWorld();
    await world.start();
    const id = await runningUnderAutopilot(world);
    world.kube.faults.failNext({
      method: "PATCH",
      resource: "vvpdeployments",
      subresource: "status",
      status: 500,
    });
    edit(world, (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    await until(() => settled(world as World, "SUSPENDED"), 10_000, "SUSPENDED");
    expect(
      world.kube
        .requests({ method: "PATCH", subresource: "status" })
        .some((request) => request.status === 500),
    ).toBe(true);
    await expectLive(world, id);
  });

  it("a crash between the PATCH and the status write: a new controller picks up from VVP", async () => {
    world = await startWorld();
    const first = await world.start();
    const id = await runningUnderAutopilot(world);
    // The crash: the controller stops right after VVP answered the PATCH;
    // its status write never arrives (every status write fails until then).
    world.kube.faults.failNext({
      method: "PATCH",
      resource: "vvpdeployments",
      subresource: "status",
      status: 500,
      count: 1_000,
    });
    edit(world, (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    await until(() => vvpDeployment(world as World).spec.state === "SUSPENDED", 10_000, "PATCH");
    await first.stop({ drainTimeoutMs: 2_000 });
    world.kube.faults.reset();
    await world.start();
    await until(() => settled(world as World, "SUSPENDED"), 10_000, "SUSPENDED");
    await expectLive(world, id);
  });

  it("a PUT that timed out and that VVP applied late, after a newer PUT", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    let edited = false;
    // The author changes their mind while the PUT of SUSPENDED is on its way.
    const editingFetch: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method === "PUT" && !edited) {
        edited = true;
        edit(world as World, (cr) => {
          cr.spec.deployment.spec.state = "RUNNING";
        });
      }
      return fetch(request);
    };
    await world.start({ vvp: { baseUrl: vvp.url, fetch: editingFetch, timeoutMs: 300 } });
    const object = crObject(NAME) as unknown as StoredCr & { spec: Record<string, unknown> };
    const put = exampleCr("PUT") as unknown as { spec: Record<string, unknown> };
    object.spec = { ...put.spec, deployment: object.spec.deployment };
    Object.assign(object.spec.deployment as object, {
      spec: {
        ...(put.spec.deployment as { spec: object }).spec,
        state: "RUNNING",
      },
    });
    kube.apply(object as never);
    await until(() => settled(world as World, "RUNNING"), 10_000, "RUNNING");
    const id = vvpDeployment(world).metadata.id;
    vvp.setAutopilot(id, "ACTIVE");
    vvp.failNext({
      method: "PUT",
      path: "/api/v1/namespaces/:ns/deployments/:id",
      mode: "timeout",
      appliedAfterMs: 700,
    });
    edit(world, (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    // The late PUT (SUSPENDED) lands after the retry projected RUNNING.
    await until(
      () => vvp.requests.some((entry) => entry.method === "PUT" && entry.fault === "timeout"),
      10_000,
      "the late PUT",
    );
    expect(edited).toBe(true);
    await until(() => settled(world as World, "RUNNING"), 10_000, "RUNNING after the late PUT");
    await expectLive(world, id);
  });
});
