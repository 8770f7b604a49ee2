import { describe, expect, it } from "vitest";
import { reviewAdmission } from "../../src/validation/index.js";
import { example, type Json, without, withValue } from "./objects.js";

const options = { instanceId: "my-operator" };

function admissionReview(request: Json): Json {
  return { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request };
}

function create(object: unknown): Json {
  return admissionReview({ uid: "uid-1", operation: "CREATE", name: "my-deployment", object });
}

function update(object: unknown, oldObject: unknown, subResource?: string): Json {
  return admissionReview({ uid: "uid-2", operation: "UPDATE", object, oldObject, subResource });
}

describe("reviewAdmission", () => {
  it("allows a valid CR and echoes the uid", () => {
    expect(reviewAdmission(create(example("PUT")), options)).toEqual({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: { uid: "uid-1", allowed: true },
    });
  });

  it("denies an invalid CR with 422, a Kubernetes-style message and one cause per field", () => {
    const cr = without(
      without(example("PUT"), "spec.deployment.spec.maxJobCreationAttempts"),
      "metadata.labels",
    );
    const { response } = reviewAdmission(create(cr), options);
    expect(response.uid).toBe("uid-1");
    expect(response.allowed).toBe(false);
    expect(response.status).toEqual({
      status: "Failure",
      code: 422,
      reason: "Invalid",
      message:
        'VvpDeployment.ververica.platform "my-deployment" is invalid: [' +
        'metadata.labels[ververica.platform/owner]: Required value: set it to "my-operator", the operator\'s instanceId, ' +
        "spec.deployment.spec.maxJobCreationAttempts: Required value in PUT mode: add maxJobCreationAttempts, e.g. maxJobCreationAttempts: 3]",
      details: {
        name: "my-deployment",
        group: "ververica.platform",
        kind: "VvpDeployment",
        causes: [
          {
            type: "FieldValueRequired",
            field: "metadata.labels[ververica.platform/owner]",
            message: expect.stringContaining("my-operator"),
          },
          {
            type: "FieldValueRequired",
            field: "spec.deployment.spec.maxJobCreationAttempts",
            message:
              "Required value in PUT mode: add maxJobCreationAttempts, e.g. maxJobCreationAttempts: 3",
          },
        ],
      },
    });
  });

  it("prints a single cause without brackets, as Kubernetes does", () => {
    const cr = withValue(example("PATCH"), "spec.syncingMode", "MERGE");
    const { response } = reviewAdmission(create(cr), options);
    expect(response.status?.message).toMatch(
      /^VvpDeployment\.ververica\.platform "my-deployment" is invalid: spec\.syncingMode: Unsupported value "MERGE"/,
    );
  });

  it("passes the options on: watched namespaces and API-key validation", () => {
    const cr = without(example("PATCH"), "metadata.annotations");
    expect(reviewAdmission(create(cr), options).response.allowed).toBe(false);
    expect(
      reviewAdmission(create(cr), { ...options, apiKeyValidation: false }).response.allowed,
    ).toBe(true);
    const elsewhere = { ...options, watchedNamespaces: ["team-a"] };
    expect(
      reviewAdmission(create(example("PATCH")), elsewhere).response.status?.details?.causes,
    ).toEqual([
      expect.objectContaining({ field: "metadata.namespace", type: "FieldValueNotSupported" }),
    ]);
  });

  it("returns warnings on allowed and denied answers", () => {
    const cr = withValue(example("PUT"), "spec.initFields", {});
    expect(reviewAdmission(create(cr), options).response).toEqual({
      uid: "uid-1",
      allowed: true,
      warnings: [expect.stringContaining("ignored in PUT mode")],
    });
    const denied = reviewAdmission(
      create(without(cr, "spec.deployment.spec.maxJobCreationAttempts")),
      options,
    );
    expect(denied.response.allowed).toBe(false);
    expect(denied.response.warnings).toHaveLength(1);
  });

  it("reports what the walk of the object finds: __proto__ keys and VVP typos", () => {
    // The webhook walks the object once to bound it and validates with that walk.
    const cr = example("PUT");
    withValue(cr, "spec.deployment.spec.template.spec.parallelizm", 2);
    const labels = (cr.metadata as Json).labels as Json;
    Object.defineProperty(labels, "__proto__", { value: "x", enumerable: true });
    const answer = reviewAdmission(create(cr), options).response;
    expect(answer.allowed).toBe(false);
    expect(answer.status?.details?.causes?.map((cause) => cause.field)).toEqual([
      "metadata.labels[__proto__]",
    ]);
    expect(answer.warnings).toEqual([expect.stringContaining('parallelizm", did you mean')]);
  });

  it("rejects a change of an immutable field on UPDATE, and allows other changes", () => {
    const renamed = withValue(example("PUT"), "spec.deployment.metadata.name", "renamed");
    const { response } = reviewAdmission(update(renamed, example("PUT")), options);
    expect(response).toMatchObject({ uid: "uid-2", allowed: false, status: { code: 422 } });
    expect(response.status?.details?.causes).toEqual([
      expect.objectContaining({
        field: "spec.deployment.metadata.name",
        type: "FieldValueInvalid",
      }),
    ]);
    const switched = withValue(example("PUT"), "spec.syncingMode", "PATCH");
    expect(reviewAdmission(update(switched, example("PUT")), options).response.allowed).toBe(true);
  });

  it("does not compare with the old object on CREATE", () => {
    const review = create(withValue(example("PUT"), "spec.deployment.metadata.name", "renamed"));
    (review.request as Json).oldObject = example("PUT");
    expect(reviewAdmission(review, options).response.allowed).toBe(true);
  });

  it("allows DELETE, even of a CR that would not validate", () => {
    const review = admissionReview({
      uid: "uid-3",
      operation: "DELETE",
      object: null,
      oldObject: {},
    });
    expect(reviewAdmission(review, options).response).toEqual({ uid: "uid-3", allowed: true });
  });

  it("allows a status subresource update, even of a CR that would not validate", () => {
    const invalid = without(example("PUT"), "metadata.labels");
    const review = update(invalid, example("PUT"), "status");
    expect(reviewAdmission(review, options).response).toEqual({ uid: "uid-2", allowed: true });
    expect(reviewAdmission(update(invalid, example("PUT")), options).response.allowed).toBe(false);
  });

  it("allows removing a finalizer from a CR being deleted, but not changing its spec", () => {
    const old = withValue(without(example("PUT"), "metadata.annotations"), "metadata.finalizers", [
      "ververica.platform/finalizer",
    ]);
    withValue(old, "metadata.deletionTimestamp", "2025-01-01T00:00:00Z");
    const released = withValue(structuredClone(old), "metadata.finalizers", []);
    expect(reviewAdmission(update(released, old), options).response.allowed).toBe(true);
    const respecified = withValue(
      structuredClone(released),
      "spec.deployment.spec.state",
      "RUNNING",
    );
    expect(reviewAdmission(update(respecified, old), options).response.allowed).toBe(false);
  });

  it.each([
    ["not an object", "hello", ""],
    ["null", null, ""],
    [
      "of the wrong apiVersion",
      { ...create(example("PATCH")), apiVersion: "admission.k8s.io/v1beta1" },
      "uid-1",
    ],
    ["of the wrong kind", { ...create(example("PATCH")), kind: "TokenReview" }, "uid-1"],
    ["without a request", { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview" }, ""],
  ])("answers a review that is %s with 400, echoing the uid it can find", (_what, input, uid) => {
    const { response } = reviewAdmission(input, options);
    expect(response).toEqual({
      uid,
      allowed: false,
      status: {
        status: "Failure",
        code: 400,
        reason: "BadRequest",
        message: expect.stringContaining("malformed AdmissionReview"),
      },
    });
  });

  it.each([
    ["an unknown operation", { uid: "uid-9", operation: "PATCH", object: {} }, "request.operation"],
    ["CREATE without object", { uid: "uid-9", operation: "CREATE" }, "request.object"],
    [
      "UPDATE without oldObject",
      { uid: "uid-9", operation: "UPDATE", object: {} },
      "request.oldObject",
    ],
  ])("answers %s with 400 naming the field and echoing the uid", (_what, request, field) => {
    const { response } = reviewAdmission(admissionReview(request), options);
    expect(response).toMatchObject({ uid: "uid-9", allowed: false, status: { code: 400 } });
    expect(response.status?.message).toContain(field);
  });

  it("answers a review without a uid with 400 naming request.uid", () => {
    const { response } = reviewAdmission(
      admissionReview({ operation: "CREATE", object: {} }),
      options,
    );
    expect(response).toMatchObject({ uid: "", allowed: false, status: { code: 400 } });
    expect(response.status?.message).toContain("request.uid");
  });
});
