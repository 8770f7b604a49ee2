import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sameJson } from "../../src/execution/reconcile-once.js";
import { propertyParameters } from "../support/property.js";

// JSON.stringify with every object's keys sorted: the comparison sameJson
// stands for (a status with its keys in another order is the same status).
function canonical(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : item,
  );
}

const leaf = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom("", "a", "b", "True", "1"),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 3 }),
  object: fc.dictionary(fc.constantFrom("a", "b", "c", "type", "status"), tie("value"), {
    maxKeys: 4,
  }),
})).value;

describe("sameJson", () => {
  it("agrees with comparing JSON texts whose keys are sorted", () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        expect(sameJson(a, b)).toBe(canonical(a) === canonical(b));
        expect(sameJson(a, structuredClone(a))).toBe(true);
      }),
      propertyParameters,
    );
  });

  it("takes absent and undefined members alike, and key order as irrelevant", () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: null })).toBe(false);
    expect(sameJson([undefined], [null])).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ conditions: [{ type: "Healthy" }] }, { conditions: [] })).toBe(false);
  });
});
