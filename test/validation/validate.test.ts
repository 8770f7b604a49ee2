import { describe, expect, it } from "vitest";
import { type ValidationOptions, validateVvpDeployment } from "../../src/validation/index.js";
import { example, type Json, without, withValue } from "./objects.js";

const options: ValidationOptions = { instanceId: "my-operator" };
const TEMPLATE_SPEC = "spec.deployment.spec.template.spec";
const LOGGING = `${TEMPLATE_SPEC}.logging`;
const OWNER = "metadata.labels[ververica.platform/owner]";
const API_KEY = "metadata.annotations[apikeySecretName]";

function errorsOf(object: unknown, extra: Partial<ValidationOptions> = {}) {
  return validateVvpDeployment(object, { ...options, ...extra }).errors;
}

function required(field: string) {
  return {
    field,
    reason: "FieldValueRequired",
    message: expect.stringContaining("Required value"),
  };
}

describe("the seed's examples", () => {
  it.each(["PATCH", "PUT"] as const)("%s validates with no errors and no warnings", (mode) => {
    expect(validateVvpDeployment(example(mode), options)).toEqual({
      allowed: true,
      errors: [],
      warnings: [],
      fieldWarnings: [],
    });
  });
});

describe("required fields in every mode", () => {
  const fields = [
    "spec.syncingMode",
    "spec.deployment.metadata.name",
    "spec.deployment.metadata.namespace",
    "spec.deployment.spec.deploymentTargetName",
    `${TEMPLATE_SPEC}.artifact`,
    `${TEMPLATE_SPEC}.engineVersionName`,
  ];
  for (const mode of ["PATCH", "PUT"] as const) {
    it.each(fields)(`${mode}: removing %s reports exactly that field`, (field) => {
      const result = validateVvpDeployment(without(example(mode), field), options);
      expect(result.allowed).toBe(false);
      expect(result.errors).toEqual([required(field)]);
    });
  }

  it("says what to write", () => {
    expect(
      errorsOf(without(example("PATCH"), `${TEMPLATE_SPEC}.engineVersionName`))[0]?.message,
    ).toContain("vera-4.1-flink-1.20");
    expect(errorsOf(without(example("PATCH"), "spec.syncingMode"))[0]?.message).toContain('"PUT"');
  });

  it("reports a missing parent once, not once per field it should hold", () => {
    expect(errorsOf(without(example("PUT"), `${TEMPLATE_SPEC}`))).toEqual([
      required(TEMPLATE_SPEC),
    ]);
    expect(errorsOf(without(example("PUT"), "spec.deployment"))).toEqual([
      required("spec.deployment"),
    ]);
  });

  it("reports every problem at once", () => {
    const cr = without(example("PUT"), "spec.deployment.metadata.name");
    without(cr, `${TEMPLATE_SPEC}.engineVersionName`);
    without(cr, "spec.deployment.spec.maxJobCreationAttempts");
    without(cr, OWNER);
    without(cr, API_KEY);
    expect(errorsOf(cr).map((error) => error.field)).toEqual([
      "spec.deployment.metadata.name",
      `${TEMPLATE_SPEC}.engineVersionName`,
      OWNER,
      API_KEY,
      "spec.deployment.spec.maxJobCreationAttempts",
    ]);
  });
});

describe("PUT-mode fields", () => {
  const fields = [
    "spec.deployment.spec.maxSavepointCreationAttempts",
    "spec.deployment.spec.maxJobCreationAttempts",
    "spec.deployment.spec.template.metadata",
    LOGGING,
    `${LOGGING}.loggingProfile`,
    `${LOGGING}.log4jLoggers`,
    `${LOGGING}.logReservePolicy`,
  ];

  it.each(fields)("removing %s in PUT mode reports exactly that field", (field) => {
    expect(errorsOf(without(example("PUT"), field))).toEqual([required(field)]);
  });

  it.each(fields)("removing %s in PATCH mode passes", (field) => {
    const cr = withValue(without(example("PUT"), field), "spec.syncingMode", "PATCH");
    expect(validateVvpDeployment(cr, options).allowed).toBe(true);
  });

  it("accepts an empty template.metadata", () => {
    const cr = withValue(example("PUT"), "spec.deployment.spec.template.metadata", {});
    expect(errorsOf(cr)).toEqual([]);
  });

  it("needs numberOfTaskManagers or parallelism, and reports one error when both are missing", () => {
    const neither = without(example("PUT"), `${TEMPLATE_SPEC}.numberOfTaskManagers`);
    expect(errorsOf(neither)).toEqual([
      {
        field: `${TEMPLATE_SPEC}.parallelism`,
        reason: "FieldValueRequired",
        message: expect.stringContaining("numberOfTaskManagers or parallelism"),
      },
    ]);
    expect(errorsOf(withValue(neither, `${TEMPLATE_SPEC}.parallelism`, 2))).toEqual([]);
    const patch = withValue(
      without(example("PUT"), `${TEMPLATE_SPEC}.numberOfTaskManagers`),
      "spec.syncingMode",
      "PATCH",
    );
    expect(errorsOf(patch)).toEqual([]);
  });

  it("applies when a PATCH CR switches to PUT", () => {
    const cr = withValue(example("PATCH"), "spec.syncingMode", "PUT");
    expect(errorsOf(cr).map((error) => error.field)).toEqual([
      "spec.deployment.spec.maxSavepointCreationAttempts",
      "spec.deployment.spec.maxJobCreationAttempts",
      "spec.deployment.spec.template.metadata",
      LOGGING,
      `${TEMPLATE_SPEC}.parallelism`,
    ]);
  });
});

describe("immutable fields on update", () => {
  it.each([
    ["spec.deployment.metadata.name", "other-deployment"],
    ["spec.deployment.metadata.namespace", "other-namespace"],
    ["spec.deployment.spec.deploymentTargetName", "other-target"],
  ])("changing %s is rejected with its path", (field, value) => {
    const errors = errorsOf(withValue(example("PUT"), field, value), { oldObject: example("PUT") });
    expect(errors).toEqual([
      {
        field,
        reason: "FieldValueInvalid",
        message: expect.stringContaining("field is immutable"),
      },
    ]);
    expect(errors[0]?.message).toContain(`"${value}"`);
  });

  it("is not checked on create", () => {
    const cr = withValue(example("PUT"), "spec.deployment.metadata.name", "other");
    expect(errorsOf(cr)).toEqual([]);
    expect(errorsOf(cr, { oldObject: null })).toEqual([]);
  });

  it.each([
    [`${TEMPLATE_SPEC}.artifact.jarUri`, "s3://my-bucket/artifacts/MyJob-2.jar"],
    ["spec.deployment.spec.state", "RUNNING"],
    ["spec.syncingMode", "PATCH"],
    ["spec.savepointNonce", 7],
  ])("changing %s passes", (field, value) => {
    const result = validateVvpDeployment(withValue(example("PUT"), field, value), {
      ...options,
      oldObject: example("PUT"),
    });
    expect(result).toEqual({ allowed: true, errors: [], warnings: [], fieldWarnings: [] });
  });

  it("reports a removed immutable field as required, once", () => {
    const cr = without(example("PUT"), "spec.deployment.metadata.name");
    expect(errorsOf(cr, { oldObject: example("PUT") })).toEqual([
      required("spec.deployment.metadata.name"),
    ]);
  });
});

describe("operator rules", () => {
  it("requires the owner label and names the instance to write", () => {
    const errors = errorsOf(without(example("PATCH"), OWNER));
    expect(errors).toEqual([required(OWNER)]);
    expect(errors[0]?.message).toContain('"my-operator"');
    expect(errorsOf(without(example("PATCH"), "metadata.labels"))).toEqual([required(OWNER)]);
  });

  it("rejects an owner label naming another instance", () => {
    const errors = errorsOf(example("PATCH"), { instanceId: "operator-b" });
    expect(errors).toEqual([
      {
        field: OWNER,
        reason: "FieldValueInvalid",
        message: expect.stringContaining('"operator-b"'),
      },
    ]);
    expect(errors[0]?.message).toContain('"my-operator"');
  });

  it("rejects a namespace outside watchedNamespaces, and accepts one inside", () => {
    expect(errorsOf(example("PATCH"), { watchedNamespaces: ["team-a", "team-b"] })).toEqual([
      {
        field: "metadata.namespace",
        reason: "FieldValueNotSupported",
        message: expect.stringContaining('"team-a", "team-b"'),
      },
    ]);
    expect(errorsOf(example("PATCH"), { watchedNamespaces: ["my-deploy-namespace"] })).toEqual([]);
    expect(
      errorsOf(without(example("PATCH"), "metadata.namespace"), { watchedNamespaces: ["team-a"] }),
    ).toEqual([required("metadata.namespace")]);
  });

  it("does not restrict namespaces without a list, or with an empty one", () => {
    expect(errorsOf(without(example("PATCH"), "metadata.namespace"))).toEqual([]);
    expect(errorsOf(example("PATCH"), { watchedNamespaces: [] })).toEqual([]);
  });

  it("requires apikeySecretName unless API-key validation is off", () => {
    const cr = without(example("PATCH"), API_KEY);
    expect(errorsOf(cr)).toEqual([required(API_KEY)]);
    expect(errorsOf(withValue(example("PATCH"), API_KEY, ""))).toEqual([required(API_KEY)]);
    expect(errorsOf(cr, { apiKeyValidation: false })).toEqual([]);
    expect(errorsOf(cr, { apiKeyValidation: true })).toEqual([required(API_KEY)]);
  });
});

describe("artifacts", () => {
  const ARTIFACT = `${TEMPLATE_SPEC}.artifact`;
  const kinds = [
    ["JAR", "jarUri", "s3://my-bucket/artifacts/MyJob.jar"],
    ["SQLSCRIPT", "sqlScript", "SELECT 1"],
    ["PYTHON", "pythonArtifactUri", "s3://my-bucket/job.py"],
  ] as const;

  it.each(kinds)("%s with its %s is valid", (kind, field, value) => {
    expect(errorsOf(withValue(example("PUT"), ARTIFACT, { kind, [field]: value }))).toEqual([]);
  });

  it.each(kinds)("%s without its %s reports that field", (kind, field) => {
    expect(errorsOf(withValue(example("PUT"), ARTIFACT, { kind }))).toEqual([
      required(`${ARTIFACT}.${field}`),
    ]);
  });

  it("rejects an unknown kind and a missing kind, listing the supported ones", () => {
    const unknown = errorsOf(withValue(example("PATCH"), `${ARTIFACT}.kind`, "ZIP"));
    expect(unknown).toEqual([
      {
        field: `${ARTIFACT}.kind`,
        reason: "FieldValueNotSupported",
        message: expect.stringContaining('"JAR", "SQLSCRIPT", "PYTHON"'),
      },
    ]);
    expect(errorsOf(without(example("PATCH"), `${ARTIFACT}.kind`))).toEqual([
      required(`${ARTIFACT}.kind`),
    ]);
  });
});

describe("enums and nonces", () => {
  it.each([
    ["spec.syncingMode", "MERGE"],
    ["spec.deployment.spec.state", "STOPPED"],
  ])("rejects %s = %s as not supported", (field, value) => {
    expect(errorsOf(withValue(example("PATCH"), field, value))).toEqual([
      { field, reason: "FieldValueNotSupported", message: expect.stringContaining(`"${value}"`) },
    ]);
  });

  it.each(["RUNNING", "CANCELLED", "SUSPENDED"])("accepts state %s", (state) => {
    expect(errorsOf(withValue(example("PATCH"), "spec.deployment.spec.state", state))).toEqual([]);
  });

  for (const nonce of ["savepointNonce", "restartNonce"]) {
    it.each([1.5, "1", true])(`rejects ${nonce} = %j`, (value) => {
      expect(errorsOf(withValue(example("PATCH"), `spec.${nonce}`, value))).toEqual([
        {
          field: `spec.${nonce}`,
          reason: "FieldValueInvalid",
          message: expect.stringContaining("must be an integer, or null"),
        },
      ]);
    });

    it(`keeps the range message for an integer ${nonce} beyond 2^53`, () => {
      expect(errorsOf(withValue(example("PATCH"), `spec.${nonce}`, 2 ** 60))).toEqual([
        {
          field: `spec.${nonce}`,
          reason: "FieldValueInvalid",
          message: expect.stringContaining("9007199254740991"),
        },
      ]);
    });

    it.each([null, 0, -3, 42])(`accepts ${nonce} = %j`, (value) => {
      expect(errorsOf(withValue(example("PATCH"), `spec.${nonce}`, value))).toEqual([]);
    });
  }
});

describe("warnings", () => {
  function warningsOf(cr: Json) {
    const result = validateVvpDeployment(cr, options);
    expect(result.errors).toEqual([]);
    return result.warnings;
  }

  it("warns that initFields is ignored in PUT mode", () => {
    const warnings = warningsOf(withValue(example("PUT"), "spec.initFields", { spec: {} }));
    expect(warnings).toEqual([expect.stringContaining("spec.initFields is ignored in PUT mode")]);
  });

  it("names each initFields leaf that spec.deployment overrides", () => {
    const cr = withValue(example("PATCH"), "spec.initFields", {
      spec: {
        state: "RUNNING",
        template: { spec: { parallelism: 2, flinkConfiguration: { "a.b": "1" } } },
      },
    });
    withValue(cr, `${TEMPLATE_SPEC}.flinkConfiguration`, { "a.b": "2", other: "x" });
    expect(warningsOf(cr)).toEqual([
      expect.stringMatching(/^spec\.initFields\.spec\.state .*spec\.deployment\.spec\.state.*wins/),
      expect.stringContaining(
        "spec.initFields.spec.template.spec.flinkConfiguration[a.b] is also set in spec.deployment.spec.template.spec.flinkConfiguration[a.b]",
      ),
    ]);
  });

  it("does not warn about initFields that only add fields", () => {
    const cr = withValue(example("PATCH"), "spec.initFields", {
      spec: { template: { spec: { parallelism: 2 } } },
    });
    expect(warningsOf(cr)).toEqual([]);
  });

  it("points spec.deployment.userMetadata to metadata", () => {
    const cr = withValue(example("PATCH"), "spec.deployment.userMetadata", { name: "x" });
    expect(warningsOf(cr)).toEqual([expect.stringContaining("spec.deployment.metadata")]);
  });

  it("are returned with errors too, without denying on their own", () => {
    const cr = withValue(without(example("PUT"), OWNER), "spec.initFields", {});
    const result = validateVvpDeployment(cr, options);
    expect(result.allowed).toBe(false);
    expect(result.warnings).toHaveLength(1);
  });
});

describe("inputs that are not a CR", () => {
  it.each([null, undefined, 42, "text", [], [1]])("rejects %j at the root", (value) => {
    const result = validateVvpDeployment(value, options);
    expect(result.allowed).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ field: "<root>", reason: expect.any(String) }),
    ]);
  });

  it("rejects a bigint at the root and reports a bigint nonce as a field error", () => {
    expect(errorsOf(10n)).toEqual([expect.objectContaining({ field: "<root>" })]);
    expect(errorsOf(withValue(example("PATCH"), "spec.savepointNonce", 10n))).toEqual([
      expect.objectContaining({ field: "spec.savepointNonce", reason: "FieldValueInvalid" }),
    ]);
  });
});

describe("a status written by the author", () => {
  it("is warned about on create, since the operator manages it", () => {
    const cr = { ...example("PATCH"), status: { deploymentId: "made-up" } };
    const result = validateVvpDeployment(cr, { instanceId: "my-operator" });
    expect(result.allowed).toBe(true);
    expect(result.warnings).toEqual([expect.stringContaining("status is managed by the operator")]);
  });

  it("is not warned about on update, where the operator's own status comes along", () => {
    const cr = { ...example("PATCH"), status: { deploymentId: "from-the-operator" } };
    const result = validateVvpDeployment(cr, { instanceId: "my-operator", oldObject: cr });
    expect(result.warnings).toEqual([]);
  });
});

describe("keys JavaScript cannot carry", () => {
  it("a __proto__ key anywhere is refused with its path, since it would never reach VVP", () => {
    const cr = JSON.parse(
      JSON.stringify(example("PUT")).replace(
        '"engineVersionName":',
        '"flinkConfiguration":{"__proto__":"x","constructor":"y"},"engineVersionName":',
      ),
    );
    expect(errorsOf(cr)).toEqual([
      {
        field: `${TEMPLATE_SPEC}.flinkConfiguration[__proto__]`,
        reason: "FieldValueNotSupported",
        message: expect.stringContaining("never reach VVP"),
      },
    ]);
  });
});
