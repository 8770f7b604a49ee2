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

// The checks below run 10,000 times per property in CI: they collect what is
// wrong in plain code and call expect once, only when something is (an
// expect call costs more than the check itself).

/** The invariants every verdict keeps, whatever the input. */
function expectWellFormed(result: ValidationResult): void {
  const problems: string[] = [];
  if (typeof result.allowed !== "boolean") problems.push("allowed is not a boolean");
  if (result.allowed !== (result.errors.length === 0)) {
    problems.push(`allowed is ${result.allowed} with ${result.errors.length} errors`);
  }
  for (const error of result.errors) {
    if (error.field === "") problems.push(`an error without a field: ${error.message}`);
    if (error.message === "") problems.push(`an error without a message at ${error.field}`);
  }
  const fields = result.errors.map((error) => error.field);
  if (new Set(fields).size !== fields.length) problems.push(`a field twice in ${fields}`);
  for (const warning of result.warnings) {
    if (typeof warning !== "string") problems.push(`a warning that is not a string`);
  }
  if (problems.length > 0) expect({ problems, result }).toEqual({ problems: [], result });
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
    const problems: string[] = [];
    if (review.apiVersion !== "admission.k8s.io/v1") problems.push("apiVersion");
    if (review.kind !== "AdmissionReview") problems.push("kind");
    if (uid !== undefined && review.response.uid !== uid) problems.push("another uid");
    if (!review.response.allowed) {
      const code = review.response.status?.code;
      if (code !== 400 && code !== 422) problems.push(`a denial with code ${code}`);
      if (code === 422) {
        const causes = review.response.status?.details?.causes ?? [];
        if (causes.length === 0) problems.push("a 422 without causes");
        if (causes.some((cause) => cause.field === "")) problems.push("a cause without a field");
      }
    }
    if (problems.length > 0) expect({ problems, review }).toEqual({ problems: [], review });
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
