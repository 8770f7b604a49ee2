import { describe, expect, it } from "vitest";
import type { VvpDeployment } from "../../src/models/index.js";
import {
  type ActionOutcome,
  movingRequeueMs,
  observationNeeds,
  type PlanAction,
  REQUEUE_LONG_MS,
  REQUEUE_MOVING_MIN_MS,
  type ReconcilePlan,
  reconcile,
  settle,
} from "../../src/reconcile/index.js";
import {
  allSucceeded,
  buildCr,
  conditionOf,
  cycle,
  DEPLOYMENT_ID,
  deploymentFor,
  editSpec,
  freshWorld,
  INSTANCE,
  inputFor,
  inputOf,
  mappingFor,
  must,
  NOW,
  steadyWorld,
  UID,
  type World,
} from "../support/builders.js";

const types = (plan: { actions: PlanAction[] }) => plan.actions.map((action) => action.type);
const running = (mode: "PATCH" | "PUT" = "PATCH") => steadyWorld(mode, { state: "RUNNING" });

function failAt(
  plan: ReconcilePlan,
  type: PlanAction["type"],
  error: Extract<ActionOutcome, { result: "failed" }>["error"],
): ActionOutcome[] {
  const outcomes: ActionOutcome[] = [];
  let failed = false;
  for (const action of plan.actions) {
    if (failed) outcomes.push({ action, result: "notRun" });
    else if (action.type === type) {
      outcomes.push({ action, result: "failed", error });
      failed = true;
    } else outcomes.push({ action, result: "succeeded" });
  }
  return outcomes;
}

describe("ownership and bad input", () => {
  it("a CR of another instance gets an empty plan, skipped NotOwned, and no status write", () => {
    const cr = buildCr("PATCH", { owner: "other-operator", status: { deploymentId: "x" } });
    const plan = reconcile(inputOf(cr));
    expect(plan).toEqual({
      actions: [],
      status: { deploymentId: "x" },
      events: [],
      requeueAfterMs: 0,
      skipped: "NotOwned",
    });
  });
  it("a CR missing the fields the core reads gets field errors, not a crash", () => {
    const cr = buildCr("PATCH");
    delete (cr.spec.deployment.metadata as Partial<typeof cr.spec.deployment.metadata>).namespace;
    (cr.spec as { syncingMode: string }).syncingMode = "MERGE";
    const plan = reconcile(inputOf(cr));
    expect(plan.skipped).toBe("InvalidSpec");
    expect(plan.actions).toEqual([]);
    expect(plan.errors?.map((error) => error.field)).toEqual([
      "spec.syncingMode",
      "spec.deployment.metadata.namespace",
    ]);
  });
});

describe("creation", () => {
  it("adds the finalizer before creating, and the create body is a POST of the marked spec", () => {
    const plan = reconcile(inputOf(buildCr("PATCH", { finalizer: false })));
    expect(types(plan)).toEqual(["AddFinalizer", "CreateDeployment"]);
    const create = plan.actions[1] as Extract<PlanAction, { type: "CreateDeployment" }>;
    expect(create.vvpNamespace).toBe("default");
    expect(create.mapping).toEqual({ crUid: UID, vvpNamespace: "default", instanceId: INSTANCE });
    expect(create.body.metadata?.annotations?.["ververica.platform/cr-uid"]).toBe(UID);
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "True",
      reason: "RecordIntact",
    });
  });
  it("settle records deploymentId from the created deployment", () => {
    const input = inputOf(buildCr("PUT"));
    const plan = reconcile(input);
    const settled = settle(input, plan, allSucceeded(plan, "created-42"));
    expect(settled.status.deploymentId).toBe("created-42");
    expect(settled.status.observedGeneration).toBe(1);
    expect(settled.events).toContainEqual(
      expect.objectContaining({ type: "Normal", reason: "DeploymentCreated" }),
    );
  });
  it("a create not yet run is Consistent Unknown Creating", () => {
    const input = inputOf(buildCr("PATCH", { finalizer: false }));
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      failAt(plan, "AddFinalizer", { kind: "network", message: "refused" }),
    );
    expect(conditionOf(settled.status, "Consistent")).toMatchObject({
      status: "Unknown",
      reason: "Creating",
    });
    expect(settled.status.observedGeneration).toBe(1);
    expect(settled.status.unprojectedGeneration).toBe(1);
  });
  it("a 4xx create is not retried until the spec changes", () => {
    const world = freshWorld(buildCr("PATCH"));
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      failAt(plan, "CreateDeployment", { kind: "http", status: 422, message: "bad artifact" }),
    );
    expect(conditionOf(settled.status, "Consistent")?.message).toContain("bad artifact");
    const after = { ...world, cr: { ...must(world.cr), status: settled.status } };
    const again = reconcile(inputFor(after, { now: "2025-03-01T13:00:00Z" }));
    expect(again.actions).toEqual([]);
    expect(again.status).toEqual(settled.status);
    expect(again.events).toEqual([]);
    const changed = editSpec(after, (cr) => {
      cr.spec.deployment.spec.template.spec.engineVersionName = "vera-4.3-flink-1.20";
    });
    expect(types(reconcile(inputFor(changed)))).toEqual(["CreateDeployment"]);
  });
  it("a 5xx or timeout create is retried with a growing backoff", () => {
    const world = freshWorld(buildCr("PATCH"));
    const input = inputFor(world, { now: "2025-03-01T12:00:00Z" });
    const plan = reconcile(input);
    const first = settle(
      input,
      plan,
      failAt(plan, "CreateDeployment", { kind: "timeout", message: "no answer" }),
    );
    expect(first.status.observedGeneration).toBe(1);
    expect(first.status.unprojectedGeneration).toBe(1);
    expect(first.requeueAfterMs).toBe(5_000);
    const after = { ...world, cr: { ...must(world.cr), status: first.status } };
    const input2 = inputFor(after, { now: "2025-03-01T12:01:00Z" });
    const retry = reconcile(input2);
    expect(types(retry)).toEqual(["CreateDeployment"]);
    const second = settle(
      input2,
      retry,
      failAt(retry, "CreateDeployment", { kind: "http", status: 503, message: "busy" }),
    );
    expect(second.requeueAfterMs).toBe(60_000);
  });
  it("a lost create answer is adopted: the deployment carries our cr-uid and deploymentId was never recorded", () => {
    const cr = buildCr("PATCH");
    const plan = reconcile(inputOf(cr, { deployment: deploymentFor(cr) }));
    expect(plan.actions[0]).toEqual({
      type: "SaveMapping",
      crUid: UID,
      record: { deploymentId: DEPLOYMENT_ID, vvpNamespace: "default", instanceId: INSTANCE },
    });
    expect(plan.status.deploymentId).toBe(DEPLOYMENT_ID);
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "True",
      reason: "RecordIntact",
    });
  });
});

describe("projection", () => {
  it.each(["PATCH", "PUT"] as const)(
    "a spec change in %s mode is projected with the mode's method",
    (mode) => {
      const world = editSpec(running(mode), (cr) => {
        cr.spec.deployment.spec.state = "SUSPENDED";
      });
      const plan = reconcile(inputFor(world));
      expect(types(plan)).toEqual([mode === "PUT" ? "PutDeployment" : "PatchDeployment"]);
      expect(plan.actions[0]).toMatchObject({
        vvpNamespace: "default",
        deploymentId: DEPLOYMENT_ID,
      });
      expect(plan.status.observedGeneration).toBe(2);
      expect(plan.events).toEqual([
        expect.objectContaining({
          type: "Normal",
          reason: "SpecProjected",
          message: expect.stringContaining(`${mode}`),
        }),
      ]);
      expect(plan.events[0]?.message).toContain("RUNNING → SUSPENDED");
      // The job moves: VVP is observed again within about a second.
      expect(plan.requeueAfterMs).toBe(REQUEUE_MOVING_MIN_MS);
      expect(plan.status.actualDiffersSince).toBeDefined();
    },
  );
  it("observedGeneration mirrors the generation after a refused projection; the recorded owed projection drives the retry", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      failAt(plan, "PatchDeployment", { kind: "http", status: 409, message: "conflict" }),
    );
    expect(settled.status.observedGeneration).toBe(2);
    expect(settled.status.unprojectedGeneration).toBe(2);
    expect(conditionOf(settled.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "ProjectionFailed",
    });
    expect(settled.events).toContainEqual(
      expect.objectContaining({ type: "Warning", reason: "ProjectionFailed" }),
    );
    const retryInput = inputFor({ ...world, cr: { ...must(world.cr), status: settled.status } });
    const retry = reconcile(retryInput);
    expect(types(retry)).toEqual(["PatchDeployment"]);
    const retried = settle(retryInput, retry, allSucceeded(retry));
    expect(retried.status.observedGeneration).toBe(2);
    expect(retried.status.unprojectedGeneration).toBeUndefined();
    expect(conditionOf(retried.status, "SpecAligned")?.status).toBe("True");
  });
  it("a refused PUT is sent again from the record, whatever SpecAligned's message says", () => {
    const world = editSpec(running("PUT"), (cr) => {
      cr.spec.deployment.spec.template.spec.flinkConfiguration = { "a.b": "c" };
    });
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      failAt(plan, "PutDeployment", { kind: "http", status: 400, message: "refused" }),
    );
    expect(settled.status.observedGeneration).toBe(2);
    const reworded = structuredClone(settled.status);
    for (const condition of reworded.conditions ?? []) condition.message = "edited by hand";
    const retry = reconcile(inputFor({ ...world, cr: { ...must(world.cr), status: reworded } }));
    expect(types(retry)).toEqual(["PutDeployment"]);
  });
  it.each([
    ["PATCH", "PatchDeployment"],
    ["PUT", "PutDeployment"],
  ] as const)("state drift in %s mode is re-projected with the normal body", (mode, type) => {
    const world = running(mode);
    const drifted = {
      ...must(world.deployment),
      spec: { ...must(must(world.deployment).spec), state: "CANCELLED" as const },
    };
    const plan = reconcile(inputFor({ ...world, deployment: drifted }));
    expect(types(plan)).toEqual([type]);
    if (plan.actions[0]?.type === "PatchDeployment")
      expect(plan.actions[0].purpose).toBe("StateDrift");
    expect((plan.actions[0] as { body: { spec: { state: string } } }).body.spec.state).toBe(
      "RUNNING",
    );
  });
  it("a CR without spec.state expresses no desired state: no drift, observedSpecState is VVP's", () => {
    const world = steadyWorld("PATCH", { state: null });
    const suspended = {
      ...must(world.deployment),
      spec: { ...must(must(world.deployment).spec), state: "SUSPENDED" as const },
    };
    const plan = reconcile(inputFor({ ...world, deployment: suspended }));
    expect(plan.actions).toEqual([]);
    expect(plan.status.observedSpecState).toBe("SUSPENDED");
  });
  it("a CR without generation (read from a file) detects changes by comparing bodies", () => {
    const cr = buildCr("PATCH", { generation: null });
    const world: World = {
      cr,
      deployment: deploymentFor(cr),
      mapping: mappingFor(),
      savepoints: [],
    };
    expect(reconcile(inputFor(world)).actions).toEqual([]);
    const edited = structuredClone(cr) as VvpDeployment;
    edited.spec.deployment.spec.template.spec.engineVersionName = "vera-4.3-flink-1.20";
    const plan = reconcile(inputFor({ ...world, cr: edited }));
    expect(types(plan)).toEqual(["PatchDeployment"]);
    expect(plan.status.observedGeneration).toBeUndefined();
    expect(plan.status.conditions?.[0]).not.toHaveProperty("observedGeneration");
  });
});

describe("nonces in the cycle", () => {
  it("order: savepoint, then restart, then projection", () => {
    const world = editSpec(running("PUT"), (cr) => {
      cr.spec.savepointNonce = 3;
      cr.spec.restartNonce = 5;
      cr.spec.deployment.spec.template.spec.numberOfTaskManagers = 2;
    });
    const plan = reconcile(inputFor(world));
    expect(types(plan)).toEqual(["TriggerSavepoint", "RestartJob", "PutDeployment"]);
    expect(plan.actions[0]).toMatchObject({
      nonce: 3,
      deploymentId: DEPLOYMENT_ID,
      body: {
        metadata: {
          deploymentId: DEPLOYMENT_ID,
          // <cr uid>/<nonce>/<generation> (ours).
          annotations: { "ververica.platform/savepoint-nonce": `${UID}/3/2` },
        },
      },
    });
    expect(plan.actions[1]).toMatchObject({
      nonce: 5,
      body: {
        spec: {
          template: { metadata: { annotations: { "ververica.platform/restart-nonce": "5/r1" } } },
        },
      },
    });
    // The PUT carries the restart just made, so it does not restart the job again.
    const put = plan.actions[2] as Extract<PlanAction, { type: "PutDeployment" }>;
    expect(
      put.body.spec?.template?.metadata?.annotations?.["ververica.platform/restart-nonce"],
    ).toBe("5/r1");
    expect(plan.status).toMatchObject({
      lastProcessedSavepointNonce: 3,
      lastConsumedSavepointNonce: 3,
      lastProcessedTriggerNonce: 5,
      lastConsumedTriggerNonce: 5,
    });
    expect(plan.events.map((event) => event.reason)).toEqual([
      "SavepointTriggered",
      "RestartTriggered",
      "SpecProjected",
    ]);
  });
  it("0 fires on a fresh CR once its job runs", () => {
    const cr = buildCr("PATCH", { state: "RUNNING", savepointNonce: 0 });
    const plan = reconcile(inputOf(cr, { deployment: deploymentFor(cr), mapping: mappingFor() }));
    expect(types(plan)).toContain("TriggerSavepoint");
  });
  it("a blocked nonce warns every time a value is blocked, and the value is consumed", () => {
    let world = editSpec(steadyWorld("PATCH"), (cr) => {
      cr.spec.savepointNonce = 1;
    });
    const warnings = (events: { type: string }[]) =>
      events.filter((event) => event.type === "Warning");
    const first = cycle(world);
    expect(warnings(first.settled.events)).toEqual([
      expect.objectContaining({ type: "Warning", reason: "SavepointBlocked" }),
    ]);
    const still = cycle(first.world);
    expect(still.plan.events).toEqual([]);
    expect(still.plan.status).toEqual(first.world.cr?.status);
    world = editSpec(first.world, (cr) => {
      cr.spec.savepointNonce = 2;
    });
    expect(warnings(cycle(world).plan.events)).toEqual([
      expect.objectContaining({ type: "Warning", reason: "SavepointBlocked" }),
    ]);
  });
  it("a transient trigger failure does not consume the nonce; it is retried", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.savepointNonce = 1;
    });
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      failAt(plan, "TriggerSavepoint", { kind: "http", status: 503, message: "try later" }),
    );
    expect(settled.status.lastConsumedSavepointNonce).toBeUndefined();
    // The nonce edit needs no PATCH (VVP holds the body), so the generation is observed.
    expect(settled.status.observedGeneration).toBe(world.cr?.metadata.generation);
    const retry = reconcile(
      inputFor({ ...world, cr: { ...must(world.cr), status: settled.status } }),
    );
    expect(types(retry)).toEqual(["TriggerSavepoint"]);
  });
  it("a 4xx trigger failure consumes the nonce like a block, with VVP's message", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.restartNonce = 1;
    });
    const input = inputFor(world);
    const plan = reconcile(input);
    const settled = settle(
      input,
      plan,
      failAt(plan, "RestartJob", { kind: "http", status: 400, message: "job not restartable" }),
    );
    expect(settled.status.lastConsumedTriggerNonce).toBe(1);
    expect(settled.status.lastProcessedTriggerNonce).toBeUndefined();
    expect(conditionOf(settled.status, "NonceAligned")).toMatchObject({
      status: "False",
      reason: "RestartBlocked",
    });
    expect(conditionOf(settled.status, "NonceAligned")?.message).toContain("job not restartable");
    const after = { ...world, cr: { ...must(world.cr), status: settled.status } };
    expect(types(reconcile(inputFor(after)))).toEqual([]);
  });
  it("a savepoint triggered before a crash is recorded, not sent again", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.savepointNonce = 4;
    });
    const evidence = {
      metadata: {
        deploymentId: DEPLOYMENT_ID,
        annotations: { "ververica.platform/savepoint-nonce": `${UID}/4/2` },
      },
    };
    const plan = reconcile(inputFor({ ...world, savepoints: [evidence] }));
    expect(types(plan)).toEqual([]);
    expect(plan.status.lastProcessedSavepointNonce).toBe(4);
  });
  it("while sync is disabled nonces are not consumed; they fire when sync is back", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.savepointNonce = 1;
    });
    const disabled = cycle(world, { syncEnabled: false });
    expect(disabled.plan.actions).toEqual([]);
    expect(disabled.settled.status.lastConsumedSavepointNonce).toBeUndefined();
    expect(types(cycle(disabled.world).plan)).toEqual(["TriggerSavepoint"]);
  });
});

describe("events and requeue", () => {
  it("warns once when sync is disabled, not on every cycle", () => {
    const first = cycle(running(), { syncEnabled: false });
    expect(first.settled.events).toEqual([
      expect.objectContaining({ type: "Warning", reason: "SyncDisabled" }),
    ]);
    expect(cycle(first.world, { syncEnabled: false }).plan.events).toEqual([]);
  });
  it("long in the steady state; within a second while the job moves, backing off toward the resync for a long transition", () => {
    const world = running();
    const steady = reconcile(inputFor(world));
    expect(steady.requeueAfterMs).toBe(REQUEUE_LONG_MS);
    expect(steady.status).not.toHaveProperty("actualDiffersSince");
    const transitioning = {
      ...must(world.deployment),
      status: { state: "TRANSITIONING" as const },
    };
    const at = (now: string, status = must(world.cr).status) =>
      reconcile(
        inputFor(
          { ...world, cr: { ...must(world.cr), status }, deployment: transitioning },
          { now },
        ),
      );
    const first = at("2025-03-01T12:00:00Z");
    expect(first.requeueAfterMs).toBe(REQUEUE_MOVING_MIN_MS);
    expect(first.status.actualDiffersSince).toBe("2025-03-01T12:00:00Z");
    // The start is kept; the wait is a quarter of how long the job has moved.
    const later = at("2025-03-01T12:00:40Z", first.status);
    expect(later.status.actualDiffersSince).toBe("2025-03-01T12:00:00Z");
    expect(later.requeueAfterMs).toBe(10_000);
    expect(at("2025-03-01T13:00:00Z", first.status).requeueAfterMs).toBe(REQUEUE_LONG_MS);
    // Arrived: the mark goes, the wait is long again.
    const arrived = reconcile(
      inputFor({ ...world, cr: { ...must(world.cr), status: later.status } }),
    );
    expect(arrived.status).not.toHaveProperty("actualDiffersSince");
    expect(arrived.requeueAfterMs).toBe(REQUEUE_LONG_MS);
    // A FAILED job does not move by itself: no fast requeue.
    const failed = { ...must(world.deployment), status: { state: "FAILED" as const } };
    expect(reconcile(inputFor({ ...world, deployment: failed })).requeueAfterMs).toBe(
      REQUEUE_LONG_MS,
    );
  });
  it.each([
    ["2025-03-01T12:00:00Z", undefined, REQUEUE_MOVING_MIN_MS],
    ["2025-03-01T12:00:02Z", "2025-03-01T12:00:00Z", REQUEUE_MOVING_MIN_MS],
    ["2025-03-01T12:00:08Z", "2025-03-01T12:00:00Z", 2_000],
    ["2025-03-01T12:10:00Z", "2025-03-01T12:00:00Z", 150_000],
    ["2025-03-01T14:00:00Z", "2025-03-01T12:00:00Z", REQUEUE_LONG_MS],
    ["2025-03-01T12:00:00Z", "not a time", REQUEUE_MOVING_MIN_MS],
  ] as const)("movingRequeueMs(%s, since %s) = %d", (now, since, expected) => {
    expect(movingRequeueMs(now, since)).toBe(expected);
  });
});

describe("observationNeeds", () => {
  it("looks the deployment up by id when mapped, by name otherwise", () => {
    const cr = buildCr("PATCH");
    expect(observationNeeds(cr, mappingFor())).toEqual({
      deployment: { by: "id", vvpNamespace: "default", deploymentId: DEPLOYMENT_ID },
      savepoints: false,
    });
    expect(observationNeeds(cr, null).deployment).toEqual({
      by: "name",
      vvpNamespace: "default",
      name: "my-deployment",
    });
  });
  it("asks for savepoints only while a savepoint nonce is pending", () => {
    expect(observationNeeds(buildCr("PATCH", { savepointNonce: 2 }), null).savepoints).toBe(true);
    expect(
      observationNeeds(
        buildCr("PATCH", { savepointNonce: 2, status: { lastConsumedSavepointNonce: 2 } }),
        null,
      ).savepoints,
    ).toBe(false);
  });
});

describe("purity", () => {
  it("reconcile does not modify its input and gives the same plan twice", () => {
    const input = inputFor(
      editSpec(running("PUT"), (cr) => {
        cr.spec.restartNonce = 1;
      }),
    );
    const before = structuredClone(input);
    const first = reconcile(input);
    expect(input).toEqual(before);
    expect(reconcile(structuredClone(input))).toEqual(first);
    expect(NOW).toBe("2025-03-01T12:00:00Z");
  });
});

describe("changes that need no projection", () => {
  it("a nonce-only edit sends no PATCH in PATCH mode: VVP already holds the body", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.savepointNonce = 9;
    });
    const plan = reconcile(inputFor(world));
    expect(types(plan)).toEqual(["TriggerSavepoint"]);
    expect(plan.status.observedGeneration).toBe(world.cr?.metadata.generation);
  });
  it("a new generation whose body differs is still PATCHed", () => {
    const world = editSpec(running(), (cr) => {
      cr.spec.deployment.spec.template.spec.parallelism = 3;
    });
    expect(types(reconcile(inputFor(world)))).toEqual(["PatchDeployment"]);
  });
  it("PUT mode always sends the PUT on a new generation: a removed field must be reset", () => {
    const world = editSpec(steadyWorld("PUT", { state: "RUNNING" }), (cr) => {
      cr.spec.savepointNonce = 9;
    });
    expect(types(reconcile(inputFor(world)))).toEqual(["TriggerSavepoint", "PutDeployment"]);
  });
});

describe("deletion of a RUNNING deployment", () => {
  it("sends the author's CANCELLED while blocked, so the deletion can proceed", () => {
    const world = editSpec(running(), (cr) => {
      cr.metadata.deletionTimestamp = "2025-03-01T12:00:00Z";
      cr.spec.deployment.spec.state = "CANCELLED";
    });
    const plan = reconcile(inputFor(world));
    expect(plan.actions).toEqual([
      expect.objectContaining({
        type: "PatchDeployment",
        purpose: "Cancel",
        body: {
          metadata: { annotations: { "ververica.platform/projected-state": "CANCELLED" } },
          spec: { state: "CANCELLED" },
        },
      }),
    ]);
    expect(conditionOf(plan.status, "DeletionBlocked")?.status).toBe("True");
  });
  it("sends nothing while blocked when the CR still wants RUNNING", () => {
    const world = editSpec(running(), (cr) => {
      cr.metadata.deletionTimestamp = "2025-03-01T12:00:00Z";
    });
    expect(types(reconcile(inputFor(world)))).toEqual([]);
  });
});
