import { describe, expect, it } from "vitest";
import { fleetGroups, forEachMatch } from "../../src/kubernetes/fleet.js";
import type { KubeObject } from "../../src/kubernetes/kube-api.js";
import type { Deployment } from "../../src/vvp-client/index.js";

function cr(
  namespace: string,
  name: string,
  secret: string,
  vvpNamespace: unknown,
  id?: string,
): KubeObject {
  return {
    metadata: { namespace, name, annotations: { apikeySecretName: secret } },
    spec: { deployment: { metadata: { name: `${name}-dep`, namespace: vvpNamespace } } },
    ...(id === undefined ? {} : { status: { deploymentId: id } }),
  };
}

describe("fleet observation", () => {
  it("groups CRs by token Secret and VVP namespace, leaving out CRs without a VVP namespace", () => {
    const groups = fleetGroups([
      cr("a", "one", "s", "vvp-1"),
      cr("a", "two", "s", "vvp-1"),
      cr("a", "three", "s", "vvp-2"),
      cr("b", "four", "s", "vvp-1"),
      cr("a", "broken", "s", { not: "a string" }),
    ]);
    expect(
      groups.map((group) => [
        group.vvpNamespace,
        group.members.map((member) => member.metadata?.name),
      ]),
    ).toEqual([
      ["vvp-1", ["one", "two"]],
      ["vvp-2", ["three"]],
      ["vvp-1", ["four"]],
    ]);
  });

  it("matches each CR with its deployment by recorded id first, else by name", () => {
    const listed = [
      { metadata: { id: "id-1", name: "renamed" } },
      { metadata: { id: "id-2", name: "two-dep" } },
    ] as Deployment[];
    const matched: [string, string | undefined][] = [];
    forEachMatch(
      [cr("a", "one", "s", "v", "id-1"), cr("a", "two", "s", "v"), cr("a", "gone", "s", "v")],
      listed,
      (_member, key, deployment) => matched.push([key, deployment.metadata?.id]),
    );
    expect(matched).toEqual([
      ["a/one", "id-1"],
      ["a/two", "id-2"],
    ]);
  });
});
