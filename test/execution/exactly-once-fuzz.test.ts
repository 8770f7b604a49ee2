// Randomized host-level schedules (ours): the author changes savepointNonce
// and restartNonce while the job runs and edits the CR in between; VVP answers
// with errors, timeouts and calls applied late; the Kubernetes side loses
// status writes (a 500, a conflict with an edit) and the controller crashes
// mid-cycle (after any VVP call) and starts again with nothing in memory.
// Whatever the schedule, each nonce change made while RUNNING gives exactly
// one savepoint and one restart.
//
// One simulator and one in-memory cluster serve every schedule (each has its
// own CR and deployment), timings are milliseconds, and the VVP clock is
// manual, so a schedule costs a few tens of ms plus its timeouts.
// `npm run fuzz` runs at least 1,000 schedules (HOST_FUZZ_RUNS overrides);
// `npm test` runs a few.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyFinalizersInMemory,
  createInMemoryMappingStore,
  type InMemoryMappingStore,
  reconcileOnce,
} from "../../src/execution/index.js";
import { SAVEPOINT_NONCE_ANNOTATION, type VvpDeployment } from "../../src/models/index.js";
import {
  SPEC_VERSION_ANNOTATION,
  startVvpSimulator,
  type VvpSimulator,
} from "../../src/simulator/index.js";
import { createVvpClient, type VvpClient } from "../../src/vvp-client/index.js";
import { exampleCr } from "../support/examples.js";
import { InMemoryCluster } from "../support/in-memory-cluster.js";
import { PROPERTY_SEED } from "../support/property.js";

const INSTANCE = "my-operator";
const NAMESPACE = "my-deploy-namespace";
const TIMEOUT_MS = 20;
const TRANSITION_MS = 1_000;
const FUZZING = process.env.npm_lifecycle_event === "fuzz";
const RUNS = Number(process.env.HOST_FUZZ_RUNS ?? (FUZZING ? 1_000 : 12));

const DEPLOYMENT = "/api/v1/namespaces/:ns/deployments/:id";
const SAVEPOINTS = "/api/v1/namespaces/:ns/savepoints";

/** A fault VVP answers one matching call with. */
type VvpFault =
  | { kind: "status"; method: string; path: string; status: number; applied: boolean }
  | { kind: "timeout"; method: string; path: string; applied: boolean }
  | { kind: "late"; method: string; path: string; afterMs: number };

/** What the Kubernetes side or the controller does to one cycle. */
type CycleFault =
  | { kind: "none" }
  /** The status write answers 500: nothing of the cycle is recorded. */
  | { kind: "status500" }
  /** The author edits during the cycle: the status write conflicts (409). */
  | { kind: "conflict" }
  /** The controller crashes right after its n-th VVP call of the cycle. */
  | { kind: "crash"; afterCalls: number };

type Step =
  | { kind: "cycle"; fault: CycleFault }
  | { kind: "vvp"; fault: VvpFault }
  | { kind: "edit" }
  | { kind: "advance" };

interface Round {
  savepoint: boolean;
  restart: boolean;
  steps: Step[];
}

interface Schedule {
  autopilot: boolean;
  rounds: Round[];
}

const writeRoute = fc.constantFrom(
  { method: "POST", path: SAVEPOINTS },
  { method: "PATCH", path: DEPLOYMENT },
  { method: "PUT", path: DEPLOYMENT },
);
const anyRoute = fc.oneof(
  writeRoute,
  fc.constantFrom(
    { method: "GET", path: DEPLOYMENT },
    { method: "GET", path: SAVEPOINTS },
    { method: "GET", path: "/api/v1/namespaces/:ns/jobs/:id" },
  ),
);

const vvpFault: fc.Arbitrary<VvpFault> = fc.oneof(
  fc
    .tuple(anyRoute, fc.constantFrom(500, 503, 429), fc.boolean())
    .map(([route, status, applied]) => ({ kind: "status" as const, ...route, status, applied })),
  fc
    .tuple(anyRoute, fc.boolean())
    .map(([route, applied]) => ({ kind: "timeout" as const, ...route, applied })),
  // Applied after the client gave up, within one more timeout: the window in
  // which a write can still land (the savepoint and restart paths wait it out).
  fc
    .tuple(writeRoute, fc.constantFrom(TIMEOUT_MS / 2, TIMEOUT_MS + TIMEOUT_MS / 4))
    .map(([route, afterMs]) => ({ kind: "late" as const, ...route, afterMs })),
);

const cycleFault: fc.Arbitrary<CycleFault> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "status500" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "conflict" as const }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 3 }).map((afterCalls) => ({
      kind: "crash" as const,
      afterCalls,
    })),
  },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: cycleFault.map((fault) => ({ kind: "cycle" as const, fault })) },
  { weight: 2, arbitrary: vvpFault.map((fault) => ({ kind: "vvp" as const, fault })) },
  { weight: 1, arbitrary: fc.constant({ kind: "edit" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "advance" as const }) },
);

const round: fc.Arbitrary<Round> = fc
  .record({
    savepoint: fc.boolean(),
    restart: fc.boolean(),
    steps: fc.array(step, { minLength: 1, maxLength: 8 }),
  })
  .filter((candidate) => candidate.savepoint || candidate.restart);

const schedule: fc.Arbitrary<Schedule> = fc.record({
  autopilot: fc.boolean(),
  rounds: fc.array(round, { minLength: 1, maxLength: 3 }),
});

class Crash extends Error {}

/** A client that performs its n-th call and then "crashes" the controller. */
function crashingClient(
  client: VvpClient,
  afterCalls: number,
): { client: VvpClient; crashed: () => boolean } {
  let calls = 0;
  let crashed = false;
  const proxy = new Proxy(client, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        if (crashed) throw new Crash("crashed");
        calls += 1;
        try {
          return await value.apply(target, args);
        } finally {
          if (calls >= afterCalls) crashed = true;
        }
      };
    },
  });
  return { client: proxy, crashed: () => crashed };
}

let simulator: VvpSimulator;
let client: VvpClient;
let cluster: InMemoryCluster;
let mappingStore: InMemoryMappingStore;
let schedules = 0;

beforeAll(async () => {
  simulator = await startVvpSimulator({ transitionMs: TRANSITION_MS, seed: 7 });
  client = createVvpClient({
    baseUrl: simulator.url,
    timeoutMs: TIMEOUT_MS,
    sleep: async () => {},
    random: () => 0.5,
  });
  cluster = new InMemoryCluster();
  mappingStore = createInMemoryMappingStore();
});
afterAll(async () => {
  await simulator.close();
});

/** One host of one schedule: its CR, and the steps it can take. */
function host(name: string) {
  let edits = 0;
  const cr = (): VvpDeployment => {
    const found = cluster.get(NAMESPACE, name);
    if (found === undefined) throw new Error(`no CR ${name}`);
    return found;
  };
  const edit = (change: (cr: VvpDeployment) => void) => {
    const next = cr();
    change(next);
    cluster.apply(next, simulator.now());
  };
  // A generation bump that changes nothing VVP holds: initFields apply only on create.
  const authorEdit = () =>
    edit((next) => {
      edits += 1;
      next.spec.initFields = { metadata: { annotations: { note: `edit ${edits}` } } } as never;
    });
  /** One reconcile cycle; a faulted one writes no status. */
  const cycle = async (fault: CycleFault = { kind: "none" }) => {
    const crash = fault.kind === "crash" ? crashingClient(client, fault.afterCalls) : undefined;
    try {
      const result = await reconcileOnce({
        cr: cr(),
        client: crash?.client ?? client,
        mappingStore,
        instanceId: INSTANCE,
        now: simulator.now(),
        finalizers: applyFinalizersInMemory(),
      });
      if (fault.kind === "conflict") authorEdit();
      if (fault.kind !== "none" || crash?.crashed() === true) return;
      if (result.changed) cluster.write(result.cr);
    } catch {
      // An observation error, or the crash: nothing is written; the host
      // retries with a later cycle, as the controller does after a backoff.
    }
  };
  return { cr, edit, authorEdit, cycle };
}

async function lateCallsLanded(): Promise<void> {
  // A late call lands within 1.25 timeouts of its arrival; two timeouts is a bound.
  await new Promise((resolve) => setTimeout(resolve, 2 * TIMEOUT_MS));
}

/** Fault-free cycles and clock steps until the CR is RUNNING, settled and aligned. */
async function settle(h: ReturnType<typeof host>, name: string): Promise<void> {
  simulator.clearFaults();
  for (let attempt = 0; attempt < 30; attempt += 1) {
    await h.cycle();
    const current = h.cr();
    const deployment = simulator
      .deployments(current.spec.deployment.metadata.namespace)
      .find((candidate) => candidate.metadata.name === current.spec.deployment.metadata.name);
    const conditions = current.status?.conditions ?? [];
    const healthy = conditions.find((condition) => condition.type === "Healthy");
    if (
      deployment?.status.state === "RUNNING" &&
      current.status?.observedGeneration === current.metadata.generation &&
      healthy?.status === "True"
    ) {
      return;
    }
    simulator.advance(TRANSITION_MS);
  }
  throw new Error(`${name} did not settle: ${JSON.stringify(h.cr().status)}`);
}

async function runSchedule(plan: Schedule): Promise<void> {
  schedules += 1;
  const name = `fz-${schedules}`;
  const cr = exampleCr("PATCH");
  cr.metadata.name = name;
  cr.metadata.namespace = NAMESPACE;
  cr.spec.deployment.metadata.name = name;
  cr.spec.deployment.spec.state = "RUNNING";
  cluster.apply(cr, simulator.now());
  const h = host(name);
  await settle(h, name);
  const id = h.cr().status?.deploymentId ?? "";
  if (plan.autopilot) simulator.setAutopilot(id, "ACTIVE");
  const uid = h.cr().metadata.uid ?? "";
  const savepoints = () =>
    simulator
      .savepoints()
      .filter((savepoint) =>
        savepoint.metadata.annotations?.[SAVEPOINT_NONCE_ANNOTATION]?.startsWith(`${uid}/`),
      ).length;
  // Spec versions: the author never changes what VVP holds, so every spec
  // change in VVP is a restart (a new restart-nonce template annotation).
  const specVersion = () =>
    Number(simulator.deployment(id)?.metadata.annotations[SPEC_VERSION_ANNOTATION] ?? "0");
  let savepointNonce = 0;
  let restartNonce = 0;
  for (const [index, round] of plan.rounds.entries()) {
    const before = { savepoints: savepoints(), restarts: specVersion() };
    // A new value each round; every other round returns to an earlier one (1 → 2 → 1).
    h.edit((next) => {
      if (round.savepoint) {
        savepointNonce = index % 2 === 1 ? savepointNonce - 1 : savepointNonce + 1;
        next.spec.savepointNonce = savepointNonce;
      }
      if (round.restart) {
        restartNonce = index % 2 === 1 ? restartNonce - 1 : restartNonce + 1;
        next.spec.restartNonce = restartNonce;
      }
    });
    let late = false;
    for (const action of round.steps) {
      if (action.kind === "cycle") await h.cycle(action.fault);
      else if (action.kind === "edit") h.authorEdit();
      else if (action.kind === "advance") simulator.advance(TRANSITION_MS);
      else {
        const { fault } = action;
        late ||= fault.kind === "late" || fault.kind === "timeout";
        simulator.failNext(
          fault.kind === "status"
            ? {
                method: fault.method,
                path: fault.path,
                status: fault.status,
                applied: fault.applied,
              }
            : fault.kind === "timeout"
              ? { method: fault.method, path: fault.path, mode: "timeout", applied: fault.applied }
              : {
                  method: fault.method,
                  path: fault.path,
                  mode: "timeout",
                  appliedAfterMs: fault.afterMs,
                },
        );
      }
    }
    if (late) await lateCallsLanded();
    await settle(h, name);
    const status = h.cr().status;
    expect({
      savepoints: savepoints() - before.savepoints,
      restarts: specVersion() - before.restarts,
    }).toEqual({ savepoints: round.savepoint ? 1 : 0, restarts: round.restart ? 1 : 0 });
    if (round.savepoint) expect(status?.lastProcessedSavepointNonce).toBe(savepointNonce);
    if (round.restart) expect(status?.lastProcessedTriggerNonce).toBe(restartNonce);
  }
}

describe("exactly once under faults, edits and crashes (randomized host schedules)", () => {
  it(`one savepoint and one restart per nonce change made while RUNNING (${RUNS} schedules)`, async () => {
    await fc.assert(
      fc.asyncProperty(schedule, runSchedule),
      PROPERTY_SEED === undefined ? { numRuns: RUNS } : { numRuns: RUNS, seed: PROPERTY_SEED },
    );
    expect(schedules).toBeGreaterThanOrEqual(RUNS);
  }, 3_600_000);
});
