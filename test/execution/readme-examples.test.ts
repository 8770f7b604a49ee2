import { describe, expect, it } from "vitest";
import {
  type ActionOutcome,
  applyFinalizersInMemory,
  createInMemoryMappingStore,
  createVvpClient,
  crIdentity,
  executePlan,
  type FinalizerWriter,
  listOwnedDeployments,
  type Observation,
  observationNeeds,
  type ReconcileInput,
  reconcile,
  reconcileOnce,
  settle,
} from "../../src/index.js";
import { startVvpSimulator } from "../../src/simulator/index.js";
import { example, INSTANCE_ID } from "./support.js";

// The README's examples, run: if one of them stops compiling or working, this fails.

describe("the README's examples", () => {
  it("embedding: a FinalizerWriter persists the finalizer before the create", async () => {
    const vvp = await startVvpSimulator({ transitionMs: 10 });
    try {
      const client = createVvpClient({ baseUrl: vvp.url });
      const cr = example("PATCH");
      const order: string[] = [];
      const finalizers: FinalizerWriter = {
        add: async (finalizer) => {
          order.push(`add ${finalizer} with ${vvp.deployments().length} deployments in VVP`);
        },
        remove: async () => {},
      };
      const result = await reconcileOnce({
        cr,
        client,
        mappingStore: createInMemoryMappingStore(),
        finalizers,
        instanceId: INSTANCE_ID,
        now: vvp.now(),
      });
      expect(order).toEqual(["add ververica.platform/finalizer with 0 deployments in VVP"]);
      expect(result.cr.metadata.finalizers).toEqual(["ververica.platform/finalizer"]);
      expect(vvp.deployments()).toHaveLength(1);
      const owned = await listOwnedDeployments(client, {
        vvpNamespace: "default",
        instanceId: INSTANCE_ID,
      });
      expect(owned).toHaveLength(1);
    } finally {
      await vvp.close();
    }
  });

  it("the pure pieces: observationNeeds → reconcile → run actions → settle", async () => {
    const vvp = await startVvpSimulator({ transitionMs: 10 });
    try {
      const client = createVvpClient({ baseUrl: vvp.url });
      const myMappingStore = createInMemoryMappingStore();
      const cr = example("PATCH");
      const mapping = await myMappingStore.get(crIdentity(cr));
      const needs = observationNeeds(cr, mapping);
      expect(needs.deployment).toEqual({
        by: "name",
        vvpNamespace: "default",
        name: "my-deployment",
      });
      const observed: Observation = {
        deployment:
          needs.deployment.by === "name"
            ? await client.findDeploymentByName(
                needs.deployment.vvpNamespace,
                needs.deployment.name,
              )
            : null,
        mapping,
        autopilot: { mode: "MONITORING", scalingInProgress: false },
      };
      const input: ReconcileInput = { cr, observed, instanceId: INSTANCE_ID, now: vvp.now() };
      const plan = reconcile(input);
      const outcomes: ActionOutcome[] = await executePlan(plan, {
        client,
        mappingStore: myMappingStore,
        finalizers: applyFinalizersInMemory(),
      });
      const { status, events, requeueAfterMs } = settle(input, plan, outcomes);
      expect(outcomes.every((outcome) => outcome.result === "succeeded")).toBe(true);
      expect(status.deploymentId).toBe(vvp.deployments()[0]?.metadata.id);
      expect(events.map((event) => event.reason)).toContain("DeploymentCreated");
      expect(requeueAfterMs).toBeGreaterThanOrEqual(0);
    } finally {
      await vvp.close();
    }
  });
});
