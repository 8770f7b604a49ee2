import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// `npm run demo` is the README's main command: it must keep telling the whole
// story and end by itself with exit code 0.
const root = fileURLToPath(new URL("../../", import.meta.url));

describe("npm run demo", () => {
  it("tells the story on the simulator and leaves nothing behind", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/demo.ts"],
      { cwd: root, timeout: 60_000 },
    );
    expect(stdout).toContain("Normal DeploymentCreated");
    expect(stdout).toContain("Normal SavepointTriggered");
    expect(stdout).toContain("Normal RestartTriggered");
    expect(stdout).toContain("Warning SavepointBlocked");
    expect(stdout).toContain("Warning StateProjectionSuppressedAutopilot");
    expect(stdout).toContain("Warning DeploymentStillActive");
    expect(stdout).toContain("Normal DeploymentDeleted");
    expect(stdout).toMatch(
      /NAME\s+ACTUAL\s+INSTANCE-ID\s+DESIRED\s+SYNC\s+VVP-NAMESPACE\s+HEALTHY\s+AGE\s+CONSISTENT/,
    );
    expect(stdout.trimEnd().split("\n").at(-1)).toBe(
      "VVP deployments left: 0; mapping records left: 0",
    );
    expect(stdout).not.toContain("demo-token");
  });
});
