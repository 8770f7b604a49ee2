// The validating webhook with API-key validation (the Secret read and the
// author's access review, through the shared keep-alive agent and the short
// cache) against a floor: a bare HTTPS server on the same certificate that
// reads the same AdmissionReview, parses it and answers "allowed". Both are
// driven by one keep-alive client at the same concurrency, in interleaved
// rounds whose order is swapped each round; the row is the median ratio of
// the process's CPU time per review (client, server and API calls are all
// in this process), which a machine busy with other work distorts far less
// than wall time. Run alone: `npx tsx bench/webhook.ts`
// (BENCH_WEBHOOK_ROUNDS, BENCH_WEBHOOK_REVIEWS change the rounds).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import {
  createWebhookKubeApi,
  createWebhookKubeChecks,
} from "../src/operator/kube-secret-lookup.js";
import { startWebhookServer, WEBHOOK_CIPHERS } from "../src/operator/webhook-server.js";
import { generateTestTls, startFakeKubernetes } from "../src/testing/index.js";
import type { BenchRow } from "./harness.js";

const NAMESPACE = "bench";
const REVIEWS_PER_ROUND = Number(process.env.BENCH_WEBHOOK_REVIEWS ?? 500);
const CONCURRENCY = 8;
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 21);
const TARGET = 1.5;

function review(index: number): string {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `bench-${index}`,
      kind: { group: "ververica.platform", version: "v1", kind: "VvpDeployment" },
      resource: { group: "ververica.platform", version: "v1", resource: "vvpdeployments" },
      operation: "CREATE",
      namespace: NAMESPACE,
      name: "orders",
      userInfo: { username: "alice", uid: "alice-1", groups: ["team-a", "system:authenticated"] },
      object: {
        apiVersion: "ververica.platform/v1",
        kind: "VvpDeployment",
        metadata: {
          name: "orders",
          namespace: NAMESPACE,
          labels: { "ververica.platform/owner": "my-operator" },
          annotations: { apikeySecretName: "my-vvp-apikey" },
        },
        spec: {
          syncingMode: "PATCH",
          deployment: {
            metadata: { name: "orders", namespace: "default" },
            spec: {
              state: "RUNNING",
              deploymentTargetName: "default",
              template: {
                spec: {
                  artifact: { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob.jar" },
                  parallelism: 2,
                  engineVersionName: "vera-4.1-flink-1.20",
                },
              },
            },
          },
        },
      },
    },
  });
}

/** Sends `count` reviews at CONCURRENCY over the agent; resolves with the elapsed ms. */
async function drive(port: number, ca: string, agent: Agent, count: number): Promise<number> {
  const bodies = Array.from({ length: 16 }, (_, index) => review(index));
  let next = 0;
  const one = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const call = request(
        {
          host: "127.0.0.1",
          port,
          path: "/validate",
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
          ca,
          agent,
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => {
            text += chunk;
          });
          response.on("end", () => {
            if (!text.includes('"allowed":true')) reject(new Error(`not allowed: ${text}`));
            else resolve();
          });
        },
      );
      call.on("error", reject);
      call.end(body);
    });
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await one(bodies[index % bodies.length] ?? "");
    }
  };
  const started = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(started);
  // CPU time of this process (client and server), in ms: unlike wall time it
  // does not count the time other processes of a busy machine hold the cores.
  return (used.user + used.system) / 1000;
}

export async function benchWebhookApiKey(): Promise<BenchRow> {
  const directory = mkdtempSync(join(tmpdir(), "vvp-bench-webhook-"));
  const kube = await startFakeKubernetes({ namespaces: [NAMESPACE] });
  const tls = await generateTestTls({ commonName: "localhost" });
  writeFileSync(join(directory, "tls.crt"), tls.cert);
  writeFileSync(join(directory, "tls.key"), tls.key);
  kube.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "my-vvp-apikey", namespace: NAMESPACE },
    data: { token: Buffer.from("bench-token").toString("base64") },
  });
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(kube.kubeconfig);
  const checks = createWebhookKubeChecks(createWebhookKubeApi(kubeConfig));
  const subject = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: join(directory, "tls.crt"),
    keyFile: join(directory, "tls.key"),
    instanceId: "my-operator",
    watchedNamespaces: [NAMESPACE],
    apiKeyValidation: true,
    apiKeySecretLookup: checks.secretLookup,
    secretAccessReview: checks.accessReview,
    logger: { info: () => undefined, warn: () => undefined, debug: () => undefined },
  });
  // The floor: the same certificate and TLS settings, the same body read and parsed, a fixed verdict.
  const floor = createServer(
    { cert: tls.cert, key: tls.key, minVersion: "TLSv1.2", ciphers: WEBHOOK_CIPHERS },
    (incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          request: { uid: string };
        };
        const text = JSON.stringify({
          apiVersion: "admission.k8s.io/v1",
          kind: "AdmissionReview",
          response: { uid: parsed.request.uid, allowed: true },
        });
        outgoing.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(text),
        });
        outgoing.end(text);
      });
    },
  );
  await new Promise<void>((resolve) => floor.listen(0, "127.0.0.1", resolve));
  const floorPort = (floor.address() as { port: number }).port;
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    // Warm-up: connections, JIT, the cache.
    await drive(floorPort, tls.caCert, agent, 2000);
    await drive(subject.port, tls.caCert, agent, 2000);
    const ratios: number[] = [];
    const subjectTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ["floor", "subject"] : ["subject", "floor"];
      const times: Record<string, number> = {};
      for (const which of order) {
        times[which] = await drive(
          which === "floor" ? floorPort : subject.port,
          tls.caCert,
          agent,
          REVIEWS_PER_ROUND,
        );
      }
      subjectTimes.push(times.subject ?? Number.NaN);
      floorTimes.push(times.floor ?? Number.NaN);
      ratios.push((times.subject ?? Number.NaN) / (times.floor ?? Number.NaN));
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
    const min = sorted[0] ?? Number.NaN;
    const max = sorted[sorted.length - 1] ?? Number.NaN;
    const secretReads = kube.requests({ resource: "secrets" }).length;
    const accessReviews = kube.requests({ resource: "localsubjectaccessreviews" }).length;
    return {
      name: `webhook review with API-key validation (access review and Secret read through the shared keep-alive agent and the 10 s cache; ${secretReads} Secret reads, ${accessReviews} access reviews for ${ROUNDS * REVIEWS_PER_ROUND + 2000} reviews)`,
      floor: "a bare https server answering the same review",
      subject: (median(subjectTimes) * 1000) / REVIEWS_PER_ROUND,
      floorValue: (median(floorTimes) * 1000) / REVIEWS_PER_ROUND,
      unit: "µs CPU/review",
      ratio: { min, median: median(ratios), max },
      rounds: ROUNDS,
      goal: TARGET,
    };
  } finally {
    agent.destroy();
    await subject.close();
    await new Promise<void>((resolve) => {
      floor.close(() => resolve());
      floor.closeAllConnections();
    });
    await kube.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

// Alone: print the row.
if (import.meta.url === `file://${process.argv[1]}`) {
  const row = await benchWebhookApiKey();
  console.log(
    `${row.name}\n  subject ${row.subject.toFixed(1)} µs/review, floor ${row.floorValue.toFixed(1)} µs/review, ratio ${row.ratio.median.toFixed(2)}× (goal ≤ ${row.goal}×)`,
  );
  if (row.ratio.median > row.goal) process.exitCode = 1;
}
