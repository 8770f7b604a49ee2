import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/operator/config.js";
import { drainBudgetMs, readiness } from "../../src/operator/operator.js";
import type { WebhookServer } from "../../src/operator/webhook-server.js";

function webhook(serving: boolean): WebhookServer {
  return { serving: () => serving } as unknown as WebhookServer;
}

const synced = { hasSynced: () => true };
const notSynced = { hasSynced: () => false };

describe("readiness (ours: independent of leadership)", () => {
  it("a standby is ready once its webhook serves, with no cache to sync", () => {
    expect(
      readiness({
        shuttingDown: false,
        webhook: webhook(true),
        leading: false,
        controller: notSynced,
      }),
    ).toEqual({
      ok: true,
      failures: [],
    });
  });

  it("the leader is ready only once its caches synced", () => {
    expect(
      readiness({
        shuttingDown: false,
        webhook: webhook(true),
        leading: true,
        controller: notSynced,
      }),
    ).toEqual({
      ok: false,
      failures: ["caches not synced"],
    });
    expect(
      readiness({ shuttingDown: false, webhook: undefined, leading: true, controller: synced }).ok,
    ).toBe(true);
  });

  it("is not ready while the webhook does not serve or the process shuts down", () => {
    expect(
      readiness({ shuttingDown: true, webhook: webhook(false), leading: false, controller: synced })
        .failures,
    ).toEqual(["shutting down", "webhook not serving"]);
  });
});

describe("the drain budget", () => {
  const parsed = parseCommandLine(
    ["--instance-id", "ops", "--watched-namespaces", "a", "--vvp-url", "http://v"],
    {},
  );
  if (parsed.kind !== "run") throw new Error("config");
  const config = parsed.config;

  it("is the shutdown timeout on a signal", () => {
    expect(drainBudgetMs(config, { reason: "signal", code: 0 })).toBe(30_000);
  });

  it("after a lost election ends well before another replica may take over", () => {
    // Lease 15 s, renew deadline 10 s: others may lead 5 s after our last renewal at the earliest.
    expect(drainBudgetMs(config, { reason: "leader-election-lost", code: 1 })).toBe(2_500);
  });
});
