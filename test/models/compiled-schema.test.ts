import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
  COMPILE_AFTER_CHECKS,
  compiledVvpDeploymentSchema,
  compiledVvpDeploymentVerdict,
  isStringMap,
  withStringMapPredicates,
} from "../../src/models/compiled-schema.js";
import { VvpDeploymentSchema } from "../../src/models/index.js";
import { exampleCr } from "../support/examples.js";
import { hostileReplacement, hostileValue } from "../support/hostile.js";
import { type Path, pathsUnder, replacedAt } from "../support/json-paths.js";
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

const verdict = compiledVvpDeploymentVerdict();
const StringRecord = z.record(z.string(), z.string());

// The string maps of the roots (labels, annotations, flinkConfiguration, …).
const MAP_PATHS = ROOTS.map((root) =>
  pathsUnder(root).filter((path) => {
    const last = path[path.length - 1];
    return (
      last === "labels" ||
      last === "annotations" ||
      last === "flinkConfiguration" ||
      last === "log4jLoggers"
    );
  }),
);

// Values a string map may hold by mistake, beside strings.
const mapValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.anything({ withNullPrototype: true }) },
);

// Objects a JSON reader never returns, each of which the record judges its own way.
const oddMaps: unknown[] = [
  JSON.parse('{"__proto__": 1}'),
  JSON.parse('{"a": "b", "__proto__": {"x": 1}}'),
  { [Symbol("s")]: "x" },
  Object.defineProperty({ a: "b" }, Symbol("hidden"), { value: 1, enumerable: false }),
  Object.defineProperty({ a: "b" }, "hidden", { value: 1, enumerable: false }),
  Object.create({ inherited: 1 }),
  Object.assign(Object.create(null), { a: "b" }),
  Object.assign(Object.create(null), { a: 1 }),
  new (class Labels {
    a = "b";
  })(),
  new Map([["a", "b"]]),
  new Date(0),
  [],
  ["a"],
  "a",
  null,
  undefined,
];

describe("the compiled verdict check (string maps without zod's copy)", () => {
  it("replaces every string map of the CR schema, and only those", () => {
    const variant = withStringMapPredicates(VvpDeploymentSchema);
    expect(variant).not.toBe(VvpDeploymentSchema);
    // A schema without a string map comes back as it is.
    const plain = z.object({ a: z.string(), b: z.record(z.string(), z.number()).optional() });
    expect(withStringMapPredicates(plain)).toBe(plain);
  });

  it("isStringMap has z.record(z.string(), z.string())'s verdict", () => {
    for (const value of oddMaps) {
      expect(isStringMap(value)).toBe(StringRecord.safeParse(value).success);
    }
    fc.assert(
      fc.property(
        fc.oneof(fc.dictionary(fc.string(), mapValue), fc.anything({ withNullPrototype: true })),
        (value) => {
          expect(isStringMap(value)).toBe(StringRecord.safeParse(value).success);
        },
      ),
      propertyParameters,
    );
  });

  it("accepts every example", () => {
    for (const root of ROOTS) expect(verdict(root)).toBe(true);
    // The replacements below reach labels, annotations and flinkConfiguration.
    expect(MAP_PATHS.flat().map((path) => path[path.length - 1])).toEqual(
      expect.arrayContaining(["labels", "annotations", "flinkConfiguration"]),
    );
    for (const paths of MAP_PATHS) expect(paths.length).toBeGreaterThan(0);
  });

  it("agrees with the runtime parser on CRs whose string maps are replaced", () => {
    const withMap = fc
      .tuple(
        fc.nat({ max: ROOTS.length - 1 }),
        fc.nat(),
        fc.oneof(
          fc.dictionary(fc.string(), mapValue, { maxKeys: 50 }),
          fc.constantFrom(...oddMaps),
          hostileValue,
        ),
      )
      .map(([index, pick, map]) => {
        const paths = MAP_PATHS[index] ?? [];
        return replacedAt(ROOTS[index] as Json, paths[pick % paths.length] as Path, map);
      });
    fc.assert(
      fc.property(withMap, (cr) => {
        expect(verdict(cr)).toBe(VvpDeploymentSchema.safeParse(cr).success);
      }),
      propertyParameters,
    );
  });

  it("agrees with the runtime parser on mutated CRs and on arbitrary values", () => {
    fc.assert(
      fc.property(mutatedCr, (cr) => {
        expect(verdict(cr)).toBe(VvpDeploymentSchema.safeParse(cr).success);
      }),
      propertyParameters,
    );
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true }), (value) => {
        expect(verdict(value)).toBe(VvpDeploymentSchema.safeParse(value).success);
      }),
      propertyParameters,
    );
  });
});

describe("vvpDeploymentChecker", () => {
  it("uses the runtime schema for the first checks, then one compiled copy for good", async () => {
    // The count lives in the module: a fresh copy of it (and of the schema),
    // since test files share modules (vitest's isolate: false) and another
    // file may have validated CRs already.
    vi.resetModules();
    const fresh = await import("../../src/models/compiled-schema.js");
    const { VvpDeploymentSchema: schema } = await import("../../src/models/index.js");
    expect(fresh.vvpDeploymentVerdict()).toBeUndefined();
    const seen = Array.from({ length: COMPILE_AFTER_CHECKS + 3 }, () =>
      fresh.vvpDeploymentChecker(),
    );
    expect(seen.slice(0, COMPILE_AFTER_CHECKS).every((s) => s === schema)).toBe(true);
    const [first, ...rest] = seen.slice(COMPILE_AFTER_CHECKS);
    expect(first).not.toBe(schema);
    for (const later of rest) expect(later).toBe(first);
    expect(fresh.vvpDeploymentVerdict()).toBeTypeOf("function");
  });
});
