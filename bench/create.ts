import type { VvpDeployment } from "../src/models/index.js";
import { type BenchRow, median, rowOf } from "./harness.js";
import { numberedCr, withReconcileRig } from "./support.js";

const FLEET = 5_000;
const SAMPLE = 100;
const ROUNDS = 5;

/**
 * The first cycle of a new CR (finalizer, lost-create lookup, POST) for the
 * last 100 of 5,000 CRs in one VVP namespace, against the first 100 of a
 * fleet in an empty namespace, measured alternately: the
 * lookup is one GET by name, so a create must cost the same at any fleet
 * size (goal ≈ 1×; a namespace-wide list would make it grow with the fleet).
 */
export function benchCreate(): Promise<BenchRow[]> {
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
    // Rounds of SAMPLE/ROUNDS creates each side, alternating one by one and
    // swapping which side goes first every round; a round's ratio is of medians.
    const perRound = SAMPLE / ROUNDS;
    const samples = { subject: [] as number[], floor: [] as number[], ratios: [] as number[] };
    let fresh = 0;
    let last = FLEET - SAMPLE;
    for (let round = 0; round < ROUNDS; round += 1) {
      const firsts: number[] = [];
      const lasts: number[] = [];
      for (let index = 0; index < perRound; index += 1) {
        if (round % 2 === 0) {
          firsts.push(await create(newCr("fresh", fresh++)));
          lasts.push(await create(newCr("default", last++)));
        } else {
          lasts.push(await create(newCr("default", last++)));
          firsts.push(await create(newCr("fresh", fresh++)));
        }
      }
      samples.floor.push(median(firsts) * 1000);
      samples.subject.push(median(lasts) * 1000);
      samples.ratios.push(median(lasts) / median(firsts));
    }
    if (simulator.deployments("default").length !== FLEET) {
      throw new Error("the fleet was not created");
    }
    return [
      rowOf(
        {
          name: `create cycle (finalizer, lost-create lookup, POST) of the last ${SAMPLE} of ${FLEET.toLocaleString("en")} CRs in one VVP namespace`,
          floor: `the first ${SAMPLE} creates in an empty namespace, alternately`,
          unit: "µs",
          goal: 1.5,
        },
        samples,
      ),
    ];
  });
}
