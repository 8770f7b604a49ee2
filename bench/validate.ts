// validateVvpDeployment against an ajv-compiled validator of our own editor
// JSON Schema (`buildJsonSchema()`, the file `schema/vvpdeployment.schema.json`
// holds), on a valid CR, a CR with one error and a CR with 10,000 errors.
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse } from "yaml";
import { buildJsonSchema } from "../src/crd/index.js";
import { validateVvpDeployment } from "../src/validation/index.js";
import { type BenchRow, interleave, perCall, rowOf } from "./harness.js";

const ROUNDS = 9;
const OPTIONS = { instanceId: "my-operator" };

type Json = Record<string, unknown>;

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

async function bench(
  name: string,
  cr: Json,
  expectedErrors: number,
  iterations: number,
  goal: number,
  note?: string,
): Promise<BenchRow[]> {
  const ajv = compileAjv();
  const found = validateVvpDeployment(cr, OPTIONS).errors.length;
  if (found !== expectedErrors || ajv(cr) !== (expectedErrors === 0)) {
    throw new Error(`${name}: the input does not have ${expectedErrors} errors (found ${found})`);
  }
  const samples = await interleave(
    ROUNDS,
    () => perCall(() => ajv(cr) || 1, iterations),
    () => perCall(() => validateVvpDeployment(cr, OPTIONS), iterations),
  );
  return [
    rowOf(
      {
        name,
        floor: "ajv (allErrors) compiled from our JSON Schema, same input",
        unit: "µs",
        goal,
        ...(note === undefined ? {} : { note }),
      },
      samples,
    ),
  ];
}

/** The seed's PUT example, valid: the webhook's common case. */
export function benchValidateValid(): Promise<BenchRow[]> {
  return bench("validateVvpDeployment, valid PUT example", putExample(), 0, 20_000, 1.5);
}

function withManyKeys(): Json {
  const cr = putExample();
  templateSpec(cr).flinkConfiguration = Object.fromEntries(
    Array.from({ length: 1_000 }, (_, index) => [`key.${index}`, `value-${index}`]),
  );
  return cr;
}

/** The PUT example, valid, with 1,000 flinkConfiguration keys: a real-sized CR. */
export function benchValidateManyKeys(): Promise<BenchRow[]> {
  return bench(
    "validateVvpDeployment, valid PUT example with 1,000 flinkConfiguration keys",
    withManyKeys(),
    0,
    200,
    1.5,
  );
}

/**
 * The same CR as JSON.parse returns it, as the webhook receives it: V8 keeps
 * a parsed 1,000-key object in dictionary mode, where walking its keys costs
 * several times more than on the object Object.fromEntries builds.
 */
export function benchValidateManyKeysParsed(): Promise<BenchRow[]> {
  return bench(
    "validateVvpDeployment, the same CR JSON-parsed (as the webhook receives it)",
    JSON.parse(JSON.stringify(withManyKeys())) as Json,
    0,
    200,
    1.5,
  );
}

/** The PUT example with one wrong value. */
export function benchValidateOneError(): Promise<BenchRow[]> {
  const cr = putExample();
  templateSpec(cr).parallelism = "four";
  return bench("validateVvpDeployment, 1 error", cr, 1, 20_000, 4);
}

/** The PUT example with 10,000 wrong flinkConfiguration values: linear, not quadratic. */
export function benchValidateManyErrors(): Promise<BenchRow[]> {
  const cr = putExample();
  templateSpec(cr).flinkConfiguration = Object.fromEntries(
    Array.from({ length: 10_000 }, (_, index) => [`key.${index}`, index]),
  );
  return bench("validateVvpDeployment, 10,000 errors", cr, 10_000, 5, 20);
}
