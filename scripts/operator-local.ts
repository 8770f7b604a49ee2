// `npm run operator:local`: two real vvp-operator processes on this machine,
// against the fake Kubernetes API server and the VVP simulator (wall clock),
// both on 127.0.0.1. It applies the CRD and the seed's examples with kubectl,
// then shows leader election, the webhook and the metrics at work, hands the
// leadership over with SIGTERM, and keeps running until Ctrl-C
// (`-- --exit-after 20` ends by itself after 20 s). No cluster needed.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generate } from "selfsigned";
import { parse, stringify } from "yaml";
import { startVvpSimulator } from "../src/simulator/index.js";
import { startFakeKubernetes } from "../src/testing/index.js";

const INSTANCE_ID = "my-operator";
const NAMESPACE = "my-deploy-namespace";
const TOKEN = "local-demo-token";
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const exitAfterIndex = process.argv.indexOf("--exit-after");
const exitAfterSeconds = exitAfterIndex > 0 ? Number(process.argv[exitAfterIndex + 1]) : undefined;

const kube = await startFakeKubernetes({ namespaces: [NAMESPACE], bookmarkIntervalMs: 5_000 });
const vvp = await startVvpSimulator({
  clock: "wall",
  transitionMs: 1_000,
  tokens: { [TOKEN]: { namespaces: "*", role: "editor" } },
});
const dir = mkdtempSync(join(tmpdir(), "vvp-operator-local-"));
const kubeconfig = join(dir, "kubeconfig");
writeFileSync(kubeconfig, kube.kubeconfig);
kube.apply({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "my-vvp-apikey", namespace: NAMESPACE },
  data: { token: Buffer.from(TOKEN).toString("base64") },
});

// The webhook's serving certificate, as cert-manager would provide it.
const tls = await generate([{ name: "commonName", value: "vvp-operator-webhook" }], {
  keyType: "ec",
  curve: "P-256",
  algorithm: "sha256",
  extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
});
writeFileSync(join(dir, "tls.crt"), tls.cert);
writeFileSync(join(dir, "tls.key"), tls.private);

function say(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    "kubectl",
    ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args],
    { cwd: ROOT },
  );
  return stdout;
}

/** A running operator process, its ports and whether it leads, read from its JSON logs. */
interface Replica {
  name: string;
  child: ChildProcess;
  healthPort?: number;
  webhookPort?: number;
  leading: boolean;
}

const SHOWN = new Set([
  "competing for leadership",
  "became leader",
  "new leader observed",
  "leader election lost",
  "controller started",
  "caches synced; workers start",
  "webhook serving",
  "shutting down",
  "stopped",
]);

function startReplica(name: string, port: { health: number; webhook: number }): Replica {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/operator/main.ts",
      `--instance-id=${INSTANCE_ID}`,
      `--watched-namespaces=${NAMESPACE}`,
      `--vvp-url=${vvp.url}`,
      `--kubeconfig=${kubeconfig}`,
      "--bind-address=127.0.0.1",
      `--health-port=${port.health}`,
      `--webhook-port=${port.webhook}`,
      `--tls-cert-file=${join(dir, "tls.crt")}`,
      `--tls-key-file=${join(dir, "tls.key")}`,
      "--leader-election-namespace=default",
      // Short timings so a takeover shows within seconds (defaults: 15s/10s/2s).
      "--leader-election-lease-duration=4s",
      "--leader-election-renew-deadline=3s",
      "--leader-election-retry-period=500ms",
      "--resync-period=5s",
      "--shutdown-timeout=10s",
    ],
    { cwd: ROOT, env: { ...process.env, POD_NAME: name }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const replica: Replica = { name, child, leading: false };
  let buffered = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) show(replica, line);
  });
  return replica;
}

function show(replica: Replica, line: string): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return;
  }
  const message = String(entry.msg);
  if (message === "health and metrics serving") replica.healthPort = Number(entry.port);
  if (message === "webhook serving") replica.webhookPort = Number(entry.port);
  if (message === "became leader") replica.leading = true;
  if (message === "leader election lost" || message === "stopped") replica.leading = false;
  const { level, time, instanceId, msg, ...fields } = entry;
  const interesting = SHOWN.has(message) || Number(level) >= 40;
  if (interesting) process.stdout.write(`[${replica.name}] ${msg} ${JSON.stringify(fields)}\n`);
}

async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  // Generous: two replicas compiling and starting on a loaded machine took over 30 s.
  timeoutMs = 90_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function postReview(port: number, review: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: "127.0.0.1",
        port,
        path: "/validate",
        method: "POST",
        headers: { "content-type": "application/json" },
        ca: tls.cert,
      },
      (response) => {
        let body = "";
        response.on("data", (chunk) => {
          body += chunk;
        });
        response.on("end", () => resolve(body));
      },
    );
    call.on("error", reject);
    call.end(JSON.stringify(review));
  });
}

async function metricsOf(replica: Replica): Promise<string[]> {
  const text = await (await fetch(`http://127.0.0.1:${replica.healthPort}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) =>
      /^(controller_runtime_reconcile_total|leader_election_master_status|workqueue_adds_total|vvp_client_requests_total)/.test(
        line,
      ),
    );
}

const replicas: Replica[] = [];
let closing = false;

async function close(code: number): Promise<never> {
  if (!closing) {
    closing = true;
    say("stopping");
    for (const replica of replicas) {
      if (replica.child.exitCode === null) replica.child.kill("SIGTERM");
    }
    await Promise.all(
      replicas.map(
        (replica) =>
          new Promise<void>((resolve) => {
            if (replica.child.exitCode !== null) resolve();
            else replica.child.on("exit", () => resolve());
          }),
      ),
    );
    await kube.close();
    await vvp.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(code);
}

process.on("SIGINT", () => void close(0));
process.on("SIGTERM", () => void close(0));

try {
  say(`fake API server ${kube.url}, VVP simulator ${vvp.url}; kubeconfig ${kubeconfig}`);
  await kubectl("apply", "-f", "crds/vvpdeployments.ververica.platform.yaml");
  say("two vvp-operator processes (a, b) compete for the Lease");
  replicas.push(startReplica("a", { health: 0, webhook: 0 }));
  replicas.push(startReplica("b", { health: 0, webhook: 0 }));
  await until(() => replicas.some((replica) => replica.leading), "a leader");
  await until(
    () => replicas.every((replica) => replica.healthPort && replica.webhookPort),
    "both servers",
  );

  say(
    "kubectl apply: the seed's two examples (the PUT one renamed, both are called my-deployment)",
  );
  const putExample = parse(readFileSync(join(ROOT, "examples/put-minimal.yaml"), "utf8")) as {
    metadata: { name: string };
    spec: { deployment: { metadata: { name: string } } };
  };
  putExample.metadata.name = "my-put-deployment";
  putExample.spec.deployment.metadata.name = "my-put-deployment";
  writeFileSync(join(dir, "put.yaml"), stringify(putExample));
  process.stdout.write(await kubectl("apply", "-f", "examples/patch-minimal.yaml"));
  process.stdout.write(await kubectl("apply", "-f", join(dir, "put.yaml")));
  await until(
    () =>
      vvp.deployments().filter((deployment) => deployment.status.state !== undefined).length >= 2,
    "both VVP deployments",
  );
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  process.stdout.write(await kubectl("get", "vvpdeployments", "-A", "-o", "wide"));

  say("the webhook (served by every replica) refuses a CR of another instance");
  const standby = replicas.find((replica) => !replica.leading) ?? replicas[0];
  const foreign = parse(readFileSync(join(ROOT, "examples/patch-minimal.yaml"), "utf8")) as {
    metadata: { labels: Record<string, string> };
  };
  foreign.metadata.labels["ververica.platform/owner"] = "someone-else";
  const answer = await postReview(standby?.webhookPort ?? 0, {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: { uid: "local-1", operation: "CREATE", namespace: NAMESPACE, object: foreign },
  });
  const verdict = JSON.parse(answer) as {
    response: { allowed: boolean; status?: { message: string } };
  };
  process.stdout.write(
    `allowed: ${verdict.response.allowed}; ${verdict.response.status?.message ?? ""}\n`,
  );

  for (const replica of replicas) {
    say(`metrics of ${replica.name} (http://127.0.0.1:${replica.healthPort}/metrics)`);
    process.stdout.write(`${(await metricsOf(replica)).join("\n")}\n`);
  }

  const leader = replicas.find((replica) => replica.leading);
  say(
    `SIGTERM to the leader (${leader?.name}): it drains, releases the Lease, the other takes over`,
  );
  leader?.child.kill("SIGTERM");
  await until(
    () => replicas.some((replica) => replica !== leader && replica.leading),
    "a takeover",
  );

  say(
    exitAfterSeconds === undefined
      ? "running; try kubectl with the kubeconfig above, Ctrl-C to stop"
      : `running for ${exitAfterSeconds}s more`,
  );
  if (exitAfterSeconds !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, exitAfterSeconds * 1000));
    await close(0);
  }
} catch (error) {
  process.stderr.write(
    `operator:local failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  await close(1);
}
