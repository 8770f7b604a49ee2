// The admission webhook's review of a 1 MB CR over HTTPS, against a bare
// HTTPS server on the same certificate that reads the same body, parses it
// as JSON and allows it: the cost of serving a webhook at all, so the ratio
// is what our review adds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { startWebhookServer } from "../src/operator/webhook-server.js";
import { generateTestTls } from "../src/testing/index.js";
import { type BenchRow, interleave, rowOf, timed } from "./harness.js";

const ROUNDS = 9;
const REQUESTS = 10;
const TARGET_BYTES = 1024 * 1024;

type Json = Record<string, unknown>;

/** The PUT example, valid, grown to about 1 MB of JSON with flinkConfiguration keys. */
export function megabyteCr(): Json {
  const text = readFileSync(new URL("../examples/put-minimal.yaml", import.meta.url), "utf8");
  const cr = parse(text) as Json;
  const template = templateSpec(cr);
  const configuration: Record<string, string> = {};
  const value = "x".repeat(80);
  for (let index = 0; JSON.stringify(cr).length < TARGET_BYTES; index += 1) {
    for (let batch = 0; batch < 500; batch += 1, index += 1) {
      configuration[`bench.option.${index}`] = `${value}-${index}`;
    }
    template.flinkConfiguration = configuration;
  }
  return cr;
}

function templateSpec(cr: Json): Json {
  return ((((cr.spec as Json).deployment as Json).spec as Json).template as Json).spec as Json;
}

function flinkConfiguration(cr: Json): Json {
  return templateSpec(cr).flinkConfiguration as Json;
}

function review(cr: Json, uid: number): string {
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `bench-${uid}`,
      kind: { group: "ververica.platform", version: "v1", kind: "VvpDeployment" },
      resource: { group: "ververica.platform", version: "v1", resource: "vvpdeployments" },
      operation: "CREATE",
      namespace: "my-deploy-namespace",
      name: "my-deployment",
      object: cr,
    },
  });
}

function post(agent: Agent, port: number, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request(
      {
        host: "127.0.0.1",
        port,
        path: "/validate",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        response.on("error", reject);
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

export async function benchWebhook(): Promise<BenchRow[]> {
  const tls = await generateTestTls({ commonName: "bench-webhook" });
  const directory = mkdtempSync(join(tmpdir(), "vvp-bench-webhook-"));
  writeFileSync(join(directory, "tls.crt"), tls.cert);
  writeFileSync(join(directory, "tls.key"), tls.key);
  const silent = { info() {}, warn() {}, debug() {} };
  const webhook = await startWebhookServer({
    host: "127.0.0.1",
    port: 0,
    certFile: join(directory, "tls.crt"),
    keyFile: join(directory, "tls.key"),
    instanceId: "my-operator",
    watchedNamespaces: ["my-deploy-namespace"],
    apiKeyValidation: true,
    apiKeySecretLookup: () => "found" as const,
    logger: silent,
  });
  const bare = createServer({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        request: { uid: string };
      };
      const answer = JSON.stringify({
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        response: { uid: parsed.request.uid, allowed: true },
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, "127.0.0.1", resolve));
  const barePort = (bare.address() as AddressInfo).port;
  const agent = new Agent({ ca: tls.caCert, keepAlive: true, maxSockets: 1 });
  try {
    const cr = megabyteCr();
    const body = review(cr, 1);
    const answer = JSON.parse(await post(agent, webhook.port, body)) as {
      response: { allowed: boolean; status?: unknown };
    };
    if (!answer.response.allowed)
      throw new Error(`bench: the webhook refused the 1 MB CR: ${JSON.stringify(answer)}`);
    const burst = (port: number) => async () =>
      (await timed(async () => {
        for (let index = 0; index < REQUESTS; index += 1) await post(agent, port, body);
      })) / REQUESTS;
    const samples = await interleave(ROUNDS, burst(barePort), burst(webhook.port));
    const keys = Object.keys(flinkConfiguration(cr)).length;
    const size = `${(Buffer.byteLength(body) / 2 ** 20).toFixed(2)} MiB`;
    return [
      rowOf(
        {
          name: `webhook review of a valid 1 MB CR (PUT example + ${keys.toLocaleString("en-US")} flinkConfiguration keys; AdmissionReview ${size}), one keep-alive connection`,
          floor: "bare node:https server on the same certificate: read, JSON.parse, allow",
          unit: "ms",
          goal: 1.5,
        },
        samples,
      ),
    ];
  } finally {
    agent.destroy();
    await webhook.close();
    await new Promise<void>((resolve) => bare.close(() => resolve()));
    rmSync(directory, { recursive: true, force: true });
  }
}
