// List and watch options as kube-apiserver validates and answers them
// (apimachinery metainternalversion/validation, the etcd3 store, the watch cache).

import { expect, it } from "vitest";
import { causesOf, contract, uniqueName } from "./support.js";

contract("reads", (target) => {
  const configMaps = () => `/api/v1/namespaces/${target().namespace}/configmaps`;

  it("resourceVersionMatch without resourceVersion is 422 Invalid of ListOptions", async () => {
    const answer = await target().call("GET", `${configMaps()}?resourceVersionMatch=NotOlderThan`);
    expect(answer.status).toBe(422);
    expect(causesOf(answer)).toEqual([
      {
        reason: "FieldValueForbidden",
        message: "Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided",
        field: "resourceVersionMatch",
      },
    ]);
  });

  it("continue with a resourceVersion is 400", async () => {
    for (const n of [1, 2, 3]) {
      await target().call("POST", configMaps(), { metadata: { name: uniqueName(`page${n}`) } });
    }
    const first = await target().call("GET", `${configMaps()}?limit=1`);
    const token = (first.body.metadata as { continue?: string }).continue ?? "";
    expect(token).not.toBe("");
    const answer = await target().call(
      "GET",
      `${configMaps()}?limit=1&continue=${encodeURIComponent(token)}&resourceVersion=${(first.body.metadata as { resourceVersion: string }).resourceVersion}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe(
      "specifying resource version is not allowed when using continue",
    );
  });

  it("a page read with a selector carries no remainingItemCount; without one it does", async () => {
    for (const n of [1, 2, 3]) {
      await target().call("POST", configMaps(), {
        metadata: { name: uniqueName(`sel${n}`), labels: { selected: "yes" } },
      });
    }
    const selected = await target().call("GET", `${configMaps()}?limit=1&labelSelector=selected`);
    expect((selected.body.metadata as Record<string, unknown>).continue).toEqual(
      expect.any(String),
    );
    expect((selected.body.metadata as Record<string, unknown>).remainingItemCount).toBeUndefined();
    const all = await target().call("GET", `${configMaps()}?limit=1`);
    expect((all.body.metadata as Record<string, unknown>).remainingItemCount).toBeGreaterThan(0);
  });

  it("a watch from a compacted resourceVersion: 200, then an ERROR event with the 410 Status", async () => {
    const created = await target().call("POST", configMaps(), {
      metadata: { name: uniqueName("old") },
    });
    const version = (created.body.metadata as { resourceVersion: string }).resourceVersion;
    await target().call("POST", configMaps(), { metadata: { name: uniqueName("newer") } });
    // The fake forgets its history on demand; a cluster's first revisions are long compacted.
    target().fake?.compact();
    const from = target().fake === undefined ? "1" : version;
    const answer = await target().call(
      "GET",
      `${configMaps()}?watch=1&resourceVersion=${from}&timeoutSeconds=5`,
    );
    expect(answer.status).toBe(200);
    const [line] = answer.text.trim().split("\n");
    expect(JSON.parse(line ?? "{}")).toMatchObject({
      type: "ERROR",
      object: { kind: "Status", code: 410, reason: "Expired" },
    });
  });
});
