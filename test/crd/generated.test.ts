import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  buildCrd,
  buildJsonSchema,
  buildOpenApiV3Schema,
  GENERATED_NOTICE,
  JSON_SCHEMA_ID,
  renderCrdYaml,
  renderJsonSchema,
} from "../../src/crd/index.js";
import { PUT_MODE_REQUIREMENTS } from "../../src/models/index.js";
import { exampleCr } from "../support/examples.js";
import { without, withValue } from "./support/edit.js";
import { jsonSchemaErrors } from "./support/json-schema-check.js";
import { validateWithCrd } from "./support/kubernetes-validation.js";

const CRD_FILE = "crds/vvpdeployments.ververica.platform.yaml";
const SCHEMA_FILE = "schema/vvpdeployment.schema.json";
const readRepositoryFile = (path: string): string =>
  readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

const MODES = ["PATCH", "PUT"] as const;
const TEMPLATE_SPEC = ["spec", "deployment", "spec", "template", "spec"];

describe("generated files", () => {
  it("are fresh: the files on disk are what `npm run generate` writes", () => {
    const hint = "stale: run `npm run generate`";
    expect(readRepositoryFile(CRD_FILE), hint).toBe(renderCrdYaml());
    expect(readRepositoryFile(SCHEMA_FILE), hint).toBe(renderJsonSchema());
  });

  it("are deterministic", () => {
    expect(renderCrdYaml()).toBe(renderCrdYaml());
    expect(renderJsonSchema()).toBe(renderJsonSchema());
  });

  it("carry the generated-file notice and read back as the built objects", () => {
    const yaml = readRepositoryFile(CRD_FILE);
    expect(yaml.startsWith(`# ${GENERATED_NOTICE}\n`)).toBe(true);
    expect(parse(yaml)).toEqual(buildCrd());
    const json = readRepositoryFile(SCHEMA_FILE);
    expect(json.endsWith("}\n")).toBe(true);
    expect(JSON.parse(json)).toEqual(buildJsonSchema());
    expect(JSON.parse(json).$comment).toBe(GENERATED_NOTICE);
  });

  it("hold no absolute machine paths", () => {
    for (const text of [readRepositoryFile(CRD_FILE), readRepositoryFile(SCHEMA_FILE)]) {
      expect(text).not.toMatch(/\/(work|home|tmp|Users)\//);
    }
  });
});

describe("the CRD schema, as the API server applies it", () => {
  const schema = buildOpenApiV3Schema();

  it.each(MODES)("admits the seed's %s example unchanged: nothing pruned, no error", (mode) => {
    const verdict = validateWithCrd(schema, exampleCr(mode));
    expect(verdict).toEqual({ allowed: true, errors: [], pruned: [], celSkipped: false });
  });

  it("admits a status the operator writes", () => {
    const cr = {
      ...exampleCr("PATCH"),
      status: {
        deploymentId: "5f7c",
        observedGeneration: 2,
        syncEnabled: true,
        observedSpecState: "RUNNING",
        actualState: "TRANSITIONING",
        lastProcessedSavepointNonce: null,
        lastConsumedSavepointNonce: 3,
        conditions: [
          {
            type: "Healthy",
            status: "True",
            reason: "AllConditionsMet",
            message: "",
            lastTransitionTime: "2025-01-01T00:00:00Z",
            observedGeneration: 2,
          },
        ],
      },
    };
    expect(validateWithCrd(schema, cr)).toMatchObject({ allowed: true, pruned: [] });
  });

  it("rejects wrong types, enums and a missing required field at their paths", () => {
    let cr = withValue(exampleCr("PATCH"), ["spec", "syncingMode"], "MERGE");
    cr = withValue(cr, ["spec", "savepointNonce"], 1.5);
    cr = without(cr, [...TEMPLATE_SPEC, "engineVersionName"]);
    const verdict = validateWithCrd(schema, cr);
    expect(verdict.errors.map(({ field, type }) => [field, type])).toEqual([
      ["spec.syncingMode", "NotSupported"],
      ["spec.deployment.spec.template.spec.engineVersionName", "Required"],
      ["spec.savepointNonce", "TypeInvalid"],
    ]);
    expect(verdict.celSkipped).toBe(true);
  });

  it("keeps unknown VVP fields and prunes unknown fields outside the VVP body", () => {
    let cr = withValue(exampleCr("PATCH"), [...TEMPLATE_SPEC, "someFutureField"], { nested: true });
    cr = withValue(cr, ["spec", "syncMode"], "PUT"); // a typo of syncingMode
    expect(validateWithCrd(schema, cr).pruned).toEqual(["spec.syncMode"]);
  });
});

describe("the editor JSON Schema", () => {
  const schema = buildJsonSchema();

  it("is a draft 2020-12 document with an id, a title and a description", () => {
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: JSON_SCHEMA_ID,
      title: "VvpDeployment",
      description: expect.any(String),
    });
  });

  it.each(MODES)("accepts the seed's %s example", (mode) => {
    expect(jsonSchemaErrors(schema as never, exampleCr(mode))).toEqual([]);
  });

  it("flags each PUT-mode field in PUT mode only", () => {
    for (const { anyOf } of PUT_MODE_REQUIREMENTS) {
      const cr = anyOf.reduce((current, path) => without(current, path), exampleCr("PUT"));
      const field = anyOf[0]?.join(".") ?? "";
      const parent = anyOf[0]?.slice(0, -1).join(".") ?? "";
      const errors = jsonSchemaErrors(schema as never, cr);
      expect(errors.length, field).toBe(1);
      expect(errors[0]?.startsWith(anyOf.length === 1 ? `${field}: required` : `${parent}: `)).toBe(
        true,
      );
      expect(
        jsonSchemaErrors(schema as never, withValue(cr, ["spec", "syncingMode"], "PATCH")),
      ).toEqual([]);
    }
  });

  it("flags a missing artifact field, a wrong kind, an unknown spec key and a missing owner label", () => {
    const patch = exampleCr("PATCH");
    const noJarUri = without(patch, [...TEMPLATE_SPEC, "artifact", "jarUri"]);
    expect(jsonSchemaErrors(schema as never, noJarUri)).toEqual([
      "spec.deployment.spec.template.spec.artifact: matches 0 of oneOf, not exactly one",
    ]);
    const wrongKind = withValue(patch, [...TEMPLATE_SPEC, "artifact", "kind"], "ZIP");
    expect(jsonSchemaErrors(schema as never, wrongKind)).toHaveLength(1);
    const typo = withValue(patch, ["spec", "syncMode"], "PUT");
    expect(jsonSchemaErrors(schema as never, typo)).toEqual(["spec.syncMode: not allowed"]);
    const unowned = without(patch, ["metadata", "labels"]);
    expect(jsonSchemaErrors(schema as never, unowned)).toEqual(["metadata.labels: required"]);
  });
});
