import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VvpDeploymentObject } from "../../src/models/index.js";
import { type PlanAction, reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  conditionOf,
  cycle,
  inputFor,
  must,
  steadyWorld,
  type World,
  writeStatus,
} from "../support/builders.js";
import { propertyParameters } from "../support/property.js";

type Json = Record<string, unknown>;

/** The world with VVP's deployment changed by `change` (a late write, VVP's defaults, a UI edit). */
function inVvp(world: World, change: (deployment: Json) => void): World {
  const deployment = structuredClone(must(world.deployment, "deployment")) as unknown as Json;
  change(deployment);
  return { ...world, deployment: deployment as VvpDeploymentObject };
}

function templateSpec(deployment: Json): Json {
  return ((deployment.spec as Json).template as Json).spec as Json;
}

const steadyWorlds = new Map<string, World>();
// Converging a world is the costly part of a property case; its inputs repeat.
function steadyOnce(mode: "PATCH" | "PUT", parallelism: number): World {
  const key = `${mode}/${parallelism}`;
  let world = steadyWorlds.get(key);
  if (world === undefined) {
    world = steadyWorld(mode, { state: "RUNNING", parallelism });
    steadyWorlds.set(key, world);
  }
  return world;
}

function writesOf(actions: readonly PlanAction[]): PlanAction[] {
  return actions.filter(
    (action) => action.type === "PatchDeployment" || action.type === "PutDeployment",
  );
}

describe("VVP drifting from the projected body (a late write, an edit in VVP)", () => {
  for (const mode of ["PATCH", "PUT"] as const) {
    it(`${mode}: a field VVP holds at an older value is re-projected with the whole body`, () => {
      const steady = steadyWorld(mode, { state: "RUNNING", parallelism: 3 });
      const drifted = inVvp(steady, (deployment) => {
        templateSpec(deployment).parallelism = 2;
      });
      const input = inputFor(drifted);
      const plan = reconcile(input);
      const [write, ...others] = writesOf(plan.actions);
      expect(others).toEqual([]);
      expect(write).toMatchObject({
        type: mode === "PUT" ? "PutDeployment" : "PatchDeployment",
        body: { spec: { template: { spec: { parallelism: 3 } } } },
      });
      if (write?.type === "PatchDeployment") expect(write.purpose).toBe("SpecDrift");
      const settled = settle(input, plan, allSucceeded(plan));
      expect(conditionOf(settled.status, "SpecAligned")).toMatchObject({
        status: "True",
        reason: "ConfigUpdated",
        message: expect.stringContaining("spec.template.spec.parallelism"),
      });
      expect(settled.events).toContainEqual(
        expect.objectContaining({ type: "Normal", reason: "SpecProjected" }),
      );

      // The body landed: the next cycle sends nothing and forgets the drift.
      const repaired = cycle(drifted).world;
      const next = reconcile(inputFor(repaired));
      expect(next.actions).toEqual([]);
      expect(next.status.reprojectedDrift).toBeUndefined();
    });
  }

  it("PATCH: fields VVP fills with its defaults, extra map keys and its bookkeeping are not drift", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING" });
    const defaulted = inVvp(steady, (deployment) => {
      const spec = deployment.spec as Json;
      spec.restoreStrategy = { kind: "LATEST_STATE", allowNonRestoredState: false };
      spec.maxJobCreationAttempts = 4;
      templateSpec(deployment).flinkConfiguration = { "restart-strategy": "fixed-delay" };
      templateSpec(deployment).logging = { loggingProfile: "default" };
      const metadata = deployment.metadata as Json;
      metadata.labels = { ...(metadata.labels as Json), team: "data" };
      metadata.annotations = {
        ...(metadata.annotations as Json),
        "com.dataartisans.appmanager.controller.autopilot.mode": "ACTIVE",
        "added-in-vvp": "x",
      };
      metadata.modifiedAt = "2025-03-01T12:01:00Z";
      metadata.resourceVersion = 9;
    });
    const plan = reconcile(inputFor(defaulted));
    expect(plan.actions).toEqual([]);
    expect(plan.status).toEqual(must(steady.cr).status);
  });

  it("PUT: spec fields VVP defaults are not drift; a label or annotation the body lacks is", () => {
    const steady = steadyWorld("PUT", { state: "RUNNING" });
    const defaulted = inVvp(steady, (deployment) => {
      const spec = deployment.spec as Json;
      spec.restoreStrategy = { kind: "LATEST_STATE", allowNonRestoredState: false };
      templateSpec(deployment).parallelism = 1;
      const metadata = deployment.metadata as Json;
      metadata.annotations = {
        ...(metadata.annotations as Json),
        "com.dataartisans.appmanager.controller.deployment.spec.version": "12",
      };
    });
    expect(reconcile(inputFor(defaulted)).actions).toEqual([]);

    const labelled = inVvp(steady, (deployment) => {
      const metadata = deployment.metadata as Json;
      metadata.labels = { ...(metadata.labels as Json), stale: "from-an-older-put" };
    });
    const plan = reconcile(inputFor(labelled));
    expect(writesOf(plan.actions).map((action) => action.type)).toEqual(["PutDeployment"]);
    expect(conditionOf(plan.status, "SpecAligned")?.message).toContain("metadata.labels[stale]");
  });

  it("while Autopilot is ACTIVE, a scale that differs in VVP is Autopilot's, not drift; other fields still are", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING", parallelism: 3 });
    const scaled = inVvp(steady, (deployment) => {
      templateSpec(deployment).parallelism = 8;
      templateSpec(deployment).resources = { taskmanager: { cpu: 4 } };
    });
    const active: World = { ...scaled, autopilot: { mode: "ACTIVE", scalingInProgress: false } };
    expect(reconcile(inputFor(active)).actions).toEqual([]);
    const monitoring: World = {
      ...active,
      autopilot: { mode: "MONITORING", scalingInProgress: false },
    };
    expect(writesOf(reconcile(inputFor(monitoring)).actions)).toHaveLength(1);
    const artifact = inVvp(active, (deployment) => {
      templateSpec(deployment).engineVersionName = "vera-4.0-flink-1.19";
    });
    expect(writesOf(reconcile(inputFor(artifact)).actions)).toHaveLength(1);
  });

  it("a null or an empty object in the CR matches a field VVP does not hold", () => {
    const world = steadyWorld("PATCH", { state: "RUNNING" });
    const cr = structuredClone(must(world.cr));
    const spec = cr.spec.deployment.spec as unknown as Json;
    spec.jobFailureExpirationTime = null;
    (spec.template as Json).metadata = {};
    const plan = reconcile(inputFor({ ...world, cr }));
    expect(plan.actions).toEqual([]);
  });

  it("a field VVP does not keep as sent is re-projected once, then reported instead of sent in a loop", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING", parallelism: 3 });
    // This VVP turns every parallelism it is sent into 1.
    const normalise = (world: World) =>
      inVvp(world, (deployment) => {
        templateSpec(deployment).parallelism = 1;
      });
    const first = cycle(normalise(steady));
    expect(writesOf(first.plan.actions)).toHaveLength(1);
    expect(first.world.cr?.status?.reprojectedDrift).toEqual(["spec.template.spec.parallelism"]);

    const input = inputFor(normalise(first.world));
    const second = reconcile(input);
    expect(second.actions).toEqual([]);
    expect(conditionOf(second.status, "SpecAligned")).toMatchObject({
      status: "False",
      reason: "ProjectionFailed",
      message: expect.stringMatching(/does not keep spec\.template\.spec\.parallelism/),
    });
    expect(second.events).toContainEqual(
      expect.objectContaining({ type: "Warning", reason: "ProjectionFailed" }),
    );

    // Once VVP holds the value again, the report clears.
    const healed = writeStatus(first.world, second.status);
    const third = reconcile(inputFor({ ...healed, deployment: first.world.deployment }));
    expect(third.actions).toEqual([]);
    expect(third.status.reprojectedDrift).toBeUndefined();
    expect(conditionOf(third.status, "SpecAligned")?.status).toBe("True");
  });

  it("property: the steady state sends nothing whatever defaults VVP adds; any changed field is re-projected", () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((name) => name !== "__proto__");
    const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.boolean());
    fc.assert(
      fc.property(
        fc.constantFrom("PATCH", "PUT") as fc.Arbitrary<"PATCH" | "PUT">,
        fc.dictionary(key, scalar, { maxKeys: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (mode, defaults, wanted, drifted) => {
          const steady = steadyOnce(mode, wanted);
          // VVP's defaults land in fields the CR does not set; a drifted
          // parallelism is a value VVP holds from an older write.
          const observed = inVvp(steady, (deployment) => {
            const spec = deployment.spec as Json;
            spec.vvpDefaults = defaults;
            templateSpec(deployment).flinkConfiguration = Object.fromEntries(
              Object.entries(defaults).map(([name, value]) => [name, String(value)]),
            );
            if (drifted) templateSpec(deployment).parallelism = wanted + 1;
          });
          expect(writesOf(reconcile(inputFor(observed)).actions)).toHaveLength(drifted ? 1 : 0);
        },
      ),
      propertyParameters,
    );
  });
});
