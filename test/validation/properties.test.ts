import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseVvpDeployment } from "../../src/models/index.js";
import {
  reviewAdmission,
  type ValidationResult,
  validateVvpDeployment,
} from "../../src/validation/index.js";
import { hostileValue } from "../support/hostile.js";
import { propertyParameters } from "../support/property.js";
import { allPaths, example, type Json } from "./objects.js";

const options = { instanceId: "my-operator" };
const DELETE = Symbol("delete");
// Read once: the generators below copy them thousands of times.
const EXAMPLES = { PATCH: example("PATCH"), PUT: example("PUT") };
const PATHS = { PATCH: allPaths(EXAMPLES.PATCH), PUT: allPaths(EXAMPLES.PUT) };

/** The invariants every verdict keeps, whatever the input. */
function expectWellFormed(result: ValidationResult): void {
  expect(typeof result.allowed).toBe("boolean");
  expect(result.allowed).toBe(result.errors.length === 0);
  for (const error of result.errors) {
    expect(error.field).not.toBe("");
    expect(error.message).not.toBe("");
  }
  const fields = result.errors.map((error) => error.field);
  expect(new Set(fields).size).toBe(fields.length);
  for (const warning of result.warnings) expect(typeof warning).toBe("string");
}

// A mutation: a path that exists in an example (or one key below it), and
// either a deletion or a hostile value to put there.
const mutatedCr = fc
  .constantFrom("PATCH" as const, "PUT" as const)
  .chain((mode) => {
    const mutation = fc.record({
      path: fc.constantFrom(...PATHS[mode]),
      extraKey: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      value: fc.oneof(fc.constant<typeof DELETE>(DELETE), hostileValue),
    });
    return fc.tuple(fc.constant(mode), fc.array(mutation, { minLength: 1, maxLength: 4 }));
  })
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

describe("validateVvpDeployment on any input", () => {
  it("never throws on arbitrary JSON, and every denial carries field errors", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) =>
        expectWellFormed(validateVvpDeployment(value, options)),
      ),
      propertyParameters,
    );
  });

  it("never throws on arbitrary values", () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withNullPrototype: true, withMap: true }),
        (value) => expectWellFormed(validateVvpDeployment(value, options)),
      ),
      propertyParameters,
    );
  });

  it("never throws on mutated valid CRs, and allows only CRs that parse", () => {
    fc.assert(
      fc.property(mutatedCr, (cr) => {
        const result = validateVvpDeployment(cr, options);
        expectWellFormed(result);
        // The schema is part of the rules, so an allowed CR always parses.
        if (result.allowed) expect(parseVvpDeployment(cr).ok).toBe(true);
      }),
      propertyParameters,
    );
  });

  it("reports what parse reports: the same warnings, and each parse error at its field or above", () => {
    const covers = (field: string, other: string): boolean =>
      other === field ||
      other === "<root>" ||
      field.startsWith(`${other}.`) ||
      field.startsWith(`${other}[`);
    fc.assert(
      fc.property(mutatedCr, (cr) => {
        const parsed = parseVvpDeployment(cr);
        const result = validateVvpDeployment(cr, options);
        expect(result.fieldWarnings).toEqual(parsed.warnings);
        if (parsed.ok) return;
        for (const error of parsed.errors) {
          expect(result.errors.some((other) => covers(error.field, other.field))).toBe(true);
        }
      }),
      propertyParameters,
    );
  });

  it("never throws on updates from one mutated CR to another", () => {
    fc.assert(
      fc.property(mutatedCr, mutatedCr, (cr, old) =>
        expectWellFormed(validateVvpDeployment(cr, { ...options, oldObject: old })),
      ),
      propertyParameters,
    );
  });
});

describe("reviewAdmission on any input", () => {
  function expectAnswer(input: unknown, uid?: string): void {
    const review = reviewAdmission(input, options);
    expect(review.apiVersion).toBe("admission.k8s.io/v1");
    expect(review.kind).toBe("AdmissionReview");
    if (uid !== undefined) expect(review.response.uid).toBe(uid);
    if (!review.response.allowed) {
      expect([400, 422]).toContain(review.response.status?.code);
      if (review.response.status?.code === 422) {
        const causes = review.response.status.details?.causes ?? [];
        expect(causes.length).toBeGreaterThan(0);
        for (const cause of causes) expect(cause.field).not.toBe("");
      }
    }
  }

  it("never throws on arbitrary values", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withNullPrototype: true }), (value) =>
        expectAnswer(value),
      ),
      propertyParameters,
    );
  });

  it("never throws on reviews of arbitrary JSON requests", () => {
    const request = fc.record(
      {
        uid: fc.oneof(fc.uuid(), fc.jsonValue()),
        operation: fc.oneof(
          fc.constantFrom("CREATE", "UPDATE", "DELETE", "CONNECT"),
          fc.jsonValue(),
        ),
        subResource: fc.oneof(fc.constant("status"), fc.jsonValue()),
        object: fc.jsonValue(),
        oldObject: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(request, (body) =>
        expectAnswer({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: body }),
      ),
      propertyParameters,
    );
  });

  it("answers every review of a mutated CR with the request's uid", () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.constantFrom("CREATE", "UPDATE", "DELETE"),
        mutatedCr,
        mutatedCr,
        (uid, operation, object, oldObject) =>
          expectAnswer(
            {
              apiVersion: "admission.k8s.io/v1",
              kind: "AdmissionReview",
              request: { uid, operation, object, oldObject },
            },
            uid,
          ),
      ),
      propertyParameters,
    );
  });
});
