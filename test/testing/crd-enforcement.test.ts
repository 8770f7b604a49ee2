// The pieces of the fake's CRD enforcement the contract suite does not
// reach: Go's number printing, Kubernetes' CEL property escaping, schema
// ratcheting on update, defaults on read after a CRD change, compiling once
// per CRD, and the option that turns enforcement off.

import { describe, expect, it } from "vitest";
import { escapeProperty, loadCel } from "../../src/testing/crd-cel.js";
import { goFloat, goValue } from "../../src/testing/crd-schema.js";
import { KubeApiError } from "../../src/testing/status.js";
import { ObjectStore } from "../../src/testing/store.js";
import { WIDGET_CRD, widget } from "../contract/widget-crd.js";

// The CEL engine is an optional peer, loaded as startFakeKubernetes loads it.
await loadCel();

describe("messages print values as Go does", () => {
  it.each([
    [100, "100"],
    [0.5, "0.5"],
    [123456, "123456"],
    [1_000_000, "1e+06"],
    [9007199254740991, "9.007199254740991e+15"],
    [-9007199254740991, "-9.007199254740991e+15"],
    [0.00001, "1e-05"],
  ])("%s as a float64 bound is %s", (value, text) => {
    expect(goFloat(value)).toBe(text);
  });

  it("bad values: strings quoted, integers plain, objects as JSON with sorted keys", () => {
    expect(goValue("a")).toBe('"a"');
    expect(goValue(7)).toBe("7");
    expect(goValue({ b: 1, a: [true] })).toBe('{"a":[true],"b":1}');
  });
});

describe("CEL property names are escaped as Kubernetes does", () => {
  it.each([
    ["namespace", "__namespace__"],
    ["if", "__if__"],
    ["plain", "plain"],
    ["a.b", "a__dot__b"],
    ["x-y", "x__dash__y"],
    ["a/b", "a__slash__b"],
    ["__x", "__underscores__x"],
    ["1abc", undefined],
    ["with space", undefined],
  ])("%j is %j", (name, escaped) => {
    expect(escapeProperty(name)).toBe(escaped);
  });
});

function storeWithWidgets(options: { enforceCrdSchemas?: boolean } = {}) {
  let n = 0;
  const store = new ObjectStore({
    compactionWindow: 100,
    now: () => new Date("2026-01-01T00:00:00Z"),
    uid: () => `uid-${++n}`,
    nameSuffix: () => `s${++n}`,
    ...options,
  });
  const ns = store.type("", "v1", "namespaces");
  const crds = store.type("apiextensions.k8s.io", "v1", "customresourcedefinitions");
  if (ns === undefined || crds === undefined) throw new Error("no built-ins");
  store.create(ns, undefined, { metadata: { name: "default" } });
  store.create(crds, undefined, structuredClone(WIDGET_CRD));
  const type = store.type("contract.vvp-sdk.example.com", "v1", "widgets");
  if (type === undefined) throw new Error("the CRD serves no widgets");
  return { store, type, crds };
}

const invalidOf = (run: () => unknown): KubeApiError => {
  try {
    run();
  } catch (error) {
    if (error instanceof KubeApiError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("enforcement in the store", () => {
  it("is compiled once per CRD: every write reuses the same compiled schema", () => {
    const { store, type } = storeWithWidgets();
    const compiled = type.schema;
    expect(compiled).toBeDefined();
    for (let i = 0; i < 5; i++) store.create(type, "default", widget(`w-${i}`));
    expect(store.type("contract.vvp-sdk.example.com", "v1", "widgets")?.schema).toBe(compiled);
  });

  it("ratchets: an invalid value stored before stays writable while unchanged; changing it is checked", () => {
    const { store, type } = storeWithWidgets();
    store.create(type, "default", widget("old", { size: 50 }), { trusted: true });
    const current = store.get(type, "default", "old");
    const updated = store.update(type, "default", "old", {
      ...current,
      spec: { ...(current.spec as object), color: "green" },
    });
    expect((updated.spec as { color: string }).color).toBe("green");
    const refused = invalidOf(() =>
      store.update(type, "default", "old", {
        ...updated,
        spec: { ...(updated.spec as object), size: 60 },
      }),
    );
    expect(refused.status.details?.causes?.[0]?.field).toBe("spec.size");
  });

  it("ratchets rules too: an unchanged value is not re-checked by rules without oldSelf", () => {
    const { store, type } = storeWithWidgets();
    store.create(type, "default", widget("red", { color: "red", size: 2 }), { trusted: true });
    const current = store.get(type, "default", "red");
    const labelled = store.update(type, "default", "red", {
      ...current,
      metadata: { ...current.metadata, labels: { a: "b" } },
    });
    expect(labelled.metadata.labels).toEqual({ a: "b" });
    const refused = invalidOf(() =>
      store.update(type, "default", "red", {
        ...labelled,
        spec: { ...(labelled.spec as object), note: "changed" },
      }),
    );
    expect(refused.status.details?.causes).toEqual([
      {
        reason: "FieldValueInvalid",
        message: "Invalid value: red needs a size above 2, not 2",
        field: "spec.size",
      },
    ]);
  });

  it("applies a default added to the CRD later when an old object is read", () => {
    const { store, type, crds } = storeWithWidgets();
    store.create(type, "default", widget("before"));
    const crd = store.get(
      crds,
      undefined,
      WIDGET_CRD.metadata.name,
    ) as unknown as typeof WIDGET_CRD;
    const spec = crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec.properties as Record<
      string,
      unknown
    >;
    spec.shape = { type: "string", default: "round" };
    store.update(crds, undefined, WIDGET_CRD.metadata.name, crd);
    const widgets = store.type("contract.vvp-sdk.example.com", "v1", "widgets");
    if (widgets === undefined) throw new Error("no widgets");
    expect((store.get(widgets, "default", "before").spec as { shape: string }).shape).toBe("round");
  });

  it("is off with enforceCrdSchemas: false (crdEnforcement: false): anything is stored", () => {
    const { store, type } = storeWithWidgets({ enforceCrdSchemas: false });
    const stored = store.create(type, "default", widget("loose", { size: "huge", extra: 1 }));
    expect(stored.spec).toEqual({ size: "huge", extra: 1 });
  });
});

describe("defaults on reads over HTTP", () => {
  it("a GET, a list and a watch show the defaults of an object stored without them", async () => {
    const { startFakeKubernetes } = await import("../../src/testing/index.js");
    const { httpsFetch } = await import("./helpers.js");
    const kube = await startFakeKubernetes({ crds: [WIDGET_CRD] });
    try {
      // apply() stores as given (no decoding), like an object written before the default existed.
      kube.apply({ ...widget("bare"), metadata: { name: "bare", namespace: "default" } });
      const base = "/apis/contract.vvp-sdk.example.com/v1/namespaces/default/widgets";
      const got = (await (await httpsFetch(kube, `${base}/bare`)).json()) as {
        spec: { mode?: string };
      };
      expect(got.spec.mode).toBe("auto");
      const listed = (await (await httpsFetch(kube, base)).json()) as {
        items: { spec: { mode?: string } }[];
      };
      expect(listed.items[0]?.spec.mode).toBe("auto");
      const watched = await httpsFetch(
        kube,
        `${base}?watch=1&resourceVersion=0&timeoutSeconds=0.2`,
      );
      const [line] = (await watched.text()).trim().split("\n");
      expect(JSON.parse(line ?? "{}")).toMatchObject({
        type: "ADDED",
        object: { spec: { mode: "auto" } },
      });
      expect(kube.get("widgets", "default", "bare")?.spec).toEqual({ size: 3, mode: "auto" });
    } finally {
      await kube.close();
    }
  });
});
