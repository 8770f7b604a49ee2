import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// `npm run demo` is the README's main command: the real controller on the
// fake API server and the simulator, driven with kubectl. It must keep
// telling the whole story and end by itself with exit code 0.
const root = fileURLToPath(new URL("../../", import.meta.url));

describe("npm run demo", () => {
  it("tells the story with kubectl and the controller, and leaves nothing behind", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/demo.ts"],
      { cwd: root, timeout: 120_000 },
    );
    for (const event of [
      "Normal DeploymentCreated",
      "Normal SpecProjected",
      "Normal SavepointTriggered",
      "Normal RestartTriggered",
      "Warning SavepointBlocked",
      "Warning StateProjectionSuppressedAutopilot",
      "Warning DeploymentStillActive",
      "Normal DeploymentCancelled",
      "Normal DeploymentDeleted",
    ]) {
      expect(stdout).toContain(event);
    }
    // kubectl's own table, from the CRD's printer columns served by the fake.
    expect(stdout).toMatch(
      /NAME\s+ACTUAL\s+INSTANCE-ID\s+DESIRED\s+SYNC\s+VVP-NAMESPACE\s+HEALTHY\s+AGE\s+CONSISTENT/,
    );
    expect(stdout).toMatch(/my-deployment\s+RUNNING\s+my-operator\s+RUNNING/);
    // The steady state: VVP only listed (no GET per CR), no write anywhere.
    const steady = stdout.slice(stdout.indexOf("Nothing changed"), stdout.indexOf("━━ 3."));
    expect(steady).toContain("labelSelector=ververica.platform%2Fowner%3Dmy-operator → 200");
    expect(steady).not.toMatch(/ {2}(POST|PUT|PATCH|DELETE) /);
    expect(steady).not.toMatch(/deployments\/[0-9a-f-]{36} /);
    expect(steady).toContain("Kubernetes writes by the controller (0):");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(
      "VVP deployments left: 0; mapping records left: 0",
    );
    expect(stdout).not.toContain("demo-token");
  }, 150_000);
});
