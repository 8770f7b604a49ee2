#!/usr/bin/env node
// The `vvpctl` executable (also `kubectl-vvp`, a kubectl plugin). It runs
// only when executed, so importing this module (tests, the bundle) does not.
import { realpathSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { type CliIo, processIo } from "./io.js";
import { packageVersion } from "./package-version.js";
import type { RunOptions } from "./program.js";

export { type CliIo, processIo } from "./io.js";
export type { RunOptions } from "./program.js";

/**
 * Runs one command line (see program.ts). The command tree is loaded only
 * when needed: `--version` alone answers from package.json.
 */
export async function run(
  argv: readonly string[],
  io: CliIo,
  options: RunOptions = {},
): Promise<number> {
  if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const program = await import("./program.js");
  return program.run(argv, io, options);
}

/** Runs the process' command line and sets `process.exitCode` once stdout is flushed. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // kubectl runs the plugin as kubectl-vvp: its help and errors then say `kubectl vvp`.
  // kubectl's completion (≥ 1.26) runs kubectl_complete-vvp with the words to complete.
  const invokedAs = basename(process.argv[1] ?? "").replace(/\.(c|m)?js$/, "");
  const completing = invokedAs === "kubectl_complete-vvp";
  const code = await run(completing ? ["complete", "--", ...argv] : argv, processIo(), {
    name: invokedAs === "kubectl-vvp" || completing ? "kubectl vvp" : "vvpctl",
  });
  // Setting exitCode (not calling exit) lets buffered stdout reach a pipe first.
  process.exitCode = code;
}

/** Whether this module is the program node was started with (also through a bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    // A closed pipe (`vvpctl … | head`) is not our failure.
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  });
  main().catch((error: unknown) => {
    process.stderr.write(
      `error: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`,
    );
    process.exitCode = 2;
  });
}
