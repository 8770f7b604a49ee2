// The Flux healthCheckExprs, evaluated with a CEL engine the way Flux's
// StatusEvaluator does (RFC 0009), on the same cases as the Argo CD check.
import { readFileSync } from "node:fs";
import { isCelError, run } from "@bufbuild/cel";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ARGO = new URL("../../gitops/argocd/", import.meta.url);
const kustomization = parse(
  readFileSync(new URL("../../gitops/flux/health-check-exprs.yaml", import.meta.url), "utf8"),
) as {
  apiVersion: string;
  kind: string;
  spec: {
    healthCheckExprs: Array<{
      apiVersion: string;
      kind: string;
      current: string;
      inProgress?: string;
      failed?: string;
    }>;
  };
};

type FluxStatus = "InProgress" | "Failed" | "Current" | "Unknown";

// Kubernetes integers reach CEL as int64, as Flux's unstructured objects hold them.
function celValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(celValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, celValue(item)]));
  }
  return Number.isInteger(value) ? BigInt(value as number) : value;
}

/**
 * Flux's StatusEvaluator: InProgress while status.observedGeneration differs
 * from metadata.generation; then inProgress, failed, current in that order;
 * InProgress when none holds. An evaluation error leaves the status Unknown
 * (Flux's generic reader keeps polling until its timeout).
 */
function fluxStatus(object: Record<string, unknown>): FluxStatus {
  const expressions = kustomization.spec.healthCheckExprs[0];
  if (expressions === undefined) throw new Error("no healthCheckExprs");
  const status = object.status as { observedGeneration?: number } | undefined;
  const generation = (object.metadata as { generation?: number } | undefined)?.generation;
  if (status?.observedGeneration !== undefined && generation !== undefined) {
    if (status.observedGeneration !== generation) return "InProgress";
  }
  const bindings = celValue(object) as Record<string, never>;
  for (const [expression, result] of [
    [expressions.inProgress, "InProgress"],
    [expressions.failed, "Failed"],
    [expressions.current, "Current"],
  ] as const) {
    if (expression === undefined) continue;
    const value = run(expression, bindings);
    if (isCelError(value)) return "Unknown";
    if (value === true) return result;
  }
  return "InProgress";
}

const ARGO_TO_FLUX: Readonly<Record<string, readonly FluxStatus[]>> = {
  Healthy: ["Current"],
  // Flux has no Suspended: a deployment suspended as desired is done.
  Suspended: ["Current"],
  Degraded: ["Failed"],
  // Both make Flux wait.
  Progressing: ["InProgress", "Unknown"],
};

/**
 * Where Flux cannot agree: Flux's own generation rule runs before the
 * expressions, and a failed projection leaves status.observedGeneration
 * behind (domain.md §3), so Flux waits and fails the Kustomization at its
 * timeout instead.
 */
const FLUX_DIFFERENCES: Readonly<Record<string, FluxStatus>> = {
  "testdata/degraded-projection-failed.yaml": "InProgress",
};

const tests = (
  parse(readFileSync(new URL("health_test.yaml", ARGO), "utf8")) as {
    tests: Array<{ healthStatus: { status: string }; inputPath: string }>;
  }
).tests;

describe("gitops/flux/health-check-exprs.yaml", () => {
  it("is a Kustomization whose expressions target VvpDeployment", () => {
    expect(kustomization.apiVersion).toBe("kustomize.toolkit.fluxcd.io/v1");
    expect(kustomization.kind).toBe("Kustomization");
    const [entry] = kustomization.spec.healthCheckExprs;
    expect(entry?.apiVersion).toBe("ververica.platform/v1");
    expect(entry?.kind).toBe("VvpDeployment");
    expect(typeof entry?.current).toBe("string");
  });

  it.each(tests.map((test) => [test.inputPath, test.healthStatus.status] as const))(
    "%s is %s in Argo CD and the same in Flux",
    (path, argoStatus) => {
      const object = parse(readFileSync(new URL(path, ARGO), "utf8")) as Record<string, unknown>;
      const expected = FLUX_DIFFERENCES[path];
      if (expected !== undefined) expect(fluxStatus(object)).toBe(expected);
      else expect(ARGO_TO_FLUX[argoStatus]).toContain(fluxStatus(object));
    },
  );

  it("reports a FAILED job as Failed although every condition is True (the issue's case)", () => {
    const object = parse(
      readFileSync(new URL("testdata/degraded-failed-job.yaml", ARGO), "utf8"),
    ) as Record<string, unknown>;
    expect(fluxStatus(object)).toBe("Failed");
  });
});
