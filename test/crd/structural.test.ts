import { describe, expect, it } from "vitest";
import {
  buildOpenApiV3Schema,
  DESCRIPTIONS,
  type JSONSchemaProps,
  StructuralSchemaError,
  schemaNodesAt,
  toStructuralSchema,
} from "../../src/crd/index.js";
import { VvpDeploymentSchema } from "../../src/models/index.js";
import { rulesOf } from "./support/kubernetes-validation.js";
import {
  preserveUnknownPaths,
  resolveFieldPath,
  structuralViolations,
} from "./support/structural-check.js";
import { looseObjectPaths } from "./support/zod-walk.js";

const schema = buildOpenApiV3Schema();

describe("the CRD's openAPIV3Schema", () => {
  it("is a structural schema", () => {
    expect(structuralViolations(schema)).toEqual([]);
  });

  it("keeps unknown fields exactly where the zod models are loose (the VVP body), and nowhere else", () => {
    // Top-level metadata is the API server's: it keeps ObjectMeta's other keys itself.
    const loose = looseObjectPaths(VvpDeploymentSchema).filter(
      (path) => path !== "metadata" && !path.startsWith("metadata."),
    );
    expect(preserveUnknownPaths(schema).sort()).toEqual(loose.sort());
    for (const path of preserveUnknownPaths(schema)) {
      expect(path.startsWith("spec.deployment") || path.startsWith("spec.initFields")).toBe(true);
    }
  });

  it("leaves metadata, apiVersion and kind to the API server", () => {
    expect(schema.properties?.metadata).toEqual({ type: "object" });
    expect(schema.properties?.apiVersion).toEqual({ type: "string" });
    expect(schema.properties?.kind).toEqual({ type: "string" });
    expect(schema.required).toEqual(["spec"]);
  });

  it("lists the seed's all-mode required fields in `required`", () => {
    const requiredAt = (path: string): string[] => schemaNodesAt(schema, path)[0]?.required ?? [];
    expect(requiredAt("spec")).toEqual(["syncingMode", "deployment"]);
    expect(requiredAt("spec.deployment")).toEqual(["metadata", "spec"]);
    expect(requiredAt("spec.deployment.metadata")).toEqual(["name", "namespace"]);
    expect(requiredAt("spec.deployment.spec")).toEqual(["deploymentTargetName", "template"]);
    expect(requiredAt("spec.deployment.spec.template")).toEqual(["spec"]);
    expect(requiredAt("spec.deployment.spec.template.spec")).toEqual([
      "artifact",
      "engineVersionName",
    ]);
    expect(requiredAt("spec.deployment.spec.template.spec.artifact")).toEqual(["kind"]);
    // initFields has the same structure, every field optional.
    expect(requiredAt("spec.initFields.spec")).toEqual([]);
  });

  it("flattens the artifact union into one object with a kind enum", () => {
    const [artifact] = schemaNodesAt(schema, "spec.deployment.spec.template.spec.artifact");
    expect(artifact?.type).toBe("object");
    expect(artifact?.properties?.kind?.enum).toEqual(["JAR", "SQLSCRIPT", "PYTHON"]);
    expect(Object.keys(artifact?.properties ?? {})).toEqual(
      expect.arrayContaining([
        "jarUri",
        "sqlScript",
        "pythonArtifactUri",
        "entryClass",
        "entryModule",
      ]),
    );
    expect(artifact?.["x-kubernetes-validations"]?.map((rule) => rule.fieldPath)).toEqual([
      ".jarUri",
      ".sqlScript",
      ".pythonArtifactUri",
    ]);
  });

  it("types enums, integers and nullable nonces from the models", () => {
    const at = (path: string): JSONSchemaProps | undefined => schemaNodesAt(schema, path)[0];
    expect(at("spec.syncingMode")).toMatchObject({ type: "string", enum: ["PATCH", "PUT"] });
    expect(at("spec.deployment.spec.state")).toMatchObject({
      type: "string",
      enum: ["RUNNING", "CANCELLED", "SUSPENDED"],
    });
    expect(at("spec.savepointNonce")).toMatchObject({ type: "integer", nullable: true });
    expect(at("spec.restartNonce")).toMatchObject({ type: "integer", nullable: true });
    expect(at("spec.deployment.spec.maxJobCreationAttempts")?.type).toBe("integer");
    expect(at("status.conditions")).toMatchObject({
      type: "array",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    });
  });

  it("gives every rule a message and a fieldPath that resolves in the schema", () => {
    const rules = rulesOf(schema);
    expect(rules.length).toBeGreaterThan(10);
    for (const { node, rule, path } of rules) {
      expect(rule.message, path).not.toBe("");
      expect(rule.fieldPath, `${path}: ${rule.rule}`).toBeDefined();
      expect(resolveFieldPath(node, rule.fieldPath ?? ""), rule.fieldPath).toBeDefined();
    }
  });

  it("selects only declared fields in its rules (CEL would not compile otherwise)", () => {
    for (const { node, rule } of rulesOf(schema)) {
      for (const [, base, chain] of rule.rule.matchAll(/\b(self|oldSelf)((?:\.[A-Za-z0-9_]+)+)/g)) {
        const names = (chain ?? "")
          .split(".")
          .slice(1)
          .map((name) => name.replace(/^__(.*)__$/, "$1"));
        expect(resolveFieldPath(node, `.${names.join(".")}`), `${base}${chain}`).toBeDefined();
      }
    }
  });

  it("keeps rules within CEL cost limits: no macros, no loops", () => {
    for (const { rule } of rulesOf(schema)) {
      expect(rule.rule).not.toMatch(/\.(all|exists|exists_one|map|filter)\(|\bsize\(/);
    }
  });

  it("applies every description, with no entry for a path that does not exist", () => {
    for (const [path, description] of Object.entries(DESCRIPTIONS)) {
      const nodes = schemaNodesAt(schema, path);
      expect(nodes.length, path).toBeGreaterThan(0);
      for (const node of nodes) expect(node.description).toBe(description);
    }
  });
});

describe("the structural checker", () => {
  // The walker must catch what it claims to, or the test above proves nothing.
  it.each([
    ["an untyped node", { type: "object", properties: { a: {} } }, "node has no type"],
    ["a $ref", { type: "object", properties: { a: { $ref: "#/x" } } }, "forbidden keyword $ref"],
    ["a oneOf", { type: "object", oneOf: [{ type: "object" }] }, "forbidden keyword oneOf"],
    [
      "properties with additionalProperties",
      {
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: { type: "string" },
      },
      "properties and additionalProperties together",
    ],
    [
      "an array without items",
      { type: "object", properties: { a: { type: "array" } } },
      "array without",
    ],
    [
      "a required field that is not declared",
      { type: "object", properties: {}, required: ["a"] },
      "required field a is not a property",
    ],
    [
      "a rule whose fieldPath resolves nowhere",
      {
        type: "object",
        properties: { a: { type: "string" } },
        "x-kubernetes-validations": [{ rule: "true", message: "m", fieldPath: ".b" }],
      },
      "does not refer to a field",
    ],
    [
      "a transition rule under a list",
      {
        type: "object",
        properties: {
          a: {
            type: "array",
            items: {
              type: "object",
              properties: { b: { type: "string" } },
              "x-kubernetes-validations": [{ rule: "self.b == oldSelf.b", message: "m" }],
            },
          },
        },
      },
      "transition rule under a list",
    ],
    [
      "a rule without a message",
      { type: "object", "x-kubernetes-validations": [{ rule: "true", message: "" }] },
      "no message",
    ],
    [
      "metadata restrictions at the root",
      {
        type: "object",
        properties: { metadata: { type: "object", properties: { labels: { type: "object" } } } },
      },
      "only name and generateName",
    ],
  ])("reports %s", (_name, bad, problem) => {
    const violations = structuralViolations(bad as unknown as JSONSchemaProps);
    expect(violations.join("\n")).toContain(problem);
  });
});

describe("toStructuralSchema", () => {
  it("stops with the path on shapes a structural schema cannot hold", () => {
    const convert = (node: Record<string, unknown>) => () => toStructuralSchema(node);
    expect(convert({ type: "object", properties: { a: { $ref: "#/$defs/a" } } })).toThrow(
      StructuralSchemaError,
    );
    expect(convert({ type: "object", properties: { a: { anyOf: [] } } })).toThrow(/^a: /);
    expect(convert({ type: "object", properties: { a: {} } })).toThrow(
      /a: every node needs one type/,
    );
    expect(
      convert({
        type: "object",
        properties: { a: { type: "string" } },
        additionalProperties: { type: "string" },
      }),
    ).toThrow(/typed additionalProperties beside properties/);
    expect(convert({ oneOf: [{ type: "object", properties: { a: { type: "string" } } }] })).toThrow(
      /discriminator/,
    );
  });

  it("refuses to merge union branches that disagree on a shared field", () => {
    const branch = (kind: string, x: Record<string, unknown>) => ({
      type: "object",
      properties: { kind: { type: "string", enum: [kind] }, x },
      required: ["kind"],
    });
    expect(() =>
      toStructuralSchema({
        oneOf: [branch("A", { type: "string" }), branch("B", { type: "integer" })],
      }),
    ).toThrow(/x: union branches disagree/);
  });
});
