// kubectl vvp against the fake API server: get (-n, -A, -o, --context,
// --kubeconfig), savepoint/restart (merge patch with resourceVersion, --wait),
// status (conditions explained, Events), completion of names.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { example, lines, runCli, tempDir } from "./support.js";

let kube: FakeKubernetes;
let dir: string;
let kubeconfig: string;

function cr(name: string, namespace: string, status?: Record<string, unknown>): unknown {
  const object = parse(example("patch-minimal")) as {
    metadata: { name: string; namespace: string };
    status?: unknown;
  };
  object.metadata.name = name;
  object.metadata.namespace = namespace;
  if (status !== undefined) object.status = status;
  return object;
}

const RUNNING_STATUS = {
  actualState: "RUNNING",
  instanceId: "my-operator",
  observedSpecState: "RUNNING",
  syncEnabled: true,
  vvpNamespace: "default",
  conditions: [
    {
      type: "Healthy",
      status: "False",
      reason: "SavepointBlocked",
      message: "savepoint 3 blocked",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    },
    {
      type: "Consistent",
      status: "True",
      reason: "RecordIntact",
      message: "",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    },
    {
      type: "NonceAligned",
      status: "False",
      reason: "SavepointBlocked",
      message: "the job is SUSPENDED",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    },
  ],
  lastProcessedSavepointNonce: 2,
  blockedSavepointNonce: { nonce: 3, cause: "JobNotRunning", detail: "SUSPENDED" },
};

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["team-a", "team-b"] });
  // Kept for the whole file (tempDir() is removed after each test).
  dir = mkdtempSync(join(tmpdir(), "vvpctl-cluster-"));
  kubeconfig = join(dir, "kubeconfig");
  // A second context whose namespace is team-b, to check --context.
  const config = parse(kube.kubeconfig) as {
    contexts: { name: string; context: Record<string, string> }[];
  };
  config.contexts.push({
    name: "team-b",
    context: { ...config.contexts[0]?.context, namespace: "team-b" },
  });
  writeFileSync(kubeconfig, stringify(config));
  kube.apply(cr("alpha", "team-a", RUNNING_STATUS));
  kube.apply(cr("beta", "team-a"));
  kube.apply(cr("gamma", "team-b"));
});

afterAll(async () => {
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

const k = (...args: string[]) =>
  runCli([...args, "--kubeconfig", kubeconfig], { now: new Date().toISOString() });

describe("kubectl vvp get (cluster)", () => {
  it("lists one namespace with the CRD's printer columns", async () => {
    const result = await k("get", "-n", "team-a");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const [header, ...rows] = lines(result.stdout);
    expect(header?.split(/\s{2,}/)).toEqual([
      "NAME",
      "ACTUAL",
      "INSTANCE-ID",
      "DESIRED",
      "SYNC",
      "VVP-NAMESPACE",
      "HEALTHY",
      "AGE",
    ]);
    expect(rows.map((row) => row.split(/\s+/)[0])).toEqual(["alpha", "beta"]);
    expect(rows[0]).toMatch(
      /^alpha\s+RUNNING\s+my-operator\s+RUNNING\s+true\s+default\s+False\s+\d+s$/,
    );
  });

  it("reads KUBECONFIG when --kubeconfig is not given", async () => {
    const result = await runCli(["get", "-n", "team-a", "-o", "name"], {
      env: { KUBECONFIG: kubeconfig },
    });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      "vvpdeployment.ververica.platform/alpha",
      "vvpdeployment.ververica.platform/beta",
    ]);
  });

  it("-o wide adds the sub-condition columns; -A adds NAMESPACE", async () => {
    const wide = await k("get", "-n", "team-a", "-o", "wide");
    expect(lines(wide.stdout)[0]).toContain(
      "CONSISTENT   SPECALIGNED   PARALLELISMALIGNED   DELETIONBLOCKED",
    );
    const all = await k("get", "-A");
    expect(all.code).toBe(0);
    const rows = lines(all.stdout);
    expect(rows[0]).toMatch(/^NAMESPACE\s+NAME\s+ACTUAL/);
    expect(
      rows
        .slice(1)
        .map((row) => row.split(/\s+/).slice(0, 2).join("/"))
        .sort(),
    ).toEqual(["team-a/alpha", "team-a/beta", "team-b/gamma"]);
  });

  it("one by name as YAML or JSON; a missing name exits 1 as kubectl says it", async () => {
    const yaml = await k("get", "alpha", "-n", "team-a", "-o", "yaml");
    expect(yaml.code).toBe(0);
    expect(parse(yaml.stdout)).toMatchObject({
      kind: "VvpDeployment",
      metadata: { name: "alpha" },
    });
    const json = await k("get", "-n", "team-a", "-o", "json");
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: "List", items: [{}, {}] });
    const missing = await k("get", "nope", "-n", "team-a");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      'Error from server (NotFound): vvpdeployments.ververica.platform "nope" not found\n',
    );
  });

  it("--context selects the context (and its namespace); an unknown one is one line, exit 2", async () => {
    const result = await k("get", "--context", "team-b");
    expect(
      lines(result.stdout)
        .slice(1)
        .map((row) => row.split(/\s+/)[0]),
    ).toEqual(["gamma"]);
    const unknown = await k("get", "--context", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('error: context "nope" does not exist in the kubeconfig\n');
    const empty = await k("get", "-n", "default");
    expect(empty.stderr).toBe("No resources found in default namespace.\n");
    expect(empty.code).toBe(0);
  });

  it("-n with -A is a usage error; -f keeps reading files", async () => {
    expect((await k("get", "-A", "-n", "x")).code).toBe(2);
    const files = tempDir({ "cr.yaml": example("patch-minimal") });
    const result = await runCli(["get", "-f", "cr.yaml"], { cwd: files });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[1]).toMatch(/^my-deployment\s+<unknown>$/);
  });

  it("a cluster that does not answer: one line, exit 2", async () => {
    const config = parse(kube.kubeconfig) as { clusters: { cluster: { server: string } }[] };
    const cluster = config.clusters[0]?.cluster;
    if (cluster) cluster.server = "https://127.0.0.1:1";
    const file = join(dir, "dead");
    writeFileSync(file, stringify(config));
    const result = await runCli(["get", "--kubeconfig", file]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^error: cannot reach the cluster at https:\/\/127\.0\.0\.1:1: /),
    ]);
  });
});

describe("kubectl vvp savepoint / restart", () => {
  it("sets a fresh nonce with a merge patch carrying the resourceVersion", async () => {
    kube.clearRequests();
    const result = await k("savepoint", "alpha", "-n", "team-a");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // Above every value the CR records (spec 1, processed 2, blocked 3).
    expect(result.stdout).toBe(
      "vvpdeployment.ververica.platform/alpha savepoint requested: spec.savepointNonce=4\n",
    );
    const patch = kube.requests({ method: "PATCH" })[0];
    expect(patch?.contentType).toBe("application/merge-patch+json");
    expect(
      (
        kube.get("VvpDeployment", "team-a", "alpha") as unknown as {
          spec: { savepointNonce: number };
        }
      ).spec.savepointNonce,
    ).toBe(4);
  });

  it("an edit between the read and the patch is a 409 (the patch carries the resourceVersion): read again, never overwritten", async () => {
    kube.clearRequests();
    // The PATCH waits; meanwhile the CR is edited.
    kube.faults.slow(300, { method: "PATCH" });
    const running = k("restart", "gamma", "-n", "team-b");
    await kube.waitFor(
      () => kube.requests({ method: "GET", name: "gamma" } as never).length > 0,
      30_000,
    );
    const current = kube.get("VvpDeployment", "team-b", "gamma") as unknown as {
      metadata: { labels: Record<string, string> };
    };
    kube.apply({
      ...current,
      metadata: { ...current.metadata, labels: { ...current.metadata.labels, edited: "yes" } },
    });
    const result = await running;
    kube.faults.slow(0);
    expect(result.code).toBe(0);
    const patches = kube.requests({ method: "PATCH" });
    expect(patches.map((request) => request.status)).toEqual([409, 200]);
    const after = kube.get("VvpDeployment", "team-b", "gamma") as unknown as {
      metadata: { labels: Record<string, string> };
    };
    expect(after.metadata.labels.edited).toBe("yes");
  });

  it("--wait prints processed when the status shows the nonce submitted", async () => {
    const running = k(
      "restart",
      "beta",
      "-n",
      "team-a",
      "--wait",
      "--poll-interval",
      "10",
      "--timeout",
      "60s",
    );
    await kube.waitFor(
      () =>
        (
          kube.get("VvpDeployment", "team-a", "beta") as unknown as {
            spec: { restartNonce?: number };
          }
        ).spec.restartNonce === 1,
      30_000,
    );
    const current = kube.get("VvpDeployment", "team-a", "beta") as Record<string, unknown>;
    kube.apply({
      ...current,
      status: { lastProcessedTriggerNonce: 1, lastConsumedTriggerNonce: 1 },
    });
    const result = await running;
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[1]).toBe(
      "processed: restartNonce 1 was submitted to Ververica Platform (status.lastProcessedTriggerNonce=1)",
    );
  });

  it("--wait prints blocked (exit 1) with the cause and the reference's action", async () => {
    const running = k("savepoint", "gamma", "-n", "team-b", "--wait", "--poll-interval", "10");
    await kube.waitFor(
      () =>
        (
          kube.get("VvpDeployment", "team-b", "gamma") as unknown as {
            spec: { savepointNonce?: number };
          }
        ).spec.savepointNonce === 1,
      30_000,
    );
    const current = kube.get("VvpDeployment", "team-b", "gamma") as Record<string, unknown>;
    kube.apply({
      ...current,
      status: { blockedSavepointNonce: { nonce: 1, cause: "JobNotRunning", detail: "SUSPENDED" } },
    });
    const result = await running;
    expect(result.code).toBe(1);
    expect(lines(result.stdout)[1]).toMatch(
      /^blocked: savepointNonce 1 was not submitted: the job is not RUNNING \(SUSPENDED\) \(status\.blockedSavepointNonce\)\. Wait for the job to reach RUNNING/,
    );
  });

  it("--wait times out with a line saying so", async () => {
    const result = await k(
      "restart",
      "alpha",
      "-n",
      "team-a",
      "--wait",
      "--timeout",
      "50ms",
      "--poll-interval",
      "10",
    );
    expect(result.code).toBe(1);
    expect(lines(result.stdout)[1]).toMatch(
      /^timed out: restartNonce \d+ is neither processed nor blocked yet/,
    );
  });
});

describe("kubectl vvp status", () => {
  it("explains each condition with the reference's action, the nonces and the last Events", async () => {
    const alpha = kube.get("VvpDeployment", "team-a", "alpha") as unknown as {
      metadata: { uid: string };
    };
    kube.apply({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: { name: "alpha.1", namespace: "team-a" },
      eventTime: "2026-01-01T00:00:00.000000Z",
      regarding: {
        apiVersion: "ververica.platform/v1",
        kind: "VvpDeployment",
        name: "alpha",
        namespace: "team-a",
        uid: alpha.metadata.uid,
      },
      reason: "SavepointBlocked",
      type: "Warning",
      action: "Reconcile",
      note: "savepoint nonce 3 blocked: the job is SUSPENDED",
      reportingController: "ververica.platform/vvp-operator",
      reportingInstance: "x",
    });
    const result = await k("status", "alpha", "-n", "team-a");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toContain("FAIL NonceAligned=False (SavepointBlocked)");
    expect(text).toContain("A savepoint was requested while the job was not RUNNING");
    expect(text).toContain(
      "Action: Wait for the job to reach RUNNING and any Autopilot scaling to complete",
    );
    expect(text).toContain("ok   Consistent=True (RecordIntact)");
    expect(text).toContain("blocked 3: the job is not RUNNING (SUSPENDED)");
    expect(text).toMatch(
      /Warning\s+SavepointBlocked\s+\S+\s+ververica\.platform\/vvp-operator\s+savepoint nonce 3 blocked/,
    );
  });
});

describe("completion", () => {
  it("completes subcommands, flags, flag choices and names from the cluster", async () => {
    const commands = await runCli(["complete", "--", ""]);
    expect(commands.stdout).toContain("savepoint\t");
    expect(lines(commands.stdout).at(-1)).toMatch(/^:\d+$/);
    const flags = await runCli(["complete", "--", "get", "--"]);
    expect(commands.code).toBe(0);
    expect(flags.stdout).toContain("--all-namespaces\t");
    const output = await runCli(["complete", "--", "get", "-o", ""]);
    expect(lines(output.stdout)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^wide\b/), expect.stringMatching(/^yaml\b/)]),
    );
    const names = await runCli([
      "complete",
      "--",
      "status",
      "-n",
      "team-a",
      "--kubeconfig",
      kubeconfig,
      "",
    ]);
    const contexts = await runCli([
      "complete",
      "--",
      "get",
      "--kubeconfig",
      kubeconfig,
      "--context",
      "",
    ]);
    expect(lines(contexts.stdout)).toEqual(
      expect.arrayContaining(["fake\tkubeconfig context", "team-b\tkubeconfig context"]),
    );
    expect(lines(names.stdout)).toEqual(
      expect.arrayContaining(["alpha\tVvpDeployment", "beta\tVvpDeployment"]),
    );
  });

  it("prints scripts for bash, zsh and fish", async () => {
    for (const shell of ["bash", "zsh", "fish"]) {
      const result = await runCli(["completion", shell]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("vvpctl complete --");
    }
    expect((await runCli(["completion", "tcsh"])).code).toBe(2);
  });
});
