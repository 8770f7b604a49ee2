// The fake's pure pieces: selectors, patches, printer-column JSONPath.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateJsonPath } from "../../src/testing/json-path.js";
import {
  applyJsonPatch,
  jsonEqual,
  mergePatch,
  strategicMergePatch,
} from "../../src/testing/patch.js";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../../src/testing/selectors.js";
import { KubeApiError } from "../../src/testing/status.js";
import { propertyParameters } from "../support/property.js";

describe("label selectors", () => {
  const labels = { app: "web", tier: "front", "example.com/team": "a" };
  it.each([
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (db, web)", true],
    ["app notin (db,web)", false],
    ["missing notin (x)", true],
    ["!missing", true],
    ["!app", false],
    ["example.com/team", true],
    ["app=web,tier in (back)", false],
    ["app=web, tier in (front,back), !gone", true],
  ])("%j matches: %s", (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it.each(["a in (x", "=x", "a=b=c", "a in (x y)", "Bad Key!=1", "a=,"])(
    "%j is a 400 BadRequest",
    (selector) => {
      expect(() => parseLabelSelector(selector)).toThrow(KubeApiError);
      try {
        parseLabelSelector(selector);
      } catch (error) {
        expect((error as KubeApiError).code).toBe(400);
      }
    },
  );

  it("field selectors match dotted paths and refuse unsupported fields", () => {
    const object = { metadata: { name: "n", namespace: "ns" }, type: "Opaque" };
    expect(
      matchesFields(
        parseFieldSelector("metadata.name=n,type!=x", ["metadata.name", "type"]),
        object,
      ),
    ).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.name==m", ["metadata.name"]), object)).toBe(
      false,
    );
    expect(() => parseFieldSelector("spec.x=1", ["metadata.name"])).toThrow(
      /field label not supported/,
    );
  });
});

describe("JSON merge patch (RFC 7396)", () => {
  it("follows the RFC's examples", () => {
    expect(mergePatch({ a: "b" }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: "b" }, { b: "c" })).toEqual({ a: "b", b: "c" });
    expect(mergePatch({ a: "b" }, { a: null })).toEqual({});
    expect(mergePatch({ a: ["b"] }, { a: "c" })).toEqual({ a: "c" });
    expect(mergePatch({ a: { b: "c" } }, { a: { b: "d", c: null } })).toEqual({ a: { b: "d" } });
    expect(mergePatch({ a: [{ b: "c" }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch(["a", "b"], ["c", "d"])).toEqual(["c", "d"]);
    expect(mergePatch({ a: "b" }, ["c"])).toEqual(["c"]);
    expect(mergePatch({ e: null }, { a: 1 })).toEqual({ e: null, a: 1 });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });

  const json = fc.jsonValue({ maxDepth: 3 });
  it("is idempotent and never mutates its inputs", () => {
    fc.assert(
      fc.property(json, json, (target, patch) => {
        const before = structuredClone([target, patch]);
        const once = mergePatch(target, patch);
        expect(jsonEqual(mergePatch(once, patch), once)).toBe(true);
        expect([target, patch]).toEqual(before);
      }),
      propertyParameters,
    );
  });
});

describe("strategic merge patch (schema-free)", () => {
  const deployment = {
    spec: {
      template: {
        spec: {
          containers: [
            { name: "app", image: "a:1", env: [{ name: "X", value: "1" }] },
            { name: "side", image: "s:1" },
          ],
        },
      },
    },
    metadata: { finalizers: ["a", "b"] },
  };

  it("merges lists by the key their $setElementOrder names, and deletes with $patch: delete", () => {
    const patch = {
      spec: {
        template: {
          spec: {
            "$setElementOrder/containers": [{ name: "app" }, { name: "new" }],
            containers: [
              { name: "app", image: "a:2" },
              { name: "new", image: "n:1" },
              { name: "side", $patch: "delete" },
            ],
          },
        },
      },
    };
    expect(strategicMergePatch(deployment, patch)).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              { name: "app", image: "a:2", env: [{ name: "X", value: "1" }] },
              { name: "new", image: "n:1" },
            ],
          },
        },
      },
      metadata: { finalizers: ["a", "b"] },
    });
  });

  it("merges primitive lists as sets with $deleteFromPrimitiveList", () => {
    const patch = {
      metadata: {
        "$setElementOrder/finalizers": ["b", "c"],
        finalizers: ["c"],
        "$deleteFromPrimitiveList/finalizers": ["a"],
      },
    };
    expect(strategicMergePatch(deployment, patch)).toMatchObject({
      metadata: { finalizers: ["b", "c"] },
    });
    const onlyDelete = { metadata: { "$deleteFromPrimitiveList/finalizers": ["b"] } };
    expect(strategicMergePatch(deployment, onlyDelete)).toMatchObject({
      metadata: { finalizers: ["a"] },
    });
  });

  it("replaces lists without directives, and honours $patch: replace and $retainKeys on maps", () => {
    expect(strategicMergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(strategicMergePatch({ m: { x: 1, y: 2 } }, { m: { $patch: "replace", z: 3 } })).toEqual({
      m: { z: 3 },
    });
    expect(
      strategicMergePatch({ m: { x: 1, y: 2 } }, { m: { $retainKeys: ["y", "z"], z: 3 } }),
    ).toEqual({ m: { y: 2, z: 3 } });
    expect(strategicMergePatch({ m: { x: 1 } }, { m: { $patch: "delete" } })).toEqual({});
    expect(strategicMergePatch({ data: { a: "1" } }, { data: { b: "2", a: null } })).toEqual({
      data: { b: "2" },
    });
  });
});

describe("JSON patch (RFC 6902)", () => {
  const doc = { a: { b: [1, 2, 3] }, "x/y": { "~t": 1 } };
  it("adds, removes, replaces, moves, copies and tests, with escaped pointers", () => {
    expect(
      applyJsonPatch(doc, [
        { op: "add", path: "/a/b/-", value: 4 },
        { op: "add", path: "/a/b/0", value: 0 },
        { op: "remove", path: "/a/b/1" },
        { op: "replace", path: "/x~1y/~0t", value: 2 },
        { op: "copy", from: "/x~1y", path: "/c" },
        { op: "move", from: "/c/~0t", path: "/d" },
        { op: "test", path: "/d", value: 2 },
      ]),
    ).toEqual({ a: { b: [0, 2, 3, 4] }, "x/y": { "~t": 2 }, c: {}, d: 2 });
    expect(doc.a.b).toEqual([1, 2, 3]);
  });

  it.each([
    [[{ op: "test", path: "/a/b/0", value: 9 }], 422],
    [[{ op: "remove", path: "/nope" }], 422],
    [[{ op: "replace", path: "/a/b/7", value: 1 }], 422],
    [[{ op: "add", path: "/a/b/9", value: 1 }], 422],
    [[{ op: "add", path: "/a" }], 422],
    [[{ op: "jump", path: "/a" }], 422],
    [[{ path: "/a" }], 400],
    [{ op: "add", path: "/a", value: 1 }, 400],
  ])("%j fails with %i", (patch, code) => {
    try {
      applyJsonPatch(doc, patch);
      expect.unreachable();
    } catch (error) {
      expect((error as KubeApiError).code).toBe(code);
    }
  });

  it("a test of every value it finds always passes", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        (object) => {
          const ops = Object.entries(object).map(([key, value]) => ({
            op: "test",
            path: `/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
            value,
          }));
          expect(applyJsonPatch(object, ops)).toEqual(object);
        },
      ),
      propertyParameters,
    );
  });
});

describe("printer-column JSONPath", () => {
  const cr = {
    metadata: { creationTimestamp: "2026-01-01T00:00:00Z", labels: { "a.b/c": "d" } },
    status: {
      conditions: [
        { type: "Ready", status: "False" },
        { type: "Healthy", status: "True" },
      ],
      list: [5, 6],
    },
  };
  it.each([
    [".metadata.creationTimestamp", "2026-01-01T00:00:00Z"],
    ['.status.conditions[?(@.type=="Healthy")].status', "True"],
    [".status.conditions[?(@.type=='Ready')].status", "False"],
    [".status.list[1]", 6],
    [".metadata.labels['a.b/c']", "d"],
    ["{.status.list[0]}", 5],
    [".status.missing", undefined],
    ['.status.conditions[?(@.type=="Gone")].status', undefined],
    [".status..recursive", undefined],
  ])("%s → %j", (path, expected) => {
    expect(evaluateJsonPath(cr, path)).toEqual(expected);
  });
});
