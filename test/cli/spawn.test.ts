// End-to-end runs of the real process: exit codes, stdin, flushing and one-line
// errors as a shell or CI sees them.
import { spawnSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { example, REPOSITORY, tempDir } from "./support.js";

const MAIN = join(REPOSITORY, "src", "cli", "main.ts");

function vvpctl(args: readonly string[], options: { input?: string; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: options.cwd ?? REPOSITORY,
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("vvpctl as a process", () => {
  it("--help exits 0 and prints usage", () => {
    const result = vvpctl(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: vvpctl");
    expect(result.stderr).toBe("");
  });

  it("validates stdin, exits 1 on findings, and prints no stack trace", () => {
    const bad = example("patch-minimal").replace("syncingMode: PATCH", "syncingMode: NOPE");
    const result = vvpctl(["validate", "--instance-id", "my-operator", "-"], { input: bad });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^<stdin>:11:16: error: spec\.syncingMode: /);
    expect(result.stderr).toBe("");
  });

  it("a usage error is one line on stderr with exit 2", () => {
    const result = vvpctl(["validate", "--output", "xml", "x.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unreadable input is reported, not thrown", () => {
    const result = vvpctl(["validate", "/nonexistent/dir/cr.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(
      "/nonexistent/dir/cr.yaml: error: <root>: cannot be read (ENOENT)",
    );
    expect(result.stderr).toBe("");
  });

  it("flushes large output completely before exiting", () => {
    const result = vvpctl(["schema"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("runs the KRM function on a ResourceList piped in", () => {
    const list = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {instanceId: my-operator}}\n`;
    const result = vvpctl(["krm"], { input: list });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("results: []");
  });

  it("importing the module does not run it", () => {
    const dir = tempDir();
    const result = spawnSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(MAIN)}); console.log(typeof m.run, typeof m.main);`,
      ],
      { cwd: REPOSITORY, encoding: "utf8", env: { ...process.env, TMPDIR: dir } },
    );
    expect(result.stdout.trim()).toBe("function function");
    expect(result.status).toBe(0);
  });
});

describe("vvpctl as a process: bounded stdin, plugin names", () => {
  it("stops reading an endless stdin at the limit with one line, exit 2", async () => {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, ["--import", "tsx", MAIN, "validate", "-"], {
      cwd: REPOSITORY,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    let written = 0;
    let open = true;
    child.stdin.on("error", () => {
      open = false;
    });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const pump = () => {
      while (open && written < 1024 * 1024 * 1024) {
        written += chunk.length;
        if (!child.stdin.write(chunk)) {
          child.stdin.once("drain", pump);
          return;
        }
      }
    };
    pump();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    open = false;
    expect(code).toBe(2);
    expect(stdout).toContain("<stdin>: error: <root>: is over the 3.0 MiB limit");
    // The writer was cut off near the limit, not after reading gigabytes.
    expect(written).toBeLessThan(256 * 1024 * 1024);
  });

  it("run as kubectl_complete-vvp, answers kubectl's completion request", () => {
    const dir = tempDir();
    const link = join(dir, "kubectl_complete-vvp");
    symlinkSync(MAIN, link);
    const result = spawnSync(process.execPath, ["--import", "tsx", link, "sa"], {
      cwd: REPOSITORY,
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("savepoint\t");
    expect(result.stdout.trimEnd().split("\n").at(-1)).toMatch(/^:\d+$/);
  });
});
