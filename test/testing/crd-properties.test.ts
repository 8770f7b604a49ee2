// Our own CRD against the fake's enforcement of it, by property:
// - every status the reconcile core writes (any world, any cycle of a
//   convergence) is accepted by /status validation, and prunes nothing;
// - every CR our admission validation accepts is accepted by the CRD's
//   schema and rules, with no field pruned.
// Each check uses the very enforcement the fake compiles for the CRD.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCrd } from "../../src/crd/index.js";
import { loadCel } from "../../src/testing/crd-cel.js";
import { compileCrdEnforcement } from "../../src/testing/crd-enforcement.js";
import { errorBody } from "../../src/testing/crd-schema.js";
import type { KubeObject } from "../../src/testing/objects.js";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { cycle } from "../support/builders.js";
import { hostileValue } from "../support/hostile.js";
import { propertyParameters } from "../support/property.js";
import { worldArb } from "../support/world-arbitrary.js";
import { allPaths, example, type Json } from "../validation/objects.js";

// The CEL engine is an optional peer, loaded as startFakeKubernetes loads it.
await loadCel();

const enforcement = compileCrdEnforcement(buildCrd().spec.versions[0]?.schema.openAPIV3Schema);
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const described = (errors: ReturnType<typeof enforcement.validate>) =>
  errors.map((e) => `${e.field}: ${errorBody(e)}`);

describe("every status reconcile writes is accepted by the CRD's status schema", () => {
  it("through every cycle of a convergence, with nothing pruned", () => {
    fc.assert(
      fc.property(worldArb, ({ world, syncEnabled }) => {
        let current = world;
        for (let round = 0; round < 4 && current.cr !== null; round += 1) {
          const stored = asJson(current.cr) as unknown as KubeObject;
          const result = cycle(current, { syncEnabled });
          if (result.plan.skipped === undefined) {
            const written = asJson({ ...stored, status: result.settled.status });
            const decoded = structuredClone(written);
            expect(enforcement.decode(decoded)).toEqual([]);
            expect(described(enforcement.validateStatus(decoded, stored))).toEqual([]);
          }
          if (result.plan.actions.length === 0) break;
          current = result.world;
        }
      }),
      propertyParameters,
    );
  });
});

// CRs from the examples with up to four fields deleted or replaced by hostile values.
const EXAMPLES = { PATCH: example("PATCH"), PUT: example("PUT") };
const PATHS = { PATCH: allPaths(EXAMPLES.PATCH), PUT: allPaths(EXAMPLES.PUT) };
const DELETE = Symbol("delete");
const mutatedCr = fc
  .constantFrom("PATCH" as const, "PUT" as const)
  .chain((mode) =>
    fc.tuple(
      fc.constant(mode),
      fc.array(
        fc.record({
          path: fc.constantFrom(...PATHS[mode]),
          extraKey: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
          value: fc.oneof(fc.constant<typeof DELETE>(DELETE), hostileValue),
        }),
        { minLength: 0, maxLength: 4 },
      ),
    ),
  )
  .map(([mode, mutations]) => {
    const cr = structuredClone(EXAMPLES[mode]);
    for (const { path, extraKey, value } of mutations) {
      const full = extraKey === undefined ? path : [...path, extraKey];
      let parent: unknown = cr;
      for (const key of full.slice(0, -1)) {
        parent =
          typeof parent === "object" && parent !== null
            ? (parent as Json)[key as string]
            : undefined;
      }
      if (typeof parent !== "object" || parent === null) continue;
      const last = full[full.length - 1] as string;
      if (value === DELETE) delete (parent as Json)[last];
      else (parent as Json)[last] = value;
    }
    return cr;
  });

describe("every CR our validation accepts, the CRD accepts as it is", () => {
  it("no schema or CEL error and no field pruned", () => {
    fc.assert(
      fc.property(mutatedCr, (candidate) => {
        const cr = asJson(candidate) as unknown as KubeObject;
        if (!validateVvpDeployment(cr, { instanceId: "my-operator" }).allowed) return;
        const decoded = structuredClone(cr);
        expect(enforcement.decode(decoded)).toEqual([]);
        expect(described(enforcement.validate(decoded, undefined))).toEqual([]);
      }),
      propertyParameters,
    );
  });
});
