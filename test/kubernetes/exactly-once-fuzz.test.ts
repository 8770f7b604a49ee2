// The exactly-once fuzz at the controller level (ours): the real controller
// on the fake API server and the simulator, one CR per schedule (the world is
// shared), random nonce changes while RUNNING, author edits, status writes
// answering 500, VVP errors, timeouts and writes applied late, and controller
// restarts. Each nonce change gives exactly one savepoint and one restart.
// The in-memory host fuzz (test/execution) covers crashes in the middle of a
// cycle and many more schedules; this one proves the same of the real host.
// `npm test`: 2 schedules; `npm run fuzz`: 40 (HOST_FUZZ_CONTROLLER_RUNS).
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VvpDeploymentController } from "../../src/kubernetes/index.js";
import { SAVEPOINT_NONCE_ANNOTATION } from "../../src/models/index.js";
import { SPEC_VERSION_ANNOTATION } from "../../src/simulator/index.js";
import { PROPERTY_SEED } from "../support/property.js";
import { conditionOf, crObject, startWorld, until, type World } from "./harness.js";

const NS = "my-deploy-namespace";
const TIMEOUT_MS = 150;
const FUZZING = process.env.npm_lifecycle_event === "fuzz";
const RUNS = Number(process.env.HOST_FUZZ_CONTROLLER_RUNS ?? (FUZZING ? 40 : 2));
const DEPLOYMENT = "/api/v1/namespaces/:ns/deployments/:id";
const SAVEPOINTS = "/api/v1/namespaces/:ns/savepoints";

type Step =
  | { kind: "status500"; count: number }
  | { kind: "vvp"; method: string; path: string; mode: "status" | "timeout" | "late" }
  | { kind: "edit" }
  | { kind: "restart" }
  | { kind: "pause"; ms: number };

interface Round {
  savepoint: boolean;
  restart: boolean;
  steps: Step[];
}

const route = fc.constantFrom(
  { method: "POST", path: SAVEPOINTS },
  { method: "PATCH", path: DEPLOYMENT },
  { method: "GET", path: DEPLOYMENT },
);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.integer({ min: 1, max: 3 }).map((count) => ({ kind: "status500" as const, count })),
  fc
    .tuple(route, fc.constantFrom("status" as const, "timeout" as const, "late" as const))
    .map(([r, mode]) => ({ kind: "vvp" as const, ...r, mode })),
  fc.constant({ kind: "edit" as const }),
  fc.constant({ kind: "restart" as const }),
  fc.integer({ min: 0, max: 60 }).map((ms) => ({ kind: "pause" as const, ms })),
);
const round: fc.Arbitrary<Round> = fc
  .record({
    savepoint: fc.boolean(),
    restart: fc.boolean(),
    steps: fc.array(step, { minLength: 1, maxLength: 5 }),
  })
  .filter((candidate) => candidate.savepoint || candidate.restart);

let world: World;
let controller: VvpDeploymentController;
let runs = 0;

const start = () => world.start({ vvp: { baseUrl: world.vvp.url, timeoutMs: TIMEOUT_MS } });

beforeAll(async () => {
  world = await startWorld();
  controller = await start();
});
afterAll(async () => {
  await world.close();
});

interface StoredCr {
  metadata: { uid: string; generation: number };
  spec: {
    savepointNonce?: number;
    restartNonce?: number;
    initFields?: unknown;
    deployment: { spec: { state: string } };
  };
  status?: {
    deploymentId?: string;
    observedGeneration?: number;
    lastProcessedSavepointNonce?: number;
    lastProcessedTriggerNonce?: number;
  };
}

async function runSchedule(rounds: Round[]): Promise<void> {
  runs += 1;
  const name = `cz-${runs}`;
  const stored = () => world.kube.get("vvpdeployments", NS, name) as unknown as StoredCr;
  const edit = (change: (cr: StoredCr) => void) => {
    const cr = stored();
    change(cr);
    world.kube.apply(cr as never);
  };
  const settled = () => {
    const cr = stored();
    const id = cr.status?.deploymentId;
    return (
      id !== undefined &&
      world.vvp.deployment(id)?.status.state === "RUNNING" &&
      cr.status?.observedGeneration === cr.metadata.generation &&
      conditionOf(cr, "Healthy")?.status === "True"
    );
  };
  const settle = async () => {
    world.vvp.clearFaults();
    world.kube.faults.reset();
    // A late write lands within 1.25 timeouts; then the controller catches up.
    await new Promise((resolve) => setTimeout(resolve, 2 * TIMEOUT_MS));
    await controller.resync();
    await until(settled, 20_000, `${name} settled`);
  };
  const object = crObject(name) as unknown as StoredCr;
  object.spec.deployment.spec.state = "RUNNING";
  world.kube.apply(object as never);
  await until(settled, 20_000, `${name} RUNNING`);
  const uid = stored().metadata.uid;
  const id = stored().status?.deploymentId ?? "";
  const savepoints = () =>
    world.vvp
      .savepoints()
      .filter((savepoint) =>
        savepoint.metadata.annotations?.[SAVEPOINT_NONCE_ANNOTATION]?.startsWith(`${uid}/`),
      ).length;
  // The author changes nothing VVP holds: every spec change in VVP is a restart.
  const specVersion = () =>
    Number(world.vvp.deployment(id)?.metadata.annotations[SPEC_VERSION_ANNOTATION] ?? "0");
  let savepointNonce = 0;
  let restartNonce = 0;
  let edits = 0;
  for (const [index, current] of rounds.entries()) {
    const before = { savepoints: savepoints(), restarts: specVersion() };
    const steps = [...current.steps];
    // The faults are armed first, then the nonces change, then the rest happens.
    for (const armed of steps.filter((s) => s.kind === "status500" || s.kind === "vvp")) {
      if (armed.kind === "status500") {
        world.kube.faults.failNext({
          method: "PATCH",
          resource: "vvpdeployments",
          subresource: "status",
          status: 500,
          count: armed.count,
        });
      } else if (armed.kind === "vvp") {
        world.vvp.failNext(
          armed.mode === "status"
            ? { method: armed.method, path: armed.path, status: 503 }
            : armed.mode === "timeout"
              ? { method: armed.method, path: armed.path, mode: "timeout", applied: true }
              : {
                  method: armed.method,
                  path: armed.path,
                  mode: "timeout",
                  appliedAfterMs: TIMEOUT_MS + TIMEOUT_MS / 4,
                },
        );
      }
    }
    edit((cr) => {
      if (current.savepoint) {
        savepointNonce = index % 2 === 1 ? savepointNonce - 1 : savepointNonce + 1;
        cr.spec.savepointNonce = savepointNonce;
      }
      if (current.restart) {
        restartNonce = index % 2 === 1 ? restartNonce - 1 : restartNonce + 1;
        cr.spec.restartNonce = restartNonce;
      }
    });
    for (const action of steps) {
      if (action.kind === "edit") {
        edits += 1;
        edit((cr) => {
          cr.spec.initFields = { metadata: { annotations: { note: `edit ${edits}` } } };
        });
      } else if (action.kind === "restart") {
        await controller.stop({ drainTimeoutMs: 5_000 });
        controller = await start();
      } else if (action.kind === "pause") {
        await new Promise((resolve) => setTimeout(resolve, action.ms));
      }
    }
    await settle();
    expect({
      savepoints: savepoints() - before.savepoints,
      restarts: specVersion() - before.restarts,
    }).toEqual({ savepoints: current.savepoint ? 1 : 0, restarts: current.restart ? 1 : 0 });
    const status = stored().status;
    if (current.savepoint) expect(status?.lastProcessedSavepointNonce).toBe(savepointNonce);
    if (current.restart) expect(status?.lastProcessedTriggerNonce).toBe(restartNonce);
  }
}

describe("exactly once at the controller (randomized schedules on the fake API server)", () => {
  it(`one savepoint and one restart per nonce change (${RUNS} schedules)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 2 }), runSchedule),
      PROPERTY_SEED === undefined ? { numRuns: RUNS } : { numRuns: RUNS, seed: PROPERTY_SEED },
    );
  }, 3_600_000);
});
