// kube-apiserver decodes a custom resource through its CRD's structural
// schema (apiextensions-apiserver customresource_handler.go, schema/pruning,
// schema/defaulting): unknown fields outside x-kubernetes-preserve-unknown-fields
// are dropped, reported per `fieldValidation` (Warn, the default: a Warning
// header each; Strict: 400 listing them; Ignore: silently), and `default`s
// are applied on write and on read.

import { expect, it } from "vitest";
import { causesOf, contract, uniqueName, warningsOf } from "./support.js";
import { WIDGETS, widget } from "./widget-crd.js";

contract("CRD pruning, fieldValidation and defaults", (target) => {
  const post = (body: unknown, query = "") =>
    target().call("POST", `${WIDGETS(target().namespace)}${query}`, body);

  it("prunes unknown fields and warns about each (fieldValidation Warn, the default)", async () => {
    const body = widget(uniqueName("p"), { sizee: 4, free: { anything: { goes: 1 } } });
    (body as { extra?: unknown }).extra = true;
    const answer = await post(body);
    expect(answer.status).toBe(201);
    const spec = answer.body.spec as Record<string, unknown>;
    expect(spec.sizee).toBeUndefined();
    expect(answer.body.extra).toBeUndefined();
    expect(spec.free).toEqual({ anything: { goes: 1 } });
    expect(warningsOf(answer)).toEqual(['unknown field "extra"', 'unknown field "spec.sizee"']);
  });

  it("fieldValidation=Strict answers 400 listing the unknown fields (kubectl's default)", async () => {
    const answer = await post(
      widget(uniqueName("p"), { sizee: 4, ports: [{ name: "a", prot: 1 }] }),
      "?fieldValidation=Strict",
    );
    expect(answer.status).toBe(400);
    expect(answer.body.reason).toBe("BadRequest");
    expect(answer.body.message).toBe(
      'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.ports[0].prot", unknown field "spec.sizee"',
    );
    const name = uniqueName("p");
    expect((await post(widget(name))).status).toBe(201);
    const patched = await target().call(
      "PATCH",
      `${WIDGETS(target().namespace)}/${name}?fieldValidation=Strict`,
      { spec: { sizee: 5 } },
      { "Content-Type": "application/merge-patch+json" },
    );
    expect(patched.status).toBe(400);
    expect(patched.body.message).toBe('strict decoding error: unknown field "spec.sizee"');
  });

  it("fieldValidation=Ignore drops them silently; an unsupported directive is 422", async () => {
    const ignored = await post(widget(uniqueName("p"), { sizee: 4 }), "?fieldValidation=Ignore");
    expect(ignored.status).toBe(201);
    expect(warningsOf(ignored)).toEqual([]);
    const bad = await post(widget(uniqueName("p")), "?fieldValidation=Loud");
    expect(bad.status).toBe(422);
    expect(causesOf(bad)[0]?.field).toBe("fieldValidation");
  });

  it("applies defaults on create", async () => {
    const answer = await post(widget(uniqueName("d")));
    expect((answer.body.spec as Record<string, unknown>).mode).toBe("auto");
  });

  it("keeps an explicit value over the default, and a non-nullable null is dropped first", async () => {
    const name = uniqueName("d");
    const answer = await post(widget(name, { mode: "manual", color: null }));
    expect(answer.status).toBe(201);
    const spec = answer.body.spec as Record<string, unknown>;
    expect(spec.mode).toBe("manual");
    expect("color" in spec).toBe(false);
  });
});
