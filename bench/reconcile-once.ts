import type { VvpDeployment } from "../src/models/index.js";
import { type BenchRow, interleave, rowOf, timed } from "./harness.js";
import { numberedCr, withReconcileRig } from "./support.js";

const CRS = 1_000;
const ROUNDS = 7;

/**
 * 1,000 CRs in the steady state through reconcileOnce against the simulator
 * over loopback, against 1,000 bare GETs of the same deployments with the same
 * client, in the same run. Both run sequentially, as one operator worker would.
 */
export function benchReconcileOnce(): Promise<BenchRow[]> {
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
    const samples = await interleave(
      ROUNDS,
      async () => ((await timed(bareGets)) * 1000) / CRS,
      async () => ((await timed(steady)) * 1000) / CRS,
    );
    return [
      rowOf(
        {
          name: "reconcileOnce() of 1,000 CRs in the steady state, one after another, against the simulator",
          floor: "1,000 bare GETs of the same deployments, same client",
          unit: "µs/CR",
          goal: 1.5,
        },
        samples,
      ),
    ];
  });
}
