import { afterEach, describe, expect, it } from "vitest";
import { startVvpSimulator, type VvpSimulator } from "../../src/simulator/index.js";
import { createExample, getDeployment } from "./support.js";

const open: VvpSimulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((simulator) => simulator.close()));
});

/** Polls until `check` holds; fails after `limitMs` (a bound, not a sleep the test relies on). */
async function waitFor(check: () => Promise<boolean>, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the wall clock (clock: "wall")', () => {
  it("moves a transition by real time, without advance()", async () => {
    const simulator = await startVvpSimulator({ clock: "wall", transitionMs: 20 });
    open.push(simulator);
    const created = await createExample(simulator, { state: "RUNNING" });
    expect(created.status.state).toBe("TRANSITIONING");
    await waitFor(
      async () => (await getDeployment(simulator, created.metadata.id)).status.state === "RUNNING",
    );
  });

  it("reports the machine's time and refuses advance()", async () => {
    const simulator = await startVvpSimulator({ clock: "wall" });
    open.push(simulator);
    const before = Date.now();
    const now = Date.parse(simulator.now());
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(() => simulator.advance(1)).toThrow(RangeError);
  });

  it("refuses a start time, which only the manual clock has", async () => {
    await expect(startVvpSimulator({ clock: "wall", now: "2024-01-01T00:00:00Z" })).rejects.toThrow(
      /manual clock/,
    );
  });
});
