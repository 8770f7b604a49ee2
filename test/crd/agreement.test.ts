import { describe, expect, it } from "vitest";
import { buildOpenApiV3Schema } from "../../src/crd/index.js";
import { IMMUTABLE_FIELDS, PUT_MODE_REQUIREMENTS } from "../../src/models/index.js";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr } from "../support/examples.js";
import { without, withValue } from "./support/edit.js";
import { validateWithCrd } from "./support/kubernetes-validation.js";

// A cluster without the webhook (the CRD's schema and CEL rules) and the
// webhook (validateVvpDeployment) must give the same verdict on the rules
// both enforce, and name the same fields. The owner label, watched namespaces
// and the API-key annotation are webhook-only (instance-specific, or on
// metadata, which a CRD may not restrict), so every object here keeps them valid.

type Json = Record<string, unknown>;
type Scenario = { name: string; object: Json; oldObject?: Json };

const schema = buildOpenApiV3Schema();
const MODES = ["PATCH", "PUT"] as const;
const remove = without;
const set = withValue;

const ARTIFACT = ["spec", "deployment", "spec", "template", "spec", "artifact"];
// The seed's "Required Fields (All Modes)", their parents, and the artifact's kind-specific field.
const ALL_MODE_REQUIRED = [
  ["spec"],
  ["spec", "syncingMode"],
  ["spec", "deployment"],
  ["spec", "deployment", "metadata"],
  ["spec", "deployment", "metadata", "name"],
  ["spec", "deployment", "metadata", "namespace"],
  ["spec", "deployment", "spec"],
  ["spec", "deployment", "spec", "deploymentTargetName"],
  ["spec", "deployment", "spec", "template"],
  ["spec", "deployment", "spec", "template", "spec"],
  ARTIFACT,
  [...ARTIFACT, "kind"],
  [...ARTIFACT, "jarUri"],
  ["spec", "deployment", "spec", "template", "spec", "engineVersionName"],
];

function scenarios(): Scenario[] {
  const list: Scenario[] = [];
  for (const mode of MODES) {
    const base = exampleCr(mode) as unknown as Json;
    list.push({ name: `${mode} example`, object: base });
    for (const path of ALL_MODE_REQUIRED) {
      list.push({ name: `${mode} without ${path.join(".")}`, object: remove(base, path) });
    }
    // The PUT fields, removed from the complete PUT example, in both modes.
    const complete = set(exampleCr("PUT") as unknown as Json, ["spec", "syncingMode"], mode);
    for (const { anyOf } of PUT_MODE_REQUIREMENTS) {
      const object = anyOf.reduce<Json>((current, path) => remove(current, path), complete);
      list.push({ name: `${mode} without ${anyOf.map((p) => p.join(".")).join(" and ")}`, object });
      // One alternative alone is enough.
      if (anyOf.length > 1) {
        list.push({
          name: `${mode} without ${anyOf[0]?.join(".")} only`,
          object: remove(complete, anyOf[0] ?? []),
        });
      }
    }
    for (const path of IMMUTABLE_FIELDS) {
      list.push({
        name: `${mode} update changing ${path.join(".")}`,
        object: set(base, path, "changed"),
        oldObject: base,
      });
      list.push({
        name: `${mode} create with another ${path.join(".")}`,
        object: set(base, path, "changed"),
      });
    }
    const other = mode === "PATCH" ? "PUT" : "PATCH";
    list.push(
      {
        name: `${mode} update of state`,
        object: set(base, ["spec", "deployment", "spec", "state"], "RUNNING"),
        oldObject: base,
      },
      {
        name: `${mode} update of savepointNonce`,
        object: set(base, ["spec", "savepointNonce"], 7),
        oldObject: base,
      },
      {
        name: `${mode} update to syncingMode ${other}`,
        object: set(base, ["spec", "syncingMode"], other),
        oldObject: base,
      },
      {
        name: `${mode} with state STOPPED`,
        object: set(base, ["spec", "deployment", "spec", "state"], "STOPPED"),
      },
      {
        name: `${mode} with syncingMode MERGE`,
        object: set(base, ["spec", "syncingMode"], "MERGE"),
      },
      { name: `${mode} with a fractional nonce`, object: set(base, ["spec", "restartNonce"], 1.5) },
      { name: `${mode} with a string nonce`, object: set(base, ["spec", "restartNonce"], "1") },
      { name: `${mode} with a null nonce`, object: set(base, ["spec", "savepointNonce"], null) },
      { name: `${mode} with nonce 0`, object: set(base, ["spec", "restartNonce"], 0) },
      {
        name: `${mode} with the operator's restart-nonce annotation`,
        object: set(base, ["spec", "deployment", "spec", "template", "metadata"], {
          annotations: { "ververica.platform/restart-nonce": "3/1" },
        }),
      },
      {
        name: `${mode} with the operator's cr-uid annotation in initFields`,
        object: set(base, ["spec", "initFields"], {
          metadata: { annotations: { "ververica.platform/cr-uid": "someone-else" } },
        }),
      },
      { name: `${mode} with artifact kind ZIP`, object: set(base, [...ARTIFACT, "kind"], "ZIP") },
      { name: `${mode} with an empty jarUri`, object: set(base, [...ARTIFACT, "jarUri"], "") },
      {
        name: `${mode} with an upper-case deployment name`,
        object: set(base, ["spec", "deployment", "metadata", "name"], "My-Job"),
      },
      {
        name: `${mode} with a SQLSCRIPT artifact`,
        object: set(base, ARTIFACT, { kind: "SQLSCRIPT", sqlScript: "SELECT 1" }),
      },
      {
        name: `${mode} with a SQLSCRIPT artifact without sqlScript`,
        object: set(base, ARTIFACT, { kind: "SQLSCRIPT", jarUri: "s3://b/j.jar" }),
      },
      {
        name: `${mode} with a PYTHON artifact`,
        object: set(base, ARTIFACT, { kind: "PYTHON", pythonArtifactUri: "s3://b/job.py" }),
      },
      {
        name: `${mode} with a PYTHON artifact without pythonArtifactUri`,
        object: set(base, ARTIFACT, { kind: "PYTHON" }),
      },
      {
        name: `${mode} with initFields holding an artifact without jarUri`,
        object: set(base, ["spec", "initFields"], {
          spec: { template: { spec: { artifact: { kind: "JAR" } } } },
        }),
      },
    );
  }
  // PATCH → PUT with the PUT fields written: the new mode is simply valid.
  const put = exampleCr("PUT") as unknown as Json;
  list.push({
    name: "PATCH to PUT with the PUT fields",
    object: put,
    oldObject: set(put, ["spec", "syncingMode"], "PATCH"),
  });
  return list;
}

const isAtOrWithin = (field: string, ancestor: string): boolean =>
  field === ancestor || field.startsWith(`${ancestor}.`) || field.startsWith(`${ancestor}[`);

describe("the CRD agrees with validateVvpDeployment", () => {
  const all = scenarios();

  it("covers admitted and denied objects", () => {
    const verdicts = all.map(
      ({ object, oldObject }) => validateWithCrd(schema, object, oldObject).allowed,
    );
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(5);
    expect(verdicts.filter((allowed) => !allowed).length).toBeGreaterThan(20);
  });

  it.each(all.map((scenario) => [scenario.name, scenario] as const))(
    "%s",
    (_name, { object, oldObject }) => {
      const cluster = validateWithCrd(schema, object, oldObject);
      const webhook = validateVvpDeployment(object, { instanceId: "my-operator", oldObject });
      const webhookFields = webhook.errors.map((error) => error.field);
      expect(
        cluster.allowed,
        JSON.stringify({ cluster: cluster.errors, webhook: webhook.errors }),
      ).toBe(webhook.allowed);
      // Every field the cluster names, the webhook names too (itself or, when it
      // reports a missing parent once, that parent).
      for (const error of cluster.errors) {
        if (error.field === "") continue;
        expect(
          webhookFields.some((field) => isAtOrWithin(error.field, field)),
          `${error.field} (${error.type}: ${error.detail}) not in ${JSON.stringify(webhookFields)}`,
        ).toBe(true);
      }
      // When the CEL rules ran, the webhook names nothing the cluster misses.
      if (!cluster.celSkipped) {
        for (const field of webhookFields) {
          expect(
            cluster.errors.some(
              (error) => isAtOrWithin(error.field, field) || isAtOrWithin(field, error.field),
            ),
            `${field} not reported by the CRD: ${JSON.stringify(cluster.errors)}`,
          ).toBe(true);
        }
      }
    },
  );

  it("names each CEL rule's fieldPath exactly as the webhook does", () => {
    const celErrors = all.flatMap(({ object, oldObject }) => {
      const cluster = validateWithCrd(schema, object, oldObject);
      const webhook = validateVvpDeployment(object, { instanceId: "my-operator", oldObject });
      return cluster.errors
        .filter((error) => error.rule?.fieldPath !== undefined)
        .map((error) => ({ field: error.field, webhook: webhook.errors.map((e) => e.field) }));
    });
    expect(celErrors.length).toBeGreaterThan(10);
    for (const { field, webhook } of celErrors) expect(webhook).toContain(field);
  });
});
