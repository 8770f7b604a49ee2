// Request bodies as kube-apiserver reads them (k8s.io/apiserver
// endpoints/handlers: the negotiated serializers and limitedReadBody):
// built-in kinds also in Kubernetes protobuf, custom resources only in
// JSON and YAML, and no body over 3 MiB.

import { expect, it } from "vitest";
import { descriptors, PROTOBUF, protobufBody } from "../support/kube-protobuf.js";
import { contract, uniqueName } from "./support.js";
import { WIDGETS } from "./widget-crd.js";

const withKubectl = descriptors !== undefined;

contract("request bodies", (target) => {
  const ns = () => target().namespace;

  it.skipIf(!withKubectl)(
    "a ConfigMap sent in Kubernetes protobuf (as kubectl create sends it) is created: 201",
    async () => {
      const name = uniqueName("cm");
      const body = protobufBody("v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap", {
        metadata: { name, labels: { team: "a" } },
        data: { "flink-conf.yaml": "parallelism: 2" },
      });
      const created = await target().call(
        "POST",
        `/api/v1/namespaces/${ns()}/configmaps`,
        body,
        PROTOBUF,
      );
      expect(created.status).toBe(201);
      const got = await target().call("GET", `/api/v1/namespaces/${ns()}/configmaps/${name}`);
      expect(got.body).toMatchObject({
        metadata: { name, labels: { team: "a" } },
        data: { "flink-conf.yaml": "parallelism: 2" },
      });
    },
  );

  it.skipIf(!withKubectl)(
    "a Secret's bytes sent in protobuf read back base64-encoded in JSON",
    async () => {
      const name = uniqueName("secret");
      const body = protobufBody("v1", "Secret", "k8s.io.api.core.v1.Secret", {
        metadata: { name },
        type: "Opaque",
        data: { token: new TextEncoder().encode("s3cr\u00e9t") },
      });
      const created = await target().call(
        "POST",
        `/api/v1/namespaces/${ns()}/secrets`,
        body,
        PROTOBUF,
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        type: "Opaque",
        data: { token: Buffer.from("s3cr\u00e9t").toString("base64") },
      });
    },
  );

  it.skipIf(!withKubectl)("a protobuf body without the k8s magic is 400 BadRequest", async () => {
    const answer = await target().call(
      "POST",
      `/api/v1/namespaces/${ns()}/configmaps`,
      Buffer.from([0x0a, 0x02, 0x76, 0x31]),
      PROTOBUF,
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ kind: "Status", reason: "BadRequest" });
  });

  it.skipIf(!withKubectl)(
    "a custom resource takes no protobuf: 415 UnsupportedMediaType",
    async () => {
      const body = protobufBody("v1", "ConfigMap", "k8s.io.api.core.v1.ConfigMap", {
        metadata: { name: uniqueName("w") },
      });
      const answer = await target().call("POST", WIDGETS(ns()), body, PROTOBUF);
      expect(answer.status).toBe(415);
      expect(answer.body).toMatchObject({ reason: "UnsupportedMediaType" });
      expect(String(answer.body.message)).not.toContain("protobuf");
    },
  );

  it("a body over 3 MiB is 413 RequestEntityTooLarge", async () => {
    const answer = await target().call("POST", `/api/v1/namespaces/${ns()}/configmaps`, {
      metadata: { name: uniqueName("big") },
      data: { big: "x".repeat(3 * 1024 * 1024) },
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({
      kind: "Status",
      reason: "RequestEntityTooLarge",
      code: 413,
    });
  });
});
