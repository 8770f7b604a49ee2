import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../../src/operator/config.js";
import { runCli } from "./support.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  }
).version;

describe("versions", () => {
  it("vvpctl --version, vvpctl version and version -o json", async () => {
    expect((await runCli(["--version"])).stdout).toBe(`${VERSION}\n`);
    const text = await runCli(["version"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`vvpctl ${VERSION} (vvp-deployment-sdk, node ${process.version})\n`);
    const json = JSON.parse((await runCli(["version", "-o", "json"])).stdout);
    expect(json).toEqual({
      name: "vvpctl",
      version: VERSION,
      node: process.version,
      package: "vvp-deployment-sdk",
    });
  });

  it("vvp-operator --version prints the version and exits 0 without other flags", () => {
    expect(parseCommandLine(["--version"], {})).toEqual({
      kind: "exit",
      code: 0,
      stdout: `${VERSION}\n`,
    });
  });
});
