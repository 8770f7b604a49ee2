// Write semantics of kube-apiserver's registries and ObjectMeta validation
// (k8s.io/apiserver registry/rest, apimachinery api/validation, the kinds'
// strategies), as clients meet them.

import { expect, it } from "vitest";
import { causesOf, contract, uniqueName } from "./support.js";
import { WIDGET_CRD, WIDGETS, widget } from "./widget-crd.js";

contract("writes", (target) => {
  const ns = () => target().namespace;

  it("a Lease (AllowUnconditionalUpdate false) refuses a PUT without resourceVersion: 422", async () => {
    const name = uniqueName("lease");
    const path = `/apis/coordination.k8s.io/v1/namespaces/${ns()}/leases`;
    const created = await target().call("POST", path, {
      metadata: { name },
      spec: { holderIdentity: "a" },
    });
    expect(created.status).toBe(201);
    const put = await target().call("PUT", `${path}/${name}`, {
      metadata: { name },
      spec: { holderIdentity: "b" },
    });
    expect(put.status).toBe(422);
    expect(causesOf(put)).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: 0x0: must be specified for an update",
        field: "metadata.resourceVersion",
      },
    ]);
  });

  it("a ConfigMap takes a PUT without resourceVersion (unconditional update)", async () => {
    const name = uniqueName("cm");
    const path = `/api/v1/namespaces/${ns()}/configmaps`;
    await target().call("POST", path, { metadata: { name }, data: { a: "1" } });
    const put = await target().call("PUT", `${path}/${name}`, {
      metadata: { name },
      data: { a: "2" },
    });
    expect(put.status).toBe(200);
  });

  it("dryRun other than All is 422 Invalid of the options", async () => {
    const answer = await target().call("POST", `/api/v1/namespaces/${ns()}/configmaps?dryRun=Yes`, {
      metadata: { name: uniqueName("cm") },
    });
    expect(answer.status).toBe(422);
    expect(causesOf(answer)).toEqual([
      {
        reason: "FieldValueNotSupported",
        message: 'Unsupported value: ["Yes"]: supported values: "All"',
        field: "dryRun",
      },
    ]);
  });

  it("generateName is cut to 58 characters before the 5-character suffix", async () => {
    const answer = await target().call("POST", `/api/v1/namespaces/${ns()}/configmaps`, {
      metadata: { generateName: `${"a".repeat(70)}-` },
    });
    expect(answer.status).toBe(201);
    const name = (answer.body.metadata as { name: string }).name;
    expect(name).toHaveLength(63);
    expect(name.startsWith("a".repeat(58))).toBe(true);
  });

  it("label values and finalizer names are validated: 422", async () => {
    const label = await target().call("POST", `/api/v1/namespaces/${ns()}/configmaps`, {
      metadata: { name: uniqueName("cm"), labels: { team: "not valid!" } },
    });
    expect(label.status).toBe(422);
    expect(causesOf(label)[0]).toMatchObject({
      reason: "FieldValueInvalid",
      field: "metadata.labels",
    });
    expect(causesOf(label)[0]?.message).toMatch(
      /^Invalid value: "not valid!": a valid label must be/,
    );
    const finalizer = await target().call("POST", WIDGETS(ns()), {
      ...widget(uniqueName("w")),
      metadata: { name: uniqueName("w"), finalizers: ["bad finalizer"] },
    });
    expect(finalizer.status).toBe(422);
    expect(causesOf(finalizer)[0]).toMatchObject({
      reason: "FieldValueInvalid",
      field: "metadata.finalizers",
    });
  });

  it("a custom resource DELETE without finalizers answers a Success Status", async () => {
    const name = uniqueName("w");
    await target().call("POST", WIDGETS(ns()), widget(name));
    const answer = await target().call("DELETE", `${WIDGETS(ns())}/${name}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      kind: "Status",
      status: "Success",
      details: { name, kind: "widgets" },
    });
  });

  it("a new Namespace gets spec.finalizers [kubernetes]", async () => {
    const name = uniqueName("ns");
    const answer = await target().call("POST", "/api/v1/namespaces", { metadata: { name } });
    expect(answer.status).toBe(201);
    expect(answer.body.spec).toEqual({ finalizers: ["kubernetes"] });
    await target().call("DELETE", `/api/v1/namespaces/${name}`);
  });

  it("an events.k8s.io Event update keeps its fields and needs series.count >= 2", async () => {
    const path = `/apis/events.k8s.io/v1/namespaces/${ns()}/events`;
    const created = await target().call("POST", path, {
      metadata: { name: uniqueName("ev") },
      eventTime: "2026-01-01T00:00:00.000000Z",
      type: "Normal",
      reason: "Created",
      action: "Create",
      note: "created",
      reportingController: "example.com/contract",
      reportingInstance: "contract-0",
      regarding: { kind: "ConfigMap", name: "x", namespace: ns() },
    });
    expect(created.status).toBe(201);
    const name = (created.body.metadata as { name: string }).name;
    const answer = await target().call(
      "PATCH",
      `${path}/${name}`,
      { reason: "Changed", series: { count: 1, lastObservedTime: "2026-01-01T00:00:01.000000Z" } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(answer.status).toBe(422);
    expect(causesOf(answer).map((c) => c.field)).toEqual(
      expect.arrayContaining(["series.count", "reason"]),
    );
  });

  it("a ValidatingWebhookConfiguration needs sideEffects and admissionReviewVersions", async () => {
    const answer = await target().call(
      "POST",
      "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations?dryRun=All",
      {
        metadata: { name: uniqueName("vwc") },
        webhooks: [
          {
            name: "check.contract.example.com",
            clientConfig: { url: "https://example.com/validate" },
          },
        ],
      },
    );
    expect(answer.status).toBe(422);
    expect(causesOf(answer)).toEqual(
      expect.arrayContaining([
        {
          reason: "FieldValueRequired",
          message: "Required value: must specify one of v1, v1beta1",
          field: "webhooks[0].admissionReviewVersions",
        },
        {
          reason: "FieldValueRequired",
          message: "Required value: must specify one of None, NoneOnDryRun",
          field: "webhooks[0].sideEffects",
        },
      ]),
    );
  });

  it("a CRD whose x-kubernetes-validations rule does not compile is 422", async () => {
    const crd = structuredClone(WIDGET_CRD);
    crd.metadata.name = "gadgets.contract.vvp-sdk.example.com";
    crd.spec.names = {
      kind: "Gadget",
      listKind: "GadgetList",
      plural: "gadgets",
      singular: "gadget",
    };
    const spec = crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec;
    if (spec === undefined) throw new Error("no spec schema");
    spec["x-kubernetes-validations"] = [{ rule: "self.size >", message: "broken" }] as never;
    const answer = await target().call(
      "POST",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?dryRun=All",
      crd,
    );
    expect(answer.status).toBe(422);
    expect(causesOf(answer).map((c) => c.field)).toContain(
      "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule",
    );
  });
});
