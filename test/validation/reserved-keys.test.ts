import { describe, expect, it } from "vitest";
import { type ValidationOptions, validateVvpDeployment } from "../../src/validation/index.js";
import { example, withValue } from "./objects.js";

const options: ValidationOptions = { instanceId: "my-operator" };

const RESERVED = [
  "spec.template.metadata.annotations[ververica.platform/restart-nonce]",
  "metadata.annotations[ververica.platform/cr-uid]",
  "metadata.labels[ververica.platform/owner]",
];

describe("webhook: the operator's reserved keys", () => {
  for (const root of ["spec.deployment", "spec.initFields"]) {
    it.each(RESERVED)(`${root}.%s is forbidden`, (relative) => {
      const field = `${root}.${relative}`;
      const cr = withValue(example("PATCH"), field, "someone-else");
      const result = validateVvpDeployment(cr, options);
      expect(result.allowed).toBe(false);
      expect(result.errors).toEqual([
        {
          field,
          reason: "FieldValueForbidden",
          message: expect.stringMatching(/managed by the operator.*remove it/),
        },
      ]);
    });

    it(`${root}: an owner label equal to the instanceId is harmless`, () => {
      const field = `${root}.metadata.labels[ververica.platform/owner]`;
      const cr = withValue(example("PATCH"), field, "my-operator");
      expect(validateVvpDeployment(cr, options).errors).toEqual([]);
    });
  }

  it("PUT mode forbids them too, and reports every one at once", () => {
    const cr = example("PUT");
    for (const relative of RESERVED) withValue(cr, `spec.deployment.${relative}`, "x");
    const fields = validateVvpDeployment(cr, options).errors.map((error) => error.field);
    expect(fields.sort()).toEqual(RESERVED.map((relative) => `spec.deployment.${relative}`).sort());
  });

  it("other annotations and labels stay allowed", () => {
    const cr = example("PATCH");
    withValue(cr, "spec.deployment.spec.template.metadata.annotations[team]", "a");
    withValue(cr, "spec.deployment.metadata.annotations[ververica.platform/other]", "a");
    withValue(cr, "spec.deployment.metadata.labels[app]", "a");
    expect(validateVvpDeployment(cr, options).errors).toEqual([]);
  });
});
