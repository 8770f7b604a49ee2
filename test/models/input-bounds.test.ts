// Hostile input: each case here took seconds to minutes before the bounds
// (quadratic alias resolution, quadratic duplicate-key checks, walks over
// sparse arrays of length 2^32-2). They assert on the error naming the limit;
// vitest's default timeout is the regression guard for the time.
import { describe, expect, it } from "vitest";
import {
  inspectInput,
  MAX_LIST_ITEMS,
  MAX_NESTING_DEPTH,
  MAX_OBJECT_BYTES,
  MAX_TEXT_LENGTH,
  MAX_YAML_ALIASES,
  parseVvpDeployment,
} from "../../src/models/index.js";
import { reviewAdmission, validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr, exampleText } from "../support/examples.js";

type Json = Record<string, unknown>;
const options = { instanceId: "my-operator" };

function templateSpec(cr: Json): Json {
  const deployment = (cr.spec as Json).deployment as Json;
  return ((deployment.spec as Json).template as Json).spec as Json;
}

function cr(): Json {
  return exampleCr("PUT") as unknown as Json;
}

function review(object: unknown, oldObject?: unknown): Json {
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: "uid-1",
      operation: oldObject === undefined ? "CREATE" : "UPDATE",
      object,
      oldObject,
    },
  };
}

/** Parse, validate and the webhook adapter, each refusing `object` with one error. */
function everyEntryPoint(object: Json): { field: string; reason: string; message: string }[] {
  const parsed = parseVvpDeployment(object);
  const validated = validateVvpDeployment(object, options);
  const reviewed = reviewAdmission(review(object), options).response;
  expect(parsed.ok).toBe(false);
  expect(validated.allowed).toBe(false);
  expect(reviewed.allowed).toBe(false);
  expect(reviewed.status?.code).toBe(422);
  const causes = (reviewed.status?.details?.causes ?? []).map(({ type, field, message }) => ({
    field,
    reason: type,
    message,
  }));
  expect(validated.errors).toEqual(parsed.ok ? [] : parsed.errors);
  expect(causes).toEqual(validated.errors);
  return validated.errors;
}

describe("YAML text bounds", () => {
  it(`refuses more than ${MAX_YAML_ALIASES} aliases before resolving any (about 24 s before)`, () => {
    const lines = ["a: &b [1]"];
    for (let index = 0; index < 40_000; index += 1) lines.push(`k${index}: *b`);
    const result = parseVvpDeployment(lines.join("\n"));
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: "<root>",
          reason: "FieldValueInvalid",
          message: expect.stringContaining(`more than ${MAX_YAML_ALIASES} aliases, the limit`),
        },
      ],
      warnings: [],
    });
  });

  it("still reads a few aliases and merge keys", () => {
    const text = exampleText("PATCH").replace(
      "kind: VvpDeployment",
      "kind: &kind VvpDeployment\nx-defaults: &defaults {state: RUNNING}",
    );
    const read = parseVvpDeployment(
      text.replace("syncingMode: PATCH", "syncingMode: PATCH\n  restartNonce: 1\n  z: *kind"),
    );
    // The aliases resolve: what remains are the two unknown fields, not a YAML error.
    expect(!read.ok && read.errors.map((error) => error.field).sort()).toEqual([
      "[x-defaults]",
      "spec.z",
    ]);
  });

  it("does not count an asterisk inside a string or a block scalar as an alias", () => {
    const lines = Array.from({ length: MAX_YAML_ALIASES + 5 }, () => "      * a line");
    const text = `${exampleText("PATCH")}\n  initFields:\n    metadata:\n      annotations:\n        note: |\n${lines.map((line) => `    ${line}`).join("\n")}\n`;
    const result = parseVvpDeployment(text);
    expect(result.ok).toBe(true);
  });

  it("checks duplicate keys in linear time (20,000 keys took about 7 s before)", () => {
    const text = Array.from({ length: 20_000 }, (_, index) => `k${index}: 1`).join("\n");
    const result = parseVvpDeployment(text);
    expect(!result.ok && result.errors.some((error) => error.field === "k19999")).toBe(true);
  });

  it("still refuses a duplicate key, naming it", () => {
    const result = parseVvpDeployment(`${exampleText("PUT")}\nkind: VvpDeployment\n`);
    expect(!result.ok && result.errors[0]?.message).toContain(
      'Map keys must be unique ("kind" appears twice)',
    );
  });

  it(`refuses text longer than ${MAX_TEXT_LENGTH} characters without parsing it`, () => {
    const text = `# ${"x".repeat(MAX_TEXT_LENGTH)}\n${exampleText("PUT")}`;
    const result = parseVvpDeployment(text);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: "<root>",
          reason: "FieldValueTooLong",
          message: expect.stringContaining(`more than the limit of ${MAX_TEXT_LENGTH}`),
        },
      ],
      warnings: [],
    });
  });
});

describe("object bounds, in parse, validate and reviewAdmission alike", () => {
  it("refuses a sparse list of length 2^32-2 by its length (minutes before)", () => {
    const object = cr();
    (templateSpec(object).artifact as Json).additionalDependencies = new Array(2 ** 32 - 2);
    expect(everyEntryPoint(object)).toEqual([
      {
        field: "spec.deployment.spec.template.spec.artifact.additionalDependencies",
        reason: "FieldValueTooMany",
        message: `Too many: 4294967294: must have at most ${MAX_LIST_ITEMS} items`,
      },
    ]);
  });

  it("refuses a long list in the open VVP body too, where no schema reads it", () => {
    const object = cr();
    templateSpec(object).kubernetes = { pods: { volumes: new Array(MAX_LIST_ITEMS + 1).fill({}) } };
    expect(everyEntryPoint(object)[0]?.field).toBe(
      "spec.deployment.spec.template.spec.kubernetes.pods.volumes",
    );
  });

  it(`refuses an object larger than ${MAX_OBJECT_BYTES} bytes`, () => {
    const object = cr();
    templateSpec(object).flinkConfiguration = { big: "x".repeat(MAX_OBJECT_BYTES) };
    expect(everyEntryPoint(object)).toEqual([
      {
        field: "<root>",
        reason: "FieldValueTooLong",
        message: expect.stringContaining(`larger than the limit of ${MAX_OBJECT_BYTES} bytes`),
      },
    ]);
  });

  it("counts a shared subtree every time it appears, so sharing cannot multiply the work", () => {
    const object = cr();
    const shared = { text: "y".repeat(1_000) };
    templateSpec(object).kubernetes = { pods: { volumes: new Array(5_000).fill(shared) } };
    expect(everyEntryPoint(object)[0]?.reason).toBe("FieldValueTooLong");
  });

  it(`refuses nesting deeper than ${MAX_NESTING_DEPTH} levels, naming where`, () => {
    const object = cr();
    let deep: Json = {};
    for (let level = 0; level < MAX_NESTING_DEPTH + 10; level += 1) deep = { a: deep };
    templateSpec(object).kubernetes = deep;
    const [error] = everyEntryPoint(object);
    expect(error?.reason).toBe("FieldValueInvalid");
    expect(error?.message).toContain(`deeper than the limit of ${MAX_NESTING_DEPTH} levels`);
    expect(error?.field).toMatch(/^spec\.deployment\.spec\.template\.spec\.kubernetes(\.a)+$/);
  });

  it("refuses a cycle instead of walking it forever", () => {
    const object = cr();
    const loop: Json = {};
    loop.self = loop;
    templateSpec(object).kubernetes = loop;
    expect(everyEntryPoint(object)).toHaveLength(1);
  });

  it("answers a bounded oldObject with 400, before comparing it", () => {
    const old = cr();
    (templateSpec(old).artifact as Json).additionalDependencies = new Array(2 ** 32 - 2);
    const { response } = reviewAdmission(review(cr(), old), options);
    expect(response.allowed).toBe(false);
    expect(response.status?.code).toBe(400);
    expect(response.status?.message).toContain(`must have at most ${MAX_LIST_ITEMS} items`);
  });

  it("bounds both objects of a delete-time update before comparing their specs", () => {
    const huge = new Array(2 ** 32 - 2);
    const object = { ...cr(), metadata: { name: "x", deletionTimestamp: "2025-01-01T00:00:00Z" } };
    (object as Json).spec = { list: huge };
    const { response } = reviewAdmission(
      review(object, { ...object, spec: { list: huge } }),
      options,
    );
    expect(response.allowed).toBe(false);
    expect(response.status?.details?.causes?.[0]?.type).toBe("FieldValueTooMany");
  });

  it("finds every __proto__ key only when there is one, with its path", () => {
    expect(inspectInput(cr())).toEqual({ bound: undefined, prototypeKeys: [], bodyWarnings: [] });
    const object = JSON.parse('{"a": [{"b": {"__proto__": {"x": 1}}}]}');
    expect(inspectInput(object).prototypeKeys.map((error) => error.field)).toEqual([
      "a[0].b.__proto__",
    ]);
  });
});
