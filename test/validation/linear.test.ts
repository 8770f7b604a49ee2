// validateVvpDeployment is linear in the number of errors. 10,000 bad values
// took about 3 s and 40,000 would take about 50 s when every error was
// compared with every other; vitest's default timeout guards the time, the
// assertions the result.
import { describe, expect, it } from "vitest";
import type { FieldError } from "../../src/models/index.js";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { mergeFieldErrors } from "../../src/validation/paths.js";
import { example, type Json } from "./objects.js";

const options = { instanceId: "my-operator" };

function error(field: string): FieldError {
  return { field, reason: "FieldValueInvalid", message: field };
}

describe("mergeFieldErrors", () => {
  it("keeps the first error of a field and drops errors inside a field that has one", () => {
    const merged = mergeFieldErrors([
      [error("spec.a"), error("spec.a.b"), error("spec.a[0]"), error("spec.ab")],
      [{ ...error("spec.a"), message: "second" }, error("spec.c[x.y]"), error("spec.c[x.y].z")],
    ]);
    expect(merged).toEqual([error("spec.a"), error("spec.ab"), error("spec.c[x.y]")]);
  });

  it("lets a root error stand alone", () => {
    expect(mergeFieldErrors([[error("spec.a"), error("<root>")]])).toEqual([error("<root>")]);
  });

  it("merges 100,000 errors, half of them nested, in linear time", () => {
    const parents = Array.from({ length: 50_000 }, (_, index) => error(`spec.m[k${index}]`));
    const children = parents.map((parent) => error(`${parent.field}.x`));
    const merged = mergeFieldErrors([children, parents]);
    expect(merged.length).toBe(parents.length);
    expect(merged.every((kept, index) => kept === parents[index])).toBe(true);
  });
});

describe("validateVvpDeployment with many errors", () => {
  it("reports 40,000 bad values, one error each", () => {
    const cr = example("PUT");
    const spec = (((cr.spec as Json).deployment as Json).spec as Json).template as Json;
    (spec.spec as Json).flinkConfiguration = Object.fromEntries(
      Array.from({ length: 40_000 }, (_, index) => [`key.${index}`, index]),
    );
    const result = validateVvpDeployment(cr, options);
    expect(result.errors).toHaveLength(40_000);
    expect(result.errors[39_999]).toEqual({
      field: "spec.deployment.spec.template.spec.flinkConfiguration[key.39999]",
      reason: "FieldValueInvalid",
      message: "must be of type string, not number 39999",
    });
  });
});
