import { describe, expect, it } from "vitest";
import {
  applyFinalizersInMemory,
  createDefaultAutopilotProvider,
  createInMemoryMappingStore,
  executePlan,
  type FinalizerWriter,
  observe,
  reconcileOnce,
} from "../../src/execution/index.js";
import {
  AUTOPILOT_MODE_ANNOTATION,
  FINALIZER,
  type VvpDeployment,
} from "../../src/models/index.js";
import type { PlanAction, ReconcilePlan } from "../../src/reconcile/index.js";
import { VvpApiError, type VvpClient } from "../../src/vvp-client/index.js";
import { buildCr, DEPLOYMENT_ID, INSTANCE, UID } from "../support/builders.js";

type Call = { method: keyof VvpClient; args: unknown[] };

/** A VvpClient that records calls and answers from a script; `fail` makes a method throw. */
function fakeClient(
  answers: Partial<Record<keyof VvpClient, unknown>> = {},
  fail: Partial<Record<keyof VvpClient, Error>> = {},
): { client: VvpClient; calls: Call[] } {
  const calls: Call[] = [];
  const client = new Proxy({} as VvpClient, {
    get(_target, property) {
      const method = property as keyof VvpClient;
      return async (...args: unknown[]) => {
        calls.push({ method, args });
        const error = fail[method];
        if (error !== undefined) throw error;
        return answers[method] ?? null;
      };
    },
  });
  return { client, calls };
}

const http = (status: number, vvpMessage: string) =>
  new VvpApiError({
    kind: "http",
    status,
    method: "POST",
    path: "/api/v1/namespaces/default/deployments",
    vvpMessage,
    message: `POST … answered ${status}: ${vvpMessage}`,
  });

const plan = (actions: PlanAction[]): ReconcilePlan => ({
  actions,
  status: {},
  events: [],
  requeueAfterMs: 0,
});

const create: PlanAction = {
  type: "CreateDeployment",
  vvpNamespace: "default",
  body: { metadata: { name: "my-deployment", namespace: "default" } },
  mapping: { crUid: UID, vvpNamespace: "default", instanceId: INSTANCE },
};
const patch: PlanAction = {
  type: "PatchDeployment",
  vvpNamespace: "default",
  deploymentId: DEPLOYMENT_ID,
  body: { spec: { state: "CANCELLED" } },
  purpose: "Cancel",
};
const remove: PlanAction = {
  type: "DeleteDeployment",
  vvpNamespace: "default",
  deploymentId: DEPLOYMENT_ID,
};

describe("executePlan", () => {
  it("runs the actions in order and persists finalizers before anything is created", async () => {
    const order: string[] = [];
    const finalizers: FinalizerWriter = {
      add: async (name) => void order.push(`add ${name}`),
      remove: async (name) => void order.push(`remove ${name}`),
    };
    const { client, calls } = fakeClient({ createDeployment: { metadata: { id: "new-id" } } });
    const mappingStore = createInMemoryMappingStore();
    const outcomes = await executePlan(
      plan([{ type: "AddFinalizer", finalizer: FINALIZER }, create]),
      {
        client,
        mappingStore,
        finalizers: {
          ...finalizers,
          add: async (name) => {
            expect(calls).toEqual([]);
            await finalizers.add(name);
          },
        },
      },
    );
    expect(order).toEqual([`add ${FINALIZER}`]);
    expect(outcomes.map((outcome) => outcome.result)).toEqual(["succeeded", "succeeded"]);
    expect(outcomes[1]).toMatchObject({ deployment: { metadata: { id: "new-id" } } });
    expect(await mappingStore.get(UID)).toEqual({
      deploymentId: "new-id",
      vvpNamespace: "default",
      instanceId: INSTANCE,
    });
  });

  it("stops at the first failure: later actions are reported as not run and not attempted", async () => {
    const { client, calls } = fakeClient({}, { patchDeployment: http(409, "conflict") });
    const outcomes = await executePlan(plan([patch, remove]), {
      client,
      mappingStore: createInMemoryMappingStore(),
    });
    expect(outcomes).toEqual([
      {
        action: patch,
        result: "failed",
        error: { kind: "http", status: 409, message: "conflict" },
      },
      { action: remove, result: "notRun" },
    ]);
    expect(calls.map((call) => call.method)).toEqual(["patchDeployment"]);
  });

  it("reports VVP's own message for an HTTP error, and timeouts and unread tokens as transient kinds", async () => {
    const cases: [Error, unknown][] = [
      [
        http(400, "unknown engine version"),
        { kind: "http", status: 400, message: "unknown engine version" },
      ],
      [
        new VvpApiError({
          kind: "timeout",
          status: undefined,
          method: "PATCH",
          path: "/p",
          message: "timed out after 10000 ms",
        }),
        { kind: "timeout", message: "timed out after 10000 ms" },
      ],
      [
        new VvpApiError({
          kind: "token",
          status: undefined,
          method: "PATCH",
          path: "/p",
          message: "the token provider failed",
        }),
        { kind: "network", message: "the token provider failed" },
      ],
      [new TypeError("boom"), { kind: "network", message: "boom" }],
    ];
    for (const [error, expected] of cases) {
      const { client } = fakeClient({}, { patchDeployment: error });
      const [outcome] = await executePlan(plan([patch]), {
        client,
        mappingStore: createInMemoryMappingStore(),
      });
      expect(outcome).toMatchObject({ result: "failed", error: expected });
    }
  });

  it("counts a create whose mapping could not be saved as failed, so the next cycle adopts it", async () => {
    const { client } = fakeClient({ createDeployment: { metadata: { id: "new-id" } } });
    const mappingStore = createInMemoryMappingStore();
    mappingStore.save = async () => {
      throw new Error("store unavailable");
    };
    const [outcome] = await executePlan(plan([create]), { client, mappingStore });
    expect(outcome).toMatchObject({
      result: "failed",
      error: { kind: "network", message: "store unavailable" },
    });
  });

  it("treats a DELETE answered 404 (already gone) as done", async () => {
    const { client } = fakeClient({ deleteDeployment: false });
    const [outcome] = await executePlan(plan([remove]), {
      client,
      mappingStore: createInMemoryMappingStore(),
    });
    expect(outcome?.result).toBe("succeeded");
  });
});

function deployment(
  annotations: Record<string, string> = {},
  state: "RUNNING" | "CANCELLED" = "RUNNING",
) {
  return {
    metadata: { id: DEPLOYMENT_ID, name: "my-deployment", namespace: "default", annotations },
    spec: { state },
    status: { state, running: { jobId: "job-1" } },
  };
}

describe("observe", () => {
  const provider = createDefaultAutopilotProvider();

  it("reads the deployment by id when a mapping exists, by name otherwise", async () => {
    const mapped = createInMemoryMappingStore([
      [UID, { deploymentId: DEPLOYMENT_ID, vvpNamespace: "default", instanceId: INSTANCE }],
    ]);
    const byId = fakeClient({ getDeployment: deployment() });
    await observe(buildCr("PATCH"), {
      client: byId.client,
      mappingStore: mapped,
      autopilotProvider: provider,
    });
    expect(byId.calls).toEqual([{ method: "getDeployment", args: ["default", DEPLOYMENT_ID] }]);

    const byName = fakeClient();
    const observed = await observe(buildCr("PATCH"), {
      client: byName.client,
      mappingStore: createInMemoryMappingStore(),
      autopilotProvider: provider,
    });
    expect(byName.calls).toEqual([
      { method: "findDeploymentByName", args: ["default", "my-deployment"] },
    ]);
    expect(observed).toEqual({ deployment: null, mapping: null });
  });

  it("lists savepoints only while a savepoint nonce is pending", async () => {
    const pending = buildCr("PATCH", { savepointNonce: 3 });
    const { client, calls } = fakeClient({
      findDeploymentByName: deployment(),
      listSavepoints: [],
    });
    const observed = await observe(pending, {
      client,
      mappingStore: createInMemoryMappingStore(),
      autopilotProvider: provider,
    });
    expect(calls.map((call) => call.method)).toEqual(["findDeploymentByName", "listSavepoints"]);
    expect(observed.savepoints).toEqual([]);
  });

  it("reads the running job only when Autopilot is ACTIVE, and reports its parallelism", async () => {
    const active = fakeClient({
      findDeploymentByName: deployment({ [AUTOPILOT_MODE_ANNOTATION]: "ACTIVE" }),
      getJob: { spec: { parallelism: 4 } },
    });
    const cr = buildCr("PATCH", { state: "RUNNING" });
    const observed = await observe(cr, {
      client: active.client,
      mappingStore: createInMemoryMappingStore(),
      autopilotProvider: provider,
    });
    expect(active.calls.map((call) => call.method)).toEqual(["findDeploymentByName", "getJob"]);
    expect(observed.autopilot).toEqual({
      mode: "ACTIVE",
      scalingInProgress: false,
      runtimeParallelism: 4,
    });

    const monitoring = fakeClient({
      findDeploymentByName: deployment({ [AUTOPILOT_MODE_ANNOTATION]: "MONITORING" }),
    });
    const watched = await observe(cr, {
      client: monitoring.client,
      mappingStore: createInMemoryMappingStore(),
      autopilotProvider: provider,
    });
    expect(monitoring.calls.map((call) => call.method)).toEqual(["findDeploymentByName"]);
    expect(watched.autopilot).toEqual({ mode: "MONITORING", scalingInProgress: false });
  });

  it("sees a scaling run when ACTIVE and VVP's state differs from the CR's or is TRANSITIONING", async () => {
    const cr = buildCr("PATCH", { state: "RUNNING" });
    for (const [specState, statusState] of [
      ["CANCELLED", "RUNNING"],
      ["RUNNING", "TRANSITIONING"],
    ]) {
      const observed = await provider.observe({
        cr,
        deployment: {
          ...deployment({ [AUTOPILOT_MODE_ANNOTATION]: "ACTIVE" }),
          spec: { state: specState as "RUNNING" },
          status: { state: statusState as "RUNNING" },
        },
        client: fakeClient().client,
      });
      expect(observed.scalingInProgress).toBe(true);
    }
  });
});

describe("reconcileOnce", () => {
  it("turns a CR too malformed to look up into field errors, with no VVP call and no throw", async () => {
    const cr = buildCr("PATCH") as unknown as { spec: Record<string, unknown> };
    delete cr.spec.deployment;
    const { client, calls } = fakeClient();
    const result = await reconcileOnce({
      cr: cr as unknown as VvpDeployment,
      client,
      mappingStore: createInMemoryMappingStore(),
      instanceId: INSTANCE,
      now: "2025-03-01T12:00:00Z",
      finalizers: applyFinalizersInMemory(),
    });
    expect(result.plan.skipped).toBe("InvalidSpec");
    expect(result.plan.errors).toEqual([expect.objectContaining({ field: "spec.deployment" })]);
    expect(result.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "InvalidSpec" }),
    ]);
    expect(calls).toEqual([]);
  });

  it("leaves a CR of another instance alone: no write to VVP, no change to the CR", async () => {
    const cr: VvpDeployment = buildCr("PATCH");
    cr.metadata.labels = { "ververica.platform/owner": "another-operator" };
    const { client, calls } = fakeClient();
    const result = await reconcileOnce({
      cr,
      client,
      mappingStore: createInMemoryMappingStore(),
      instanceId: INSTANCE,
      now: "2025-03-01T12:00:00Z",
      finalizers: applyFinalizersInMemory(),
    });
    expect(result.changed).toBe(false);
    expect(result.cr).toBe(cr);
    expect(result.plan.skipped).toBe("NotOwned");
    expect(calls).toEqual([]);
  });
});

describe("the default Autopilot provider and the author's own state changes", () => {
  it("does not take an author's new desired state for a scaling run", async () => {
    const cr = buildCr("PATCH", { state: "CANCELLED" });
    cr.status = { observedSpecState: "RUNNING" };
    const observed = await createDefaultAutopilotProvider().observe({
      cr,
      deployment: deployment({ [AUTOPILOT_MODE_ANNOTATION]: "ACTIVE" }),
      client: fakeClient({ getJob: { spec: { parallelism: 2 } } }).client,
    });
    expect(observed.scalingInProgress).toBe(false);
  });
});

describe("a restart PATCH that times out", () => {
  const timeout = new VvpApiError({
    kind: "timeout",
    status: undefined,
    method: "PATCH",
    path: `/api/v1/namespaces/default/deployments/${DEPLOYMENT_ID}`,
    message: "timed out after 300 ms",
  });
  const restart: PlanAction = {
    type: "RestartJob",
    vvpNamespace: "default",
    deploymentId: DEPLOYMENT_ID,
    nonce: 4,
    body: {
      spec: {
        template: { metadata: { annotations: { "ververica.platform/restart-nonce": "4/r2" } } },
      },
    },
  };
  const clientHolding = (annotation: string | undefined, waits: number[]) =>
    ({
      timeoutMs: 300,
      patchDeployment: async () => {
        throw timeout;
      },
      getDeployment: async () => ({
        metadata: { id: DEPLOYMENT_ID },
        spec: {
          template: {
            metadata: {
              annotations:
                annotation === undefined ? {} : { "ververica.platform/restart-nonce": annotation },
            },
          },
        },
      }),
      waits,
    }) as unknown as VvpClient;

  it("waits the client's timeout, then finds its token in VVP: the restart happened", async () => {
    const waits: number[] = [];
    const outcomes = await executePlan(plan([restart]), {
      client: clientHolding("4/r2", waits),
      mappingStore: createInMemoryMappingStore(),
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toEqual([300]);
    expect(outcomes.map((outcome) => outcome.result)).toEqual(["succeeded"]);
  });

  it("reports the timeout when VVP holds another token (the next cycle retries with the same one)", async () => {
    const outcomes = await executePlan(plan([restart]), {
      client: clientHolding("3/r1", []),
      mappingStore: createInMemoryMappingStore(),
      sleep: async () => {},
    });
    expect(outcomes[0]).toMatchObject({ result: "failed", error: { kind: "timeout" } });
  });
});
