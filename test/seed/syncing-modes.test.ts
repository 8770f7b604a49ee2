// Seed, "spec.syncingMode" and "spec.initFields": what each mode sends, what
// VVP keeps or resets, mode switches, and initFields' creation-only life.
// Pure cycles first, then the same sentences against the simulator.
import { describe, expect, it } from "vitest";
import { parseVvpDeployment, type VvpDeployment } from "../../src/models/index.js";
import type { DeploymentRequestBody } from "../../src/projection/index.js";
import type { PlanAction } from "../../src/reconcile/index.js";
import { example, startWorld, TRANSITION_MS } from "../execution/support.js";
import {
  buildCr,
  converge,
  cycle,
  editSpec,
  freshWorld,
  must,
  type World,
} from "../support/builders.js";
import { exampleCr } from "../support/examples.js";
import { actionTypes } from "./support.js";

type BodyAction = Extract<
  PlanAction,
  { type: "CreateDeployment" | "PatchDeployment" | "PutDeployment" }
>;

const RESOURCES = { taskmanager: { cpu: 2, memory: "4g" } };

function withInitFields(cr: VvpDeployment): VvpDeployment {
  cr.spec.initFields = { spec: { template: { spec: { resources: RESOURCES } } } };
  return cr;
}

/** A PATCH-mode CR that already holds every PUT-mode field, so a switch changes only the mode. */
function putReadyPatchCr(): VvpDeployment {
  const cr = buildCr("PUT", { state: "RUNNING" });
  cr.spec.syncingMode = "PATCH";
  return cr;
}

// A projection's body (a cancel patch during deletion is the only other PATCH body).
function bodyOf(
  plan: { actions: readonly PlanAction[] },
  type: BodyAction["type"],
): DeploymentRequestBody {
  const action = plan.actions.find((candidate): candidate is BodyAction => candidate.type === type);
  return must(action, type).body as DeploymentRequestBody;
}

function switchMode(world: World, mode: "PATCH" | "PUT"): World {
  return editSpec(world, (cr) => {
    cr.spec.syncingMode = mode;
  });
}

describe("seed: syncingMode PATCH", () => {
  it("seed: PATCH sends only the fields present in the CR", () => {
    const world = converge(freshWorld(buildCr("PATCH", { state: "CANCELLED" })));
    const plan = cycle(
      editSpec(world, (cr) => {
        cr.spec.deployment.spec.state = "RUNNING";
      }),
    ).plan;
    const body = bodyOf(plan, "PatchDeployment");
    // Exactly the CR's spec keys: VVP's defaulted fields are not sent.
    expect(Object.keys(body.spec ?? {}).sort()).toEqual(
      Object.keys(must(world.cr).spec.deployment.spec).sort(),
    );
    expect(body.spec?.template?.spec).toEqual(must(world.cr).spec.deployment.spec.template.spec);
    for (const omitted of ["maxJobCreationAttempts", "maxSavepointCreationAttempts"]) {
      expect(body.spec).not.toHaveProperty(omitted);
    }
    expect(body.spec?.template?.spec).not.toHaveProperty("logging");
  });
});

describe("seed: syncingMode PUT", () => {
  it("seed: PUT sends the full deployment definition, and a removed field is omitted so VVP resets it", () => {
    const cr = buildCr("PUT", { state: "CANCELLED" });
    cr.spec.deployment.spec.template.spec.flinkConfiguration = { "state.backend": "rocksdb" };
    const world = converge(freshWorld(cr));
    const removed = editSpec(world, (edited) => {
      delete edited.spec.deployment.spec.template.spec.flinkConfiguration;
    });
    const body = bodyOf(cycle(removed).plan, "PutDeployment");
    const spec = must(removed.cr).spec.deployment.spec;
    expect(body.spec?.template?.spec).toEqual(spec.template.spec);
    expect(body.spec?.template?.spec).not.toHaveProperty("flinkConfiguration");
    expect(body.spec?.maxJobCreationAttempts).toBe(spec.maxJobCreationAttempts);
    expect(body.spec?.maxSavepointCreationAttempts).toBe(spec.maxSavepointCreationAttempts);
    expect(body.spec?.deploymentTargetName).toBe(spec.deploymentTargetName);
  });
});

describe("seed: switching modes at any time; the new mode takes effect on the next spec change", () => {
  it.each([
    ["PATCH", "PUT", "PutDeployment"],
    ["PUT", "PATCH", "PatchDeployment"],
  ] as const)("seed: switching %s → %s, the next spec change is sent with %s", (from, to, type) => {
    const start = putReadyPatchCr();
    start.spec.syncingMode = from;
    const world = converge(freshWorld(start));
    const switched = cycle(switchMode(world, to));
    // The switch itself never sends a body of the old mode.
    const oldType = from === "PUT" ? "PutDeployment" : "PatchDeployment";
    expect(actionTypes(switched.plan)).not.toContain(oldType);
    const next = cycle(
      editSpec(switched.world, (cr) => {
        cr.spec.deployment.spec.template.spec.numberOfTaskManagers = 3;
      }),
    );
    expect(actionTypes(next.plan)).toEqual([type]);
    expect(bodyOf(next.plan, type).spec?.template?.spec?.numberOfTaskManagers).toBe(3);
  });
});

describe("seed: spec.initFields", () => {
  it("seed: initFields are merged into the deployment body during creation (PATCH mode)", () => {
    const plan = cycle(freshWorld(withInitFields(buildCr("PATCH")))).plan;
    expect(bodyOf(plan, "CreateDeployment").spec?.template?.spec?.resources).toEqual(RESOURCES);
  });

  it("seed: initFields are ignored for PUT, even on creation", () => {
    const plan = cycle(freshWorld(withInitFields(buildCr("PUT")))).plan;
    expect(actionTypes(plan)).toContain("CreateDeployment");
    expect(bodyOf(plan, "CreateDeployment").spec?.template?.spec).not.toHaveProperty("resources");
  });

  it("seed: initFields are never included in any subsequent update, regardless of syncing mode", () => {
    const cr = withInitFields(putReadyPatchCr());
    const world = converge(freshWorld(cr));
    // A PATCH-mode spec change.
    const patched = cycle(
      editSpec(world, (edited) => {
        edited.spec.deployment.spec.template.spec.numberOfTaskManagers = 2;
      }),
    );
    expect(bodyOf(patched.plan, "PatchDeployment").spec?.template?.spec).not.toHaveProperty(
      "resources",
    );
    // A state drift re-projection.
    const drifted = {
      ...patched.world,
      deployment: {
        ...must(patched.world.deployment),
        spec: { ...must(must(patched.world.deployment).spec), state: "SUSPENDED" as const },
      },
    };
    const reprojected = cycle(drifted);
    expect(bodyOf(reprojected.plan, "PatchDeployment").spec?.template?.spec).not.toHaveProperty(
      "resources",
    );
    // After a switch to PUT, the full definition still leaves initFields out.
    const put = cycle(switchMode(reprojected.world, "PUT"));
    const next = cycle(
      editSpec(put.world, (edited) => {
        edited.spec.deployment.spec.template.spec.numberOfTaskManagers = 3;
      }),
    );
    for (const plan of [put.plan, next.plan]) {
      for (const action of plan.actions) {
        if (action.type === "PutDeployment" || action.type === "PatchDeployment") {
          const body = action.body as DeploymentRequestBody;
          expect(body.spec?.template?.spec).not.toHaveProperty("resources");
        }
      }
    }
    expect(actionTypes(next.plan)).toEqual(["PutDeployment"]);
  });
});

describe("seed: the modes against the simulator (VVP keeps or resets)", () => {
  it("seed: in PATCH mode VVP preserves its defaults and the initFields values after an update", async () => {
    const world = await startWorld();
    const cr = example("PATCH");
    cr.spec.initFields = {
      spec: { template: { spec: { flinkConfiguration: { "state.backend": "rocksdb" } } } },
    };
    world.apply(cr);
    await world.reconcile("my-deployment");
    const id = must(world.cr("my-deployment").status?.deploymentId, "deploymentId");
    const created = must(world.simulator.deployment(id));
    expect(created.spec.template.spec.flinkConfiguration).toEqual({ "state.backend": "rocksdb" });
    const defaults = {
      restoreStrategy: created.spec.restoreStrategy,
      maxJobCreationAttempts: created.spec.maxJobCreationAttempts,
    };
    expect(defaults.maxJobCreationAttempts).toBeDefined();

    world.edit("my-deployment", (edited) => {
      edited.spec.deployment.spec.template.spec.engineVersionName = "vera-4.3-flink-1.20";
    });
    const update = await world.reconcile("my-deployment");
    expect(actionTypes(update.plan)).toEqual(["PatchDeployment"]);
    const after = must(world.simulator.deployment(id));
    expect(after.spec.template.spec.engineVersionName).toBe("vera-4.3-flink-1.20");
    expect(after.spec.template.spec.flinkConfiguration).toEqual({ "state.backend": "rocksdb" });
    expect(after.spec.restoreStrategy).toEqual(defaults.restoreStrategy);
    expect(after.spec.maxJobCreationAttempts).toBe(defaults.maxJobCreationAttempts);
  });

  it("seed: in PUT mode omitted fields are reset", async () => {
    const world = await startWorld();
    const cr = example("PUT");
    cr.spec.deployment.spec.template.spec.flinkConfiguration = { "state.backend": "rocksdb" };
    cr.spec.deployment.spec.restoreStrategy = { kind: "NONE" };
    world.apply(cr);
    await world.reconcile("my-deployment");
    const id = must(world.cr("my-deployment").status?.deploymentId, "deploymentId");
    const before = must(world.simulator.deployment(id));
    expect(before.spec.restoreStrategy?.kind).toBe("NONE");

    world.edit("my-deployment", (edited) => {
      delete edited.spec.deployment.spec.template.spec.flinkConfiguration;
      delete edited.spec.deployment.spec.restoreStrategy;
    });
    const update = await world.reconcile("my-deployment");
    expect(actionTypes(update.plan)).toEqual(["PutDeployment"]);
    const after = must(world.simulator.deployment(id));
    expect(after.spec.template.spec.flinkConfiguration).toBeUndefined();
    expect(after.spec.restoreStrategy?.kind).not.toBe("NONE");
  });

  it("seed: after a switch to PUT, VVP no longer keeps what only initFields set", async () => {
    const world = await startWorld();
    const cr = exampleCr("PUT");
    cr.spec.syncingMode = "PATCH";
    cr.spec.initFields = {
      spec: { template: { spec: { flinkConfiguration: { "state.backend": "rocksdb" } } } },
    };
    world.apply(cr);
    await world.reconcile("my-deployment");
    const id = must(world.cr("my-deployment").status?.deploymentId, "deploymentId");
    world.simulator.advance(TRANSITION_MS);
    world.edit("my-deployment", (edited) => {
      edited.spec.syncingMode = "PUT";
      edited.spec.deployment.spec.template.spec.numberOfTaskManagers = 2;
    });
    const update = await world.reconcile("my-deployment");
    expect(actionTypes(update.plan)).toEqual(["PutDeployment"]);
    const after = must(world.simulator.deployment(id));
    expect(after.spec.template.spec.numberOfTaskManagers).toBe(2);
    expect(after.spec.template.spec.flinkConfiguration).toBeUndefined();
  });
});

describe("seed: every standard VVP deployment field is supported", () => {
  it.each(["PATCH", "PUT"] as const)(
    "seed: a VVP field the models do not name passes through parse into the %s body",
    (mode) => {
      const source = exampleCr(mode);
      // Not in our models: kept as VVP has it.
      (source.spec.deployment.spec.template.spec as Record<string, unknown>).kubernetes = {
        pods: { nodeSelector: { disktype: "ssd" } },
      };
      const parsed = parseVvpDeployment(source);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const cr = parsed.value;
      cr.metadata.uid = "uid-1";
      cr.metadata.generation = 1;
      const create = cycle(freshWorld(cr)).plan;
      expect(bodyOf(create, "CreateDeployment").spec?.template?.spec).toMatchObject({
        kubernetes: { pods: { nodeSelector: { disktype: "ssd" } } },
      });
      const next = cycle(
        editSpec(converge(freshWorld(cr)), (edited) => {
          edited.spec.deployment.spec.template.spec.kubernetes = {
            pods: { nodeSelector: { disktype: "nvme" } },
          };
        }),
      ).plan;
      const type = mode === "PUT" ? "PutDeployment" : "PatchDeployment";
      expect(bodyOf(next, type).spec?.template?.spec).toMatchObject({
        kubernetes: { pods: { nodeSelector: { disktype: "nvme" } } },
      });
    },
  );
});
