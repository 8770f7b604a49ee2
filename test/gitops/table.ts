// One table of statuses for every GitOps health check: the hand-written
// cases of gitops/argocd/health_test.yaml (Argo CD's own test format: no
// status, no conditions, conditions without reason or message, each
// situation of the README's table) and the statuses captured from the
// running operator (fixtures/captured, written by the story test).
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import type { ArgoHealthStatus } from "../../src/health/index.js";
import { CAPTURED } from "./captured.js";

export const ARGO = new URL("../../gitops/argocd/", import.meta.url);

export interface HealthRow {
  name: string;
  object: Record<string, unknown>;
  argo: { status: ArgoHealthStatus; message?: string };
}

const read = (url: URL) => parse(readFileSync(url, "utf8")) as Record<string, unknown>;

export function argoCases(): HealthRow[] {
  const { tests } = parse(readFileSync(new URL("health_test.yaml", ARGO), "utf8")) as {
    tests: Array<{
      healthStatus: { status: ArgoHealthStatus; message: string };
      inputPath: string;
    }>;
  };
  return tests.map((test) => ({
    name: test.inputPath,
    object: read(new URL(test.inputPath, ARGO)),
    argo: test.healthStatus,
  }));
}

export function capturedCases(): HealthRow[] {
  const expected = read(new URL("expected.yaml", CAPTURED)) as Record<string, ArgoHealthStatus>;
  const files = readdirSync(CAPTURED).filter((file) => file !== "expected.yaml");
  return files.sort().map((file) => {
    const name = file.replace(/\.yaml$/, "");
    const status = expected[name];
    if (status === undefined) throw new Error(`fixtures/captured/expected.yaml lacks ${name}`);
    return { name: `captured/${file}`, object: read(new URL(file, CAPTURED)), argo: { status } };
  });
}

export const healthTable = (): HealthRow[] => [...argoCases(), ...capturedCases()];
