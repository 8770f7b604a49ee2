// The setup the reconcile benchmarks share: a simulator over loopback, a
// client for it, the PUT example as the CR template, and one worker's cycle.
import { readFileSync } from "node:fs";
import {
  applyFinalizersInMemory,
  createInMemoryMappingStore,
  reconcileOnce,
} from "../src/execution/index.js";
import { parseVvpDeployment, type VvpDeployment } from "../src/models/index.js";
import { startVvpSimulator, type VvpSimulator } from "../src/simulator/index.js";
import { createVvpClient, type VvpClient } from "../src/vvp-client/index.js";

/** The middle value of the samples (the upper one of an even count; NaN for none). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** What a reconcile benchmark runs against. */
export interface ReconcileRig {
  simulator: VvpSimulator;
  client: VvpClient;
  /** The PUT example, parsed: copy it before changing it. */
  template: VvpDeployment;
  /** One reconcile cycle of the CR, as an operator worker runs it (one mapping store, one clock reading). */
  cycle(cr: VvpDeployment): ReturnType<typeof reconcileOnce>;
}

/** Runs the benchmark against a simulator seeded with `seed`, closing the simulator afterwards. */
export async function withReconcileRig<T>(
  seed: number,
  bench: (rig: ReconcileRig) => Promise<T>,
): Promise<T> {
  const simulator = await startVvpSimulator({ seed });
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
    return await bench({ simulator, client, template: parsed.value, cycle });
  } finally {
    await simulator.close();
  }
}

/** A copy of the template named `name` (the CR and its VVP deployment), at generation 1, its UID ending in the index. */
export function numberedCr(
  template: VvpDeployment,
  name: string,
  uidPrefix: string,
  index: number,
): VvpDeployment {
  const cr = structuredClone(template);
  cr.metadata.name = name;
  cr.metadata.uid = `${uidPrefix}-0000-4000-8000-${String(index).padStart(12, "0")}`;
  cr.metadata.generation = 1;
  cr.spec.deployment.metadata.name = name;
  return cr;
}
