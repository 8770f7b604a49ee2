// Whatever a client sends, the fake answers with a Status (4xx) or stores
// the object; it never crashes with anything but a KubeApiError.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadCel } from "../../src/testing/crd-cel.js";
import { applyJsonPatch, mergePatch } from "../../src/testing/patch.js";
import { KubeApiError } from "../../src/testing/status.js";
import { ObjectStore } from "../../src/testing/store.js";
import { hostileValue } from "../support/hostile.js";
import { propertyParameters } from "../support/property.js";

// The CEL engine is an optional peer, loaded as startFakeKubernetes loads it.
await loadCel();

function freshStore() {
  let n = 0;
  const store = new ObjectStore({
    compactionWindow: 100,
    now: () => new Date("2026-01-01T00:00:00Z"),
    uid: () => `uid-${++n}`,
    nameSuffix: () => `s${++n}`,
  });
  const ns = store.type("", "v1", "namespaces");
  if (ns === undefined) throw new Error("no namespaces");
  store.create(ns, undefined, { metadata: { name: "default" } });
  return store;
}

function outcome(run: () => unknown): "ok" | number {
  try {
    run();
    return "ok";
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return error.code;
  }
}

const metadataLike = fc.oneof(
  hostileValue,
  fc.record(
    {
      name: fc.oneof(fc.constantFrom("ok", "Bad_Name", "", "__proto__"), hostileValue),
      labels: fc.oneof(fc.dictionary(fc.string(), fc.string()), hostileValue),
      finalizers: fc.oneof(fc.array(fc.string()), hostileValue),
      resourceVersion: fc.oneof(fc.constant(undefined), hostileValue),
    },
    { requiredKeys: [] },
  ),
);

describe("hostile input", () => {
  it("a create of any body answers 201 or a 4xx/500 Status, never a crash", () => {
    fc.assert(
      fc.property(hostileValue, metadataLike, hostileValue, (spec, metadata, status) => {
        const store = freshStore();
        const type = store.type("", "v1", "configmaps");
        if (type === undefined) throw new Error("no configmaps");
        const result = outcome(() =>
          store.create(type, "default", { metadata, data: spec, status }),
        );
        expect(result === "ok" || (typeof result === "number" && result >= 400)).toBe(true);
      }),
      propertyParameters,
    );
  });

  it("merge and JSON patches of any shape apply or fail with a Status", () => {
    fc.assert(
      fc.property(
        hostileValue,
        hostileValue,
        fc.array(hostileValue, { maxLength: 3 }),
        (target, patch, ops) => {
          expect(outcome(() => mergePatch(target, patch))).toBe("ok");
          const result = outcome(() => applyJsonPatch(target, ops));
          expect(result === "ok" || result === 400 || result === 422).toBe(true);
        },
      ),
      propertyParameters,
    );
  });

  it("stores __proto__ as a plain key, polluting nothing", () => {
    const patched = mergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(patched)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    const added = applyJsonPatch({}, [
      { op: "add", path: "/__proto__", value: { x: 1 } },
    ]) as Record<string, unknown>;
    expect(Object.keys(added)).toEqual(["__proto__"]);
  });
});
