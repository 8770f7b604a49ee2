import { describe, expect, it } from "vitest";
import { example, startWorld } from "./support.js";

const TOKEN = "vvp-token-Zq9xW2secret";

describe("a token echoed by a proxy never reaches the CR", () => {
  it("keeps the reason phrase's token out of the SpecAligned message, the events and the status", async () => {
    // A proxy that echoes the Authorization header in its reason phrase on PATCH.
    const echoing: typeof fetch = async (input, init) => {
      const method = init?.method ?? "GET";
      if (method !== "PATCH") return fetch(input, init);
      const authorization = new Headers(init?.headers).get("authorization") ?? "";
      return new Response(JSON.stringify({}), {
        status: 400,
        statusText: `Rejected ${authorization}`,
        headers: { "content-type": "application/json" },
      });
    };
    const world = await startWorld({ client: { token: TOKEN, fetch: echoing } });
    world.apply(example("PATCH"));
    await world.reconcile("my-deployment");
    world.edit("my-deployment", (cr) => {
      cr.spec.deployment.spec.state = "RUNNING";
    });
    const result = await world.reconcile("my-deployment");
    expect(result.outcomes.some((outcome) => outcome.result === "failed")).toBe(true);
    const written = JSON.stringify({ status: result.cr.status, events: result.events });
    expect(written).toContain("Rejected Bearer [redacted]");
    expect(written).not.toContain(TOKEN);
  });
});
