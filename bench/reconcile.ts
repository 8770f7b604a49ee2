import { readFileSync } from "node:fs";
import { parseVvpDeployment, type VvpDeployment } from "../src/models/index.js";
import { type ReconcileInput, reconcile } from "../src/reconcile/index.js";

import { type BenchRow, interleave, perCall, rowOf } from "./harness.js";

/**
 * The row shape of bench files written before bench/harness.ts: one ratio,
 * not interleaved. Still accepted by bench/modules.ts (printed as 1 round);
 * new rows use BenchRow.
 */
export interface BenchResult {
  name: string;
  ratio: number;
  subjectMicroseconds: number;
  baselineMicroseconds: number;
  target: number;
}

const ITERATIONS = 20_000;
const ROUNDS = 9;

/** The seed's PUT example in the steady state: parsed, with the status the core writes, and a matching deployment. */
export function steadyPutInput(): ReconcileInput {
  const text = readFileSync(new URL("../examples/put-minimal.yaml", import.meta.url), "utf8");
  const parsed = parseVvpDeployment(text);
  if (!parsed.ok) throw new Error("the PUT example does not parse");
  const cr: VvpDeployment = parsed.value;
  cr.metadata.uid = "6c1f3a52-bench";
  cr.metadata.generation = 1;
  cr.metadata.finalizers = ["ververica.platform/finalizer"];
  const instanceId = "my-operator";
  const deployment = {
    ...structuredClone(cr.spec.deployment),
    apiVersion: "v1",
    kind: "Deployment",
    metadata: {
      ...cr.spec.deployment.metadata,
      id: "9a7e-bench",
      labels: { "ververica.platform/owner": instanceId },
      annotations: { "ververica.platform/cr-uid": "6c1f3a52-bench" },
      resourceVersion: 3,
    },
    status: { state: "CANCELLED" as const },
  };
  const input: ReconcileInput = {
    cr,
    observed: {
      deployment,
      mapping: { deploymentId: "9a7e-bench", vvpNamespace: "default", instanceId },
    },
    instanceId,
    now: "2025-03-01T12:00:00Z",
  };
  // The status the core itself writes in the steady state.
  cr.status = reconcile(input).status;
  cr.status = reconcile({ ...input, now: "2025-03-01T12:05:00Z" }).status;
  return { ...input, now: "2025-03-01T12:10:00Z" };
}

/** `reconcile()` in the steady state of the PUT example, against `JSON.parse(JSON.stringify(cr))`. */
export async function benchReconcile(): Promise<BenchRow[]> {
  const input = steadyPutInput();
  const plan = reconcile(input);
  if (plan.actions.length > 0 || plan.events.length > 0) {
    throw new Error("the bench input is not in the steady state");
  }
  const samples = await interleave(
    ROUNDS,
    () => perCall(() => JSON.parse(JSON.stringify(input.cr)), ITERATIONS),
    () => perCall(() => reconcile(input), ITERATIONS),
  );
  return [
    rowOf(
      {
        name: "reconcile() of the PUT example in the steady state",
        floor: "JSON.parse(JSON.stringify(cr)) of the same CR",
        unit: "µs",
        goal: 3,
      },
      samples,
    ),
  ];
}
