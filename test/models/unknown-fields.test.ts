import { describe, expect, it } from "vitest";
import { closestField, isCloseMatch, parseVvpDeployment } from "../../src/models/index.js";
import { reviewAdmission, validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr, exampleText } from "../support/examples.js";

type Json = Record<string, unknown>;
const options = { instanceId: "my-operator" };

function cr(mode: "PATCH" | "PUT" = "PUT"): Json {
  return exampleCr(mode) as unknown as Json;
}
function at(object: Json, ...path: string[]): Json {
  return path.reduce((node, key) => node[key] as Json, object);
}
const TEMPLATE_SPEC = ["spec", "deployment", "spec", "template", "spec"] as const;

/** Findings of parse and validate, which must agree on the schema's part. */
function findings(object: Json) {
  const parsed = parseVvpDeployment(object);
  const validated = validateVvpDeployment(object, options);
  return { parsed, validated };
}

describe("unknown fields of the CR's own objects are errors", () => {
  it.each([
    ["spec", "savepointNonse", "spec.savepointNonce"],
    ["spec", "restartnonce", "spec.restartNonce"],
    ["spec", "syncingmode", "spec.syncingMode"],
    ["", "spce", "spec"],
    ["metadata", "lables", "metadata.labels"],
    ["metadata", "anotations", "metadata.annotations"],
    ["", "specs", "spec"],
    ["", "apiversion", "apiVersion"],
    ["status", "deploymentID", "status.deploymentId"],
  ])("%s.%s: did you mean %s", (parent, key, suggestion) => {
    const object = cr();
    if (parent !== "" && object[parent] === undefined) object[parent] = {};
    const holder = parent === "" ? object : (object[parent] as Json);
    holder[key] = 1;
    const field = parent === "" ? key : `${parent}.${key}`;
    const expected = {
      field,
      reason: "FieldValueNotSupported",
      message: `unknown field "${field}", did you mean "${suggestion}"?`,
    };
    const { parsed, validated } = findings(object);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.errors).toContainEqual(expected);
    expect(validated.allowed).toBe(false);
    expect(validated.errors).toContainEqual(expected);
  });

  it("reports a key close to nothing without a suggestion", () => {
    const object = cr();
    (object.spec as Json).somethingElse = true;
    const { parsed, validated } = findings(object);
    const expected = {
      field: "spec.somethingElse",
      reason: "FieldValueNotSupported",
      message: 'unknown field "spec.somethingElse"',
    };
    expect(!parsed.ok && parsed.errors).toEqual([expected]);
    expect(validated.errors).toEqual([expected]);
  });

  it("refuses the typo from YAML text, which parse used to drop silently", () => {
    const text = exampleText("PUT").replace(
      "  syncingMode: PUT",
      "  syncingMode: PUT\n  savepointNonse: 1",
    );
    const result = parseVvpDeployment(text);
    expect(!result.ok && result.errors.map((error) => error.message)).toEqual([
      'unknown field "spec.savepointNonse", did you mean "spec.savepointNonce"?',
    ]);
  });

  it("knows every metav1.ObjectMeta field, so what the API server returns parses", () => {
    const object = cr();
    Object.assign(object.metadata as Json, {
      uid: "u",
      generation: 2,
      resourceVersion: "7",
      creationTimestamp: "2025-01-01T00:00:00Z",
      generateName: "my-",
      ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "x", uid: "y" }],
      managedFields: [{ manager: "kubectl", operation: "Apply", fieldsV1: { "f:spec": {} } }],
      finalizers: ["ververica.platform/finalizer"],
    });
    expect(parseVvpDeployment(object).ok).toBe(true);
  });

  it("denies through the webhook with the error as a cause", () => {
    const object = cr();
    (object.spec as Json).savepointNonse = 1;
    const review = {
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: { uid: "u", operation: "CREATE", object },
    };
    const { response } = reviewAdmission(review, options);
    expect(response.allowed).toBe(false);
    expect(response.status?.details?.causes).toEqual([
      {
        type: "FieldValueNotSupported",
        field: "spec.savepointNonse",
        message: 'unknown field "spec.savepointNonse", did you mean "spec.savepointNonce"?',
      },
    ]);
  });
});

describe("unknown VVP-body fields close to a known one are warnings", () => {
  it.each([
    [[...TEMPLATE_SPEC], "parallelizm", "parallelism"],
    [[...TEMPLATE_SPEC, "artifact"], "jarUrl", "jarUri"],
    [["spec", "deployment", "metadata"], "lables", "labels"],
    [["spec", "deployment", "spec"], "deploymentTargetname", "deploymentTargetName"],
    [[...TEMPLATE_SPEC, "logging"], "loggingProfil", "loggingProfile"],
  ])("%s: %s, did you mean %s", (parent, key, suggestion) => {
    const object = cr();
    at(object, ...parent)[key] = 2;
    const path = parent.join(".");
    const expected = {
      field: `${path}.${key}`,
      reason: "FieldValueNotSupported",
      message: expect.stringContaining(
        `unknown field "${path}.${key}", did you mean "${path}.${suggestion}"?`,
      ),
    };
    const { parsed, validated } = findings(object);
    expect(parsed.ok).toBe(true);
    expect(parsed.warnings).toEqual([expected]);
    expect(validated.allowed).toBe(true);
    expect(validated.fieldWarnings).toEqual([expected]);
    expect(validated.warnings).toEqual([validated.fieldWarnings[0]?.message]);
  });

  it("warns in spec.initFields too, against the artifact of its own kind", () => {
    const object = cr("PATCH");
    (object.spec as Json).initFields = {
      spec: { template: { spec: { artifact: { kind: "PYTHON", entryModul: "main" } } } },
    };
    const { parsed } = findings(object);
    expect(parsed.warnings.map((warning) => warning.field)).toEqual([
      "spec.initFields.spec.template.spec.artifact.entryModul",
    ]);
  });

  it("lets unknown fields that are close to nothing pass silently: newer VVP fields must pass", () => {
    const object = cr();
    Object.assign(at(object, ...TEMPLATE_SPEC), {
      someFutureField: { nested: [1] },
      flinkImageTag: "1.20",
      flinkVersion: "1.20",
    });
    at(object, "spec", "deployment", "metadata").displayName = "Mine";
    const { parsed, validated } = findings(object);
    expect(parsed.ok && parsed.warnings).toEqual([]);
    expect(validated).toMatchObject({ allowed: true, warnings: [], fieldWarnings: [] });
  });

  it("never looks at user keys: labels, annotations, flinkConfiguration", () => {
    const object = cr();
    at(object, ...TEMPLATE_SPEC).flinkConfiguration = { parallelizm: "2", "state.backend": "x" };
    at(object, "spec", "deployment", "metadata").labels = { lables: "x" };
    expect(findings(object).parsed.warnings).toEqual([]);
  });
});

describe("closeness", () => {
  it("takes one edit for short names and two from six letters on, ignoring case", () => {
    expect(isCloseMatch("jarUrl", "jarUri")).toBe(true);
    expect(isCloseMatch("lables", "labels")).toBe(true);
    expect(isCloseMatch("JARURI", "jarUri")).toBe(true);
    expect(isCloseMatch("kin", "kind")).toBe(true);
    expect(isCloseMatch("cpus", "cpu")).toBe(true);
    expect(isCloseMatch("ab", "a")).toBe(false);
    expect(isCloseMatch("spce", "spec")).toBe(true);
    expect(isCloseMatch("abcd", "badc")).toBe(false);
    expect(isCloseMatch("mind", "kind")).toBe(true);
    expect(isCloseMatch("spam", "spec")).toBe(false);
    expect(isCloseMatch("flinkVersion", "engineVersionName")).toBe(false);
  });

  it("suggests the closest candidate", () => {
    expect(closestField("parallelizm", ["parallelism", "numberOfTaskManagers"])).toBe(
      "parallelism",
    );
    expect(closestField("zzz", ["parallelism"])).toBeUndefined();
  });
});
