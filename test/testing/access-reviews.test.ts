// The fake API server's LocalSubjectAccessReview: answered by the test's
// authorizer (default: allow), checked as kube-apiserver checks it.
import { request } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";

let kube: FakeKubernetes | undefined;
afterEach(async () => {
  await kube?.close();
  kube = undefined;
});

function post(
  server: FakeKubernetes,
  path: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    const call = request(
      url,
      {
        method: "POST",
        ca: server.caCert,
        headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) }),
        );
      },
    );
    call.on("error", reject);
    call.end(JSON.stringify(body));
  });
}

const PATH = "/apis/authorization.k8s.io/v1/namespaces/team-a/localsubjectaccessreviews";

function review(spec: Record<string, unknown>) {
  return { apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec };
}

describe("LocalSubjectAccessReview", () => {
  it("asks the authorizer with the user, groups, uid, extra and attributes; answers 201 with status", async () => {
    const seen: unknown[] = [];
    kube = await startFakeKubernetes({
      namespaces: ["team-a"],
      authorizer: (attributes) => {
        seen.push(attributes);
        return attributes.user === "alice"
          ? { allowed: true, reason: "alice may" }
          : { allowed: false, denied: true, reason: "nobody else" };
      },
    });
    const spec = {
      resourceAttributes: { namespace: "team-a", verb: "get", resource: "secrets", name: "s" },
      user: "alice",
      uid: "u-1",
      groups: ["g"],
      extra: { k: ["v"] },
    };
    const allowed = await post(kube, PATH, review(spec));
    expect(allowed.status).toBe(201);
    expect(allowed.json.status).toEqual({ allowed: true, reason: "alice may" });
    expect(seen[0]).toMatchObject({
      user: "alice",
      uid: "u-1",
      groups: ["g"],
      extra: { k: ["v"] },
      namespace: "team-a",
      verb: "get",
      resource: "secrets",
      name: "s",
    });
    const denied = await post(kube, PATH, review({ ...spec, user: "bob" }));
    expect(denied.json.status).toEqual({ allowed: false, denied: true, reason: "nobody else" });
    // The namespace of the attributes may be omitted: the path's is used.
    const omitted = await post(
      kube,
      PATH,
      review({ ...spec, resourceAttributes: { verb: "get", resource: "secrets" } }),
    );
    expect(omitted.status).toBe(201);
    expect((seen[2] as { namespace: string }).namespace).toBe("team-a");
  });

  it("refuses another namespace in the attributes, and a review naming no user nor group (422)", async () => {
    kube = await startFakeKubernetes({ namespaces: ["team-a"] });
    const other = await post(
      kube,
      PATH,
      review({ resourceAttributes: { namespace: "team-b", verb: "get" }, user: "alice" }),
    );
    expect(other.status).toBe(422);
    const nobody = await post(kube, PATH, review({ resourceAttributes: { verb: "get" } }));
    expect(nobody.status).toBe(422);
    const allowed = await post(
      kube,
      PATH,
      review({ resourceAttributes: { verb: "get" }, user: "alice" }),
    );
    expect(allowed.json.status).toMatchObject({ allowed: true });
    expect(kube.requests({ resource: "localsubjectaccessreviews" })).toHaveLength(3);
  });
});
