// kubectl 1.32 as a second, demanding client: discovery, apply (GET then
// POST or a JSON merge patch), Table output with the CRD's printer columns,
// status patches, wait, delete with finalizers, edit.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { exampleText } from "../support/examples.js";

const run = promisify(execFile);
const hasKubectl = await run("kubectl", ["version", "--client"]).then(
  () => true,
  () => false,
);

let kube: FakeKubernetes;
let dir: string;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    "kubectl",
    ["--kubeconfig", join(dir, "config"), "--cache-dir", join(dir, "cache"), ...args],
    {
      env: { ...process.env, EDITOR: "sed -i s/state:\\ RUNNING/state:\\ SUSPENDED/" },
      timeout: 20_000,
    },
  );
  return stdout;
}

const N = ["-n", "my-deploy-namespace"];

/** Puts the operator's finalizer on the example CR, as the operator would. */
const addFinalizer = () =>
  kubectl(
    "patch",
    "vvpdeployment",
    "my-deployment",
    ...N,
    "--type",
    "merge",
    "-p",
    '{"metadata":{"finalizers":["ververica.platform/finalizer"]}}',
  );
const rows = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s{2,}/));

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["my-deploy-namespace"] });
  dir = mkdtempSync(join(tmpdir(), "fake-kube-"));
  writeFileSync(join(dir, "config"), kube.kubeconfig);
  writeFileSync(join(dir, "cr.yaml"), exampleText("PATCH"));
  writeFileSync(
    join(dir, "cr-running.yaml"),
    exampleText("PATCH").replace("state: CANCELLED", "state: RUNNING"),
  );
});
afterAll(async () => {
  await kube?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasKubectl)("kubectl against the fake", () => {
  it("applies a CR (create, then a JSON merge patch with last-applied-configuration) without --validate=false", async () => {
    expect(await kubectl("apply", "-f", join(dir, "cr.yaml"))).toContain(
      "vvpdeployment.ververica.platform/my-deployment created",
    );
    expect(await kubectl("apply", "-f", join(dir, "cr-running.yaml"))).toContain("configured");
    const patch = kube.requests({ method: "PATCH", resource: "vvpdeployments" }).at(-1);
    expect(patch?.contentType).toBe("application/merge-patch+json");
    const stored = kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment");
    expect(stored?.metadata.generation).toBe(2);
    expect(
      stored?.metadata.annotations?.["kubectl.kubernetes.io/last-applied-configuration"],
    ).toContain('"state":"RUNNING"');
    expect(await kubectl("apply", "-f", join(dir, "cr-running.yaml"))).toContain("unchanged");
  });

  it("gets the printer columns as a Table, -o wide adds the wide columns, -o yaml the object", async () => {
    await kubectl(
      "patch",
      "vvpdeployment",
      "my-deployment",
      ...N,
      "--type",
      "merge",
      "--subresource",
      "status",
      "-p",
      JSON.stringify({
        status: {
          actualState: "RUNNING",
          conditions: [
            {
              type: "Healthy",
              status: "True",
              reason: "AllConditionsMet",
              message: "ok",
              lastTransitionTime: "2026-01-01T00:00:00Z",
            },
            {
              type: "Consistent",
              status: "False",
              reason: "SubConditionsFailing",
              message: "no",
              lastTransitionTime: "2026-01-01T00:00:00Z",
            },
          ],
        },
      }),
    );
    const table = rows(await kubectl("get", "vvpdeployments", ...N));
    expect(table[0]).toEqual([
      "NAME",
      "ACTUAL",
      "INSTANCE-ID",
      "DESIRED",
      "SYNC",
      "VVP-NAMESPACE",
      "HEALTHY",
      "AGE",
    ]);
    const asked = kube.requests({ method: "GET", resource: "vvpdeployments" }).at(-1);
    expect(asked?.accept).toContain("as=Table;v=v1;g=meta.k8s.io");
    const wide = await kubectl("get", "vvpdeployments", ...N, "-o", "wide");
    expect(wide.split("\n")[0]).toContain("CONSISTENT");
    expect(wide).toMatch(/my-deployment\s+RUNNING\s+True\s+\d+s\s+False/);
    const yaml = await kubectl("get", "vvpdeployment", "my-deployment", ...N, "-o", "yaml");
    expect(yaml).toContain("kind: VvpDeployment");
    expect(yaml).toContain("actualState: RUNNING");
  });

  it("waits for a condition, and edits through a patch", async () => {
    expect(
      await kubectl(
        "wait",
        "vvpdeployment/my-deployment",
        ...N,
        "--for=condition=Healthy",
        "--timeout=5s",
      ),
    ).toContain("condition met");
    expect(await kubectl("edit", "vvpdeployment", "my-deployment", ...N)).toContain("edited");
    const edited = kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment");
    expect(edited?.spec).toMatchObject({ deployment: { spec: { state: "SUSPENDED" } } });
  });

  it("creates a Secret, a ConfigMap and a Namespace with kubectl create (protobuf bodies), storing what the JSON form would", async () => {
    const commands = [
      ["secret", "generic", "db", ...N, "--from-literal=password=hunter2", "--type=Opaque"],
      ["configmap", "settings", ...N, "--from-literal=a=b", "--from-literal=parallelism=2"],
      ["namespace", "team-a"],
    ];
    for (const command of commands) {
      const asJson = JSON.parse(
        await kubectl("create", ...command, "--dry-run=client", "-o", "json"),
      ) as Record<string, unknown>;
      expect(await kubectl("create", ...command)).toContain("created");
      const request = kube.requests({ method: "POST" }).at(-1);
      expect(request?.contentType).toBe("application/vnd.kubernetes.protobuf");
      expect(request?.status).toBe(201);
      const kind = String(asJson.kind);
      const meta = asJson.metadata as { name: string; namespace?: string };
      const stored = kube.get(kind, meta.namespace, meta.name) as Record<string, unknown>;
      for (const field of ["data", "type"] as const) expect(stored[field]).toEqual(asJson[field]);
    }
    expect(kube.get("Secret", "my-deploy-namespace", "db")?.data).toEqual({
      password: Buffer.from("hunter2").toString("base64"),
    });
    expect(await kubectl("get", "namespace", "team-a", "-o", "jsonpath={.spec.finalizers}")).toBe(
      '["kubernetes"]',
    );
    await expect(kubectl("create", ...(commands[1] ?? []))).rejects.toThrow(
      /configmaps "settings" already exists/,
    );
    await kubectl("delete", "namespace", "team-a");
  });

  it("deletes with a finalizer: --wait=false only marks; removing the finalizer deletes", async () => {
    await addFinalizer();
    expect(
      await kubectl("delete", "vvpdeployment", "my-deployment", ...N, "--wait=false"),
    ).toContain("deleted");
    expect(
      kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment")?.metadata.deletionTimestamp,
    ).toEqual(expect.any(String));
    await kubectl(
      "patch",
      "vvpdeployment",
      "my-deployment",
      ...N,
      "--type",
      "json",
      "-p",
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    );
    expect(kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment")).toBeUndefined();
    expect(
      await run("kubectl", [
        "--kubeconfig",
        join(dir, "config"),
        "--cache-dir",
        join(dir, "cache"),
        "get",
        "vvpdeployments",
        ...N,
      ]).then((r) => r.stderr),
    ).toContain("No resources found");
  });

  it("delete waits until the last finalizer is removed", async () => {
    await kubectl("apply", "-f", join(dir, "cr.yaml"));
    await addFinalizer();
    let finished = false;
    const deleting = kubectl(
      "delete",
      "vvpdeployment",
      "my-deployment",
      ...N,
      "--timeout=15s",
    ).then((out) => {
      finished = true;
      return out;
    });
    await kube.waitFor(
      () =>
        kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment")?.metadata
          .deletionTimestamp !== undefined && kube.watches().length > 0,
      10_000,
    );
    expect(finished).toBe(false);
    kube.apply({
      ...kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment"),
      metadata: {
        ...kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment")?.metadata,
        finalizers: [],
      },
    });
    expect(await deleting).toContain('vvpdeployment.ververica.platform "my-deployment" deleted');
  });

  it("shows events.k8s.io Events in get events and describe", async () => {
    await kubectl("apply", "-f", join(dir, "cr.yaml"));
    kube.apply({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "my-deployment.1", namespace: "my-deploy-namespace" },
      eventTime: "2026-01-01T00:00:00.000000Z",
      type: "Warning",
      reason: "ApiKeySecretMissing",
      note: "Secret my-vvp-apikey not found",
      action: "Reconcile",
      reportingController: "ververica.platform/vvp-operator",
      reportingInstance: "vvp-operator-0",
      regarding: {
        apiVersion: "ververica.platform/v1",
        kind: "VvpDeployment",
        name: "my-deployment",
        namespace: "my-deploy-namespace",
        // kubectl describe selects the object's events by uid too.
        uid: kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment")?.metadata.uid,
      },
    });
    const events = rows(await kubectl("get", "events", ...N));
    expect(events[0]).toEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
    expect(events[1]?.slice(1)).toEqual([
      "Warning",
      "ApiKeySecretMissing",
      "vvpdeployment/my-deployment",
      "Secret my-vvp-apikey not found",
    ]);
    expect(await kubectl("describe", "vvpdeployment", "my-deployment", ...N)).toMatch(
      /Warning\s+ApiKeySecretMissing\s+\S+\s+ververica\.platform\/vvp-operator\s+Secret my-vvp-apikey not found/,
    );
  });

  it("kubectl describe shows events.k8s.io Events in time order, a series at its last occurrence", async () => {
    await kubectl("apply", "-f", join(dir, "cr.yaml"));
    const uid = kube.get("VvpDeployment", "my-deploy-namespace", "my-deployment")?.metadata.uid;
    // MicroTime: six fractional digits, as kube-apiserver writes it.
    const ago = (seconds: number) =>
      new Date(Date.now() - seconds * 1000).toISOString().replace("Z", "000Z");
    // Names in another order than times: the store lists by name.
    for (const [name, seconds, reason, series] of [
      ["order-a", 10, "Third", undefined],
      ["order-b", 300, "First", undefined],
      ["order-c", 100, "Second", undefined],
      ["order-d", 400, "Last", { count: 3, lastObservedTime: ago(5) }],
    ] as const) {
      kube.apply({
        apiVersion: "events.k8s.io/v1",
        kind: "Event",
        metadata: { name, namespace: "my-deploy-namespace" },
        eventTime: ago(seconds),
        ...(series === undefined ? {} : { series }),
        type: "Normal",
        reason,
        note: `${reason} event`,
        action: "Reconcile",
        reportingController: "ververica.platform/vvp-operator",
        reportingInstance: "vvp-operator-0",
        regarding: {
          apiVersion: "ververica.platform/v1",
          kind: "VvpDeployment",
          name: "my-deployment",
          namespace: "my-deploy-namespace",
          uid,
        },
      });
    }
    const described = await kubectl("describe", "vvpdeployment", "my-deployment", ...N);
    const order = ["First", "Second", "Third", "Last"].map((reason) =>
      described.indexOf(`${reason} event`),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(described).toMatch(/Last\s+5s \(x3 over/);
  });

  it("lists built-ins and the CRD itself", async () => {
    expect(rows(await kubectl("get", "namespaces")).map((r) => r[0])).toEqual([
      "NAME",
      "default",
      "kube-public",
      "kube-system",
      "my-deploy-namespace",
    ]);
    expect(await kubectl("get", "crd")).toContain("vvpdeployments.ververica.platform");
  });

  it("applies install kinds; a second apply of a Deployment merges containers by name (strategic merge)", async () => {
    const file = (image: string, sidecar: boolean) => {
      const containers = [
        `      - name: app\n        image: ${image}\n        env: [{name: X, value: "1"}]`,
        ...(sidecar ? ["      - name: side\n        image: s:1"] : []),
      ].join("\n");
      const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: op, namespace: default}\nspec:\n  selector: {matchLabels: {app: op}}\n  template:\n    metadata: {labels: {app: op}}\n    spec:\n      containers:\n${containers}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: op}\nrules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]\n`;
      const path = join(dir, `install-${image}.yaml`);
      writeFileSync(path, text);
      return path;
    };
    expect(await kubectl("apply", "-f", file("a:1", true))).toContain("deployment.apps/op created");
    expect(await kubectl("apply", "-f", file("a:2", false))).toContain(
      "deployment.apps/op configured",
    );
    const patch = kube.requests({ method: "PATCH", resource: "deployments" }).at(-1);
    expect(patch?.contentType).toBe("application/strategic-merge-patch+json");
    const deployment = kube.get("Deployment", "default", "op") as unknown as {
      metadata: { generation: number };
      spec: { template: { spec: { containers: unknown[] } } };
    };
    expect(deployment.spec.template.spec.containers).toEqual([
      { name: "app", image: "a:2", env: [{ name: "X", value: "1" }] },
    ]);
    expect(deployment.metadata.generation).toBe(2);
    expect(kube.get("ClusterRole", undefined, "op")).toBeDefined();
  });

  it("falls back from aggregated discovery to the legacy documents the fake serves", async () => {
    const apis = kube.requests({ path: "/apis" }).find((r) => r.path === "/apis");
    expect(apis?.accept).toContain("apidiscovery.k8s.io");
    expect(apis?.status).toBe(200);
    expect(
      kube.requests({ path: "/apis/ververica.platform/v1" }).some((r) => r.status === 200),
    ).toBe(true);
  });
});
