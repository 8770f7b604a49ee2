// Kubernetes protobuf request bodies: the descriptor is generated from
// Kubernetes' own .proto files, and a body in the `k8s\0` envelope decodes
// to the JSON object kube-apiserver would read (kubectl's typed commands;
// kubectl.test.ts drives the real kubectl).

import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER, renderProtobufDescriptor } from "../../scripts/generate-protobuf.js";
import { KUBERNETES_PROTO_DESCRIPTOR } from "../../src/testing/generated/kubernetes-protobuf.js";
import { decodeKubernetesProtobuf } from "../../src/testing/protobuf.js";
import { KubeApiError } from "../../src/testing/status.js";

const GENERATED = new URL("../../src/testing/generated/kubernetes-protobuf.ts", import.meta.url);

describe("src/testing/generated/kubernetes-protobuf.ts", () => {
  it("is what npm run generate makes from scripts/kubernetes-proto", () => {
    const checkedIn = readFileSync(GENERATED, "utf8");
    expect(checkedIn.split("\n")[0]).toBe(GENERATED_HEADER);
    expect(checkedIn === renderProtobufDescriptor()).toBe(true);
  });
});

// Encodes as client-go does: the k8s\0 magic, then runtime.Unknown around the object's message.
function envelope(apiVersion: string, kind: string, type: string, object: object): Buffer {
  const root = protobuf.Root.fromJSON(KUBERNETES_PROTO_DESCRIPTOR as protobuf.INamespace);
  const message = root.lookupType(type);
  const raw = message.encode(message.fromObject(object)).finish();
  const unknown = root.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
  const bytes = unknown
    .encode(unknown.fromObject({ typeMeta: { apiVersion, kind }, raw }))
    .finish();
  return Buffer.concat([Buffer.from("k8s\0", "latin1"), Buffer.from(bytes)]);
}

describe("decoding protobuf bodies", () => {
  it("a Secret: bytes as base64, empty strings and unset times left out", async () => {
    const body = envelope("v1", "Secret", "k8s.io.api.core.v1.Secret", {
      metadata: { name: "creds", namespace: "", generateName: "", creationTimestamp: {} },
      data: { pw: Buffer.from("s3cret") },
      type: "Opaque",
    });
    expect(await decodeKubernetesProtobuf(body)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds" },
      data: { pw: Buffer.from("s3cret").toString("base64") },
      type: "Opaque",
    });
  });

  it("a Service: IntOrString as its value, a Time as RFC 3339", async () => {
    const body = envelope("v1", "Service", "k8s.io.api.core.v1.Service", {
      metadata: { name: "web", creationTimestamp: { seconds: 1767225600 } },
      spec: {
        ports: [
          { port: 80, targetPort: { type: 0, intVal: 8080 } },
          { port: 81, targetPort: { type: 1, strVal: "http" } },
        ],
      },
    });
    expect(await decodeKubernetesProtobuf(body)).toMatchObject({
      metadata: { name: "web", creationTimestamp: "2026-01-01T00:00:00Z" },
      spec: {
        ports: [
          { port: 80, targetPort: 8080 },
          { port: 81, targetPort: "http" },
        ],
      },
    });
  });

  it("refuses a body without the magic (400) and a kind it has no message for (415)", async () => {
    await expect(decodeKubernetesProtobuf(Buffer.from("{}"))).rejects.toMatchObject({ code: 400 });
    const root = protobuf.Root.fromJSON(KUBERNETES_PROTO_DESCRIPTOR as protobuf.INamespace);
    const unknown = root.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown");
    const bytes = unknown
      .encode(
        unknown.fromObject({
          typeMeta: { apiVersion: "batch/v1", kind: "Job" },
          raw: new Uint8Array(),
        }),
      )
      .finish();
    const refused = await decodeKubernetesProtobuf(
      Buffer.concat([Buffer.from("k8s\0", "latin1"), Buffer.from(bytes)]),
    ).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(KubeApiError);
    expect((refused as KubeApiError).code).toBe(415);
  });
});
