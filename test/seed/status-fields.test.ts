// Seed, "Status Fields" (each row) and "Printer Columns": the values a
// reconcile writes, and what `kubectl get` then shows.
import { describe, expect, it } from "vitest";
import { buildCrd } from "../../src/crd/index.js";
import type { VvpDeployment } from "../../src/models/index.js";
import { printerColumns } from "../../src/printer-columns/index.js";
import { reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  buildCr,
  converge,
  editSpec,
  freshWorld,
  inputFor,
  inputOf,
  must,
  steadyWorld,
} from "../support/builders.js";
import { failAt } from "./support.js";

const RUNNING = steadyWorld("PATCH", { state: "RUNNING" });

describe("seed: status fields", () => {
  it("seed: deploymentId is the VVP deployment UUID, assigned when the CR is first reconciled", () => {
    const cr = buildCr("PATCH");
    const input = inputOf(cr);
    const plan = reconcile(input);
    expect(cr.status?.deploymentId).toBeUndefined();
    const uuid = "4b1f7c2e-9d3a-4e55-8c1b-2f7a9e0d6b13";
    const settled = settle(input, plan, allSucceeded(plan, uuid));
    expect(settled.status.deploymentId).toBe(uuid);
  });

  it("seed: observedGeneration mirrors metadata.generation at the end of a cycle", () => {
    const world = converge(freshWorld(buildCr("PATCH", { generation: 7 })));
    expect(must(world.cr).status?.observedGeneration).toBe(7);
    const edited = editSpec(world, (cr) => {
      cr.spec.deployment.spec.template.spec.parallelism = 5;
    });
    expect(reconcile(inputFor(edited)).status.observedGeneration).toBe(8);
  });

  it("seed: syncEnabled is true under normal operation, false when sync is disabled", () => {
    expect(reconcile(inputFor(RUNNING)).status.syncEnabled).toBe(true);
    expect(reconcile(inputFor(RUNNING, { syncEnabled: false })).status.syncEnabled).toBe(false);
  });

  it.each(["RUNNING", "CANCELLED", "SUSPENDED"] as const)(
    "seed: observedSpecState is the desired state from the CR spec (%s), even before VVP follows",
    (state) => {
      const edited = editSpec(RUNNING, (cr) => {
        cr.spec.deployment.spec.state = state;
      });
      const input = inputFor(edited);
      const plan = reconcile(input);
      expect(plan.status.observedSpecState).toBe(state);
      // Even when the projection failed, the field tells the CR's desire, not VVP's.
      const failed = settle(
        input,
        plan,
        failAt(plan, "PatchDeployment", { kind: "http", status: 503, message: "down" }),
      );
      expect(failed.status.observedSpecState).toBe(state);
    },
  );

  it.each(["RUNNING", "CANCELLED", "SUSPENDED", "TRANSITIONING", "FAILED", "FINISHED"] as const)(
    "seed: actualState is the state VVP reports (%s), not the CR's",
    (state) => {
      const deployment = must(RUNNING.deployment);
      const plan = reconcile(
        inputFor({ ...RUNNING, deployment: { ...deployment, status: { state } } }),
      );
      expect(plan.status.actualState).toBe(state);
      expect(plan.status.observedSpecState).toBe("RUNNING");
    },
  );

  it("seed: vvpNamespace is the VVP namespace of API calls, from spec.deployment.metadata.namespace", () => {
    const cr = buildCr("PATCH");
    cr.spec.deployment.metadata.namespace = "analytics";
    expect(cr.metadata.namespace).not.toBe("analytics");
    const input = inputOf(cr);
    const plan = reconcile(input);
    const create = plan.actions.find((action) => action.type === "CreateDeployment");
    expect(create?.vvpNamespace).toBe("analytics");
    expect(settle(input, plan, allSucceeded(plan)).status.vvpNamespace).toBe("analytics");
    const world = converge(freshWorld(cr));
    expect(must(world.cr).status?.vvpNamespace).toBe("analytics");
    const edited = editSpec(world, (edit) => {
      edit.spec.deployment.spec.state = "RUNNING";
    });
    const update = reconcile(inputFor(edited)).actions[0];
    expect(update).toMatchObject({ type: "PatchDeployment", vvpNamespace: "analytics" });
  });

  it("seed: instanceId is the operator instance managing the CR", () => {
    const cr = buildCr("PATCH", { owner: "operator-7" });
    const plan = reconcile(inputOf(cr, {}, { instanceId: "operator-7" }));
    expect(plan.status.instanceId).toBe("operator-7");
  });

  it("seed: status fields are managed exclusively by the operator: values written by hand are replaced", () => {
    const truth = must(RUNNING.cr).status ?? {};
    const handWritten: VvpDeployment = {
      ...must(RUNNING.cr),
      status: {
        ...truth,
        actualState: "FINISHED",
        observedSpecState: "SUSPENDED",
        instanceId: "someone-else",
        vvpNamespace: "elsewhere",
        syncEnabled: false,
      },
    };
    const plan = reconcile(inputFor({ ...RUNNING, cr: handWritten }));
    expect(plan.status).toMatchObject({
      actualState: "RUNNING",
      observedSpecState: "RUNNING",
      instanceId: "my-operator",
      vvpNamespace: "default",
      syncEnabled: true,
    });
  });

  it("seed: the status is a subresource, so a CR author's writes to the main resource cannot set it", () => {
    const version = buildCrd().spec.versions[0];
    expect(version?.subresources).toEqual({ status: {} });
  });
});

describe("seed: printer columns", () => {
  it("seed: kubectl get shows the sample row for a RUNNING CR reconciled five minutes after creation", () => {
    const cr = must(RUNNING.cr);
    const columns = printerColumns(cr, "2025-03-01T11:05:00Z");
    expect(Object.keys(columns.default)).toEqual([
      "NAME",
      "ACTUAL",
      "INSTANCE-ID",
      "DESIRED",
      "SYNC",
      "VVP-NAMESPACE",
      "HEALTHY",
      "AGE",
    ]);
    expect(columns.default).toEqual({
      NAME: "my-deployment",
      ACTUAL: "RUNNING",
      "INSTANCE-ID": "my-operator",
      DESIRED: "RUNNING",
      SYNC: "true",
      "VVP-NAMESPACE": "default",
      HEALTHY: "True",
      AGE: "5m",
    });
  });

  it("seed: -o wide adds CONSISTENT, SPECALIGNED, PARALLELISMALIGNED, DELETIONBLOCKED", () => {
    const columns = printerColumns(must(RUNNING.cr), "2025-03-01T11:05:00Z");
    expect(Object.keys(columns.wide)).toEqual([
      ...Object.keys(columns.default),
      "CONSISTENT",
      "SPECALIGNED",
      "PARALLELISMALIGNED",
      "DELETIONBLOCKED",
    ]);
    expect(columns.wide).toMatchObject({
      CONSISTENT: "True",
      SPECALIGNED: "True",
      PARALLELISMALIGNED: "True",
      DELETIONBLOCKED: "",
    });
    const crd = buildCrd().spec.versions[0]?.additionalPrinterColumns ?? [];
    expect(crd.filter((column) => column.priority === 1).map((column) => column.name)).toEqual([
      "CONSISTENT",
      "SPECALIGNED",
      "PARALLELISMALIGNED",
      "DELETIONBLOCKED",
    ]);
  });
});
