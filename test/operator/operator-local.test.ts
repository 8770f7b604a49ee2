import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("npm run operator:local", () => {
  it("shows leader election, the webhook, metrics and a graceful handover, then ends cleanly", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/operator-local.ts", "--exit-after", "0"],
      { cwd: ROOT, timeout: 240_000 },
    );
    expect(stdout).toMatch(/\[(a|b)\] became leader/);
    expect(stdout).toContain("vvpdeployment.ververica.platform/my-deployment created");
    expect(stdout).toMatch(/my-put-deployment +\S+ +my-operator/);
    expect(stdout).toMatch(/allowed: false; .*must be "my-operator"/);
    expect(stdout).toMatch(/leader_election_master_status\{name="vvp-operator-my-operator"\} 1/);
    // After the SIGTERM, the other replica leads: "became leader" twice, once per replica.
    expect(stdout.match(/\] became leader/g)).toHaveLength(2);
    expect(stdout).toMatch(/\[(a|b)\] stopped \{"reason":"signal","code":0\}/);
  }, 250_000);
});
