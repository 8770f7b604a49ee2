import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMergePatch } from "../../src/simulator/merge-patch.js";
import type { JsonValue } from "../../src/simulator/types.js";
import { propertyParameters } from "../support/property.js";

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;

describe("applyMergePatch (RFC 7396)", () => {
  it("follows the RFC's examples", () => {
    expect(applyMergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(applyMergePatch({ a: "b" }, { b: "c" })).toEqual({ a: "b", b: "c" });
    expect(applyMergePatch({ a: "b" }, { a: null })).toEqual({});
    expect(applyMergePatch({ a: "b", b: "c" }, { a: null })).toEqual({ b: "c" });
    expect(applyMergePatch({ a: ["b"] }, { a: "c" })).toEqual({ a: "c" });
    expect(applyMergePatch({ a: "c" }, { a: ["b"] })).toEqual({ a: ["b"] });
    expect(applyMergePatch({ a: { b: "c" } }, { a: { b: "d", c: null } })).toEqual({
      a: { b: "d" },
    });
    expect(applyMergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(applyMergePatch(["a", "b"], ["c", "d"])).toEqual(["c", "d"]);
    expect(applyMergePatch({ a: "b" }, ["c"])).toEqual(["c"]);
    expect(applyMergePatch({ a: "foo" }, null)).toBeNull();
    expect(applyMergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(applyMergePatch([1, 2], { a: "b", c: null })).toEqual({ a: "b" });
    expect(applyMergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  it("keeps a JSON key __proto__ as data instead of changing the prototype", () => {
    const patched = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as object;
    expect(Object.getPrototypeOf(patched)).toBe(Object.prototype);
    expect(Object.keys(patched)).toEqual(["__proto__"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("is idempotent and never mutates its inputs", () => {
    fc.assert(
      fc.property(json, json, (target, patch) => {
        const before = structuredClone([target, patch]);
        const once = applyMergePatch(target, patch);
        expect(applyMergePatch(once, patch)).toEqual(once);
        expect([target, patch]).toEqual(before);
      }),
      propertyParameters,
    );
  });

  it("an empty object patch changes no object", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), json), (target) => {
        expect(applyMergePatch(target as JsonValue, {})).toEqual(target);
      }),
      propertyParameters,
    );
  });
});
