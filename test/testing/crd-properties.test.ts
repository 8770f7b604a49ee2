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
import { mutatedCrArb } from "../support/mutated-cr.js";
import { propertyParameters } from "../support/property.js";
import { worldArb } from "../support/world-arbitrary.js";

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
const mutatedCr = mutatedCrArb(0);

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
