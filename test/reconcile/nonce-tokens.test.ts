// The per-trigger tokens (ours): `<nonce>/<generation>` in the restart-nonce
// template annotation and `<cr uid>/<nonce>/<generation>` on savepoints. They
// let a returning value trigger again (the seed's equality comparison) while a
// trigger whose status write was lost is still recognised (exactly once).
import { describe, expect, it } from "vitest";
import type { ActualState, VvpDeployment } from "../../src/models/index.js";
import {
  type PlanAction,
  type ReconcilePlan,
  reconcile,
  settle,
} from "../../src/reconcile/index.js";
import {
  allSucceeded,
  applyAction,
  cycle,
  editSpec,
  inputFor,
  must,
  steadyWorld,
  UID,
  type World,
} from "../support/builders.js";

const RESTART = "ververica.platform/restart-nonce";
const SAVEPOINT = "ververica.platform/savepoint-nonce";

type Field = "savepointNonce" | "restartNonce";
const FIELDS: readonly Field[] = ["savepointNonce", "restartNonce"];

const types = (plan: ReconcilePlan) => plan.actions.map((action) => action.type);

function setNonce(world: World, field: Field, value: number | null): World {
  return editSpec(world, (cr) => {
    cr.spec[field] = value;
  });
}

function withJob(world: World, state: ActualState): World {
  const deployment = must(world.deployment, "deployment");
  return { ...world, deployment: { ...deployment, status: { state } } };
}

/** The annotation value a trigger action sends. */
function sentToken(action: PlanAction | undefined): string | undefined {
  if (action?.type === "TriggerSavepoint") return action.body.metadata.annotations[SAVEPOINT];
  if (action?.type === "RestartJob") return action.body.spec.template.metadata.annotations[RESTART];
  return undefined;
}

function restartAnnotationOf(world: World): string | undefined {
  return world.deployment?.spec?.template?.metadata?.annotations?.[RESTART];
}

/** Runs the plan's actions against the world but loses the status write (a host crash). */
function crashAfterActions(world: World, count = Number.POSITIVE_INFINITY): World {
  const plan = reconcile(inputFor(world));
  let next = world;
  for (const action of plan.actions.slice(0, count)) next = applyAction(next, action);
  return next;
}

describe("a returning value triggers again (1 → 2 blocked → 1)", () => {
  it.each(["PATCH", "PUT"] as const)("restartNonce in %s mode: a new token, a new job", (mode) => {
    const one = cycle(setNonce(steadyWorld(mode, { state: "RUNNING" }), "restartNonce", 1));
    const first = one.plan.actions.find((action) => action.type === "RestartJob");
    expect(sentToken(first)).toBe("1/r1");
    expect(restartAnnotationOf(one.world)).toBe("1/r1");

    const blocked = cycle(setNonce(withJob(one.world, "FAILED"), "restartNonce", 2));
    expect(types(blocked.plan).filter((type) => type === "RestartJob")).toEqual([]);
    expect(blocked.settled.status.lastConsumedTriggerNonce).toBe(2);

    const again = cycle(setNonce(withJob(blocked.world, "RUNNING"), "restartNonce", 1));
    const restart = again.plan.actions.find((action) => action.type === "RestartJob");
    expect(restart).toMatchObject({ nonce: 1 });
    // A different template annotation than the first round: VVP starts a new job.
    expect(sentToken(restart)).toBe("1/r2");
    expect(restartAnnotationOf(again.world)).toBe("1/r2");
    expect(again.settled.status).toMatchObject({
      lastProcessedTriggerNonce: 1,
      lastConsumedTriggerNonce: 1,
    });
    // And then the steady state: nothing sent, status unchanged.
    const quiet = cycle(again.world);
    expect(quiet.plan.actions).toEqual([]);
    expect(quiet.settled.status).toEqual(again.world.cr?.status);
  });

  it("savepointNonce: a new savepoint, annotated with the new generation", () => {
    const one = cycle(setNonce(steadyWorld("PATCH", { state: "RUNNING" }), "savepointNonce", 1));
    expect(sentToken(one.plan.actions[0])).toBe(`${UID}/1/2`);
    const blocked = cycle(setNonce(withJob(one.world, "FAILED"), "savepointNonce", 2));
    expect(types(blocked.plan)).toEqual([]);
    const again = cycle(setNonce(withJob(blocked.world, "RUNNING"), "savepointNonce", 1));
    expect(types(again.plan)).toEqual(["TriggerSavepoint"]);
    expect(sentToken(again.plan.actions[0])).toBe(`${UID}/1/4`);
    expect(again.world.savepoints).toHaveLength(2);
    expect(again.settled.status).toMatchObject({
      lastProcessedSavepointNonce: 1,
      lastConsumedSavepointNonce: 1,
    });
  });
});

describe("exactly once across a crash, with tokens", () => {
  it.each(
    FIELDS.flatMap((field) => (["PATCH", "PUT"] as const).map((mode) => [field, mode] as const)),
  )("%s (%s mode): VVP acted, the status write was lost: recorded, nothing sent", (field, mode) => {
    const edited = setNonce(steadyWorld(mode, { state: "RUNNING" }), field, 3);
    const crashed = crashAfterActions(edited);
    expect(crashed.cr?.status).toEqual(edited.cr?.status);
    const plan = reconcile(inputFor(crashed));
    // PUT mode re-sends the lost generation's PUT (observedGeneration was not
    // written either); it keeps the annotation VVP holds, so no second restart.
    expect(types(plan)).toEqual(mode === "PUT" ? ["PutDeployment"] : []);
    const put = plan.actions.find((action) => action.type === "PutDeployment");
    if (put?.type === "PutDeployment") {
      expect(put.body.spec?.template?.metadata?.annotations?.[RESTART]).toBe(
        restartAnnotationOf(crashed),
      );
    }
    const processed =
      field === "savepointNonce" ? "lastProcessedSavepointNonce" : "lastProcessedTriggerNonce";
    const consumed =
      field === "savepointNonce" ? "lastConsumedSavepointNonce" : "lastConsumedTriggerNonce";
    expect(plan.status[processed]).toBe(3);
    expect(plan.status[consumed]).toBe(3);
    expect(plan.events.filter((event) => event.type === "Warning")).toEqual([]);
  });

  it.each(FIELDS)(
    "%s: a crash, then another edit of the CR before the next cycle: still recorded, not repeated",
    (field) => {
      const edited = setNonce(steadyWorld("PATCH", { state: "RUNNING" }), field, 3);
      const crashed = crashAfterActions(edited);
      const other: Field = field === "savepointNonce" ? "restartNonce" : "savepointNonce";
      // Generation 3 now; the trigger's token holds generation 2.
      const plan = reconcile(inputFor(setNonce(crashed, other, null)));
      expect(types(plan)).toEqual([]);
      const processed =
        field === "savepointNonce" ? "lastProcessedSavepointNonce" : "lastProcessedTriggerNonce";
      expect(plan.status[processed]).toBe(3);
    },
  );

  it("PUT mode, crash after the restart but before the PUT: only the PUT is sent, carrying the token", () => {
    const edited = editSpec(steadyWorld("PUT", { state: "RUNNING" }), (cr) => {
      cr.spec.restartNonce = 6;
      cr.spec.deployment.spec.template.spec.numberOfTaskManagers = 3;
    });
    expect(types(reconcile(inputFor(edited)))).toEqual(["RestartJob", "PutDeployment"]);
    const crashed = crashAfterActions(edited, 1);
    const plan = reconcile(inputFor(crashed));
    expect(types(plan)).toEqual(["PutDeployment"]);
    const put = plan.actions[0] as Extract<PlanAction, { type: "PutDeployment" }>;
    expect(put.body.spec?.template?.metadata?.annotations?.[RESTART]).toBe("6/r1");
    expect(plan.status.lastProcessedTriggerNonce).toBe(6);
  });
});

describe("the restart annotation of a PUT body", () => {
  it("a PUT in a cycle without restart carries the annotation VVP holds, unchanged", () => {
    const restarted = cycle(
      setNonce(steadyWorld("PUT", { state: "RUNNING" }), "restartNonce", 1),
    ).world;
    expect(restartAnnotationOf(restarted)).toBe("1/r1");
    // Whatever VVP holds, also a value this version would never write.
    for (const held of ["1/r1", "1/2", "7", "hand-set"]) {
      const deployment = must(restarted.deployment, "deployment");
      const world = editSpec(
        {
          ...restarted,
          deployment: {
            ...deployment,
            spec: {
              ...deployment.spec,
              template: {
                ...deployment.spec?.template,
                metadata: { annotations: { [RESTART]: held } },
              },
            },
          } as typeof deployment,
        },
        (cr) => {
          cr.spec.deployment.spec.template.spec.numberOfTaskManagers = 4;
        },
      );
      const plan = reconcile(inputFor(world));
      expect(types(plan)).toEqual(["PutDeployment"]);
      const put = plan.actions[0] as Extract<PlanAction, { type: "PutDeployment" }>;
      expect(put.body.spec?.template?.metadata?.annotations?.[RESTART]).toBe(held);
    }
  });

  it("a PUT carries no restart annotation when VVP holds none", () => {
    const world = editSpec(steadyWorld("PUT", { state: "RUNNING", restartNonce: 2 }), (cr) => {
      cr.spec.deployment.spec.template.spec.numberOfTaskManagers = 4;
    });
    // restartNonce 2 was consumed (blocked) on the create cycle: VVP never got an annotation.
    expect(restartAnnotationOf(world)).toBeUndefined();
    const plan = reconcile(inputFor(world));
    expect(types(plan)).toEqual(["PutDeployment"]);
    const put = plan.actions[0] as Extract<PlanAction, { type: "PutDeployment" }>;
    expect(put.body.spec?.template?.metadata?.annotations?.[RESTART]).toBeUndefined();
  });

  it("after a restart the PUT steady state stays silent: no action, no event, same status", () => {
    const restarted = cycle(
      setNonce(steadyWorld("PUT", { state: "RUNNING" }), "restartNonce", 1),
    ).world;
    const input = inputFor(restarted);
    const plan = reconcile(input);
    expect(plan.actions).toEqual([]);
    expect(plan.events).toEqual([]);
    expect(plan.status).toEqual(restarted.cr?.status);
    expect(settle(input, plan, allSucceeded(plan)).status).toEqual(restarted.cr?.status);
  });
});

describe("a CR without metadata.generation (token = nonce)", () => {
  // The host reads the CR from a file: no generation, edits keep it absent.
  function edit(world: World, field: Field, value: number): World {
    const cr = structuredClone(must(world.cr, "CR")) as VvpDeployment;
    cr.spec[field] = value;
    return { ...world, cr };
  }

  it.each(["PATCH", "PUT"] as const)(
    "triggers with the bare nonce and stays silent after (%s)",
    (mode) => {
      const steady = steadyWorld(mode, { state: "RUNNING", generation: null });
      expect(steady.cr?.metadata.generation).toBeUndefined();
      const triggered = cycle(edit(edit(steady, "savepointNonce", 1), "restartNonce", 5));
      const [savepoint, restart] = triggered.plan.actions;
      expect(savepoint?.type).toBe("TriggerSavepoint");
      expect(sentToken(savepoint)).toBe(`${UID}/1`);
      expect(restart?.type).toBe("RestartJob");
      // A restart's token never needed the generation: <nonce>/r<round>.
      expect(sentToken(restart)).toBe("5/r1");
      expect(triggered.settled.status).toMatchObject({
        lastProcessedSavepointNonce: 1,
        lastProcessedTriggerNonce: 5,
      });
      const quiet = cycle(triggered.world);
      expect(quiet.plan.actions).toEqual([]);
      expect(quiet.settled.status).toEqual(triggered.world.cr?.status);
    },
  );

  it.each(FIELDS)(
    "%s: a trigger whose status write was lost is recorded, not repeated",
    (field) => {
      const edited = edit(steadyWorld("PATCH", { state: "RUNNING", generation: null }), field, 2);
      const plan = reconcile(inputFor(crashAfterActions(edited)));
      expect(types(plan)).toEqual([]);
      expect(
        plan.status[
          field === "savepointNonce" ? "lastProcessedSavepointNonce" : "lastProcessedTriggerNonce"
        ],
      ).toBe(2);
    },
  );
});
