// Seed sentences about what the webhook admits that test/validation does not
// already guard: initFields' structure, and the examples' API-key assumption
// for both modes.
import { describe, expect, it } from "vitest";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr } from "../support/examples.js";

const OPTIONS = { instanceId: "my-operator" };

describe("seed: spec.initFields", () => {
  it("seed: initFields has the structure of spec.deployment: its fields are checked like spec.deployment's", () => {
    const cr = exampleCr("PATCH") as unknown as { spec: Record<string, unknown> };
    cr.spec.initFields = {
      spec: {
        state: "PAUSED",
        template: { spec: { parallelism: "two", artifact: { kind: "ZIP" } } },
      },
    };
    const fields = validateVvpDeployment(cr, OPTIONS).errors.map((error) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "spec.initFields.spec.state",
        "spec.initFields.spec.template.spec.parallelism",
        "spec.initFields.spec.template.spec.artifact.kind",
      ]),
    );
  });

  it("seed: initFields is optional and partial: creation-time overrides need none of the required fields", () => {
    const cr = exampleCr("PATCH");
    cr.spec.initFields = {
      spec: { template: { spec: { resources: { taskmanager: { cpu: 2, memory: "4g" } } } } },
    };
    expect(validateVvpDeployment(cr, OPTIONS)).toMatchObject({ allowed: true, errors: [] });
  });
});

describe("seed: the examples assume API key authentication is configured", () => {
  it.each(["PATCH", "PUT"] as const)(
    "seed: the %s example without apikeySecretName is rejected unless webhook.apiKeyValidation is disabled",
    (mode) => {
      expect(validateVvpDeployment(exampleCr(mode), OPTIONS).allowed).toBe(true);
      const cr = exampleCr(mode);
      delete cr.metadata.annotations;
      expect(validateVvpDeployment(cr, OPTIONS).errors.map((error) => error.field)).toEqual([
        "metadata.annotations[apikeySecretName]",
      ]);
      expect(validateVvpDeployment(cr, { ...OPTIONS, apiKeyValidation: false }).allowed).toBe(true);
    },
  );
});
