import type { VvpDeployment } from "../src/models/index.js";
import type { BenchResult } from "./reconcile.js";
import { median, numberedCr, withReconcileRig } from "./support.js";

const CRS = 1_000;
const ROUNDS = 5;

/**
 * 1,000 CRs in the steady state through reconcileOnce against the simulator
 * over loopback, against 1,000 bare GETs of the same deployments with the same
 * client, in the same run. Both run sequentially, as one operator worker would.
 */
export function benchReconcileOnce(): Promise<BenchResult> {
  return withReconcileRig(11, async ({ client, template, cycle }) => {
    let crs: VvpDeployment[] = [];
    for (let index = 0; index < CRS; index += 1) {
      const cr = numberedCr(template, `bench-${index}`, "00000000", index);
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
  });
}
