// kube-apiserver evaluates a CRD's x-kubernetes-validations (CEL) after the
// schema checks (apiextensions-apiserver pkg/apiserver/schema/cel): the
// rule's message or messageExpression, its reason and fieldPath; transition
// rules (oldSelf) only on update, optionalOldSelf also on create; property
// names escaped (`namespace` is `__namespace__`); no rule runs when a
// blocking schema error was found.

import { expect, it } from "vitest";
import { causesOf, contract, uniqueName } from "./support.js";
import { WIDGETS, widget } from "./widget-crd.js";

contract("CRD x-kubernetes-validations (CEL)", (target) => {
  const post = (body: unknown) => target().call("POST", WIDGETS(target().namespace), body);
  const mergePatch = (name: string, patch: unknown) =>
    target().call("PATCH", `${WIDGETS(target().namespace)}/${name}`, patch, {
      "Content-Type": "application/merge-patch+json",
    });

  it("a failing rule: messageExpression, reason and fieldPath", async () => {
    const answer = await post(widget(uniqueName("c"), { color: "red", size: 2 }));
    expect(answer.status).toBe(422);
    expect(causesOf(answer)).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: red needs a size above 2, not 2",
        field: "spec.size",
      },
    ]);
  });

  it("escaped property names: self.__namespace__ reads the field `namespace`", async () => {
    const answer = await post(widget(uniqueName("c"), { namespace: "kube-system" }));
    expect(causesOf(answer)).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: namespace may not be kube-system",
        field: "spec.namespace",
      },
    ]);
  });

  it("transition rules run on update only; optionalOldSelf rules also on create", async () => {
    const name = uniqueName("c");
    expect((await post(widget(name, { owner: "a", size: 5 }))).status).toBe(201);
    const changed = await mergePatch(name, { spec: { owner: "b" } });
    expect(causesOf(changed)).toEqual([
      {
        reason: "FieldValueForbidden",
        message: "Forbidden: owner is immutable",
        field: "spec.owner",
      },
    ]);
    const shrunk = await mergePatch(name, { spec: { size: 4 } });
    expect(causesOf(shrunk)).toEqual([
      { reason: "FieldValueInvalid", message: "Invalid value: size may not shrink", field: "spec" },
    ]);
    expect((await mergePatch(name, { spec: { size: 6 } })).status).toBe(200);
  });

  it("a blocking schema error keeps the rules from running, and says so", async () => {
    const answer = await post(widget(uniqueName("c"), { color: "red", size: "two" }));
    expect(causesOf(answer)).toEqual([
      {
        reason: "FieldValueTypeInvalid",
        message: 'Invalid value: "string": spec.size in body must be of type integer: "string"',
        field: "spec.size",
      },
      {
        reason: "FieldValueInvalid",
        message:
          "Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
        field: "<nil>",
      },
    ]);
  });

  it("our VvpDeployment's rules: deploymentTargetName is immutable, with the old value in the message", async () => {
    const { exampleCr } = await import("../support/examples.js");
    const cr = exampleCr("PATCH") as unknown as {
      metadata: Record<string, unknown>;
      spec: { deployment: { spec: { deploymentTargetName: string } } };
    };
    const name = uniqueName("vvp");
    const base = `/apis/ververica.platform/v1/namespaces/${target().namespace}/vvpdeployments`;
    const created = await target().call("POST", base, {
      ...cr,
      metadata: { ...cr.metadata, name, namespace: target().namespace },
    });
    expect(created.status).toBe(201);
    const old = cr.spec.deployment.spec.deploymentTargetName;
    const moved = await target().call(
      "PATCH",
      `${base}/${name}`,
      { spec: { deployment: { spec: { deploymentTargetName: "elsewhere" } } } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(moved.status).toBe(422);
    expect(causesOf(moved)).toEqual([
      {
        reason: "FieldValueInvalid",
        message: `Invalid value: deploymentTargetName is immutable after creation: set it back to "${old}", or create a new VvpDeployment`,
        field: "spec.deployment.spec.deploymentTargetName",
      },
    ]);
  });
});
