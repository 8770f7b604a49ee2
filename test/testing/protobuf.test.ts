// Protobuf bodies of built-in kinds, decoded with the descriptors embedded in
// kubectl into the JSON kube-apiserver would store: apimachinery's own JSON
// forms (Time, MicroTime, Duration, Quantity, IntOrString, RawExtension),
// slice wrappers, inlined embedded structs, and zero values that matter.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { goDuration, messageToJson } from "../../src/testing/protobuf/go-json.js";
import { descriptors, PROTOBUF, protobufBody } from "../support/kube-protobuf.js";

describe("Go's time.Duration.String()", () => {
  it.each([
    [0n, "0s"],
    [1n, "1ns"],
    [1_500n, "1.5µs"],
    [1_500_000n, "1.5ms"],
    [1_000_000_000n, "1s"],
    [1_500_000_000n, "1.5s"],
    [90_000_000_000n, "1m30s"],
    [3_600_000_000_000n, "1h0m0s"],
    [259_380_500_000_000n, "72h3m0.5s"],
    [-2_000_000_000n, "-2s"],
  ])("%s ns is %s", (nanoseconds, text) => {
    expect(goDuration(nanoseconds)).toBe(text);
  });
});

describe.skipIf(descriptors === undefined)("protobuf bodies of built-in kinds", () => {
  let kube: FakeKubernetes;
  const found = descriptors;
  const json = (typeName: string, init: Record<string, unknown>) => {
    if (found === undefined) throw new Error("no descriptors");
    const schema = found.registry.getMessage(typeName);
    if (schema === undefined) throw new Error(typeName);
    return messageToJson(
      found.protobuf,
      schema,
      found.protobuf.create(schema, init as never) as never,
    );
  };
  const post = (path: string, body: Buffer) =>
    fetch(`${kube.httpUrl}${path}`, {
      method: "POST",
      headers: { ...PROTOBUF, Authorization: `Bearer ${kube.token}` },
      body,
    });

  beforeAll(async () => {
    kube = await startFakeKubernetes({ http: true, namespaces: ["team"] });
  });
  afterAll(async () => {
    await kube?.close();
  });

  it("a Lease keeps MicroTime to the microsecond and an explicit zero (a pointer field)", async () => {
    const body = protobufBody(
      "coordination.k8s.io/v1",
      "Lease",
      "k8s.io.api.coordination.v1.Lease",
      {
        metadata: { name: "leader" },
        spec: {
          holderIdentity: "pod-a",
          leaseDurationSeconds: 0,
          renewTime: { seconds: 1_796_000_000n, nanos: 123_456_789 },
        },
      },
    );
    const answer = await post("/apis/coordination.k8s.io/v1/namespaces/team/leases", body);
    expect(answer.status).toBe(201);
    const stored = kube.get("Lease", "team", "leader") as unknown as {
      spec: Record<string, unknown>;
      metadata: Record<string, unknown>;
    };
    expect(stored.spec).toEqual({
      holderIdentity: "pod-a",
      leaseDurationSeconds: 0,
      renewTime: "2026-11-30T00:53:20.123456Z",
    });
    expect(stored.metadata.creationTimestamp).toEqual(expect.any(String));
  });

  it("a Deployment: replicas 0 kept, IntOrString, Quantity, an inlined probe handler and volume source", async () => {
    const body = protobufBody("apps/v1", "Deployment", "k8s.io.api.apps.v1.Deployment", {
      metadata: { name: "web" },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: {
            containers: [
              {
                name: "web",
                image: "nginx",
                resources: { limits: { cpu: { string: "500m" }, memory: { string: "1Gi" } } },
                livenessProbe: {
                  handler: { httpGet: { path: "/", port: { type: 1n, strVal: "http" } } },
                  periodSeconds: 5,
                },
                readinessProbe: {
                  handler: { tcpSocket: { port: { type: 0n, intVal: 8080 } } },
                },
              },
            ],
            volumes: [{ name: "scratch", volumeSource: { emptyDir: {} } }],
          },
        },
      },
    });
    const answer = await post("/apis/apps/v1/namespaces/team/deployments", body);
    expect(answer.status).toBe(201);
    const stored = kube.get("Deployment", "team", "web") as unknown as {
      spec: { replicas: number; template: { spec: Record<string, unknown> } };
    };
    expect(stored.spec.replicas).toBe(0);
    const pod = stored.spec.template.spec as {
      containers: Record<string, unknown>[];
      volumes: Record<string, unknown>[];
    };
    expect(pod.volumes).toEqual([{ name: "scratch", emptyDir: {} }]);
    expect(pod.containers[0]).toMatchObject({
      name: "web",
      image: "nginx",
      resources: { limits: { cpu: "500m", memory: "1Gi" } },
      livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
      readinessProbe: { tcpSocket: { port: 8080 } },
    });
    expect(pod.containers[0]).not.toHaveProperty("livenessProbe.handler");
  });

  it("apimachinery's own JSON forms: Duration, Time (zero is omitted), RawExtension, slice wrappers", () => {
    const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";
    expect(json(`${meta}.Duration`, { duration: 90_000_000_000n })).toBe("1m30s");
    expect(json(`${meta}.Time`, { seconds: 1_796_000_000n, nanos: 5 })).toBe(
      "2026-11-30T00:53:20Z",
    );
    expect(json(`${meta}.ObjectMeta`, { name: "a", creationTimestamp: {} })).toEqual({ name: "a" });
    expect(
      json("k8s.io.api.apps.v1.ControllerRevision", {
        data: { raw: new TextEncoder().encode('{"spec":{"a":1}}') },
        revision: 3n,
      }),
    ).toEqual({ data: { spec: { a: 1 } }, revision: 3 });
    expect(
      json("k8s.io.api.authentication.v1.UserInfo", {
        username: "alice",
        extra: { scopes: { items: ["read", "write"] } },
      }),
    ).toEqual({ username: "alice", extra: { scopes: ["read", "write"] } });
  });

  it("embedded structs of the Go types are inlined: secretKeyRef's name, a webhook rule's fields", () => {
    expect(
      json("k8s.io.api.core.v1.EnvVar", {
        name: "TOKEN",
        valueFrom: { secretKeyRef: { localObjectReference: { name: "db" }, key: "password" } },
      }),
    ).toEqual({ name: "TOKEN", valueFrom: { secretKeyRef: { name: "db", key: "password" } } });
    expect(
      json("k8s.io.api.admissionregistration.v1.RuleWithOperations", {
        operations: ["CREATE"],
        rule: { apiGroups: ["ververica.platform"], resources: ["vvpdeployments"] },
      }),
    ).toEqual({
      operations: ["CREATE"],
      apiGroups: ["ververica.platform"],
      resources: ["vvpdeployments"],
    });
    // A field named after its own type is not embedded (Container.lifecycle).
    expect(
      json("k8s.io.api.core.v1.Container", {
        name: "c",
        lifecycle: { preStop: { sleep: { seconds: 5n } } },
      }),
    ).toEqual({ name: "c", lifecycle: { preStop: { sleep: { seconds: 5 } } } });
  });

  it("a protobuf body of another kind than the resource's is refused like the same JSON body", async () => {
    const protobuf = await post(
      "/api/v1/namespaces/team/secrets",
      protobufBody("v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap", { metadata: { name: "x" } }),
    );
    const asJson = await fetch(`${kube.httpUrl}/api/v1/namespaces/team/secrets`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${kube.token}` },
      body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
    });
    expect(protobuf.status).toBe(asJson.status);
    const messageOf = async (answer: Response) =>
      ((await answer.json()) as { message: string }).message;
    expect(await messageOf(protobuf)).toBe(await messageOf(asJson));
  });

  it("JSON bytes inside the message that do not parse (a managedFields entry's fieldsV1) are 400, not 500", async () => {
    const body = protobufBody("v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap", {
      metadata: {
        name: "torn",
        managedFields: [{ manager: "x", fieldsV1: { Raw: new TextEncoder().encode("{not json") } }],
      },
    });
    const answer = await post("/api/v1/namespaces/team/configmaps", body);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(
      /unable to decode ConfigMap/,
    );
  });

  it("a kind the descriptors do not know is 400 naming it", async () => {
    const body = protobufBody("v1", "Widget", "k8s.io.api.core.v1.ConfigMap", {
      metadata: { name: "w" },
    });
    const answer = await post("/api/v1/namespaces/team/configmaps", body);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { message: string }).message).toMatch(
      /no kind "Widget" is registered for version "v1"/,
    );
  });
});

describe("when protobuf cannot be decoded, built-in bodies are 415 saying why", () => {
  const configMap = () =>
    Buffer.concat([Buffer.from("k8s\0", "latin1"), Buffer.from([0x0a, 0x00])]);
  const answerOf = async (protobufDescriptorsFrom: string | false) => {
    const kube = await startFakeKubernetes({ http: true, protobufDescriptorsFrom });
    try {
      const answer = await fetch(`${kube.httpUrl}/api/v1/namespaces/default/configmaps`, {
        method: "POST",
        headers: { ...PROTOBUF, Authorization: `Bearer ${kube.token}` },
        body: configMap(),
      });
      return {
        status: answer.status,
        body: (await answer.json()) as { message: string; reason: string },
      };
    } finally {
      await kube.close();
    }
  };

  it("off: protobufDescriptorsFrom false", async () => {
    const { status, body } = await answerOf(false);
    expect(status).toBe(415);
    expect(body.reason).toBe("UnsupportedMediaType");
    expect(body.message).toContain("protobuf decoding is off");
  });

  it("a binary without Kubernetes descriptors (node itself)", async () => {
    const { status, body } = await answerOf(process.execPath);
    expect(status).toBe(415);
    expect(body.message).toContain("carries no Kubernetes protobuf descriptors");
  });

  it("a path that does not exist", async () => {
    const { status, body } = await answerOf("/nonexistent/kubectl");
    expect(status).toBe(415);
    expect(body.message).toContain("ENOENT");
  });
});
