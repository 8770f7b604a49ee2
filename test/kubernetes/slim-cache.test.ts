import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/kubernetes/kube-api.js";
import { createCrSlimmer } from "../../src/kubernetes/slim-cache.js";

/** Two CRs as two JSON.parse calls return them: equal strings, distinct copies. */
function parsedPair(): [KubeObject, KubeObject] {
  const text = (name: string) =>
    JSON.stringify({
      metadata: {
        name,
        namespace: "team-a",
        uid: `uid-${name}`,
        resourceVersion: "42",
        labels: { "ververica.platform/owner": "my-operator" },
        managedFields: [{ manager: "kubectl", fieldsV1: { "f:spec": {} } }],
      },
      spec: { deployment: { spec: { artifact: { jarUri: "s3://bucket/MyJob.jar" } } } },
      status: {
        conditions: [{ type: "Healthy", message: "All sub-conditions are healthy" }],
        tags: ["a-tag-value"],
      },
    });
  return [JSON.parse(text("one")), JSON.parse(text("two"))];
}

describe("createCrSlimmer", () => {
  it("keeps every value, drops managedFields, and shares repeated strings between CRs", () => {
    const slim = createCrSlimmer();
    const [one, two] = parsedPair();
    const expected = structuredClone(two);
    delete (expected.metadata as Record<string, unknown>).managedFields;
    slim(one);
    const slimmed = slim(two);
    expect(slimmed).toEqual(expected);
    expect(slimmed.metadata).not.toHaveProperty("managedFields");
    // The same string values: JSON-equal whether shared or not.
    expect(JSON.stringify(one).replaceAll("one", "two")).toBe(JSON.stringify(two));
  });

  it("bounds its table: past the limit it starts again, and values stay right", () => {
    const slim = createCrSlimmer(2);
    const objects = Array.from({ length: 5 }, (_, index) => ({
      metadata: { name: `n${index}`, labels: { a: `v${index}`, b: `w${index}` } },
    }));
    for (const object of objects) slim(object as KubeObject);
    expect(objects.map((object) => object.metadata.labels)).toEqual(
      Array.from({ length: 5 }, (_, index) => ({ a: `v${index}`, b: `w${index}` })),
    );
  });
});

describe("createCrSlimmer and the received object", () => {
  it("leaves the received object's managedFields where they were (a copy is cached)", () => {
    const [one] = parsedPair();
    const slimmed = createCrSlimmer()(one);
    expect(one.metadata).toHaveProperty("managedFields");
    expect(slimmed.metadata).not.toHaveProperty("managedFields");
  });
});
