// Every row of the health table, under every implementation of the rules:
// gitops/argocd/health.lua under Lua 5.1, gitops/flux/health-check-exprs.yaml
// under a cel-go-strict CEL engine (@marcbachmann/cel-js) and under
// @bufbuild/cel, and the library's gitOpsHealth(). All agree, row by row,
// with the expected health.
import { describe, expect, it } from "vitest";
import { type FluxHealthStatus, gitOpsHealth } from "../../src/health/index.js";
import { bufbuildCel, type FluxResult, fluxStatus, strictCel } from "./flux.js";
import { findLua, runHealthCheck } from "./lua.js";
import { ARGO, capturedCases, healthTable } from "./table.js";

const SCRIPT = new URL("health.lua", ARGO).pathname;
const lua = findLua();
if (lua === undefined && process.env.CI === "true") {
  throw new Error("lua5.1 is not installed: apt-get install -y lua5.1");
}

const FLUX_OF: Readonly<Record<string, FluxHealthStatus>> = {
  Healthy: "Current",
  Suspended: "Current",
  Progressing: "InProgress",
  Degraded: "Failed",
};

const rows = healthTable();

/**
 * What Flux computes. A CR without any status cannot be evaluated by cel-go
 * (`status` is an unknown variable): Unknown, on which Flux keeps polling as
 * on InProgress. Every other row must evaluate without an error.
 */
function expectedFlux(object: Record<string, unknown>, strict: boolean): FluxResult {
  return strict && object.status === undefined ? "Unknown" : "InProgress";
}

describe("the GitOps health table", () => {
  it("covers every status, no status, no conditions, conditions without reason or message, and captured statuses", () => {
    const statuses = new Set(rows.map((row) => row.argo.status));
    expect([...statuses].sort()).toEqual(["Degraded", "Healthy", "Progressing", "Suspended"]);
    expect(rows.some((row) => row.object.status === undefined)).toBe(true);
    expect(
      rows.some((row) => {
        const status = row.object.status as { conditions?: unknown } | undefined;
        return status !== undefined && status.conditions === undefined;
      }),
    ).toBe(true);
    expect(
      rows.some((row) =>
        (
          (row.object.status as { conditions?: Record<string, unknown>[] } | undefined)
            ?.conditions ?? []
        ).some((condition) => condition.reason === undefined || condition.message === undefined),
      ),
    ).toBe(true);
    expect(capturedCases().length).toBeGreaterThanOrEqual(5);
  });

  describe.each(rows.map((row) => [row.name, row] as const))("%s", (_name, row) => {
    const expected = row.argo;
    const flux = FLUX_OF[expected.status] as FluxHealthStatus;

    it(`gitOpsHealth: Argo CD ${expected.status}, Flux ${flux}`, () => {
      const health = gitOpsHealth(row.object);
      expect(health.argo.status).toBe(expected.status);
      if (expected.message !== undefined) expect(health.argo.message).toBe(expected.message);
      expect(health.flux.status).toBe(flux);
    });

    it.skipIf(lua === undefined)("health.lua under Lua 5.1 says the same, message too", () => {
      const health = gitOpsHealth(row.object);
      expect(runHealthCheck(lua as string, SCRIPT, row.object)).toEqual(health.argo);
    });

    it("the Flux expressions under a cel-go-strict engine say the same", () => {
      const status = fluxStatus(row.object, strictCel);
      if (row.object.status === undefined) expect(status).toBe(expectedFlux(row.object, true));
      else expect(status).toBe(flux);
    });

    it("the Flux expressions under @bufbuild/cel say the same", () => {
      const status = fluxStatus(row.object, bufbuildCel);
      if (row.object.status === undefined) expect(status).toBe(expectedFlux(row.object, false));
      else expect(status).toBe(flux);
    });
  });
});

describe("the cel-go-strict engine", () => {
  it("fails on an absent attribute, as cel-go does, where @bufbuild/cel does not", () => {
    const noStatus = { metadata: { generation: 1n } };
    expect(strictCel("self.status.observedGeneration == 1", { self: noStatus })).toBe("error");
    expect(strictCel("status.observedGeneration == 1", noStatus)).toBe("error");
    expect(strictCel("has(status.observedGeneration)", noStatus)).toBe("error");
    expect(strictCel("status.observedGeneration == 1", { status: {} })).toBe("error");
    expect(strictCel("has(status.observedGeneration)", { status: {} })).toBe(false);
    expect(
      strictCel("status.conditions.exists(c, c.reason == 'X')", {
        status: { conditions: [{ type: "Healthy" }] },
      }),
    ).toBe("error");
  });
});
