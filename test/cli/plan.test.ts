import { afterEach, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { readOnlyClient } from "../../src/cli/plan-run.js";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { example, lines, runCli, tempDir } from "./support.js";

const NOW = "2026-01-01T00:10:00Z";

/** A VVP deployment as GET returns it, for the example CR, made by this operator. */
function observedDeployment(
  overrides: { state?: string; status?: string; crUid?: string; owner?: string } = {},
) {
  return {
    apiVersion: "v1",
    kind: "Deployment",
    metadata: {
      id: "5e2b1a8c-0000-4000-8000-000000000001",
      name: "my-deployment",
      namespace: "default",
      resourceVersion: 3,
      labels: { "ververica.platform/owner": overrides.owner ?? "my-operator" },
      annotations: {
        ...(overrides.crUid === undefined ? {} : { "ververica.platform/cr-uid": overrides.crUid }),
        "com.dataartisans.appmanager.controller.deployment.spec.version": "3",
      },
    },
    spec: {
      state: overrides.state ?? "CANCELLED",
      deploymentTargetName: "default",
      upgradeStrategy: { kind: "STATEFUL" },
      template: {
        spec: {
          artifact: { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob.jar" },
          engineVersionName: "vera-4.1-flink-1.20",
          parallelism: 1,
        },
      },
    },
    status: { state: overrides.status ?? "CANCELLED" },
  };
}

/** `vvpctl plan <file> --observed <observed> -o json` in the directory, parsed. */
async function planJson(dir: string, file: string, observed: string) {
  const result = await runCli(["plan", file, "--observed", observed, "-o", "json"], {
    cwd: dir,
    now: NOW,
  });
  return JSON.parse(result.stdout);
}

describe("vvpctl plan, offline", () => {
  it("without an observation plans the creation: finalizer, then POST with the exact body", async () => {
    const result = await runCli(["plan", "examples/patch-minimal.yaml", "-o", "json"], {
      now: NOW,
    });
    expect(result.code).toBe(0);
    const preview = JSON.parse(result.stdout);
    expect(preview).toMatchObject({
      resource: { namespace: "my-deploy-namespace", name: "my-deployment" },
      instanceId: "my-operator",
      observedFrom: "nothing",
      consistency: "create",
      diff: [],
      nonces: { savepoint: { outcome: "idle" }, restart: { outcome: "idle" } },
    });
    expect(preview.actions.map((action: { type: string }) => action.type)).toEqual([
      "AddFinalizer",
      "CreateDeployment",
    ]);
    expect(preview.actions[1]).toMatchObject({
      summary: "POST /api/v1/namespaces/default/deployments",
      body: {
        metadata: {
          name: "my-deployment",
          namespace: "default",
          labels: { "ververica.platform/owner": "my-operator" },
        },
        spec: { state: "CANCELLED", deploymentTargetName: "default" },
      },
    });
    expect(preview.conditions.map((condition: { type: string }) => condition.type)).toContain(
      "Healthy",
    );
  });

  it("prints the text preview for a pull request", async () => {
    const result = await runCli(["plan", "examples/patch-minimal.yaml"], { now: NOW });
    const text = lines(result.stdout);
    expect(text.slice(0, 5)).toEqual([
      "VvpDeployment my-deploy-namespace/my-deployment (instance my-operator)",
      "Observed: nothing (the deployment is not created yet)",
      "Mapping: create",
      "Actions:",
      "  1. AddFinalizer: add the finalizer ververica.platform/finalizer to the CR",
    ]);
    expect(text).toContain("  2. CreateDeployment: POST /api/v1/namespaces/default/deployments");
    expect(text).toContain("  savepointNonce: idle (nothing requested)");
  });

  it("against a deployment that already matches: nothing to do", async () => {
    const cr = example("patch-minimal").replace(
      "  namespace: my-deploy-namespace\n",
      "  namespace: my-deploy-namespace\n  finalizers: [ververica.platform/finalizer]\n",
    );
    const dir = tempDir({
      "cr.yaml": cr,
      "observed.yaml": stringify(
        observedDeployment({ crUid: "my-deploy-namespace/my-deployment" }),
      ),
    });
    const preview = await planJson(dir, "cr.yaml", "observed.yaml");
    expect(preview.consistency).toBe("intact");
    expect(preview.actions).toEqual([]);
    expect(preview.diff).toEqual([]);
    const text = await runCli(["plan", "cr.yaml", "--observed", "observed.yaml"], {
      cwd: dir,
      now: NOW,
    });
    expect(text.stdout).toContain("Actions:\n  nothing: VVP already matches the CR\n");
  });

  it("a spec change: the diff and the PATCH body; in PUT mode a PUT", async () => {
    const changed = (text: string) =>
      text
        .replace("MyJob.jar", "MyJob-2.jar")
        .replace(
          "  namespace: my-deploy-namespace\n",
          "  namespace: my-deploy-namespace\n  finalizers: [ververica.platform/finalizer]\n",
        );
    const dir = tempDir({
      "patch.yaml": changed(example("patch-minimal")),
      "put.yaml": changed(example("put-minimal")),
      "observed.yaml": stringify(observedDeployment({ crUid: "u-1" })),
    });
    const plan = (file: string) => planJson(dir, file, "observed.yaml");
    const patch = await plan("patch.yaml");
    expect(patch.diff).toEqual([
      {
        field: "spec.template.spec.artifact.jarUri",
        cr: "s3://my-bucket/artifacts/MyJob-2.jar",
        vvp: "s3://my-bucket/artifacts/MyJob.jar",
      },
    ]);
    expect(patch.actions).toHaveLength(1);
    expect(patch.actions[0]).toMatchObject({
      type: "PatchDeployment",
      summary:
        "PATCH /api/v1/namespaces/default/deployments/5e2b1a8c-0000-4000-8000-000000000001 (Projection)",
      body: {
        spec: {
          template: { spec: { artifact: { jarUri: "s3://my-bucket/artifacts/MyJob-2.jar" } } },
        },
      },
    });
    const put = await plan("put.yaml");
    expect(put.actions.map((action: { type: string }) => action.type)).toEqual(["PutDeployment"]);
    expect(put.actions[0].body.spec.maxJobCreationAttempts).toBe(3);
    const text = await runCli(["plan", "patch.yaml", "--observed", "observed.yaml"], {
      cwd: dir,
      now: NOW,
    });
    expect(text.stdout).toContain(
      'Diff (VVP now → the CR):\n  spec.template.spec.artifact.jarUri: "s3://my-bucket/artifacts/MyJob.jar" → "s3://my-bucket/artifacts/MyJob-2.jar"\n',
    );
  });

  it("a savepoint nonce on a RUNNING job is triggered; on a stopped one it is blocked", async () => {
    const cr = example("patch-minimal")
      .replace("state: CANCELLED", "state: RUNNING")
      .replace("  syncingMode: PATCH\n", "  syncingMode: PATCH\n  savepointNonce: 7\n")
      .replace(
        "  namespace: my-deploy-namespace\n",
        "  namespace: my-deploy-namespace\n  finalizers: [ververica.platform/finalizer]\n",
      );
    const dir = tempDir({
      "cr.yaml": cr,
      "running.yaml": stringify(
        observedDeployment({ crUid: "u-1", state: "RUNNING", status: "RUNNING" }),
      ),
      "stopped.yaml": stringify(
        observedDeployment({ crUid: "u-1", state: "RUNNING", status: "TRANSITIONING" }),
      ),
    });
    const running = await planJson(dir, "cr.yaml", "running.yaml");
    expect(running.nonces.savepoint).toMatchObject({ outcome: "trigger", nonce: 7 });
    expect(running.actions[0]).toMatchObject({
      type: "TriggerSavepoint",
      summary: "POST /api/v1/namespaces/default/savepoints (savepointNonce 7)",
      body: { metadata: { deploymentId: "5e2b1a8c-0000-4000-8000-000000000001" } },
    });
    const stopped = await planJson(dir, "cr.yaml", "stopped.yaml");
    expect(stopped.nonces.savepoint).toMatchObject({
      outcome: "blocked",
      nonce: 7,
      cause: "JobNotRunning",
    });
    const text = await runCli(["plan", "cr.yaml", "--observed", "stopped.yaml"], {
      cwd: dir,
      now: NOW,
    });
    expect(text.stdout).toMatch(/savepointNonce: blocked 7 \(JobNotRunning\)/);
    expect(text.stdout).toMatch(/NonceAligned=False SavepointBlocked/);
  });

  it("a file CR and its operator's deployment: the uid is borrowed from the deployment (ours)", async () => {
    const dir = tempDir({
      "cr.yaml": example("patch-minimal"),
      "ours.yaml": stringify(observedDeployment({ crUid: "0a1b-uid" })),
      "foreign.yaml": stringify(observedDeployment({ owner: "someone-else" })),
    });
    const ours = await planJson(dir, "cr.yaml", "ours.yaml");
    expect(ours.consistency).toBe("intact");
    const foreign = await planJson(dir, "cr.yaml", "foreign.yaml");
    expect(foreign.consistency).toBe("foreign");
    expect(foreign.conditions).toContainEqual(
      expect.objectContaining({
        type: "Consistent",
        status: "False",
        reason: "AppManagerCreateFailed",
      }),
    );
  });

  it("a CR of another instance is skipped", async () => {
    const result = await runCli(["plan", "examples/patch-minimal.yaml", "--instance-id", "other"], {
      now: NOW,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Skipped: NotOwned");
  });

  it("an invalid CR: each error with its line and column, exit 1", async () => {
    const dir = tempDir({
      "cr.yaml": example("patch-minimal").replace("syncingMode: PATCH", "syncingMode: 3"),
    });
    const result = await runCli(["plan", "cr.yaml"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^cr\.yaml:11:16: error: spec\.syncingMode: /);
  });

  it("usage and input errors: one line, exit 2", async () => {
    const dir = tempDir({
      "cr.yaml": example("patch-minimal"),
      "two.yaml": `${example("patch-minimal")}---\n${example("put-minimal")}`,
      "bad-observed.yaml": "metadata: {id: 42}\n",
      "nolabel.yaml": example("patch-minimal").replace(
        "    ververica.platform/owner: my-operator\n",
        "    x: y\n",
      ),
    });
    const cases: Array<[string[], RegExp]> = [
      [
        ["plan", "cr.yaml", "--observed", "x", "--vvp", "http://127.0.0.1:1"],
        /^error: give --observed or --vvp, not both$/,
      ],
      [["plan", "cr.yaml", "--token-file", "t"], /^error: --token-file needs --vvp$/],
      [["plan", "two.yaml"], /^error: two\.yaml: holds 2 VvpDeployments; plan takes exactly one$/],
      [["plan", "missing.yaml"], /^error: missing\.yaml: cannot be read \(ENOENT\)$/],
      [
        ["plan", "cr.yaml", "--observed", "bad-observed.yaml"],
        /^error: --observed bad-observed\.yaml: metadata\.id: /,
      ],
      [
        ["plan", "nolabel.yaml"],
        /^error: the CR has no ververica\.platform\/owner label: pass --instance-id$/,
      ],
      [["plan", "cr.yaml", "--vvp", "not a url"], /^error: --vvp not a url: /],
    ];
    for (const [argv, message] of cases) {
      const result = await runCli(argv, { cwd: dir });
      expect(result.code, argv.join(" ")).toBe(2);
      expect(lines(result.stderr), argv.join(" ")).toHaveLength(1);
      expect(result.stderr.trimEnd()).toMatch(message);
    }
  });
});

describe("vvpctl plan --vvp (read-only, against the simulator on 127.0.0.1)", () => {
  let simulator: VvpSimulator | undefined;
  afterEach(async () => {
    await simulator?.close();
    simulator = undefined;
  });

  it("observes the live deployment with GETs only and plans the update", async () => {
    simulator = await startVvpSimulator({
      tokens: { "s3cr3t-token": { namespaces: "*", role: "viewer" } },
    });
    const body = observedDeployment({ crUid: "live-uid" });
    const created = simulator.createDeploymentDirectly("default", {
      metadata: {
        name: body.metadata.name,
        labels: body.metadata.labels,
        annotations: { "ververica.platform/cr-uid": "live-uid" },
      },
      spec: { ...body.spec, state: "CANCELLED" },
    } as never) as { metadata: { id: string } };
    const dir = tempDir({
      "cr.yaml": example("patch-minimal").replace("state: CANCELLED", "state: RUNNING"),
      token: "s3cr3t-token\n",
    });
    simulator.clearRequests();
    const result = await runCli(
      ["plan", "cr.yaml", "--vvp", simulator.url, "--token-file", "token", "-o", "json"],
      { cwd: dir, now: NOW },
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const preview = JSON.parse(result.stdout);
    expect(preview.observedFrom).toBe("vvp");
    expect(preview.consistency).toBe("intact");
    expect(preview.diff).toEqual([{ field: "spec.state", cr: "RUNNING", vvp: "CANCELLED" }]);
    expect(preview.actions.map((action: { type: string }) => action.type)).toContain(
      "PatchDeployment",
    );
    expect(
      preview.actions.find((action: { type: string }) => action.type === "PatchDeployment").summary,
    ).toContain(created.metadata.id);
    const methods = new Set(simulator.requests.map((request) => request.method));
    expect([...methods]).toEqual(["GET"]);
    expect(result.stdout).not.toContain("s3cr3t-token");
  });

  it("a deployment that does not exist yet: the creation", async () => {
    simulator = await startVvpSimulator();
    const result = await runCli(["plan", "examples/patch-minimal.yaml", "--vvp", simulator.url], {
      now: NOW,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Observed: the live VVP (read-only)");
    expect(result.stdout).toContain(
      "CreateDeployment: POST /api/v1/namespaces/default/deployments",
    );
    expect(simulator.deployments()).toEqual([]);
    expect(simulator.requests.every((request) => request.method === "GET")).toBe(true);
  });

  it("an unreachable or refusing VVP is one line, exit 2, without the token", async () => {
    simulator = await startVvpSimulator({ tokens: { good: { namespaces: "*", role: "viewer" } } });
    const dir = tempDir({ "cr.yaml": example("patch-minimal"), token: "wrong-token" });
    const refused = await runCli(
      ["plan", "cr.yaml", "--vvp", simulator.url, "--token-file", "token"],
      { cwd: dir },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: cannot read VVP: .*\n$/);
    expect(refused.stderr).not.toContain("wrong-token");
    const url = simulator.url;
    await simulator.close();
    simulator = undefined;
    const down = await runCli(["plan", "cr.yaml", "--vvp", url], { cwd: dir });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^error: cannot read VVP: /);
    const empty = tempDir({ "cr.yaml": example("patch-minimal"), token: "\n" });
    const noToken = await runCli(["plan", "cr.yaml", "--vvp", url, "--token-file", "token"], {
      cwd: empty,
    });
    expect(noToken.stderr).toBe("error: --token-file token: the file is empty\n");
  });

  it("the read-only client refuses every write before it leaves the process", async () => {
    const sent: string[] = [];
    const fetchSpy: typeof fetch = async (input, init) => {
      sent.push(init?.method ?? (input instanceof Request ? input.method : "GET"));
      return new Response(JSON.stringify({ items: [] }), {
        headers: { "content-type": "application/json" },
      });
    };
    const client = readOnlyClient("http://127.0.0.1:9", undefined, {
      io: {
        stdout: () => {},
        stderr: () => {},
        readStdin: async () => Buffer.alloc(0),
        cwd: "/",
        now: () => new Date(),
        fetch: fetchSpy,
      },
      exit: () => {},
    });
    await expect(
      client.patchDeployment("default", "id", { spec: { state: "RUNNING" } }),
    ).rejects.toThrow(/read-only/);
    await expect(
      client.createSavepoint("default", { metadata: { deploymentId: "id" } } as never),
    ).rejects.toThrow(/read-only/);
    await expect(client.deleteDeployment("default", "id")).rejects.toThrow(/read-only/);
    await client.listDeployments("default");
    expect(sent).toEqual(["GET"]);
  });
});

// The observed file may be JSON as `curl …/deployments/{id}` prints it.
describe("vvpctl plan --observed JSON", () => {
  it("reads a JSON deployment", async () => {
    const dir = tempDir({
      "cr.yaml": example("patch-minimal"),
      "observed.json": JSON.stringify(observedDeployment({ crUid: "x" })),
    });
    const result = await runCli(["plan", "cr.yaml", "--observed", "observed.json", "-o", "json"], {
      cwd: dir,
      now: NOW,
    });
    expect(result.code).toBe(0);
    expect(parse(result.stdout).observedFrom).toBe("file");
  });
});
