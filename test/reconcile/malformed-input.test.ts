import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VvpDeployment } from "../../src/models/index.js";
import { printerColumns } from "../../src/printer-columns/index.js";
import { reconcile, settle } from "../../src/reconcile/index.js";
import {
  allSucceeded,
  conditionOf,
  inputFor,
  NOW,
  steadyWorld,
  type World,
} from "../support/builders.js";
import { hostileReplacement } from "../support/hostile.js";
import { type Path, pathsUnder, replacedAt as replaced } from "../support/json-paths.js";
import { propertyParameters } from "../support/property.js";

const worlds: World[] = [
  steadyWorld("PATCH"),
  steadyWorld("PUT"),
  steadyWorld("PATCH", { savepointNonce: 1, restartNonce: 1 }),
  deletingWorld(),
];

// A converged world whose CR is then deleted: the deletion sequence runs.
function deletingWorld(): World {
  const world = steadyWorld("PUT");
  const cr = structuredClone(world.cr as VvpDeployment);
  cr.metadata.deletionTimestamp = "2025-03-01T12:01:00Z";
  return { ...world, cr };
}

const FIELDS_THE_CORE_READS: Path[] = [
  ["metadata", "namespace"],
  ["metadata", "uid"],
  ["metadata", "generation"],
  ["metadata", "deletionTimestamp"],
  ["metadata", "finalizers"],
  ["spec", "initFields"],
  ["spec", "savepointNonce"],
  ["spec", "restartNonce"],
  ["spec", "deployment", "spec", "state"],
  ["spec", "deployment", "spec", "template", "spec", "parallelism"],
];

function candidatePaths(cr: VvpDeployment): Path[] {
  const record = cr as unknown as Record<string, unknown>;
  const spec = record.spec as Record<string, unknown>;
  return [
    ...pathsUnder(record.status, ["status"]),
    ...pathsUnder(record.metadata, ["metadata"]),
    ...pathsUnder(spec, ["spec"]),
    // Fields the core reads, whether or not the world sets them.
    ...FIELDS_THE_CORE_READS,
  ];
}

describe("malformed input", () => {
  it("reconcile and settle never throw when any status, metadata or spec node is replaced by a hostile value", () => {
    fc.assert(
      fc.property(
        hostileReplacement(
          worlds.map((world) => world.cr as VvpDeployment),
          candidatePaths,
        ),
        fc.boolean(),
        ({ index, replaced: cr }, junkSavepoints) => {
          // The host observed VVP for the CR before it was changed.
          const input = { ...inputFor(worlds[index] as World), cr };
          if (junkSavepoints) {
            input.observed.savepoints = [null, {}, { metadata: null }] as unknown as [];
          }
          const plan = reconcile(input);
          const settled = settle(input, plan, allSucceeded(plan));
          expect(Array.isArray(settled.status.conditions ?? [])).toBe(true);
        },
      ),
      propertyParameters,
    );
  });

  it("a malformed status does not block reconciling: the cycle writes a clean status", () => {
    const world = steadyWorld("PATCH");
    const cr = world.cr as VvpDeployment;
    for (const status of [
      "x",
      null,
      { conditions: "x" },
      { conditions: [null, 3, { type: 5 }, {}] },
    ]) {
      const input = inputFor({ ...world, cr: { ...cr, status } as unknown as VvpDeployment });
      const plan = reconcile(input);
      expect(plan.skipped).toBeUndefined();
      const settled = settle(input, plan, allSucceeded(plan));
      expect(conditionOf(settled.status, "Healthy")?.status).toBe("True");
      expect(settled.status.conditions?.every((c) => typeof c.type === "string")).toBe(true);
    }
  });

  it("guards the template, the finalizers and every single value the core reads", () => {
    const world = steadyWorld("PATCH");
    const cr = world.cr as VvpDeployment;
    const cases: [Path, unknown, string][] = [
      [["spec", "deployment", "spec", "template"], undefined, "spec.deployment.spec.template"],
      [["spec", "deployment", "spec", "template"], "x", "spec.deployment.spec.template"],
      [["spec", "deployment", "spec", "template"], {}, "spec.deployment.spec.template.spec"],
      [["metadata", "finalizers"], {}, "metadata.finalizers"],
      [["metadata", "finalizers"], [3], "metadata.finalizers[0]"],
      // The regression CI found: a template literal ran the replaced toString.
      [["spec", "deployment", "spec", "state"], { toString: [] }, "spec.deployment.spec.state"],
      [["spec", "deployment", "spec", "state"], "STOPPED", "spec.deployment.spec.state"],
      [["spec", "savepointNonce"], "1", "spec.savepointNonce"],
      [["spec", "restartNonce"], 1.5, "spec.restartNonce"],
      [["spec", "initFields"], "x", "spec.initFields"],
      [["metadata", "generation"], "2", "metadata.generation"],
      [["metadata", "uid"], 5, "metadata.uid"],
      [["metadata", "namespace"], Object.create(null), "metadata.namespace"],
      [["metadata", "deletionTimestamp"], true, "metadata.deletionTimestamp"],
      [
        ["spec", "deployment", "spec", "template", "spec", "parallelism"],
        "2",
        "spec.deployment.spec.template.spec.parallelism",
      ],
    ];
    for (const [path, value, field] of cases) {
      const plan = reconcile(inputFor({ ...world, cr: replaced(cr, path, value) }));
      expect(plan.skipped).toBe("InvalidSpec");
      expect(plan.actions).toEqual([]);
      expect(plan.errors?.map((error) => error.field)).toContain(field);
    }
  });

  it("now must be an ISO timestamp: a host error is a RangeError naming it", () => {
    const world = steadyWorld("PATCH");
    const input = inputFor(world, { now: "garbage" });
    expect(() => reconcile(input)).toThrow(RangeError);
    expect(() => reconcile(input)).toThrow(/now.*garbage/);
    const plan = reconcile(inputFor(world));
    expect(() => settle(input, plan, [])).toThrow(RangeError);
  });
});

describe("printer columns of a malformed CR", () => {
  it("are strings whatever node of the CR is replaced by a hostile value (property)", () => {
    fc.assert(
      fc.property(
        hostileReplacement(
          worlds.map((world) => world.cr as VvpDeployment),
          (cr) => pathsUnder(cr).filter((path) => path.length > 0),
        ),
        ({ replaced: cr }) => {
          const columns = printerColumns(cr, NOW);
          for (const cell of Object.values(columns.wide)) expect(typeof cell).toBe("string");
        },
      ),
      propertyParameters,
    );
  });

  it("print an object as JSON, not through its toString", () => {
    const cr = structuredClone(steadyWorld("PATCH").cr as VvpDeployment);
    const odd = replaced(cr, ["metadata", "name"], { toString: [] });
    expect(printerColumns(odd, NOW).default.NAME).toBe('{"toString":[]}');
    const badDate = replaced(cr, ["metadata", "creationTimestamp"], { toString: [] });
    expect(printerColumns(badDate, NOW).default.AGE).toBe("<invalid>");
  });
});

describe("printer columns of a malformed status", () => {
  it("print empty cells instead of throwing", () => {
    const cr = steadyWorld("PATCH").cr as VvpDeployment;
    for (const status of ["x", null, { conditions: "abc" }, { conditions: [null, 3] }]) {
      const columns = printerColumns({ ...cr, status } as unknown as VvpDeployment, NOW);
      expect(columns.default.HEALTHY).toBe("");
    }
    const mixed = {
      ...cr,
      status: { ...cr.status, conditions: [null, ...(cr.status?.conditions ?? [])] },
    } as unknown as VvpDeployment;
    expect(printerColumns(mixed, NOW).default.HEALTHY).toBe("True");
  });
});

describe("status keys named like Object.prototype members", () => {
  it("are not taken for status fields", () => {
    const world = steadyWorld("PATCH");
    const cr = world.cr as VvpDeployment;
    const status = { ...cr.status, toString: false, constructor: 1 };
    const input = inputFor({ ...world, cr: { ...cr, status } as unknown as VvpDeployment });
    expect(() => settle(input, reconcile(input), [])).not.toThrow();
  });
});
