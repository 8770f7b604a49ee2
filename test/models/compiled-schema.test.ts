import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COMPILE_AFTER_CHECKS,
  compiledVvpDeploymentSchema,
  vvpDeploymentChecker,
} from "../../src/models/compiled-schema.js";
import { VvpDeploymentSchema } from "../../src/models/index.js";
import { exampleCr } from "../support/examples.js";
import { hostileReplacement, hostileValue } from "../support/hostile.js";
import { type Path, pathsUnder } from "../support/json-paths.js";
import { propertyParameters } from "../support/property.js";

type Json = Record<string, unknown>;

// Every optional part of the schema filled in, so mutations reach all of it:
// the other artifact kinds, initFields, nonces, status, metadata's lists.
function richCr(kind: "SQLSCRIPT" | "PYTHON"): Json {
  const cr = exampleCr("PUT") as unknown as Json;
  const spec = cr.spec as Json;
  const template = ((spec.deployment as Json).spec as Json).template as Json;
  (template.spec as Json).artifact =
    kind === "SQLSCRIPT"
      ? { kind, sqlScript: "SELECT 1", additionalDependencies: ["s3://a"] }
      : { kind, pythonArtifactUri: "s3://p.py", entryModule: "m", additionalPythonLibraries: [] };
  (template.spec as Json).flinkConfiguration = { "taskmanager.numberOfTaskSlots": "2" };
  (template.spec as Json).resources = { jobmanager: { cpu: 1, memory: "1G" } };
  spec.initFields = { spec: { template: { spec: { parallelism: 2 } } }, metadata: { labels: {} } };
  spec.savepointNonce = 3;
  spec.restartNonce = null;
  cr.metadata = {
    ...(cr.metadata as Json),
    generation: 2,
    finalizers: ["a"],
    ownerReferences: [{ kind: "X" }],
  };
  cr.status = { observedGeneration: 1 };
  return cr;
}

const ROOTS: Json[] = [
  exampleCr("PATCH") as unknown as Json,
  exampleCr("PUT") as unknown as Json,
  richCr("SQLSCRIPT"),
  richCr("PYTHON"),
];
const PATHS = ROOTS.map((root) => pathsUnder(root).filter((path) => path.length > 0));

function withoutAt(root: Json, path: Path): Json {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path[path.length - 1] as string | number];
  return copy;
}

// A valid CR with one or two nodes replaced by a hostile value or removed.
const mutatedCr: fc.Arbitrary<unknown> = fc.oneof(
  hostileReplacement(ROOTS, (root) => PATHS[ROOTS.indexOf(root)] ?? []).map(
    ({ replaced }) => replaced,
  ),
  fc.tuple(fc.nat({ max: ROOTS.length - 1 }), fc.nat()).map(([index, pick]) => {
    const paths = PATHS[index] ?? [];
    return withoutAt(ROOTS[index] as Json, paths[pick % paths.length] as Path);
  }),
  hostileReplacement(ROOTS, (root) => PATHS[ROOTS.indexOf(root)] ?? []).chain(
    ({ index, replaced }) =>
      fc.tuple(fc.constantFrom(...(PATHS[index] ?? [])), hostileValue).map(([path, value]) => {
        try {
          const copy = structuredClone(replaced) as Record<string | number, unknown>;
          let node = copy;
          for (const key of path.slice(0, -1)) {
            node = node[key] as Record<string | number, unknown>;
          }
          node[path[path.length - 1] as string | number] = value;
          return copy;
        } catch {
          // The first replacement removed this path's parent.
          return replaced;
        }
      }),
  ),
);

const compiled = compiledVvpDeploymentSchema();

describe("the compiled CR schema", () => {
  it("is compiled here (zod can generate code under Node)", () => {
    expect(compiled).not.toBe(VvpDeploymentSchema);
  });

  it("accepts every example, with the runtime parser's output", () => {
    for (const root of ROOTS) {
      const runtime = VvpDeploymentSchema.safeParse(root);
      expect(runtime.success).toBe(true);
      expect(compiled.safeParse(root)).toEqual(runtime);
      expect(compiled.validate(root)).toBe(true);
    }
  });

  it("agrees with the runtime parser on mutated CRs: verdict, output and issues", () => {
    fc.assert(
      fc.property(mutatedCr, (cr) => {
        const runtime = VvpDeploymentSchema.safeParse(cr);
        const fast = compiled.safeParse(cr);
        expect(fast.success).toBe(runtime.success);
        if (runtime.success) expect(fast.data).toEqual(runtime.data);
        else expect(fast.error?.issues).toEqual(runtime.error.issues);
        expect(compiled.validate(cr)).toBe(runtime.success);
      }),
      propertyParameters,
    );
  });

  it("agrees with the runtime parser on arbitrary values", () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true }), (value) => {
        expect(compiled.validate(value)).toBe(VvpDeploymentSchema.safeParse(value).success);
      }),
      propertyParameters,
    );
  });
});

describe("vvpDeploymentChecker", () => {
  it("uses the runtime schema for the first checks, then one compiled copy for good", () => {
    const seen = Array.from({ length: COMPILE_AFTER_CHECKS + 3 }, () => vvpDeploymentChecker());
    // Earlier tests in this file never call it, so the count starts here.
    expect(seen.slice(0, COMPILE_AFTER_CHECKS).every((s) => s === VvpDeploymentSchema)).toBe(true);
    const [first, ...rest] = seen.slice(COMPILE_AFTER_CHECKS);
    expect(first).not.toBe(VvpDeploymentSchema);
    for (const later of rest) expect(later).toBe(first);
  });
});
