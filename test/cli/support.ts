import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { CliIo } from "../../src/cli/io.js";
import { run } from "../../src/cli/main.js";

/** What one in-process run printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of an in-process run. */
export interface RunOptions {
  stdin?: string | Buffer;
  cwd?: string;
  now?: string;
  fetch?: typeof fetch;
  /** Standard input is a terminal. */
  stdinIsTTY?: boolean;
  env?: Record<string, string>;
}

/** The repository root, so tests can name examples/ by relative path. */
export const REPOSITORY = new URL("../../", import.meta.url).pathname;

/** Runs vvpctl in-process, capturing its output. */
export async function runCli(argv: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async (maxBytes) => {
      const all =
        typeof options.stdin === "string"
          ? Buffer.from(options.stdin)
          : (options.stdin ?? Buffer.alloc(0));
      return maxBytes === undefined ? all : all.subarray(0, maxBytes + 1);
    },
    ...(options.stdinIsTTY === undefined ? {} : { stdinIsTTY: options.stdinIsTTY }),
    env: options.env ?? {},
    cwd: options.cwd ?? REPOSITORY,
    now: () => new Date(options.now ?? "2026-01-01T00:10:00Z"),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

/** A temporary directory with files, removed after the test. */
export function tempDir(files: Record<string, string | Buffer> = {}): string {
  const directory = mkdtempSync(join(tmpdir(), "vvpctl-test-"));
  directories.push(directory);
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(directory, name), content);
  return directory;
}

/** The text of an example CR. */
export function example(name: "patch-minimal" | "put-minimal"): string {
  return readFileSync(join(REPOSITORY, "examples", `${name}.yaml`), "utf8");
}

/** Lines of a text, without the trailing empty one. */
export function lines(text: string): string[] {
  return text.split("\n").filter((line) => line !== "");
}
