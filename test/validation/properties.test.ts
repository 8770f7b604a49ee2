import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseVvpDeployment } from "../../src/models/index.js";
import {
  reviewAdmission,
  type ValidationResult,
  validateVvpDeployment,
} from "../../src/validation/index.js";
import { mutatedCrArb } from "../support/mutated-cr.js";
import { propertyParameters } from "../support/property.js";

const options = { instanceId: "my-operator" };

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

// An example CR with one to four fields deleted or replaced by hostile values.
const mutatedCr = mutatedCrArb(1);

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
