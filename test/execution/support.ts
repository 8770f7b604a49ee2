import { afterEach } from "vitest";
import {
  applyFinalizersInMemory,
  createInMemoryMappingStore,
  type InMemoryMappingStore,
  type ReconcileOnceInput,
  type ReconcileOnceResult,
  reconcileOnce,
} from "../../src/execution/index.js";
import type { VvpDeployment } from "../../src/models/index.js";
import {
  startVvpSimulator,
  type VvpSimulator,
  type VvpSimulatorOptions,
} from "../../src/simulator/index.js";
import {
  createVvpClient,
  type VvpClient,
  type VvpClientOptions,
} from "../../src/vvp-client/index.js";
import { exampleCr } from "../support/examples.js";
import { InMemoryCluster } from "../support/in-memory-cluster.js";

/** The operator instance of the examples. */
export const INSTANCE_ID = "my-operator";
/** How long VVP transitions last in these stories. */
export const TRANSITION_MS = 5_000;

/** A simulator, a client, a mapping store and a cluster: everything a story needs. */
export interface World {
  simulator: VvpSimulator;
  client: VvpClient;
  mappingStore: InMemoryMappingStore;
  cluster: InMemoryCluster;
  /** Applies a CR as kubectl would and returns the stored copy. */
  apply(cr: VvpDeployment): VvpDeployment;
  /** Edits the stored CR (bumping generation when the spec changes). */
  edit(name: string, change: (cr: VvpDeployment) => void): VvpDeployment;
  /** One reconcile of one CR (extra input fields, e.g. `prefetched`); writes what it returns back to the cluster. */
  reconcile(name: string, extra?: Partial<ReconcileOnceInput>): Promise<ReconcileOnceResult>;
  /** The stored CR. */
  cr(name: string): VvpDeployment;
}

const open: VvpSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((simulator) => simulator.close()));
});

/** Starts a world; the simulator is closed after the test. */
export async function startWorld(
  options: { simulator?: VvpSimulatorOptions; client?: Partial<VvpClientOptions> } = {},
): Promise<World> {
  const simulator = await startVvpSimulator({
    transitionMs: TRANSITION_MS,
    seed: 42,
    ...options.simulator,
  });
  open.push(simulator);
  // No real waiting between retries: the stories count calls, not time.
  const client = createVvpClient({
    baseUrl: simulator.url,
    timeoutMs: 500,
    sleep: async () => {},
    random: () => 0.5,
    ...options.client,
  });
  const mappingStore = createInMemoryMappingStore();
  const cluster = new InMemoryCluster();
  const namespace = "my-deploy-namespace";
  const world: World = {
    simulator,
    client,
    mappingStore,
    cluster,
    apply: (cr) => cluster.apply(cr, simulator.now()),
    edit(name, change) {
      const cr = world.cr(name);
      change(cr);
      return cluster.apply(cr, simulator.now());
    },
    async reconcile(name, extra = {}) {
      const result = await reconcileOnce({
        cr: world.cr(name),
        client,
        mappingStore,
        instanceId: INSTANCE_ID,
        now: simulator.now(),
        finalizers: applyFinalizersInMemory(),
        ...extra,
      });
      if (result.changed) cluster.write(result.cr);
      return result;
    },
    cr(name) {
      const found = cluster.get(namespace, name);
      if (found === undefined) throw new Error(`no CR ${name}`);
      return found;
    },
  };
  return world;
}

/** The seed example of a mode, ready to apply. */
export function example(mode: "PATCH" | "PUT"): VvpDeployment {
  return exampleCr(mode);
}

/** A condition of a CR, by type. */
export function condition(cr: VvpDeployment, type: string) {
  return cr.status?.conditions?.find((candidate) => candidate.type === type);
}

/** Creates the PATCH example and brings it to RUNNING; returns its deployment id. */
export async function runningExample(world: World): Promise<string> {
  world.apply(example("PATCH"));
  await world.reconcile("my-deployment");
  world.edit("my-deployment", (cr) => {
    cr.spec.deployment.spec.state = "RUNNING";
  });
  await world.reconcile("my-deployment");
  world.simulator.advance(TRANSITION_MS);
  await world.reconcile("my-deployment");
  const id = world.cr("my-deployment").status?.deploymentId;
  if (id === undefined) throw new Error("no deploymentId");
  return id;
}
