// kube-apiserver validates a custom resource against its CRD's structural
// schema (apiextensions-apiserver pkg/apiserver/validation, kube-openapi's
// validators): 422 Invalid, one `details.causes` entry per field, with the
// field paths and messages kube-apiserver writes. The status subresource is
// validated against the status schema the same way.

import { expect, it } from "vitest";
import { causesOf, contract, uniqueName } from "./support.js";
import { WIDGETS, widget } from "./widget-crd.js";

contract("CRD structural schema validation", (target) => {
  const create = (spec: Record<string, unknown>) =>
    target().call("POST", WIDGETS(target().namespace), widget(uniqueName("w"), spec));

  it("type: a string where an integer belongs is FieldValueTypeInvalid", async () => {
    const answer = await create({ size: "three" });
    expect(answer.status).toBe(422);
    expect(answer.body.reason).toBe("Invalid");
    expect(causesOf(answer)).toContainEqual({
      reason: "FieldValueTypeInvalid",
      message: 'Invalid value: "string": spec.size in body must be of type integer: "string"',
      field: "spec.size",
    });
  });

  it("enum: FieldValueNotSupported lists the supported values", async () => {
    const answer = await create({ color: "blue" });
    expect(causesOf(answer)).toContainEqual({
      reason: "FieldValueNotSupported",
      message: 'Unsupported value: "blue": supported values: "red", "green"',
      field: "spec.color",
    });
  });

  it("required: FieldValueRequired at the missing field", async () => {
    const answer = await target().call("POST", WIDGETS(target().namespace), {
      ...widget(uniqueName("w")),
      spec: { name: "ab" },
    });
    expect(causesOf(answer)).toContainEqual({
      reason: "FieldValueRequired",
      message: "Required value",
      field: "spec.size",
    });
  });

  it("minimum/maximum, minLength/maxLength and pattern", async () => {
    const answer = await create({ size: 11, name: "Abcdefghij" });
    expect(causesOf(answer)).toEqual(
      expect.arrayContaining([
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: 11: spec.size in body should be less than or equal to 10",
          field: "spec.size",
        },
        {
          reason: "FieldValueTooLong",
          message: "Too long: may not be more than 8 bytes",
          field: "spec.name",
        },
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: \"Abcdefghij\": spec.name in body should match '^[a-z]+$'",
          field: "spec.name",
        },
      ]),
    );
    const low = await create({ size: 0, name: "a" });
    expect(causesOf(low)).toEqual(
      expect.arrayContaining([
        {
          reason: "FieldValueInvalid",
          message: "Invalid value: 0: spec.size in body should be greater than or equal to 1",
          field: "spec.size",
        },
        {
          reason: "FieldValueInvalid",
          message: 'Invalid value: "a": spec.name in body should be at least 2 chars long',
          field: "spec.name",
        },
      ]),
    );
  });

  it("minItems/maxItems and x-kubernetes-list-type set", async () => {
    const many = await create({ tags: ["a", "b", "c", "d"] });
    expect(causesOf(many)).toContainEqual({
      reason: "FieldValueTooMany",
      message: "Too many: 4: must have at most 3 items",
      field: "spec.tags",
    });
    const none = await create({ tags: [] });
    expect(causesOf(none)).toContainEqual({
      reason: "FieldValueInvalid",
      message: "Invalid value: []: spec.tags in body should have at least 1 items",
      field: "spec.tags",
    });
    const duplicate = await create({ tags: ["a", "a"] });
    expect(causesOf(duplicate)).toContainEqual({
      reason: "FieldValueDuplicate",
      message: 'Duplicate value: "a"',
      field: "spec.tags[1]",
    });
  });

  it("x-kubernetes-list-type map: a duplicate key", async () => {
    const answer = await create({ ports: [{ name: "http" }, { name: "http", port: 81 }] });
    expect(causesOf(answer)).toContainEqual({
      reason: "FieldValueDuplicate",
      message: 'Duplicate value: {"name":"http"}',
      field: "spec.ports[1]",
    });
  });

  it("additionalProperties: each value against its schema, named by its key", async () => {
    const answer = await create({ labels: { team: 7 } });
    expect(causesOf(answer)).toContainEqual({
      reason: "FieldValueTypeInvalid",
      message:
        'Invalid value: "integer": spec.labels.team in body must be of type string: "integer"',
      field: "spec.labels.team",
    });
  });

  it("x-kubernetes-int-or-string and nullable", async () => {
    expect((await create({ port: 80 })).status).toBe(201);
    expect((await create({ port: "http" })).status).toBe(201);
    const wrong = await create({ port: true });
    expect(causesOf(wrong)).toContainEqual({
      reason: "FieldValueTypeInvalid",
      message:
        'Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
      field: "spec.port",
    });
    const nulled = await create({ note: null });
    expect(nulled.status).toBe(201);
    expect((nulled.body.spec as Record<string, unknown>).note).toBeNull();
  });

  it("format date-time", async () => {
    const answer = await create({ when: "yesterday" });
    expect(causesOf(answer)).toContainEqual({
      reason: "FieldValueTypeInvalid",
      message:
        'Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"',
      field: "spec.when",
    });
    expect((await create({ when: "2026-01-02T03:04:05Z" })).status).toBe(201);
  });

  it("the status subresource is validated against the status schema", async () => {
    const name = uniqueName("s");
    const created = await target().call("POST", WIDGETS(target().namespace), widget(name));
    expect(created.status).toBe(201);
    const path = `${WIDGETS(target().namespace)}/${name}/status`;
    const patch = (status: unknown) =>
      target().call("PATCH", path, { status }, { "Content-Type": "application/merge-patch+json" });
    const bad = await patch({ phase: "EXPLODED", observedGeneration: "one" });
    expect(bad.status).toBe(422);
    expect(causesOf(bad)).toEqual(
      expect.arrayContaining([
        {
          reason: "FieldValueNotSupported",
          message: 'Unsupported value: "EXPLODED": supported values: "Ready", "Failed"',
          field: "status.phase",
        },
        {
          reason: "FieldValueTypeInvalid",
          message:
            'Invalid value: "string": status.observedGeneration in body must be of type integer: "string"',
          field: "status.observedGeneration",
        },
      ]),
    );
    expect((await patch({ phase: "Ready", observedGeneration: 1 })).status).toBe(200);
  });

  it("our VvpDeployment status: an unknown actualState or a non-integer observedGeneration is refused", async () => {
    const { exampleCr } = await import("../support/examples.js");
    const cr = exampleCr("PATCH") as unknown as { metadata: Record<string, unknown> };
    const name = uniqueName("vvp");
    const base = `/apis/ververica.platform/v1/namespaces/${target().namespace}/vvpdeployments`;
    const created = await target().call("POST", base, {
      ...cr,
      metadata: { ...cr.metadata, name, namespace: target().namespace },
    });
    expect(created.status).toBe(201);
    const bad = await target().call(
      "PATCH",
      `${base}/${name}/status`,
      { status: { actualState: "EXPLODED", observedGeneration: "one" } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(bad.status).toBe(422);
    expect(causesOf(bad).map((c) => c.field)).toEqual(
      expect.arrayContaining(["status.actualState", "status.observedGeneration"]),
    );
  });
});
