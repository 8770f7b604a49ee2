// Flux's health check for custom resources (fluxcd/pkg runtime/cel,
// StatusEvaluator, RFC 0009), with a CEL engine of choice: InProgress while
// status.observedGeneration (an int) differs from metadata.generation; then
// inProgress, failed, current in that order; InProgress when none holds. An
// evaluation error leaves the status Unknown (Flux keeps polling until its
// timeout, as for InProgress). Flux parses the expressions without
// declarations and binds the object's top-level fields as variables, so an
// absent `status` is an unknown variable.
import { readFileSync } from "node:fs";
import { isCelError, run } from "@bufbuild/cel";
import { EvaluationError, evaluate } from "@marcbachmann/cel-js";
import { parse } from "yaml";

export interface HealthCheckExprs {
  apiVersion: string;
  kind: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

export const kustomization = parse(
  readFileSync(new URL("../../gitops/flux/health-check-exprs.yaml", import.meta.url), "utf8"),
) as {
  apiVersion: string;
  kind: string;
  spec: { healthCheckExprs: HealthCheckExprs[] };
};

export type FluxResult = "InProgress" | "Failed" | "Current" | "Unknown";

/** A CEL engine: the boolean an expression evaluates to, or "error". */
export type CelEngine = (
  expression: string,
  bindings: Record<string, unknown>,
) => boolean | "error";

// Kubernetes integers reach CEL as int64, as Flux's unstructured objects hold them.
function celValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(celValue);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, celValue(item)]));
  }
  return Number.isInteger(value) ? BigInt(value as number) : value;
}

/** @bufbuild/cel: lenient, an absent attribute reads as false in places where cel-go fails. */
export const bufbuildCel: CelEngine = (expression, bindings) => {
  const value = run(expression, bindings as Record<string, never>);
  if (isCelError(value)) return "error";
  return value === true;
};

/** @marcbachmann/cel-js: errors on an absent attribute ("no such key", "unknown variable") as cel-go does. */
export const strictCel: CelEngine = (expression, bindings) => {
  try {
    const value: unknown = evaluate(expression, bindings);
    if (typeof value !== "boolean") return "error";
    return value;
  } catch (error) {
    if (error instanceof EvaluationError) return "error";
    throw error;
  }
};

export function fluxStatus(object: unknown, engine: CelEngine): FluxResult {
  const expressions = kustomization.spec.healthCheckExprs[0];
  if (expressions === undefined) throw new Error("no healthCheckExprs");
  const content = (object ?? {}) as Record<string, unknown>;
  const observed = (content.status as { observedGeneration?: unknown } | undefined)
    ?.observedGeneration;
  const generation = (content.metadata as { generation?: unknown } | undefined)?.generation;
  if (Number.isInteger(observed) && Number.isInteger(generation) && observed !== generation) {
    return "InProgress";
  }
  const bindings = celValue(content) as Record<string, unknown>;
  for (const [expression, result] of [
    [expressions.inProgress, "InProgress"],
    [expressions.failed, "Failed"],
    [expressions.current, "Current"],
  ] as const) {
    if (expression === undefined) continue;
    const value = engine(expression, bindings);
    if (value === "error") return "Unknown";
    if (value) return result;
  }
  return "InProgress";
}
