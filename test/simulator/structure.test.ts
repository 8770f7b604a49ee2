import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type VvpDeploymentObject, VvpDeploymentObjectSchema } from "../../src/models/index.js";
import { type SimulatedDeployment, startVvpSimulator } from "../../src/simulator/index.js";
import { call, createExample, deploymentPath } from "./support.js";

// The state machine stays pure so it can be reasoned about (and tested)
// without sockets or time: only these modules may touch IO or randomness.
const IO_MODULES = new Set(["http-server.ts", "index.ts", "random.ts", "wall-clock.ts"]);
const FOLDER = new URL("../../src/simulator/", import.meta.url);

describe("the simulator's structure", () => {
  const stateModules = readdirSync(FOLDER).filter(
    (file) => file.endsWith(".ts") && !IO_MODULES.has(file),
  );

  it.each(stateModules)("%s imports no IO, reads no clock and draws no random numbers", (file) => {
    const source = readFileSync(new URL(file, FOLDER), "utf8");
    const imports = [...source.matchAll(/\bfrom\s+["']([^"']+)["']/g)].map((match) => match[1]);
    expect(imports.filter((specifier) => !specifier?.startsWith("."))).toEqual([]);
    expect(source).not.toMatch(
      /\bDate\.now\(|new Date\(\s*\)|Math\.random\(|performance\.now\(|setTimeout\(/,
    );
  });

  it("serves deployments that the models' VvpDeploymentObjectSchema accepts", async () => {
    const simulator = await startVvpSimulator({ transitionMs: 10 });
    try {
      const { metadata } = await createExample(simulator, { state: "RUNNING" });
      simulator.advance(10);
      const reply = await call<SimulatedDeployment>(simulator, "GET", deploymentPath(metadata.id));
      const parsed = VvpDeploymentObjectSchema.safeParse(reply.body);
      expect(parsed.error?.issues).toBeUndefined();
      // Compile-time: the simulator's type is a VvpDeploymentObject.
      const typed: VvpDeploymentObject = reply.body;
      expect(typed.status?.running?.jobId).toBeDefined();
    } finally {
      await simulator.close();
    }
  });
});
