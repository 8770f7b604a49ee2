// The operator in this process (startOperator) against the fake API server and
// the simulator: readiness follows the caches, metrics move with reconciles,
// the webhook checks Secrets through the API server, shutdown releases the Lease.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/operator/config.js";
import { createKubernetesLeaseStore } from "../../src/operator/kube-lease-store.js";
import { createKubernetesSecretLookup } from "../../src/operator/kube-secret-lookup.js";
import { LeaseConflictError } from "../../src/operator/leader-election.js";
import { type RunningOperator, startOperator } from "../../src/operator/operator.js";
import type { VvpSimulator } from "../../src/simulator/index.js";
import type { FakeKubernetes } from "../../src/testing/index.js";
import { exampleCr } from "../support/examples.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";
import { startOperatorBackends, waitFor } from "./support.js";
import { httpsCall, type ServingCertificate, writeServingCertificate } from "./tls.js";

const NAMESPACE = "my-deploy-namespace";
const TOKEN = "tok-inprocess-7d1e";
const LEASE_NAME = "vvp-operator-my-operator";

let kube: FakeKubernetes;
let vvp: VvpSimulator;
let kubeConfig: KubeConfig;
let directory: string;
let certificate: ServingCertificate;
const logLines: string[] = [];
const running: RunningOperator[] = [];

beforeAll(async () => {
  ({ kube, vvp } = await startOperatorBackends(NAMESPACE, TOKEN));
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  directory = mkdtempSync(join(tmpdir(), "vvp-operator-inprocess-"));
  certificate = await writeServingCertificate(directory);
});

afterAll(async () => {
  for (const operator of running) await operator.shutdown();
  await kube?.close();
  await vvp?.close();
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

function configFor(extra: string[] = []) {
  const parsed = parseCommandLine(
    [
      "--instance-id",
      "my-operator",
      "--watched-namespaces",
      NAMESPACE,
      "--vvp-url",
      vvp.url,
      "--bind-address",
      "127.0.0.1",
      "--health-port",
      "0",
      "--webhook-port",
      "0",
      "--tls-cert-file",
      join(directory, "tls.crt"),
      "--tls-key-file",
      join(directory, "tls.key"),
      "--leader-election-lease-duration",
      "2s",
      "--leader-election-renew-deadline",
      "1s",
      "--leader-election-retry-period",
      "100ms",
      "--resync-period",
      "300ms",
      "--shutdown-timeout",
      "3s",
      ...extra,
    ],
    {},
  );
  if (parsed.kind !== "run") throw new Error(parsed.stderr);
  return parsed.config;
}

/**
 * Lease timings of the replicas of the first test: roomy, so that a leader on
 * a loaded machine never misses its renew deadline (the tests of a lost lease
 * below keep configFor's 2 s / 1 s).
 */
const ROOMY_LEASE = {
  durationMs: 6_000,
  args: ["--leader-election-lease-duration", "6s", "--leader-election-renew-deadline", "4s"],
};

async function start(podName: string): Promise<RunningOperator> {
  const logger = pino(
    { level: "debug", base: { pod: podName } },
    { write: (line: string) => void logLines.push(line) },
  );
  const operator = await startOperator(configFor(ROOMY_LEASE.args), {
    kubeConfig,
    logger,
    podName,
  });
  running.push(operator);
  return operator;
}

/** When the stored Lease was last renewed (wall clock, ms). */
function lastRenewal(leaseName: string): number {
  const lease = kube.get("Lease", "default", leaseName) as
    | { spec?: { renewTime?: string } }
    | undefined;
  const renewTime = lease?.spec?.renewTime;
  if (renewTime === undefined) throw new Error(`Lease ${leaseName} has no renewTime`);
  return Date.parse(renewTime);
}

async function get(operator: RunningOperator, path: string) {
  const response = await fetch(`http://127.0.0.1:${operator.healthPort}${path}`);
  return { status: response.status, body: await response.text() };
}

async function metric(
  operator: RunningOperator,
  name: string,
  labels: Record<string, string> = {},
) {
  return sampleValue(parsePrometheusText((await get(operator, "/metrics")).body), name, labels);
}

async function reconcileTotal(operator: RunningOperator): Promise<number> {
  const samples = parsePrometheusText((await get(operator, "/metrics")).body);
  return samples
    .filter((sample) => sample.name === "controller_runtime_reconcile_total")
    .reduce((sum, sample) => sum + sample.value, 0);
}

describe("the operator in one process", () => {
  it("is not ready until its caches synced; then metrics move with reconciles and VVP calls", async () => {
    // The first list of VvpDeployments is slow: the leader cannot have synced.
    kube.faults.slow(1_500, { resource: "vvpdeployments" });
    const leader = await start("pod-a");
    await waitFor(
      async () =>
        (await metric(leader, "leader_election_master_status", { name: LEASE_NAME })) === 1,
      "pod-a to lead",
    );
    const notReady = await get(leader, "/readyz");
    expect(notReady.status).toBe(503);
    expect(notReady.body).toContain("caches not synced");
    expect((await get(leader, "/healthz")).status).toBe(200);
    kube.faults.slow(0);
    await waitFor(async () => (await get(leader, "/readyz")).status === 200, "pod-a to be ready");

    const cr = exampleCr("PATCH");
    cr.spec.deployment.spec.state = "RUNNING";
    kube.apply(cr);
    await waitFor(
      () => vvp.deployments("default").some((deployment) => deployment.status.state === "RUNNING"),
      "the deployment to run",
    );
    await waitFor(async () => (await reconcileTotal(leader)) > 0, "a reconcile to end");
    expect(
      await metric(leader, "vvp_client_requests_total", {
        method: "POST",
        path: "/api/v1/namespaces/{namespace}/deployments",
        code: "201",
      }),
    ).toBe(1);
    expect(await metric(leader, "workqueue_adds_total", { name: "vvpdeployment" })).toBeGreaterThan(
      0,
    );
    expect(
      await metric(leader, "controller_runtime_reconcile_time_seconds_count", {
        controller: "vvpdeployment",
      }),
    ).toBeGreaterThan(0);
    // The periodic resync keeps reconciling: the counters keep moving.
    const before = await reconcileTotal(leader);
    await waitFor(async () => (await reconcileTotal(leader)) > before + 2, "resyncs to be counted");

    // A second replica: ready (it serves the webhook) though it leads nothing and reconciles nothing.
    const standby = await start("pod-b");
    await waitFor(async () => (await get(standby, "/readyz")).status === 200, "pod-b to be ready");
    expect(await metric(standby, "leader_election_master_status", { name: LEASE_NAME })).toBe(0);
    expect(await reconcileTotal(standby)).toBe(0);

    // Every replica's webhook checks the token Secret through the API server.
    const review = (secretName: string) =>
      JSON.stringify({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: {
          uid: `u-${secretName}`,
          operation: "CREATE",
          namespace: NAMESPACE,
          // The API server always says who asks: the webhook checks they may get the Secret.
          userInfo: { username: "alice", groups: ["system:authenticated"] },
          object: {
            ...exampleCr("PATCH"),
            metadata: {
              ...exampleCr("PATCH").metadata,
              annotations: { apikeySecretName: secretName },
            },
          },
        },
      });
    for (const operator of [leader, standby]) {
      const call = (secretName: string) =>
        httpsCall({
          port: operator.webhookPort ?? 0,
          path: "/validate",
          headers: { "content-type": "application/json" },
          body: review(secretName),
          ca: [certificate.caCert],
        });
      expect(JSON.parse((await call("my-vvp-apikey")).body).response.allowed).toBe(true);
      const refused = JSON.parse((await call("no-such-secret")).body).response;
      expect(refused.allowed).toBe(false);
      expect(refused.status.message).toContain('Secret "no-such-secret"');
    }

    // Graceful shutdown: exit code 0, the Lease released, the standby takes over
    // at once (polling every 100 ms), well before the 6 s lease could expire.
    expect(await leader.shutdown()).toEqual({ reason: "signal", code: 0 });
    const releasedAt = performance.now();
    await waitFor(
      async () =>
        (await metric(standby, "leader_election_master_status", { name: LEASE_NAME })) === 1,
      "pod-b to take over",
      ROOMY_LEASE.durationMs,
    );
    expect(performance.now() - releasedAt).toBeLessThan(ROOMY_LEASE.durationMs / 2);
    expect(logLines.join("\n")).not.toContain(TOKEN);
    expect((await get(standby, "/metrics")).body).not.toContain(TOKEN);
    expect(logLines.some((line) => line.includes('"msg":"became leader"'))).toBe(true);
    // The tests below run their own leaders for the same instance: this one must not reconcile their CRs.
    expect(await standby.shutdown()).toEqual({ reason: "signal", code: 0 });
  });
});

describe("a leader that cannot renew", () => {
  it("stops reconciling and ends with exit code 1 before its lease could expire", async () => {
    const logger = pino({ level: "silent" });
    const config = configFor(["--leader-election-id", "lost-lease-test", "--webhook-port", "0"]);
    const operator = await startOperator(
      { ...config, tls: undefined },
      { kubeConfig, logger, podName: "pod-lost" },
    );
    running.push(operator);
    await waitFor(
      async () =>
        (await metric(operator, "leader_election_master_status", { name: "lost-lease-test" })) ===
        1,
      "pod-lost to lead",
    );
    // The API server refuses every Lease request from now on.
    kube.faults.failNext({ resource: "leases", status: 500, count: 10_000 });
    // Times count from the last renewal the API server stored (another replica
    // judges expiry from it), not from the cut: on a loaded machine that
    // renewal may be well before the cut.
    const renewedAt = lastRenewal("lost-lease-test");
    const exit = await operator.ended;
    const endedAfter = Date.now() - renewedAt;
    kube.faults.reset();
    expect(exit).toEqual({ reason: "leader-election-lost", code: 1 });
    // Renew deadline 1 s, lease 2 s: it gave up and stopped before anyone could take over…
    expect(endedAfter).toBeLessThan(config.leaderElection.leaseDurationMs);
    // …but not at the first refused renewal: it kept trying for (most of) the renew deadline.
    expect(endedAfter).toBeGreaterThanOrEqual(config.leaderElection.renewDeadlineMs / 2);
  });
});

describe("a leader that cannot renew while the webhook is busy", () => {
  it("ends right after the drain, not once a slow admission request is answered", async () => {
    const logger = pino({ level: "silent" });
    const config = configFor(["--leader-election-id", "lost-busy-test"]);
    const operator = await startOperator(config, { kubeConfig, logger, podName: "pod-busy" });
    running.push(operator);
    await waitFor(
      async () =>
        (await metric(operator, "leader_election_master_status", { name: "lost-busy-test" })) === 1,
      "pod-busy to lead",
    );
    // An admission request whose Secret lookup hangs (5 s lookup limit) keeps the webhook busy.
    kube.faults.slow(10_000, { resource: "secrets" });
    const review = JSON.stringify({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: {
        uid: "u-busy",
        operation: "CREATE",
        namespace: NAMESPACE,
        object: {
          ...exampleCr("PATCH"),
          metadata: { ...exampleCr("PATCH").metadata, annotations: { apikeySecretName: "slow" } },
        },
      },
    });
    const admission = httpsCall({
      port: operator.webhookPort ?? 0,
      path: "/validate",
      headers: { "content-type": "application/json" },
      body: review,
      ca: [certificate.caCert],
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    kube.faults.failNext({ resource: "leases", status: 500, count: 10_000 });
    const renewedAt = lastRenewal("lost-busy-test");
    try {
      const exit = await operator.ended;
      expect(exit).toEqual({ reason: "leader-election-lost", code: 1 });
      // Whatever still runs ends with the process: before the lease can expire.
      expect(Date.now() - renewedAt).toBeLessThan(config.leaderElection.leaseDurationMs);
    } finally {
      kube.faults.reset();
      await admission;
    }
  });
});

describe("a shutdown whose reconciles do not finish within the drain", () => {
  it("keeps the Lease (no release): no other replica may reconcile while ours still runs", async () => {
    const logger = pino({ level: "silent" });
    const config = configFor([
      "--leader-election-id",
      "hung-drain-test",
      "--shutdown-timeout",
      "200ms",
    ]);
    let calls = 0;
    const hanging: Array<() => void> = [];
    // VVP answers the fleet's lists, then never again: each reconcile hangs in its first call.
    const hang: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      if (request.method === "GET" && new URL(request.url).pathname.endsWith("/deployments")) {
        return fetch(request);
      }
      calls += 1;
      return new Promise((_resolve, reject) => {
        hanging.push(() => reject(new TypeError("fetch failed")));
      });
    };
    const operator = await startOperator(
      { ...config, tls: undefined },
      { kubeConfig, logger, podName: "pod-hung", fetch: hang },
    );
    running.push(operator);
    kube.apply({
      ...exampleCr("PATCH"),
      metadata: {
        ...exampleCr("PATCH").metadata,
        name: "hung-drain",
        namespace: NAMESPACE,
        labels: { "ververica.platform/owner": "my-operator" },
      },
    });
    await waitFor(() => calls > 0, "a reconcile to call VVP");
    expect(await operator.shutdown()).toEqual({ reason: "signal", code: 0 });
    const lease = kube.get(
      "leases",
      config.leaderElection.namespace,
      "hung-drain-test",
    ) as unknown as {
      spec: { holderIdentity?: string };
    };
    expect(lease.spec.holderIdentity).toBe(operator.identity);
    for (const reject of hanging) reject();
    kube.delete("vvpdeployments", NAMESPACE, "hung-drain");
  });
});

describe("the Lease store and the Secret lookup over client-node", () => {
  it("creates, refuses a second create, and refuses a stale resourceVersion with a conflict", async () => {
    const store = createKubernetesLeaseStore(kubeConfig, {
      namespace: "default",
      name: "store-test",
    });
    expect(await store.get()).toBeUndefined();
    const record = {
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      acquireTime: "2026-01-01T00:00:00.000000Z",
      renewTime: "2026-01-01T00:00:00.000000Z",
      leaseTransitions: 0,
    };
    const created = await store.create(record);
    await expect(store.create(record)).rejects.toBeInstanceOf(LeaseConflictError);
    const read = await store.get();
    expect(read?.record).toMatchObject({
      holderIdentity: "a",
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    expect(Date.parse(read?.record.renewTime ?? "")).toBe(Date.parse(record.renewTime));
    const updated = await store.update({ ...record, holderIdentity: "b" }, created.resourceVersion);
    expect(updated.record.holderIdentity).toBe("b");
    await expect(
      store.update({ ...record, holderIdentity: "c" }, created.resourceVersion),
    ).rejects.toBeInstanceOf(LeaseConflictError);
  });

  it("aborts a Lease call that hangs past its deadline", async () => {
    const store = createKubernetesLeaseStore(kubeConfig, {
      namespace: "default",
      name: "slow-test",
      requestTimeoutMs: 200,
    });
    kube.faults.slow(3_000, { resource: "leases" });
    const started = performance.now();
    try {
      await expect(store.get()).rejects.toThrow(/Lease read failed/);
      expect(performance.now() - started).toBeLessThan(2_000);
      // The create too: an abandoned acquire must not take the Lease seconds later.
      const creating = performance.now();
      await expect(
        store.create({
          holderIdentity: "slow",
          leaseDurationSeconds: 2,
          acquireTime: undefined,
          renewTime: undefined,
          leaseTransitions: 0,
        }),
      ).rejects.toThrow(/Lease create failed/);
      expect(performance.now() - creating).toBeLessThan(2_000);
    } finally {
      kube.faults.slow(0);
    }
  });

  it("tells a present token Secret from a missing one and one without the token key", async () => {
    kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "no-token", namespace: NAMESPACE },
      data: { other: "eA==" },
    });
    const lookup = createKubernetesSecretLookup(kubeConfig);
    expect(await lookup(NAMESPACE, "my-vvp-apikey")).toBe("found");
    expect(await lookup(NAMESPACE, "absent")).toBe("not-found");
    expect(await lookup(NAMESPACE, "no-token")).toBe("no-token-key");
    // Only a line break (echo > file): the controller trims it and finds no token either.
    kube.apply({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "blank-token", namespace: NAMESPACE },
      data: { token: Buffer.from("\n").toString("base64") },
    });
    expect(await lookup(NAMESPACE, "blank-token")).toBe("no-token-key");
  });
});
