// validateVvpDeployment against an ajv-compiled validator of our own editor
// JSON Schema (`buildJsonSchema()`, the file `schema/vvpdeployment.schema.json`
// holds), on a valid CR, a CR with one error and a CR with 10,000 errors.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { buildJsonSchema } from "../src/crd/index.js";
import { validateVvpDeployment } from "../src/validation/index.js";
import type { BenchResult } from "./reconcile.js";

const SAMPLES = 9;
const OPTIONS = { instanceId: "my-operator" };

type Json = Record<string, unknown>;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

// Median per-call microseconds of subject and baseline, sampled alternately so
// that load on the machine falls on both alike.
function measurePair(
  subject: () => unknown,
  baseline: () => unknown,
  iterations: number,
): [number, number] {
  const time = (run: () => unknown): number => {
    let sink: unknown;
    const start = performance.now();
    for (let index = 0; index < iterations; index += 1) sink = run();
    if (sink === undefined) throw new Error("unreachable");
    return ((performance.now() - start) * 1000) / iterations;
  };
  time(subject);
  time(baseline);
  const subjects: number[] = [];
  const baselines: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample += 1) {
    baselines.push(time(baseline));
    subjects.push(time(subject));
  }
  return [median(subjects), median(baselines)];
}

function putExample(): Json {
  const text = readFileSync(new URL("../examples/put-minimal.yaml", import.meta.url), "utf8");
  return parse(text) as Json;
}

function templateSpec(cr: Json): Json {
  const spec = cr.spec as Json;
  const template = (spec.deployment as Json).spec as Json;
  return (template.template as Json).spec as Json;
}

function compileAjv(): (value: unknown) => boolean {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const check = ajv.compile(buildJsonSchema() as object);
  return (value) => check(value);
}

function bench(
  name: string,
  cr: Json,
  expectedErrors: number,
  iterations: number,
  target: number,
): BenchResult {
  const ajv = compileAjv();
  const found = validateVvpDeployment(cr, OPTIONS).errors.length;
  if (found !== expectedErrors || ajv(cr) !== (expectedErrors === 0)) {
    throw new Error(`${name}: the input does not have ${expectedErrors} errors (found ${found})`);
  }
  const [subject, baseline] = measurePair(
    () => validateVvpDeployment(cr, OPTIONS),
    () => ajv(cr) || 1,
    iterations,
  );
  return {
    name,
    ratio: subject / baseline,
    subjectMicroseconds: subject,
    baselineMicroseconds: baseline,
    target,
  };
}

/** The seed's PUT example, valid: the webhook's common case. */
export async function benchValidateValid(): Promise<BenchResult> {
  return bench("validateVvpDeployment, valid PUT example, vs ajv", putExample(), 0, 20_000, 1.5);
}

/** The PUT example with one wrong value. */
export async function benchValidateOneError(): Promise<BenchResult> {
  const cr = putExample();
  templateSpec(cr).parallelism = "four";
  return bench("validateVvpDeployment, 1 error, vs ajv", cr, 1, 20_000, 4);
}

/** The PUT example with 10,000 wrong flinkConfiguration values: linear, not quadratic. */
export async function benchValidateManyErrors(): Promise<BenchResult> {
  const cr = putExample();
  templateSpec(cr).flinkConfiguration = Object.fromEntries(
    Array.from({ length: 10_000 }, (_, index) => [`key.${index}`, index]),
  );
  return bench("validateVvpDeployment, 10,000 errors, vs ajv", cr, 10_000, 5, 20);
}
