// Ours: a mapping record is never enough to write to a deployment. Before any
// PATCH, PUT, DELETE, savepoint or restart the deployment must carry this
// CR's cr-uid annotation and this operator's owner label; otherwise Consistent
// is False DeploymentNotOwned and nothing is written to VVP.
import { describe, expect, it } from "vitest";
import type { VvpDeploymentObject } from "../../src/models/index.js";
import { reconcile } from "../../src/reconcile/index.js";
import {
  conditionOf,
  editSpec,
  inputFor,
  must,
  steadyWorld,
  type World,
} from "../support/builders.js";

const VVP_WRITES = new Set([
  "CreateDeployment",
  "PatchDeployment",
  "PutDeployment",
  "RestartJob",
  "TriggerSavepoint",
  "DeleteDeployment",
]);

function withMarks(world: World, marks: { crUid?: string | null; owner?: string | null }): World {
  const deployment = structuredClone(must(world.deployment, "deployment")) as VvpDeploymentObject;
  const annotations = { ...deployment.metadata?.annotations } as Record<string, string>;
  const labels = { ...deployment.metadata?.labels } as Record<string, string>;
  if (marks.crUid === null) delete annotations["ververica.platform/cr-uid"];
  else if (marks.crUid !== undefined) annotations["ververica.platform/cr-uid"] = marks.crUid;
  if (marks.owner === null) delete labels["ververica.platform/owner"];
  else if (marks.owner !== undefined) labels["ververica.platform/owner"] = marks.owner;
  deployment.metadata = { ...deployment.metadata, annotations, labels };
  return { ...world, deployment };
}

const MISMATCHES = [
  ["another CR's cr-uid", { crUid: "someone-elses-uid" }],
  ["no cr-uid", { crUid: null }],
  ["another instance's owner label", { owner: "other-operator" }],
  ["no owner label", { owner: null }],
] as const;

describe("ownership check before any write", () => {
  it.each(MISMATCHES)(
    "a recorded deployment with %s: no write, Consistent False DeploymentNotOwned",
    (_name, marks) => {
      const steady = steadyWorld("PATCH", { state: "RUNNING" });
      const edited = editSpec(withMarks(steady, marks), (cr) => {
        cr.spec.deployment.spec.state = "SUSPENDED";
        cr.spec.savepointNonce = 4;
        cr.spec.restartNonce = 5;
      });
      const plan = reconcile(inputFor(edited));
      expect(plan.actions.filter((action) => VVP_WRITES.has(action.type))).toEqual([]);
      const consistent = conditionOf(plan.status, "Consistent");
      expect(consistent).toMatchObject({ status: "False", reason: "DeploymentNotOwned" });
      expect(consistent?.message).toContain("does not belong to this resource");
      // The nonces wait, unconsumed.
      expect(plan.status.lastConsumedSavepointNonce).toBeUndefined();
      expect(plan.status.lastConsumedTriggerNonce).toBeUndefined();
    },
  );

  it.each(MISMATCHES)(
    "deleting a CR whose record names a deployment with %s: the deployment is neither cancelled nor deleted",
    (_name, marks) => {
      const steady = steadyWorld("PATCH", { state: "CANCELLED" });
      const world = withMarks(steady, marks);
      const cr = must(world.cr, "cr");
      const deleting = {
        ...world,
        cr: { ...cr, metadata: { ...cr.metadata, deletionTimestamp: "2025-03-01T12:01:00Z" } },
      };
      const plan = reconcile(inputFor(deleting));
      expect(plan.actions.map((action) => action.type)).toEqual([
        "DeleteMapping",
        "RemoveFinalizer",
      ]);
    },
  );

  it("an unrecorded deployment of our name with our cr-uid but another owner label is not adopted", () => {
    const steady = steadyWorld("PATCH", { state: "RUNNING" });
    const world = { ...withMarks(steady, { owner: "other-operator" }), mapping: null };
    const cr = must(world.cr, "cr");
    const fresh = { ...world, cr: { ...cr, status: {} } };
    const plan = reconcile(inputFor(fresh));
    expect(plan.actions.filter((action) => action.type === "SaveMapping")).toEqual([]);
    expect(conditionOf(plan.status, "Consistent")).toMatchObject({
      status: "False",
      reason: "AppManagerCreateFailed",
    });
  });
});
