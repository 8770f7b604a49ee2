// Which cycles may answer the next resync (src/kubernetes/steady-cycles.ts):
// only one whose answer depends on nothing but the CR version, the listed
// deployment and the mapping record.
import { describe, expect, it } from "vitest";
import type { ReconcileOnceResult } from "../../src/execution/index.js";
import type { KubeObject } from "../../src/kubernetes/kube-api.js";
import { sameInputs, sameMapping, steadyCycleOf } from "../../src/kubernetes/steady-cycles.js";
import type { Deployment } from "../../src/vvp-client/index.js";

const record = { deploymentId: "d-1", vvpNamespace: "default", instanceId: "my-operator" };

function world() {
  const cr = {
    metadata: { name: "a", namespace: "n", uid: "u-1", resourceVersion: "7" },
    status: { actualState: "RUNNING" },
  } as unknown as KubeObject;
  const listed = {
    metadata: { id: "d-1", namespace: "default", resourceVersion: 3 },
    status: { state: "RUNNING", running: { jobId: "j-1", conditions: [] } },
  } as unknown as Deployment;
  const result = {
    cr,
    plan: { actions: [], status: cr.status, events: [], requeueAfterMs: 300_000 },
    outcomes: [],
    events: [],
    requeueAfterMs: 300_000,
    changed: false,
    observed: { deployment: listed, mapping: record },
  } as unknown as ReconcileOnceResult;
  return { cr, listed, result };
}

describe("steadyCycleOf", () => {
  it("remembers a cycle that changed nothing and decided from the listed deployment", () => {
    const { cr, listed, result } = world();
    const steady = steadyCycleOf(cr, listed, result, "11", "11");
    expect(steady).toEqual({
      crVersion: "7",
      deploymentId: "d-1",
      deploymentVersion: 3,
      deploymentStatus: listed.status,
      mapping: "11",
      requeueAfterMs: 300_000,
    });
    expect(sameInputs(steady as never, cr, listed)).toBe(true);
  });

  const refused: [string, (w: ReturnType<typeof world>) => void][] = [
    ["a status to write", (w) => Object.assign(w.result, { changed: true })],
    ["a new CR object", (w) => Object.assign(w.result, { cr: { ...w.cr } })],
    ["a skipped plan", (w) => Object.assign(w.result.plan, { skipped: "NotOwned" })],
    ["an action", (w) => w.result.plan.actions.push({ type: "PatchDeployment" } as never)],
    ["an outcome", (w) => w.result.outcomes.push({ result: "notRun" } as never)],
    ["an Event", (w) => w.result.events.push({ type: "Normal" } as never)],
    ["no observation", (w) => delete (w.result as { observed?: unknown }).observed],
    [
      "a deployment read apart from the list (a GET after a change)",
      (w) => Object.assign(w.result.observed as object, { deployment: structuredClone(w.listed) }),
    ],
    ["savepoints observed", (w) => Object.assign(w.result.observed as object, { savepoints: [] })],
    [
      "Autopilot ACTIVE (the running job is read)",
      (w) =>
        Object.assign(w.result.observed as object, {
          autopilot: { mode: "ACTIVE", scalingInProgress: false },
        }),
    ],
    [
      "a moving job (actualDiffersSince: the requeue depends on the time)",
      (w) => Object.assign(w.cr.status as object, { actualDiffersSince: "2026-01-01T00:00:00Z" }),
    ],
    ["a CR without resourceVersion", (w) => delete w.cr.metadata?.resourceVersion],
    ["a deployment without resourceVersion", (w) => delete w.listed.metadata?.resourceVersion],
  ];
  for (const [what, change] of refused) {
    it(`forgets a cycle with ${what}`, () => {
      const w = world();
      change(w);
      expect(steadyCycleOf(w.cr, w.listed, w.result, "11", "11")).toBeUndefined();
    });
  }

  it("forgets a cycle during which the mapping record changed", () => {
    const { cr, listed, result } = world();
    expect(steadyCycleOf(cr, listed, result, "11", "12")).toBeUndefined();
    expect(steadyCycleOf(cr, listed, result, undefined, "12")).toBeUndefined();
  });

  it("keeps Autopilot MONITORING (read from the deployment's annotation only)", () => {
    const { cr, listed, result } = world();
    Object.assign(result.observed as object, {
      autopilot: { mode: "MONITORING", scalingInProgress: false },
    });
    expect(steadyCycleOf(cr, listed, result, "11", "11")).toBeDefined();
  });
});

describe("sameInputs", () => {
  const changes: [string, (cr: KubeObject, listed: Deployment) => void][] = [
    [
      "the CR's resourceVersion",
      (cr) => Object.assign(cr.metadata as object, { resourceVersion: "8" }),
    ],
    ["the deployment's id", (_, listed) => Object.assign(listed.metadata as object, { id: "d-2" })],
    [
      "the deployment's resourceVersion",
      (_, listed) => Object.assign(listed.metadata as object, { resourceVersion: 4 }),
    ],
    [
      "the deployment's status (no new resourceVersion)",
      (_, listed) => Object.assign(listed.status as object, { state: "FAILED" }),
    ],
    [
      "a condition in the deployment's status",
      (_, listed) =>
        (listed.status as { running: { conditions: unknown[] } }).running.conditions.push({
          type: "ClusterUnreachable",
        }),
    ],
  ];
  for (const [what, change] of changes) {
    it(`sees a change of ${what}`, () => {
      const { cr, listed, result } = world();
      const steady = steadyCycleOf(cr, listed, result, "11", "11");
      const nextListed = structuredClone(listed);
      const nextCr = structuredClone(cr);
      change(nextCr, nextListed);
      expect(sameInputs(steady as never, nextCr, nextListed)).toBe(false);
    });
  }

  it("takes a fresh list's equal copy as the same", () => {
    const { cr, listed, result } = world();
    const steady = steadyCycleOf(cr, listed, result, "11", "11");
    expect(sameInputs(steady as never, structuredClone(cr), structuredClone(listed))).toBe(true);
  });
});

describe("sameMapping", () => {
  it("compares versions of our store, and the fields of a custom store's records", () => {
    expect(sameMapping("11", "11")).toBe(true);
    expect(sameMapping("11", "12")).toBe(false);
    expect(sameMapping("11", undefined)).toBe(false);
    expect(sameMapping(undefined, undefined)).toBe(true);
    expect(sameMapping(record, { ...record })).toBe(true);
    expect(sameMapping(record, { ...record, deploymentId: "d-2" })).toBe(false);
    expect(sameMapping(record, { ...record, vvpNamespace: "other" })).toBe(false);
    expect(sameMapping(record, { ...record, instanceId: "other" })).toBe(false);
    expect(sameMapping(record, null)).toBe(false);
    expect(sameMapping(null, null)).toBe(true);
  });
});
