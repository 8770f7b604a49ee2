// npm run bench:fleet [-- --crs N] [--shards K] [--namespaces M] [--profile DIR] [--markdown FILE]
//
// A fleet of N VvpDeployments (default 100,000) over K operator instances
// (default 4; the owner label is the shard key, each controller lists and
// watches only its own CRs), in M Kubernetes namespaces, each with a VVP
// namespace of the same name. The fake API server, the simulator and each
// controller run in their own process. Printed: the time from cold (CRs
// stored, nothing in VVP) until every CR is Healthy; a steady resync of every
// shard at once (VVP requests, time); the heap of each controller; and the
// CPU seconds each process spent, which names the one that limits the fleet.
// With --profile DIR every process writes a V8 CPU profile there
// (node --cpu-prof), and the top modules and functions of the fake, the
// simulator and the busiest controller are printed. With --markdown FILE the
// table (and those profiles' tops) is also written there, headed by the
// date, the machine and its load.
import { type ChildProcess, fork } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { createClientNodeKubeApi } from "../src/kubernetes/client-node-api.js";
import { createInformer } from "../src/kubernetes/informer.js";
import type { KubeObject } from "../src/kubernetes/kube-api.js";
import { fleetCr } from "./fleet-cr.js";

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const CRS = Number(flag("crs", "100000"));
const SHARDS = Number(flag("shards", "4"));
const NAMESPACE_COUNT = Number(flag("namespaces", "4"));
const PROFILE = process.argv.includes("--profile") ? resolve(flag("profile", "")) : undefined;
const MARKDOWN = process.argv.includes("--markdown") ? resolve(flag("markdown", "")) : undefined;
const loadStart = loadavg()
  .map((value) => value.toFixed(1))
  .join(" ");
const HEALTHY_TIMEOUT_MS = Number(flag("timeout-ms", String(30 * 60_000)));
// Watch history the fake keeps: enough that no watch or continued list of the
// run falls behind it (a 410 would relist a whole shard).
const COMPACTION = Number(flag("history", "1000000"));
const namespaces = Array.from({ length: NAMESPACE_COUNT }, (_, index) => `fleet-${index}`);

interface Child {
  name: string;
  process: ChildProcess;
  /** The next message of `type` from the child. */
  next<T>(type: string): Promise<T>;
  send(message: object): void;
}

function start(name: string, file: string, env: Record<string, string>): Child {
  const execArgv = ["--import", "tsx", "--expose-gc", "--max-old-space-size=4096"];
  if (PROFILE !== undefined) execArgv.push("--cpu-prof", `--cpu-prof-dir=${join(PROFILE, name)}`);
  const child = fork(new URL(file, import.meta.url).pathname, [], {
    execArgv,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<string, ((message: unknown) => void)[]>();
  // Messages no one waits for yet are kept for the next `next`.
  const unclaimed: { type: string }[] = [];
  child.on("message", (message: { type: string }) => {
    const take = waiting.get(message.type)?.shift();
    if (take === undefined) unclaimed.push(message);
    else take(message);
  });
  child.on("exit", (code) => {
    if (code !== 0 && code !== null) console.error(`fleet: ${name} exited ${code}`);
  });
  return {
    name,
    process: child,
    next: <T>(type: string) =>
      new Promise<T>((done) => {
        const early = unclaimed.findIndex((message) => message.type === type);
        if (early !== -1) {
          done(unclaimed.splice(early, 1)[0] as T);
          return;
        }
        const queue = waiting.get(type) ?? [];
        queue.push(done as (message: unknown) => void);
        waiting.set(type, queue);
      }),
    send: (message) => child.send(message),
  };
}

async function ask<T>(child: Child, type: string, reply: string, extra: object = {}): Promise<T> {
  const answer = child.next<T>(reply);
  child.send({ type, ...extra });
  return answer;
}

function isHealthy(object: KubeObject): boolean {
  const conditions = (object.status as { conditions?: { type: string; status: string }[] })
    ?.conditions;
  return (conditions ?? []).some(
    (condition) => condition.type === "Healthy" && condition.status === "True",
  );
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** The controllers' warnings summed by kind, most frequent first. */
function warningsOf(all: { warnings: Record<string, number> }[]): string {
  const total = new Map<string, number>();
  for (const { warnings } of all) {
    for (const [key, value] of Object.entries(warnings))
      total.set(key, (total.get(key) ?? 0) + value);
  }
  return [...total]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([key, value]) => `${value}× ${key.replaceAll("|", "/")}`)
    .join("; ");
}
const msPerCr = (cpuSeconds: number) => `${((cpuSeconds * 1000) / CRS).toFixed(2)} ms`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

if (PROFILE !== undefined) mkdirSync(PROFILE, { recursive: true });
console.error(
  `fleet: ${CRS.toLocaleString("en-US")} CRs, ${SHARDS} instances, ${NAMESPACE_COUNT} namespaces`,
);
const kube = start("kube", "./fleet/kube.ts", {
  FLEET_NAMESPACES: namespaces.join(","),
  FLEET_COMPACTION: String(COMPACTION),
});
const vvp = start("vvp", "./fleet/vvp.ts", {});
const { kubeconfig } = await kube.next<{ kubeconfig: string }>("ready");
const { url } = await vvp.next<{ url: string }>("ready");

// Seeded through the API, 32 at a time (the fake's direct apply looks an
// object up in a copied list, which is quadratic over a fleet).
const kubeConfig = new KubeConfig();
kubeConfig.loadFromString(kubeconfig);
const seedApi = createClientNodeKubeApi(kubeConfig);
const seedStarted = performance.now();
let nextSeed = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (nextSeed < CRS) {
      const index = nextSeed;
      nextSeed += 1;
      const namespace = namespaces[index % namespaces.length] ?? "default";
      await seedApi.create(
        "vvpdeployments",
        namespace,
        fleetCr(namespace, index, `shard-${index % SHARDS}`),
      );
    }
  }),
);
const seedMs = performance.now() - seedStarted;
console.error(`fleet: seeded in ${seconds(seedMs)}`);

// Healthy is counted from a watch of our own, in this process.
const healthy = new Set<string>();
const observer = createInformer({
  api: createClientNodeKubeApi(kubeConfig),
  resource: "vvpdeployments",
  namespaces,
  onChange: (change, object) => {
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    if (change !== "deleted" && isHealthy(object)) healthy.add(key);
    else healthy.delete(key);
  },
});
observer.start();
await observer.synced;

const cpuOf = async (child: Child) => (await ask<{ seconds: number }>(child, "cpu", "cpu")).seconds;
// CPU and requests from here on are the controllers' (and the observer's watch).
const cpuBefore = { kube: await cpuOf(kube), vvp: await cpuOf(vvp) };
await ask(kube, "requests", "requests");
await ask(vvp, "requests", "requests");
const started = performance.now();
const controllers = Array.from({ length: SHARDS }, (_, shard) =>
  start(`controller-${shard}`, "./fleet/controller.ts", {
    FLEET_KUBECONFIG: kubeconfig,
    FLEET_INSTANCE_ID: `shard-${shard}`,
    FLEET_NAMESPACES: namespaces.join(","),
    FLEET_VVP_URL: url,
  }),
);
await Promise.all(controllers.map((controller) => controller.next("ready")));
let lastReport = performance.now();
while (healthy.size < CRS) {
  if (performance.now() - started > HEALTHY_TIMEOUT_MS) {
    console.error(`fleet: only ${healthy.size} Healthy after ${seconds(HEALTHY_TIMEOUT_MS)}`);
    break;
  }
  if (performance.now() - lastReport > 10_000) {
    console.error(`fleet: ${healthy.size.toLocaleString("en-US")} Healthy`);
    lastReport = performance.now();
  }
  await new Promise((done) => setTimeout(done, 200));
}
const healthyMs = performance.now() - started;
console.error(`fleet: all Healthy in ${seconds(healthyMs)}`);

type Stats = {
  stats: { reconciles: number; errors: number; conflicts: number; fleetLists: number };
  heapUsed: number;
  cpuSeconds: number;
  warnings: Record<string, number>;
};
const cpuAtHealthy = {
  kube: (await cpuOf(kube)) - cpuBefore.kube,
  vvp: (await cpuOf(vvp)) - cpuBefore.vvp,
  controllers: await Promise.all(
    controllers.map(
      async (controller) => (await ask<Stats>(controller, "stats", "stats")).cpuSeconds,
    ),
  ),
};

type Tally = Record<string, number>;
const kubeCreate = (await ask<{ requests: Tally }>(kube, "requests", "requests")).requests;
const vvpCreate = (await ask<{ requests: number; byKind: Tally }>(vvp, "requests", "requests"))
  .byKind;
const perCr = (tally: Tally) => {
  const total = Object.values(tally).reduce((sum, count) => sum + count, 0);
  const parts = Object.entries(tally)
    .sort((a, b) => b[1] - a[1])
    .filter(([, count]) => count >= CRS / 100)
    .map(([key, count]) => `${key} ${(count / CRS).toFixed(2)}`);
  return `${(total / CRS).toFixed(2)} (${parts.join(", ")})`;
};

// A steady resync of every shard at once, once no controller has work
// queued, running or scheduled.
const quiet = await Promise.all(
  controllers.map((controller) => ask<{ delayed: number }>(controller, "quiet", "quiet")),
);
const stillDelayed = quiet.reduce((sum, answer) => sum + answer.delayed, 0);
if (stillDelayed > 0) console.error(`fleet: ${stillDelayed} CRs still have a requeue scheduled`);
await ask(vvp, "requests", "requests");
await ask(kube, "requests", "requests");
const perShard = Math.ceil(CRS / SHARDS);
const resyncStarted = performance.now();
const resyncs = await Promise.all(
  controllers.map((controller, shard) =>
    ask<{ ms: number }>(controller, "resync", "resynced", {
      crs: Math.floor(CRS / SHARDS) + (shard < CRS % SHARDS ? 1 : 0),
    }),
  ),
);
const resyncMs = performance.now() - resyncStarted;
const { requests } = await ask<{ requests: number }>(vvp, "requests", "requests");
const heapOf = async (child: Child) =>
  (await ask<{ heapUsed: number }>(child, "cpu", "cpu")).heapUsed;
const serverHeaps = { kube: await heapOf(kube), vvp: await heapOf(vvp) };
const kubeResync = (await ask<{ requests: Tally }>(kube, "requests", "requests")).requests;
const stats = await Promise.all(
  controllers.map((controller) => ask<Stats>(controller, "stats", "stats")),
);

// One list per (instance, namespace) that holds any of the instance's CRs.
const pairs = new Set<string>();
for (let index = 0; index < CRS; index += 1)
  pairs.add(`${index % SHARDS}/${index % NAMESPACE_COUNT}`);
const lines = [
  `| fleet: ${CRS.toLocaleString("en-US")} CRs, ${SHARDS} instanceIds (owner label as shard key), ${NAMESPACE_COUNT} namespaces; fake API server, simulator and each controller in its own process | |`,
  "|---|---|",
  `| creating the CRs through the fake's API, 32 at a time (no controller running) | ${seconds(seedMs)} |`,
  `| from the controllers' start until every CR is Healthy (create in VVP, finalizer, mapping record, status) | ${seconds(healthyMs)} |`,
  `| CPU seconds from the controllers' start until then: fake API server / simulator / controllers | ${cpuAtHealthy.kube.toFixed(0)} / ${cpuAtHealthy.vvp.toFixed(0)} / ${cpuAtHealthy.controllers.map((value) => value.toFixed(0)).join(" + ")} |`,
  `| the same per CR: fake API server / simulator / controllers (all shards) | ${msPerCr(cpuAtHealthy.kube)} / ${msPerCr(cpuAtHealthy.vvp)} / ${msPerCr(cpuAtHealthy.controllers.reduce((sum, value) => sum + value, 0))} |`,
  `| requests per CR until then, to the fake API server (watches opened once) | ${perCr(kubeCreate)} |`,
  `| requests per CR until then, to the simulator | ${perCr(vvpCreate)} |`,
  `| steady resync of all shards at once: VVP requests | ${requests} (the floor, one list per instance and namespace it has CRs in: ${pairs.size}) |`,
  `| steady resync of all shards at once: requests to the fake API server | ${Object.values(kubeResync).reduce((sum, count) => sum + count, 0)} |`,
  `| steady resync of all shards at once: time (per shard: ${resyncs.map((resync) => seconds(resync.ms)).join(", ")}) | ${seconds(resyncMs)} for ~${perShard.toLocaleString("en-US")} CRs per shard |`,
  `| heap per controller after the resync (${(CRS / SHARDS).toLocaleString("en-US")} CRs each) | ${stats.map((stat) => mib(stat.heapUsed)).join(", ")} |`,
  `| heap of the fake API server (every object and its history of ${COMPACTION.toLocaleString("en-US")} events) / the simulator | ${mib(serverHeaps.kube)} / ${mib(serverHeaps.vvp)} |`,
  `| reconcile errors / status conflicts over the run | ${stats.reduce((sum, stat) => sum + stat.stats.errors, 0)} / ${stats.reduce((sum, stat) => sum + stat.stats.conflicts, 0)} |`,
  `| what the controllers logged as warnings over the run, by kind | ${warningsOf(stats) || "nothing"} |`,
];
console.log(lines.join("\n"));

observer.stop();
for (const child of [...controllers, kube, vvp]) {
  const exited = new Promise((done) => child.process.once("exit", done));
  child.send({ type: "stop" });
  await exited;
}

const report: string[] = [];
if (PROFILE !== undefined) {
  // The fake, the simulator and the busiest controller: each one's top
  // functions and modules by self time, as shares of its busy (not idle) time.
  const controllerCpu = cpuAtHealthy.controllers.map((value, shard) => ({ shard, value }));
  const busiestController = [...controllerCpu].sort((a, b) => b.value - a.value)[0]?.shard ?? 0;
  for (const name of ["kube", "vvp", `controller-${busiestController}`]) {
    const directory = join(PROFILE, name);
    // A process writes one profile per thread (tsx's loader runs in one): the busy one is the main thread's.
    const file = readdirSync(directory)
      .filter((entry) => entry.endsWith(".cpuprofile"))
      .map((entry) => ({ entry, profile: readProfile(join(directory, entry)) }))
      .sort((a, b) => busyTime(b.profile) - busyTime(a.profile))[0];
    if (file === undefined) continue;
    const what =
      name === "kube" ? "the fake API server" : name === "vvp" ? "the simulator" : "a controller";
    report.push(
      "",
      `${name} (${what}), ${(busyTime(file.profile) / 1e6).toFixed(0)} s busy in ${join(name, file.entry)}; by module, then by function (self time, share of busy time):`,
      "",
      "```",
      topSelf(file.profile, 8, moduleOf),
      "",
      topSelf(file.profile, 15, functionOf),
      "```",
    );
  }
  console.log(report.join("\n"));
}

if (MARKDOWN !== undefined) {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}`;
  // The command as run, without this machine's paths.
  const command = process.argv
    .slice(2)
    .map((arg, index, args) =>
      args[index - 1] === "--profile" ? "DIR" : args[index - 1] === "--markdown" ? "FILE" : arg,
    )
    .join(" ");
  const heading = `Printed by \`npm run bench:fleet -- ${command}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${machine}; load average ${loadStart} at the start, ${loadavg()
    .map((value) => value.toFixed(1))
    .join(
      " ",
    )} at the end (the machine is shared: CPU seconds per process are the measure, wall times depend on the load).`;
  writeFileSync(MARKDOWN, `${heading}\n\n${lines.join("\n")}\n${report.join("\n")}\n`);
  console.error(`fleet: wrote ${MARKDOWN}`);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}

/** Microseconds a profile spent outside "(idle)". */
function busyTime(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id),
  );
  let busy = 0;
  profile.samples.forEach((id, index) => {
    if (!idle.has(id)) busy += profile.timeDeltas[index] ?? 0;
  });
  return busy;
}

type Frame = CpuProfile["nodes"][number]["callFrame"];

function functionOf(frame: Frame): string {
  const where = frame.url.split("/").slice(-2).join("/");
  return `${frame.functionName || "(anonymous)"} ${where}`;
}

/** The package, Node module or source file of a frame; native frames by name. */
function moduleOf(frame: Frame): string {
  const { url } = frame;
  if (url === "") return frame.functionName;
  const inPackage = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inPackage?.[1] !== undefined) return inPackage[1];
  if (url.startsWith("node:")) return url;
  const inRepo = url.match(/\/((?:src|bench)\/.*)$/);
  return inRepo?.[1] ?? url;
}

/** The keys with the most self time, busy time only, as text lines. */
function topSelf(profile: CpuProfile, count: number, keyOf: (frame: Frame) => string): string {
  const time = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    time.set(id, (time.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const self = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === "(idle)") continue;
    const key = keyOf(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + (time.get(node.id) ?? 0));
  }
  const busy = busyTime(profile);
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([key, spent]) =>
        `${((spent / busy) * 100).toFixed(1).padStart(5)}%  ${(spent / 1e6).toFixed(1).padStart(6)} s  ${key}`,
    )
    .join("\n");
}
