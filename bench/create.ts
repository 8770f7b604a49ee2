import type { VvpDeployment } from "../src/models/index.js";
import type { BenchResult } from "./reconcile.js";
import { median, numberedCr, withReconcileRig } from "./support.js";

const FLEET = 5_000;
const SAMPLE = 100;

/**
 * The first cycle of a new CR (finalizer, lost-create lookup, POST) for the
 * last 100 of 5,000 CRs in one VVP namespace, against the first 100 of a
 * fleet in an empty namespace, measured alternately: the
 * lookup is one GET by name, so a create must cost the same at any fleet
 * size (goal ≈ 1×; a namespace-wide list would make it grow with the fleet).
 */
export function benchCreate(): Promise<BenchResult> {
  return withReconcileRig(13, async ({ simulator, template, cycle }) => {
    const newCr = (namespace: string, index: number): VvpDeployment => {
      const uidPrefix = namespace === "fresh" ? "11111111" : "00000000";
      const cr = numberedCr(template, `${namespace}-${index}`, uidPrefix, index);
      cr.spec.deployment.metadata.namespace = namespace;
      return cr;
    };
    const create = async (cr: VvpDeployment): Promise<number> => {
      const start = performance.now();
      const result = await cycle(cr);
      const elapsed = performance.now() - start;
      if (!result.outcomes.some((outcome) => outcome.action.type === "CreateDeployment")) {
        throw new Error(`${cr.metadata.name}: the first cycle did not create`);
      }
      return elapsed;
    };

    // The first 4,900 CRs fill the namespace (and warm up the JIT); then the
    // last 100 alternate with the first 100 of a fleet in an empty namespace,
    // so both samples see the same JIT state and the same machine load.
    for (let index = 0; index < FLEET - SAMPLE; index += 1) await create(newCr("default", index));
    const firsts: number[] = [];
    const lasts: number[] = [];
    for (let index = 0; index < SAMPLE; index += 1) {
      firsts.push(await create(newCr("fresh", index)));
      lasts.push(await create(newCr("default", FLEET - SAMPLE + index)));
    }
    // Medians: one garbage collection or a busy neighbour must not decide the ratio.
    const first = median(firsts);
    const last = median(lasts);
    if (simulator.deployments("default").length !== FLEET) {
      throw new Error("the fleet was not created");
    }
    return {
      name: `create cycle: last ${SAMPLE} of ${FLEET.toLocaleString("en")} CRs vs first ${SAMPLE} (medians)`,
      ratio: last / first,
      subjectMicroseconds: last * 1000,
      baselineMicroseconds: first * 1000,
      target: 1.5,
    };
  });
}
