// Two (then three) real vvp-operator processes against the fake API server
// and the VVP simulator, both running in this test process.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VvpSimulator } from "../../src/simulator/index.js";
import type { FakeKubernetes } from "../../src/testing/index.js";
import { exampleCr } from "../support/examples.js";
import { type OperatorProcess, spawnOperator } from "./process.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";
import { startOperatorBackends, waitFor } from "./support.js";

const INSTANCE = "my-operator";
const NAMESPACE = "my-deploy-namespace";
const TOKEN = "tok-0f3c9d-process-test";
const LEASE = { durationMs: 4_000, renewDeadlineMs: 2_500, retryPeriodMs: 200 };

let kube: FakeKubernetes;
let vvp: VvpSimulator;
let directory: string;
let kubeconfigFile: string;
const processes: OperatorProcess[] = [];

beforeAll(async () => {
  ({ kube, vvp } = await startOperatorBackends(NAMESPACE, TOKEN));
  directory = mkdtempSync(join(tmpdir(), "vvp-operator-process-"));
  kubeconfigFile = join(directory, "kubeconfig");
  writeFileSync(kubeconfigFile, kube.kubeconfig);
});

afterAll(async () => {
  for (const operator of processes) {
    if (operator.child.exitCode === null && operator.child.signalCode === null)
      operator.child.kill("SIGKILL");
    await operator.exited;
  }
  await kube?.close();
  await vvp?.close();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

function start(name: string): OperatorProcess {
  const operator = spawnOperator(name, [
    "--instance-id",
    INSTANCE,
    "--watched-namespaces",
    NAMESPACE,
    "--vvp-url",
    vvp.url,
    "--kubeconfig",
    kubeconfigFile,
    "--bind-address",
    "127.0.0.1",
    "--health-port",
    "0",
    "--leader-election-namespace",
    "default",
    "--leader-election-lease-duration",
    `${LEASE.durationMs}ms`,
    "--leader-election-renew-deadline",
    `${LEASE.renewDeadlineMs}ms`,
    "--leader-election-retry-period",
    `${LEASE.retryPeriodMs}ms`,
    "--resync-period",
    "500ms",
    "--shutdown-timeout",
    "5s",
    "--log-level",
    "debug",
  ]);
  processes.push(operator);
  return operator;
}

async function metricsOf(operator: OperatorProcess) {
  const { body } = await operator.probe("/metrics");
  return parsePrometheusText(body);
}

async function reconciles(operator: OperatorProcess): Promise<number> {
  const samples = await metricsOf(operator);
  return samples
    .filter((sample) => sample.name === "controller_runtime_reconcile_total")
    .reduce((sum, sample) => sum + sample.value, 0);
}

async function isLeaderByMetric(operator: OperatorProcess): Promise<boolean> {
  return (
    sampleValue(await metricsOf(operator), "leader_election_master_status", {
      name: `vvp-operator-${INSTANCE}`,
    }) === 1
  );
}

function becameLeader(operator: OperatorProcess) {
  return operator.logs.find((line) => line.msg === "became leader");
}

type Cr = ReturnType<typeof exampleCr> & { status?: unknown };

function storedCr(): Cr {
  const cr = kube.get("VvpDeployment", NAMESPACE, "my-deployment");
  if (cr === undefined) throw new Error("the CR is gone");
  return cr as unknown as Cr;
}

/** An author's edit, as `kubectl apply` would make it: the spec changes, the status stays. */
function edit(change: (spec: Cr["spec"]) => void): void {
  const cr = storedCr();
  change(cr.spec);
  kube.apply(cr);
}

function vvpDeployment() {
  return vvp
    .deployments("default")
    .find((deployment) => deployment.metadata.name === "my-deployment");
}

describe("the vvp-operator command line", () => {
  it("exits 2 with one line on stderr before starting anything; --help exits 0", async () => {
    const required = [
      "--instance-id",
      INSTANCE,
      "--watched-namespaces",
      NAMESPACE,
      "--vvp-url",
      "http://127.0.0.1:1",
    ];
    // Three processes at once: each start costs seconds on a busy machine.
    const [badPort, noKubeconfig, help] = [
      spawnOperator("cli", [...required, "--health-port", "abc"]),
      spawnOperator("cli", [...required, "--kubeconfig", "/nonexistent/kubeconfig"]),
      spawnOperator("cli", ["--help"]),
    ];
    for (const [operator, message] of [
      [badPort, /^vvp-operator: --health-port: "abc" is not a port number/],
      [noKubeconfig, /^vvp-operator: --kubeconfig: \/nonexistent\/kubeconfig does not exist/],
    ] as const) {
      expect(await operator.exited).toEqual({ code: 2, signal: null });
      const stderr = operator.stderr.join("");
      expect(stderr).toMatch(message);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(operator.logs).toEqual([]);
    }
    expect(await help.exited).toEqual({ code: 0, signal: null });
    expect(help.otherOutput.join("\n")).toContain("--leader-election-lease-duration");
  });
});

describe("vvp-operator processes with leader election", () => {
  it("one reconciles at a time; a killed leader is replaced within lease + retry with no nonce run twice and no edit lost; a terminated one hands over at once", async () => {
    const cr = exampleCr("PATCH");
    cr.spec.deployment.spec.state = "RUNNING";
    kube.apply(cr);

    const a = start("operator-a");
    const b = start("operator-b");
    // Two processes compile and start at once: on a loaded machine that takes tens of seconds.
    const first = await waitFor(() => becameLeader(a) ?? becameLeader(b), "a leader", 90_000);
    const leader = becameLeader(a) === first ? a : b;
    const standby = leader === a ? b : a;
    await waitFor(
      () => vvpDeployment()?.status.state === "RUNNING",
      "the deployment to run",
      20_000,
    );

    // Only the leader reconciles; the standby is ready all the same (it serves the webhook).
    await waitFor(
      async () => (await reconciles(leader)) > 0,
      "the leader's first reconcile to end",
    );
    expect(await reconciles(standby)).toBe(0);
    expect(await isLeaderByMetric(leader)).toBe(true);
    expect(await isLeaderByMetric(standby)).toBe(false);
    expect((await standby.probe("/readyz")).status).toBe(200);
    await waitFor(
      async () => (await leader.probe("/readyz")).status === 200,
      "the leader to be ready",
    );

    // An edit and a savepoint nonce, then the leader dies without a word.
    const savepointsBefore = vvp.savepoints().length;
    edit((spec) => {
      spec.savepointNonce = 1;
      const template = spec.deployment.spec.template as { spec: { parallelism?: number } };
      template.spec.parallelism = 3;
    });
    const killedAt = performance.now();
    leader.child.kill("SIGKILL");
    await leader.exited;

    await waitFor(() => becameLeader(standby), "the standby to take over", 20_000);
    const takeoverMs = performance.now() - killedAt;
    // Expiry is judged from the standby's last observation of a change, polled every retry period (jittered ×1.2).
    expect(takeoverMs).toBeLessThan(LEASE.durationMs + 3 * LEASE.retryPeriodMs + 1_500);

    await waitFor(
      () => {
        const deployment = vvpDeployment();
        const parallelism = (
          deployment?.spec.template as { spec?: { parallelism?: number } } | undefined
        )?.spec?.parallelism;
        return parallelism === 3 && vvp.savepoints().length > savepointsBefore;
      },
      "the edit and the savepoint to reach VVP",
      20_000,
    );
    // Several more resyncs by the new leader must not trigger the savepoint again.
    const settled = await reconciles(standby);
    await waitFor(async () => (await reconciles(standby)) >= settled + 4, "more resyncs", 20_000);
    expect(vvp.savepoints().length).toBe(savepointsBefore + 1);
    expect(vvpDeployment()).toBeDefined();
    expect(vvp.deployments("default")).toHaveLength(1);

    // A third replica joins; the leader is terminated gracefully and hands over without waiting for expiry.
    const c = start("operator-c");
    await c.healthPort();
    await waitFor(
      () => c.logs.some((line) => line.msg === "competing for leadership"),
      "c to compete",
    );
    expect(await reconciles(c)).toBe(0);
    const terminatedAt = performance.now();
    standby.child.kill("SIGTERM");
    await waitFor(() => becameLeader(c), "c to take over", 20_000);
    const handoverMs = performance.now() - terminatedAt;
    expect(handoverMs).toBeLessThan(LEASE.durationMs);
    expect(await standby.exited).toEqual({ code: 0, signal: null });
    expect(kube.get("Lease", "default", `vvp-operator-${INSTANCE}`)).toMatchObject({
      spec: { holderIdentity: expect.stringContaining("operator-c") },
    });

    // The new leader picks up edits made while nobody led.
    edit((spec) => {
      const template = spec.deployment.spec.template as { spec: { parallelism?: number } };
      template.spec.parallelism = 5;
    });
    await waitFor(
      () =>
        (vvpDeployment()?.spec.template as { spec?: { parallelism?: number } } | undefined)?.spec
          ?.parallelism === 5,
      "the last edit to reach VVP",
      20_000,
    );

    c.child.kill("SIGTERM");
    expect(await c.exited).toEqual({ code: 0, signal: null });

    // Logs: JSON only, the token never, the reconciled CR named.
    for (const operator of [a, b, c]) {
      expect(operator.otherOutput).toEqual([]);
      expect(JSON.stringify(operator.logs)).not.toContain(TOKEN);
      expect(operator.stderr.join("")).not.toContain(TOKEN);
    }
  }, 300_000);
});
