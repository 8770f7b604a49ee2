import { describe, expect, it } from "vitest";
import type { VvpDeployment } from "../../src/models/index.js";
import {
  deepMerge,
  deploymentDifferences,
  deploymentMatches,
  projectDeployment,
} from "../../src/projection/index.js";
import { buildCr, deploymentFor, INSTANCE, UID } from "../support/builders.js";

const MARKED_METADATA = {
  name: "my-deployment",
  namespace: "default",
  labels: { "ververica.platform/owner": INSTANCE },
  // The projected-state mark names the state the body carries.
  annotations: {
    "ververica.platform/cr-uid": UID,
    "ververica.platform/projected-state": "CANCELLED",
  },
};

function withInitFields(cr: VvpDeployment, initFields: unknown): VvpDeployment {
  return { ...cr, spec: { ...cr.spec, initFields } } as VvpDeployment;
}

describe("projectDeployment: methods", () => {
  it.each([
    ["PATCH", "create", "POST"],
    ["PATCH", "update", "PATCH"],
    ["PUT", "create", "POST"],
    ["PUT", "update", "PUT"],
  ] as const)("%s mode, %s → %s", (mode, operation, method) => {
    expect(projectDeployment(buildCr(mode), { operation, instanceId: INSTANCE }).method).toBe(
      method,
    );
  });
});

describe("projectDeployment: PATCH body", () => {
  it("is exactly the fields present in spec.deployment plus the operator marks", () => {
    const cr = buildCr("PATCH");
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body).toEqual({
      metadata: MARKED_METADATA,
      spec: {
        state: "CANCELLED",
        deploymentTargetName: "default",
        template: {
          spec: {
            artifact: { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob.jar" },
            engineVersionName: "vera-4.1-flink-1.20",
          },
        },
      },
    });
  });

  it("keeps the CR's own labels and annotations next to the marks", () => {
    const cr = buildCr("PATCH");
    cr.spec.deployment.metadata.labels = { team: "data" };
    cr.spec.deployment.metadata.annotations = { note: "x" };
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body.metadata?.labels).toEqual({ team: "data", "ververica.platform/owner": INSTANCE });
    expect(body.metadata?.annotations).toEqual({
      note: "x",
      "ververica.platform/cr-uid": UID,
      "ververica.platform/projected-state": "CANCELLED",
    });
  });

  it("never includes VVP bookkeeping: id, resourceVersion, timestamps, controller annotations, status", () => {
    const cr = buildCr("PATCH");
    Object.assign(cr.spec.deployment.metadata, {
      id: "x",
      resourceVersion: 4,
      createdAt: "t",
      modifiedAt: "t",
      annotations: { "com.dataartisans.appmanager.controller.deployment.spec.version": "3" },
    });
    (cr.spec.deployment as Record<string, unknown>).status = { state: "RUNNING" };
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body).not.toHaveProperty("status");
    expect(body.metadata).toEqual(MARKED_METADATA);
  });

  it("does not carry the restart annotation (a merge patch leaves VVP's in place)", () => {
    const cr = buildCr("PATCH", { status: { lastProcessedTriggerNonce: 4 } });
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body.spec?.template?.metadata).toBeUndefined();
  });

  it("uses the CR uid, or namespace/name for a CR without uid", () => {
    const cr = buildCr("PATCH", { uid: null });
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body.metadata?.annotations?.["ververica.platform/cr-uid"]).toBe(
      "my-deploy-namespace/my-deployment",
    );
  });

  it("does not modify the CR", () => {
    const cr = buildCr("PUT", { status: { lastProcessedTriggerNonce: 2 } });
    const before = structuredClone(cr);
    projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    projectDeployment(cr, { operation: "create", instanceId: INSTANCE });
    expect(cr).toEqual(before);
  });
});

describe("projectDeployment: PUT body", () => {
  it("is the full spec.deployment plus the marks", () => {
    const cr = buildCr("PUT");
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body).toEqual({ ...cr.spec.deployment, metadata: MARKED_METADATA });
  });

  it("carries the restart-nonce annotation it is given, as it is", () => {
    const cr = buildCr("PUT");
    const { body } = projectDeployment(cr, {
      operation: "update",
      instanceId: INSTANCE,
      restartAnnotation: "0/3",
    });
    expect(body.spec?.template?.metadata?.annotations).toEqual({
      "ververica.platform/restart-nonce": "0/3",
    });
  });

  // Ours: the status keeps nonce numbers, while VVP holds a token; the caller
  // passes the annotation to keep (a restart of this cycle, or VVP's value).
  it("never carries the restart-nonce annotation from lastProcessedTriggerNonce, only the one it is given", () => {
    const cr = buildCr("PUT", { status: { lastProcessedTriggerNonce: 7 } });
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body.spec?.template?.metadata).toEqual({});
  });

  it("keeps the CR's own template annotations next to the restart annotation", () => {
    const cr = buildCr("PUT");
    cr.spec.deployment.spec.template.metadata = { annotations: { team: "data" } };
    const { body } = projectDeployment(cr, {
      operation: "update",
      instanceId: INSTANCE,
      restartAnnotation: "2/5",
    });
    expect(body.spec?.template?.metadata?.annotations).toEqual({
      team: "data",
      "ververica.platform/restart-nonce": "2/5",
    });
    expect(cr.spec.deployment.spec.template.metadata).toEqual({ annotations: { team: "data" } });
  });

  it("PATCH and create bodies never carry the restart annotation", () => {
    for (const [mode, operation] of [
      ["PATCH", "update"],
      ["PATCH", "create"],
      ["PUT", "create"],
    ] as const) {
      const { body } = projectDeployment(buildCr(mode), {
        operation,
        instanceId: INSTANCE,
        restartAnnotation: "1/2",
      });
      expect(
        body.spec?.template?.metadata?.annotations?.["ververica.platform/restart-nonce"],
      ).toBeUndefined();
    }
  });

  it("has no restart annotation when none is given", () => {
    const { body } = projectDeployment(buildCr("PUT"), {
      operation: "update",
      instanceId: INSTANCE,
    });
    expect(body.spec?.template?.metadata).toEqual({});
  });
});

describe("projectDeployment: initFields", () => {
  const initFields = {
    spec: {
      state: "RUNNING",
      template: {
        spec: {
          resources: { taskmanager: { cpu: 2, memory: "4g" } },
          engineVersionName: "vera-9",
        },
      },
    },
  };

  it("are deep-merged on create in PATCH mode, spec.deployment winning on shared leaves", () => {
    const cr = withInitFields(buildCr("PATCH"), initFields);
    const { body } = projectDeployment(cr, { operation: "create", instanceId: INSTANCE });
    expect(body.spec?.template?.spec?.resources).toEqual({ taskmanager: { cpu: 2, memory: "4g" } });
    expect(body.spec?.template?.spec?.engineVersionName).toBe("vera-4.1-flink-1.20");
    expect(body.spec?.state).toBe("CANCELLED");
    expect(body.spec?.template?.spec?.artifact).toEqual(
      cr.spec.deployment.spec.template.spec.artifact,
    );
  });

  it("are never part of an update", () => {
    const cr = withInitFields(buildCr("PATCH"), initFields);
    const { body } = projectDeployment(cr, { operation: "update", instanceId: INSTANCE });
    expect(body.spec?.template?.spec?.resources).toBeUndefined();
  });

  it("are ignored in PUT mode, even on create", () => {
    const cr = withInitFields(buildCr("PUT"), initFields);
    const { body } = projectDeployment(cr, { operation: "create", instanceId: INSTANCE });
    expect(body.spec?.template?.spec?.resources).toBeUndefined();
  });

  it("deepMerge: objects merge, arrays and scalars of the second win", () => {
    expect(
      deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3], e: null }, d: undefined }),
    ).toEqual({ a: { b: 1, c: [3], e: null }, d: 1 });
  });
});

describe("deploymentMatches", () => {
  it.each(["PATCH", "PUT"] as const)("a %s CR matches the deployment VVP holds for it", (mode) => {
    const cr = buildCr(mode);
    expect(deploymentMatches(cr, deploymentFor(cr), { instanceId: INSTANCE })).toBe(true);
  });

  it("reports the changed paths, ignoring state when asked", () => {
    const cr = buildCr("PATCH");
    const deployment = deploymentFor(cr, { specState: "RUNNING" });
    cr.spec.deployment.spec.template.spec.engineVersionName = "vera-4.3-flink-1.20";
    expect(deploymentDifferences(cr, deployment, { instanceId: INSTANCE })).toEqual([
      "spec.state",
      "spec.template.spec.engineVersionName",
    ]);
    expect(
      deploymentDifferences(cr, deployment, { instanceId: INSTANCE, ignoreState: true }),
    ).toEqual(["spec.template.spec.engineVersionName"]);
  });

  it("sees a missing operator mark and a missing deployment", () => {
    const cr = buildCr("PATCH");
    expect(
      deploymentDifferences(cr, deploymentFor(cr, { crUid: null }), { instanceId: INSTANCE }),
    ).toEqual(["metadata.annotations[ververica.platform/cr-uid]"]);
    expect(deploymentMatches(cr, null, { instanceId: INSTANCE })).toBe(false);
  });

  it("a PUT CR matches when given the restart annotation VVP holds, and differs on another one", () => {
    const cr = buildCr("PUT");
    const deployment = deploymentFor(cr, { restartNonce: "3/6" });
    expect(
      deploymentMatches(cr, deployment, { instanceId: INSTANCE, restartAnnotation: "3/6" }),
    ).toBe(true);
    expect(
      deploymentDifferences(cr, deployment, { instanceId: INSTANCE, restartAnnotation: "4/7" }),
    ).toEqual(["spec.template.metadata.annotations[ververica.platform/restart-nonce]"]);
  });

  it("exactMetadata: labels and annotations VVP holds beyond the body differ, its bookkeeping does not", () => {
    const cr = buildCr("PUT");
    const deployment = deploymentFor(cr);
    const metadata = deployment.metadata as Record<string, Record<string, string>>;
    metadata.labels = { ...metadata.labels, stale: "x" };
    metadata.annotations = {
      ...metadata.annotations,
      "com.dataartisans.appmanager.controller.autopilot.mode": "ACTIVE",
      old: "y",
    };
    expect(deploymentMatches(cr, deployment, { instanceId: INSTANCE })).toBe(true);
    expect(
      deploymentDifferences(cr, deployment, { instanceId: INSTANCE, exactMetadata: true }),
    ).toEqual(["metadata.labels[stale]", "metadata.annotations[old]"]);
  });

  it("a null or an empty object in the body matches a field VVP does not hold; a value VVP holds does not", () => {
    const cr = buildCr("PATCH");
    const deployment = deploymentFor(cr);
    const spec = cr.spec.deployment.spec as unknown as Record<string, unknown>;
    spec.jobFailureExpirationTime = null;
    spec.kubernetes = {};
    expect(deploymentMatches(cr, deployment, { instanceId: INSTANCE })).toBe(true);
    (deployment.spec as Record<string, unknown>).jobFailureExpirationTime = "1h";
    expect(deploymentDifferences(cr, deployment, { instanceId: INSTANCE })).toEqual([
      "spec.jobFailureExpirationTime",
    ]);
  });
});

describe("keys named like Object.prototype members", () => {
  // JSON.parse makes "__proto__" an own key, as a CR read from the API server has it.
  const odd = JSON.parse(
    '{"__proto__": "x", "constructor": "y", "toString": "z", "hasOwnProperty": "w"}',
  ) as Record<string, string>;

  function withOddKeys(mode: "PATCH" | "PUT"): VvpDeployment {
    const cr = structuredClone(buildCr(mode));
    cr.spec.deployment.spec.template.spec.flinkConfiguration = { ...odd };
    cr.spec.deployment.metadata.annotations = { ...odd };
    return cr;
  }

  it.each(["PATCH", "PUT"] as const)("reach VVP as data in the %s body", (mode) => {
    for (const operation of ["create", "update"] as const) {
      const sent = JSON.parse(
        JSON.stringify(
          projectDeployment(withOddKeys(mode), { operation, instanceId: INSTANCE }).body,
        ),
      );
      expect(sent.spec.template.spec.flinkConfiguration).toEqual(odd);
      expect(sent.metadata.annotations).toMatchObject(odd);
    }
  });

  it("merge from initFields as data, without touching a prototype", () => {
    const over = JSON.parse('{"__proto__": {"c": 2}}');
    for (const [base, expected] of [
      ['{"b": 1}', '{"b": 1, "__proto__": {"c": 2}}'],
      ['{"__proto__": {"a": 1}, "b": 1}', '{"__proto__": {"a": 1, "c": 2}, "b": 1}'],
    ] as const) {
      const merged = deepMerge(JSON.parse(base), over);
      expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
      expect(JSON.parse(JSON.stringify(merged))).toEqual(JSON.parse(expected));
    }
  });

  it("count when VVP lacks them, and match when it holds them", () => {
    const cr = withOddKeys("PATCH");
    const held = JSON.parse(JSON.stringify(deploymentFor(cr)));
    // Spread, not Object.assign: assigning "__proto__" would set the prototype.
    held.metadata.annotations = { ...held.metadata.annotations, ...odd };
    expect(deploymentDifferences(cr, held, { instanceId: INSTANCE })).toEqual([]);
    const lacking = deploymentFor(buildCr("PATCH"));
    expect(deploymentDifferences(cr, lacking, { instanceId: INSTANCE })).toEqual(
      expect.arrayContaining([
        "spec.template.spec.flinkConfiguration",
        "metadata.annotations[__proto__]",
        "metadata.annotations[constructor]",
      ]),
    );
  });
});
