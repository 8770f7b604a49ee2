// The Flux healthCheckExprs file itself; the rules are checked row by row in
// health-table.test.ts, under a cel-go-strict engine and @bufbuild/cel.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gitOpsHealth, NEEDS_ACTION_REASONS } from "../../src/health/index.js";
import { bufbuildCel, fluxStatus, kustomization, strictCel } from "./flux.js";
import { ARGO } from "./table.js";

const read = (path: string) =>
  parse(readFileSync(new URL(path, ARGO), "utf8")) as Record<string, unknown>;

describe("gitops/flux/health-check-exprs.yaml", () => {
  it("is a Kustomization whose expressions target VvpDeployment", () => {
    expect(kustomization.apiVersion).toBe("kustomize.toolkit.fluxcd.io/v1");
    expect(kustomization.kind).toBe("Kustomization");
    const [entry] = kustomization.spec.healthCheckExprs;
    expect(entry?.apiVersion).toBe("ververica.platform/v1");
    expect(entry?.kind).toBe("VvpDeployment");
    expect(typeof entry?.current).toBe("string");
  });

  it("names every reason that needs action, as the library does", () => {
    const failed = kustomization.spec.healthCheckExprs[0]?.failed ?? "";
    const listed = [...failed.matchAll(/'([A-Za-z]+)'/g)]
      .map((match) => match[1])
      .filter((reason) => reason !== "FAILED" && reason !== "DeletionBlocked" && reason !== "True");
    expect(listed.sort()).toEqual([...NEEDS_ACTION_REASONS].sort());
  });

  it("reports a FAILED job as Failed although every condition is True", () => {
    const object = read("testdata/degraded-failed-job.yaml");
    expect(fluxStatus(object, strictCel)).toBe("Failed");
    expect(fluxStatus(object, bufbuildCel)).toBe("Failed");
  });

  it("waits while the actual state is not the desired one, although Healthy is True (the issue's case)", () => {
    const object = read("testdata/progressing-state-change.yaml");
    expect(fluxStatus(object, strictCel)).toBe("InProgress");
    expect(gitOpsHealth(object).flux.status).toBe("InProgress");
  });

  it("a refused projection is Failed at once: observedGeneration is current", () => {
    const object = read("testdata/degraded-projection-failed.yaml");
    expect(fluxStatus(object, strictCel)).toBe("Failed");
  });

  it("each reason that needs action, on its condition, is Failed under the strict engine", () => {
    const base = read("testdata/healthy.yaml") as {
      status: { conditions: Array<Record<string, unknown>> };
    };
    for (const reason of NEEDS_ACTION_REASONS) {
      const object = structuredClone(base);
      object.status.conditions.push({ type: "SpecAligned", status: "False", reason });
      expect(fluxStatus(object, strictCel), reason).toBe("Failed");
      expect(gitOpsHealth(object).flux.status, reason).toBe("Failed");
    }
  });
});
