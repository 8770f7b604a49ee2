import { describe, expect, it } from "vitest";
import { buildOpenApiV3Schema } from "../../src/crd/index.js";
import { exampleCr } from "../support/examples.js";
import { without, withValue } from "./support/edit.js";
import { evaluateRule, isTransitionRule, rulesOf } from "./support/kubernetes-validation.js";

// Every CEL rule of the CRD, evaluated with @bufbuild/cel on the node that
// carries it. The table is keyed by rule message: a rule added to the CRD
// without cases here fails "has cases for every rule".

type Case = { self: unknown; oldSelf?: unknown };
type Cases = { holds: Case[]; fails: Case[] };

const putSpec = exampleCr("PUT").spec;
const patchSpec = exampleCr("PATCH").spec;
const asPatch = (spec: unknown) => withValue(spec, ["syncingMode"], "PATCH");
const TEMPLATE_SPEC = ["deployment", "spec", "template", "spec"];
const LOGGING = [...TEMPLATE_SPEC, "logging"];

// A PUT-mode field: required in PUT, not in PATCH; `extra` adds cases.
function putField(path: readonly string[], extra: Partial<Cases> = {}): Cases {
  return {
    holds: [
      { self: putSpec },
      { self: asPatch(without(putSpec, path)) },
      { self: patchSpec },
      ...(extra.holds ?? []),
    ],
    fails: [{ self: without(putSpec, path) }, ...(extra.fails ?? [])],
  };
}

// The logging sub-fields only apply once logging is there (its own rule covers its absence).
const loggingField = (name: string): Cases =>
  putField([...LOGGING, name], { holds: [{ self: without(putSpec, LOGGING) }] });

const artifact = (fields: Record<string, unknown>) => fields;
const jar = artifact({ kind: "JAR", jarUri: "s3://bucket/job.jar" });
const sql = artifact({ kind: "SQLSCRIPT", sqlScript: "SELECT 1" });
const python = artifact({ kind: "PYTHON", pythonArtifactUri: "s3://bucket/job.py" });

const deploymentMetadata = { name: "my-deployment", namespace: "default", labels: { a: "b" } };
const deploymentSpec = putSpec.deployment.spec;

// The operator's reserved annotations, on the metadata node that carries them.
const reservedAnnotation = (key: string): Cases => ({
  holds: [
    { self: {} },
    { self: { annotations: {} } },
    { self: { annotations: { "team.example.com/owner": "data" } } },
  ],
  fails: [
    { self: { annotations: { [key]: "1" } } },
    { self: { annotations: { a: "b", [key]: "" } } },
  ],
});

const CASES: Record<string, Cases> = {
  "the annotation ververica.platform/restart-nonce is managed by the operator: remove it":
    reservedAnnotation("ververica.platform/restart-nonce"),
  "the annotation ververica.platform/cr-uid is managed by the operator: remove it":
    reservedAnnotation("ververica.platform/cr-uid"),
  "the annotation ververica.platform/projected-state is managed by the operator: remove it":
    reservedAnnotation("ververica.platform/projected-state"),
  "required when syncingMode is PUT: add maxSavepointCreationAttempts, e.g. maxSavepointCreationAttempts: 3":
    putField(["deployment", "spec", "maxSavepointCreationAttempts"]),
  "required when syncingMode is PUT: add maxJobCreationAttempts, e.g. maxJobCreationAttempts: 3":
    putField(["deployment", "spec", "maxJobCreationAttempts"]),
  "required when syncingMode is PUT: add template.metadata; it may be empty: metadata: {}":
    putField(["deployment", "spec", "template", "metadata"]),
  "required when syncingMode is PUT: add logging with loggingProfile, log4jLoggers and logReservePolicy":
    putField(LOGGING),
  'required when syncingMode is PUT: add logging.loggingProfile, e.g. loggingProfile: "default"':
    loggingField("loggingProfile"),
  'required when syncingMode is PUT: add logging.log4jLoggers, e.g. log4jLoggers: {"": INFO}':
    loggingField("log4jLoggers"),
  "required when syncingMode is PUT: add logging.logReservePolicy, e.g. logReservePolicy: {openHistory: true, expirationDays: 7}":
    loggingField("logReservePolicy"),
  "required when syncingMode is PUT: add numberOfTaskManagers or parallelism (at least one), e.g. numberOfTaskManagers: 1":
    {
      holds: [
        { self: putSpec },
        // parallelism alone is enough
        {
          self: withValue(
            without(putSpec, [...TEMPLATE_SPEC, "numberOfTaskManagers"]),
            [...TEMPLATE_SPEC, "parallelism"],
            2,
          ),
        },
        { self: asPatch(without(putSpec, [...TEMPLATE_SPEC, "numberOfTaskManagers"])) },
      ],
      fails: [{ self: without(putSpec, [...TEMPLATE_SPEC, "numberOfTaskManagers"]) }],
    },
  "kind JAR requires jarUri: add jarUri, the URI of the job JAR, e.g. jarUri: s3://my-bucket/artifacts/MyJob.jar":
    {
      holds: [{ self: jar }, { self: sql }, { self: { kind: "SQLSCRIPT" } }],
      fails: [{ self: { kind: "JAR" } }, { self: { kind: "JAR", sqlScript: "SELECT 1" } }],
    },
  "kind SQLSCRIPT requires sqlScript: add sqlScript, the SQL statements to run": {
    holds: [{ self: sql }, { self: jar }, { self: { kind: "PYTHON" } }],
    fails: [
      { self: { kind: "SQLSCRIPT" } },
      { self: { kind: "SQLSCRIPT", jarUri: "s3://b/j.jar" } },
    ],
  },
  "kind PYTHON requires pythonArtifactUri: add pythonArtifactUri, the URI of the Python job, e.g. pythonArtifactUri: s3://my-bucket/artifacts/job.py":
    {
      holds: [{ self: python }, { self: jar }, { self: { kind: "JAR" } }],
      fails: [{ self: { kind: "PYTHON" } }, { self: { kind: "PYTHON", entryModule: "main" } }],
    },
  "name is immutable after creation: set it back to the value the VvpDeployment was created with, or create a new VvpDeployment":
    {
      holds: [
        { self: deploymentMetadata, oldSelf: deploymentMetadata },
        { self: withValue(deploymentMetadata, ["labels"], {}), oldSelf: deploymentMetadata },
        {
          self: withValue(deploymentMetadata, ["namespace"], "other"),
          oldSelf: deploymentMetadata,
        },
      ],
      fails: [
        { self: withValue(deploymentMetadata, ["name"], "renamed"), oldSelf: deploymentMetadata },
      ],
    },
  "namespace is immutable after creation: set it back to the value the VvpDeployment was created with, or create a new VvpDeployment":
    {
      holds: [
        { self: deploymentMetadata, oldSelf: deploymentMetadata },
        { self: withValue(deploymentMetadata, ["name"], "renamed"), oldSelf: deploymentMetadata },
      ],
      fails: [
        {
          self: withValue(deploymentMetadata, ["namespace"], "other"),
          oldSelf: deploymentMetadata,
        },
      ],
    },
  "deploymentTargetName is immutable after creation: set it back to the value the VvpDeployment was created with, or create a new VvpDeployment":
    {
      holds: [
        { self: deploymentSpec, oldSelf: deploymentSpec },
        { self: withValue(deploymentSpec, ["state"], "RUNNING"), oldSelf: deploymentSpec },
      ],
      fails: [
        {
          self: withValue(deploymentSpec, ["deploymentTargetName"], "other"),
          oldSelf: deploymentSpec,
        },
      ],
    },
};

const schema = buildOpenApiV3Schema();
const rules = rulesOf(schema);

describe("CEL rules of the CRD", () => {
  it("has cases for every rule, and no cases for a rule that no longer exists", () => {
    const messages = new Set(rules.map(({ rule }) => rule.message));
    expect([...messages].filter((message) => !(message in CASES))).toEqual([]);
    expect(Object.keys(CASES).filter((message) => !messages.has(message))).toEqual([]);
  });

  it.each(rules.map((entry) => [`${entry.path || "<root>"}: ${entry.rule.rule}`, entry] as const))(
    "%s holds and fails where it should",
    (_name, { node, rule }) => {
      const cases = CASES[rule.message];
      if (cases === undefined) throw new Error(`no cases for ${rule.message}`);
      expect(cases.holds.length).toBeGreaterThan(0);
      expect(cases.fails.length).toBeGreaterThan(0);
      for (const { self, oldSelf } of cases.holds) {
        expect(evaluateRule(rule, node, self, oldSelf)).toEqual({
          holds: true,
          message: rule.message,
        });
      }
      for (const { self, oldSelf } of cases.fails) {
        expect(evaluateRule(rule, node, self, oldSelf)).toMatchObject({ holds: false });
      }
      if (isTransitionRule(rule)) {
        expect(cases.fails.every((c) => c.oldSelf !== undefined)).toBe(true);
      }
    },
  );

  it("names the value to restore when an immutable field changes (messageExpression)", () => {
    const transitions = rules.filter(({ rule }) => isTransitionRule(rule));
    expect(transitions.map(({ path, rule }) => `${path}${rule.fieldPath}`)).toEqual([
      "spec.deployment.metadata.name",
      "spec.deployment.metadata.namespace",
      "spec.deployment.spec.deploymentTargetName",
    ]);
    for (const { node, rule } of transitions) {
      const [failing] = CASES[rule.message]?.fails ?? [];
      if (failing === undefined) throw new Error(`no failing case for ${rule.message}`);
      const outcome = evaluateRule(rule, node, failing.self, failing.oldSelf);
      const field = (rule.fieldPath ?? "").slice(1);
      const old = (failing.oldSelf as Record<string, string>)[field];
      expect(outcome).toEqual({
        holds: false,
        message: expect.stringContaining(`set it back to "${old}"`),
      });
      expect(rule.reason).toBe("FieldValueInvalid");
    }
  });
});
