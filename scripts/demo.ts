// `npm run demo`: the main job on the embedded VVP simulator. It tells a story
// with the seed's two example CRs, reconciling after each step the way an
// operator would, and prints a `kubectl get vvpdeployments -o wide` table and
// the VVP calls each step made. It ends by itself and exits 0.
import { readFileSync } from "node:fs";
import {
  applyFinalizersInMemory,
  createInMemoryMappingStore,
  reconcileOnce,
} from "../src/execution/index.js";
import { InMemoryCluster } from "../src/hosts/in-memory-cluster.js";
import { parseVvpDeployment, type VvpDeployment } from "../src/models/index.js";
import { PRINTER_COLUMN_NAMES, printerColumns } from "../src/printer-columns/index.js";
import { startVvpSimulator, type VvpSimulator } from "../src/simulator/index.js";
import { createVvpClient } from "../src/vvp-client/index.js";

const INSTANCE_ID = "my-operator";
const TRANSITION_MS = 5_000;

function loadExample(file: string): VvpDeployment {
  const parsed = parseVvpDeployment(
    readFileSync(new URL(`../examples/${file}`, import.meta.url), "utf8"),
  );
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

const simulator: VvpSimulator = await startVvpSimulator({ transitionMs: TRANSITION_MS, seed: 7 });
const client = createVvpClient({ baseUrl: simulator.url, token: "demo-token" });
const mappingStore = createInMemoryMappingStore();
const cluster = new InMemoryCluster();

const patchCr = loadExample("patch-minimal.yaml");
// Both seed examples name the same VVP deployment; a second CR claiming it
// would rightly be refused (Consistent False AppManagerCreateFailed), so the
// PUT one gets its own names here.
const putCr = loadExample("put-minimal.yaml");
putCr.metadata.name = "my-put-deployment";
putCr.spec.deployment.metadata.name = "my-put-deployment";

let step = 0;

/** Reconciles every CR once, as one pass of an operator's work queue. */
async function reconcileAll(): Promise<string[]> {
  const events: string[] = [];
  for (const cr of cluster.list()) {
    const result = await reconcileOnce({
      cr,
      client,
      mappingStore,
      instanceId: INSTANCE_ID,
      now: simulator.now(),
      finalizers: applyFinalizersInMemory(),
    });
    if (result.changed) cluster.write(result.cr);
    for (const event of result.events) {
      events.push(`${cr.metadata.name}: ${event.type} ${event.reason}: ${event.message}`);
    }
  }
  return events;
}

function table(): string {
  const names = [...PRINTER_COLUMN_NAMES.default, ...PRINTER_COLUMN_NAMES.wide];
  const rows = cluster.list().map((cr) => {
    const values = printerColumns(cr, simulator.now()).wide;
    return names.map((name) => values[name] || "<none>");
  });
  const widths = names.map((name, index) =>
    Math.max(name.length, ...rows.map((row) => row[index]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join("   ")
      .trimEnd();
  return rows.length === 0 ? "No resources found." : [line(names), ...rows.map(line)].join("\n");
}

/** Runs one step of the story: a change, then `cycles` reconciles with the clock moving between them. */
async function scene(title: string, change: () => void, cycles = 1, advanceMs = 0): Promise<void> {
  step += 1;
  console.log(`\n━━ ${step}. ${title}`);
  simulator.clearRequests();
  change();
  const events: string[] = [];
  for (let cycle = 0; cycle < cycles; cycle += 1) {
    if (cycle > 0) simulator.advance(advanceMs);
    events.push(...(await reconcileAll()));
  }
  const calls = simulator.requests.map((entry) => {
    const query = new URLSearchParams(entry.query ?? {}).toString();
    return `${entry.method} ${entry.path}${query === "" ? "" : `?${query}`} → ${entry.status}`;
  });
  console.log(`VVP calls (${calls.length}):`);
  for (const call of calls) console.log(`  ${call}`);
  if (events.length > 0) console.log("Events:");
  for (const event of events) console.log(`  ${event}`);
  console.log(table());
}

function edit(name: string, change: (cr: VvpDeployment) => void): void {
  const cr = cluster.get("my-deploy-namespace", name);
  if (cr === undefined) throw new Error(`no CR ${name}`);
  change(cr);
  cluster.apply(cr, simulator.now());
}

function deploymentIdOf(name: string): string {
  const id = cluster.get("my-deploy-namespace", name)?.status?.deploymentId;
  if (id === undefined) throw new Error(`${name} has no deploymentId`);
  return id;
}

try {
  console.log(`VVP simulator at ${simulator.url}; operator instance ${INSTANCE_ID}`);

  await scene("kubectl apply both examples (state CANCELLED)", () => {
    cluster.apply(patchCr, simulator.now());
    cluster.apply(putCr, simulator.now());
  });

  await scene("Nothing changed: the steady state is one GET per CR and no write", () => {});

  await scene(
    "Set state RUNNING on both; VVP goes TRANSITIONING → RUNNING",
    () => {
      edit("my-deployment", (cr) => {
        cr.spec.deployment.spec.state = "RUNNING";
      });
      edit("my-put-deployment", (cr) => {
        cr.spec.deployment.spec.state = "RUNNING";
      });
    },
    2,
    TRANSITION_MS,
  );

  await scene(
    "Change the spec: a new jar and parallelism 2 (PATCH), two task managers (PUT)",
    () => {
      edit("my-deployment", (cr) => {
        const template = cr.spec.deployment.spec.template.spec;
        template.artifact = { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob-2.jar" };
        template.parallelism = 2;
      });
      edit("my-put-deployment", (cr) => {
        cr.spec.deployment.spec.template.spec.numberOfTaskManagers = 2;
      });
    },
    2,
    TRANSITION_MS,
  );

  await scene("savepointNonce: 1 on my-deployment", () =>
    edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 1;
    }),
  );

  await scene(
    "restartNonce: 1 on my-deployment: a new job",
    () =>
      edit("my-deployment", (cr) => {
        cr.spec.restartNonce = 1;
      }),
    2,
    TRANSITION_MS,
  );

  await scene(
    "Suspend my-put-deployment, then ask for a savepoint while it is not RUNNING",
    () =>
      edit("my-put-deployment", (cr) => {
        cr.spec.deployment.spec.state = "SUSPENDED";
      }),
    2,
    TRANSITION_MS,
  );
  await scene("savepointNonce: 1 on the SUSPENDED my-put-deployment: blocked and consumed", () =>
    edit("my-put-deployment", (cr) => {
      cr.spec.savepointNonce = 1;
    }),
  );

  await scene(
    "Autopilot ACTIVE on my-deployment scales it to parallelism 4",
    () => {
      const id = deploymentIdOf("my-deployment");
      simulator.setAutopilot(id, "ACTIVE");
      simulator.startAutopilotScaling(id, { toParallelism: 4 });
      simulator.advance(TRANSITION_MS);
    },
    4,
    TRANSITION_MS,
  );

  await scene("kubectl delete my-deployment while it is RUNNING: blocked", () =>
    cluster.delete("my-deploy-namespace", "my-deployment", simulator.now()),
  );

  await scene(
    "Set state CANCELLED: the deletion goes through",
    () =>
      edit("my-deployment", (cr) => {
        cr.spec.deployment.spec.state = "CANCELLED";
      }),
    3,
    TRANSITION_MS,
  );

  await scene(
    "kubectl delete my-put-deployment (SUSPENDED): cancelled, deleted, gone",
    () => cluster.delete("my-deploy-namespace", "my-put-deployment", simulator.now()),
    2,
    TRANSITION_MS,
  );

  console.log(
    `\nVVP deployments left: ${simulator.deployments().length}; mapping records left: ${mappingStore.entries().size}`,
  );
} finally {
  await simulator.close();
}
