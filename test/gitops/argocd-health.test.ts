// The Argo CD health check, run by a real Lua 5.1 interpreter on the test
// cases of gitops/argocd/health_test.yaml, in Argo CD's own test format.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gitOpsHealth, NEEDS_ACTION_REASONS } from "../../src/health/index.js";
import { findLua, luaLiteral, runHealthCheck } from "./lua.js";

const ARGO = new URL("../../gitops/argocd/", import.meta.url);
const SCRIPT = new URL("health.lua", ARGO).pathname;

interface HealthTest {
  healthStatus: { status: string; message: string };
  inputPath: string;
}

const tests = (
  parse(readFileSync(new URL("health_test.yaml", ARGO), "utf8")) as {
    tests: HealthTest[];
  }
).tests;

const readCase = (path: string): unknown => parse(readFileSync(new URL(path, ARGO), "utf8"));

const lua = findLua();
if (lua === undefined) {
  // CI must run these: the lead's .ci/run installs lua5.1.
  if (process.env.CI === "true")
    throw new Error("lua5.1 is not installed: apt-get install -y lua5.1");
  console.log(
    "lua5.1 not installed: the Argo CD health check tests are skipped (apt-get install -y lua5.1)",
  );
}

describe.skipIf(lua === undefined)("gitops/argocd/health.lua", () => {
  it("has a test case for each status Argo CD shows", () => {
    const statuses = new Set(tests.map((test) => test.healthStatus.status));
    expect([...statuses].sort()).toEqual(["Degraded", "Healthy", "Progressing", "Suspended"]);
  });

  it.each(tests.map((test) => [test.inputPath, test] as const))("%s", (_path, test) => {
    const hs = runHealthCheck(lua as string, SCRIPT, readCase(test.inputPath));
    expect(hs).toEqual(test.healthStatus);
  });

  it("is Degraded for each reason that needs action, on its condition or on Healthy", () => {
    const base = readCase("testdata/healthy.yaml") as {
      status: { conditions: Array<{ type: string; status: string; reason?: string }> };
    };
    const cases: ReadonlyArray<
      readonly [type: string, status: string, reason: string | undefined]
    > = [
      ...NEEDS_ACTION_REASONS.map((reason) => ["SpecAligned", "False", reason] as const),
      ...NEEDS_ACTION_REASONS.map((reason) => ["Healthy", "Unknown", reason] as const),
      ["DeletionBlocked", "True", "DeploymentStillActive"],
      ["DeletionBlocked", "True", undefined],
    ];
    for (const [type, status, reason] of cases) {
      const object = structuredClone(base);
      object.status.conditions = object.status.conditions.filter((c) => c.type !== type);
      object.status.conditions.push({ type, status, ...(reason === undefined ? {} : { reason }) });
      const hs = runHealthCheck(lua as string, SCRIPT, object);
      expect(hs.status, `${type} ${reason}`).toBe("Degraded");
      expect(hs).toEqual(gitOpsHealth(object).argo);
    }
  });

  it("survives odd shapes without a Lua error, and agrees with gitOpsHealth on them", () => {
    for (const object of [
      {},
      { status: {} },
      { status: null },
      { status: { conditions: "no" } },
      { status: { conditions: [3, "x", { type: "Healthy" }] } },
      { status: { conditions: [{ type: "Healthy" }], actualState: 5 } },
      {
        metadata: { generation: "1" },
        status: {
          conditions: [
            { type: "SpecAligned", status: "False", reason: 7, message: {} },
            { type: "Healthy" },
          ],
        },
      },
      {
        metadata: { generation: 1 },
        spec: null,
        status: {
          observedGeneration: 1,
          actualState: "RUNNING",
          conditions: [
            { type: "Healthy", status: "True", reason: "AllConditionsMet", observedGeneration: 1 },
          ],
        },
      },
    ]) {
      const hs = runHealthCheck(lua as string, SCRIPT, object);
      expect(hs).toEqual(gitOpsHealth(object).argo);
    }
    // A null in a Lua array ends ipairs: what follows is not seen, but nothing fails.
    const holes = { status: { conditions: [null, { type: "Healthy" }] } };
    expect(runHealthCheck(lua as string, SCRIPT, holes).status).toBe("Progressing");
  });
});

describe("luaLiteral", () => {
  it("escapes quotes, backslashes and non-ASCII bytes and makes arrays 1-based tables", () => {
    expect(luaLiteral({ a: ['x"y\\z', "é"], b: null, c: true, d: 2 })).toBe(
      '{["a"] = {"x\\34y\\92z", "\\195\\169"}, ["b"] = nil, ["c"] = true, ["d"] = 2}',
    );
  });
});
