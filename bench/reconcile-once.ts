import { readFileSync } from "node:fs";
import {
  applyFinalizersInMemory,
  createInMemoryMappingStore,
  reconcileOnce,
} from "../src/execution/index.js";
import { parseVvpDeployment, type VvpDeployment } from "../src/models/index.js";
import { startVvpSimulator } from "../src/simulator/index.js";
import { createVvpClient } from "../src/vvp-client/index.js";
import type { BenchResult } from "./reconcile.js";

const CRS = 1_000;
const ROUNDS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * 1,000 CRs in the steady state through reconcileOnce against the simulator
 * over loopback, against 1,000 bare GETs of the same deployments with the same
 * client, in the same run. Both run sequentially, as one operator worker would.
 */
export async function benchReconcileOnce(): Promise<BenchResult> {
  const simulator = await startVvpSimulator({ seed: 11 });
  try {
    const client = createVvpClient({ baseUrl: simulator.url, token: "bench-token" });
    const mappingStore = createInMemoryMappingStore();
    const text = readFileSync(new URL("../examples/put-minimal.yaml", import.meta.url), "utf8");
    const parsed = parseVvpDeployment(text);
    if (!parsed.ok) throw new Error("the PUT example does not parse");
    const now = simulator.now();
    const cycle = (cr: VvpDeployment) =>
      reconcileOnce({
        cr,
        client,
        mappingStore,
        instanceId: "my-operator",
        now,
        finalizers: applyFinalizersInMemory(),
      });
    let crs: VvpDeployment[] = [];
    for (let index = 0; index < CRS; index += 1) {
      const cr = structuredClone(parsed.value);
      cr.metadata.name = `bench-${index}`;
      cr.metadata.uid = `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`;
      cr.metadata.generation = 1;
      cr.spec.deployment.metadata.name = `bench-${index}`;
      // Two cycles bring each CR to the steady state: create, then settle.
      for (let round = 0; round < 2; round += 1) Object.assign(cr, (await cycle(cr)).cr);
      crs.push(cr);
    }
    crs = crs.map((cr) => structuredClone(cr));
    const ids = crs.map((cr) => cr.status?.deploymentId ?? "");

    const steady = async () => {
      for (const cr of crs) {
        const result = await cycle(cr);
        if (result.changed) throw new Error(`${cr.metadata.name} is not in the steady state`);
      }
    };
    const bareGets = async () => {
      for (const id of ids) await client.getDeployment("default", id);
    };
    const time = async (run: () => Promise<void>) => {
      const start = performance.now();
      await run();
      return performance.now() - start;
    };
    await steady();
    await bareGets();
    const subject: number[] = [];
    const baseline: number[] = [];
    // Interleaved rounds, so drift in machine load hits both alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      baseline.push(await time(bareGets));
      subject.push(await time(steady));
    }
    const subjectMs = median(subject);
    const baselineMs = median(baseline);
    return {
      name: "reconcileOnce() ×1000 steady state vs 1000 GETs",
      ratio: subjectMs / baselineMs,
      subjectMicroseconds: (subjectMs * 1000) / CRS,
      baselineMicroseconds: (baselineMs * 1000) / CRS,
      target: 1.5,
    };
  } finally {
    await simulator.close();
  }
}
