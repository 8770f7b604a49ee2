import { describe, expect, it } from "vitest";
import {
  CR_UID_ANNOTATION,
  OWNER_LABEL,
  PROJECTED_STATE_ANNOTATION,
  RESTART_NONCE_ANNOTATION,
  type VvpDeployment,
} from "../../src/models/index.js";
import { deploymentDifferences, projectDeployment } from "../../src/projection/index.js";
import { buildCr, deploymentFor, INSTANCE, UID } from "../support/builders.js";

type Json = Record<string, unknown>;

// Sets a value at a key path, creating the objects on the way.
function put(root: unknown, path: readonly string[], value: unknown): void {
  let node = root as Json;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1] as string] = value;
}

// Reads a value at a key path.
function at(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) node = (node as Json | undefined)?.[key];
  return node;
}

const TEMPLATE_ANNOTATIONS = ["spec", "template", "metadata", "annotations"];

// The author writes every key the operator reserves, in spec.deployment and in initFields.
function withReservedKeys(mode: "PATCH" | "PUT"): VvpDeployment {
  const cr = buildCr(mode, { state: "RUNNING" });
  cr.spec.initFields = {};
  for (const root of [cr.spec.deployment, cr.spec.initFields]) {
    put(root, ["metadata", "labels"], { [OWNER_LABEL]: "someone-else", team: "a" });
    put(root, ["metadata", "annotations"], {
      [CR_UID_ANNOTATION]: "forged-uid",
      [PROJECTED_STATE_ANNOTATION]: "SUSPENDED",
      note: "kept",
    });
    put(root, TEMPLATE_ANNOTATIONS, { [RESTART_NONCE_ANNOTATION]: "3/1", other: "kept" });
  }
  return cr;
}

function templateAnnotations(body: unknown): Json | undefined {
  return at(body, TEMPLATE_ANNOTATIONS) as Json | undefined;
}

describe("the operator's reserved keys written by the author", () => {
  it.each([
    ["PATCH", "create"],
    ["PATCH", "update"],
    ["PUT", "create"],
  ] as const)(
    "%s %s body never carries the author's restart-nonce annotation",
    (mode, operation) => {
      const cr = withReservedKeys(mode);
      const before = structuredClone(cr);
      const { body } = projectDeployment(cr, { operation, instanceId: INSTANCE });
      const annotations = templateAnnotations(body);
      expect(annotations).toEqual({ other: "kept" });
      expect(at(body, ["metadata", "labels"])).toEqual({ [OWNER_LABEL]: INSTANCE, team: "a" });
      // The projected-state mark names the state this body carries, never the author's.
      expect(at(body, ["metadata", "annotations"])).toEqual({
        [CR_UID_ANNOTATION]: UID,
        [PROJECTED_STATE_ANNOTATION]: "RUNNING",
        note: "kept",
      });
      // The CR itself is untouched.
      expect(cr).toEqual(before);
    },
  );

  it("a PUT update carries the operator's restart annotation, or none, never the author's", () => {
    const cr = withReservedKeys("PUT");
    const withToken = projectDeployment(cr, {
      operation: "update",
      instanceId: INSTANCE,
      restartAnnotation: "5/2",
    }).body;
    expect(templateAnnotations(withToken)?.[RESTART_NONCE_ANNOTATION]).toBe("5/2");
    const without = projectDeployment(cr, { operation: "update", instanceId: INSTANCE }).body;
    expect(templateAnnotations(without)).toEqual({ other: "kept" });
  });

  it("the diff ignores the author's reserved keys and agrees with the marks", () => {
    const cr = withReservedKeys("PATCH");
    // VVP holds the operator's marks and the restart token of an earlier restart.
    const observed = deploymentFor(cr, { restartNonce: "5/2" });
    put(observed, ["metadata", "labels"], { [OWNER_LABEL]: INSTANCE, team: "a" });
    put(observed, ["metadata", "annotations"], {
      ...(at(observed, ["metadata", "annotations"]) as Json),
      [CR_UID_ANNOTATION]: UID,
      note: "kept",
    });
    put(observed, TEMPLATE_ANNOTATIONS, { [RESTART_NONCE_ANNOTATION]: "5/2", other: "kept" });
    const differences = deploymentDifferences(cr, observed, { instanceId: INSTANCE });
    expect(differences).toEqual([]);
  });
});
