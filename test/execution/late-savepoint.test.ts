import { describe, expect, it } from "vitest";
import { runningExample, startWorld } from "./support.js";

const SAVEPOINTS = "/api/v1/namespaces/:ns/savepoints";
const TIMEOUT_MS = 300;

/** Polls until `check` holds; fails after `limitMs` (a bound, not a sleep the test relies on). */
async function waitFor(check: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("a savepoint POST that times out and is applied late", () => {
  it("makes one savepoint: the retry waits the client's timeout and finds the late one first", async () => {
    const world = await startWorld({ client: { timeoutMs: TIMEOUT_MS } });
    const id = await runningExample(world);
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 1;
    });
    // Applied after the client gave up, but within one more timeout.
    world.simulator.failNext({
      method: "POST",
      path: SAVEPOINTS,
      mode: "timeout",
      appliedAfterMs: TIMEOUT_MS + 50,
    });
    const first = await world.reconcile("my-deployment");
    await world.reconcile("my-deployment");
    await waitFor(() =>
      world.simulator.requests.some(
        (entry) => entry.method === "POST" && entry.fault === "timeout",
      ),
    );
    expect(world.simulator.savepoints().filter((s) => s.metadata.deploymentId === id)).toHaveLength(
      1,
    );
    expect(first.outcomes.map((outcome) => [outcome.action.type, outcome.result])).toEqual([
      ["TriggerSavepoint", "succeeded"],
    ]);
    expect(world.cr("my-deployment").status?.lastConsumedSavepointNonce).toBe(1);
  });

  it("reports the timeout when nothing landed, and the next cycle triggers once", async () => {
    const world = await startWorld({ client: { timeoutMs: TIMEOUT_MS } });
    const id = await runningExample(world);
    world.edit("my-deployment", (cr) => {
      cr.spec.savepointNonce = 1;
    });
    world.simulator.failNext({ method: "POST", path: SAVEPOINTS, mode: "timeout" });
    const first = await world.reconcile("my-deployment");
    expect(first.outcomes[0]?.result).toBe("failed");
    await world.reconcile("my-deployment");
    expect(world.simulator.savepoints().filter((s) => s.metadata.deploymentId === id)).toHaveLength(
      1,
    );
  });
});
