// The command tree: commander 14 with every exit and every write routed
// through the CommandContext, so `run` never exits the process and tests can
// read what was printed.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { crdCommand, schemaCommand } from "./commands/crd.js";
import { getCommand } from "./commands/get.js";
import { krmCommand } from "./commands/krm.js";
import { planCommand } from "./commands/plan.js";
import { validateCommand } from "./commands/validate.js";
import type { CommandContext } from "./context.js";
import { EXIT, oneLine } from "./errors.js";
import type { CliIo } from "./io.js";

/** The package version, from package.json beside `src/` or `dist/`; "unknown" when not found. */
export function packageVersion(): string {
  for (const path of ["../../package.json", "../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (json.name === "vvp-deployment-sdk" && typeof json.version === "string") {
        return json.version;
      }
    } catch {
      // Not there in this layout: try the next.
    }
  }
  return "unknown";
}

/** Builds the `vvpctl` command tree for one run. */
export function buildProgram(context: CommandContext, name = "vvpctl"): Command {
  const program = new Command(name)
    .description(
      "VvpDeployment tools: validate manifests, preview the operator's plan, print the CRD and schema, GitOps checks",
    )
    .version(packageVersion(), "-v, --version")
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.io.stdout(text),
      writeErr: (text) => context.io.stderr(text),
      // One line per error: commander puts its "(Did you mean …?)" on a second one.
      outputError: (text, write) => write(`${text.trimEnd().replace(/\s*\n\s*/g, " ")}\n`),
    })
    .exitOverride();
  // Subcommands inherit output and exit settings from the program they are added to.
  for (const command of [
    validateCommand(context),
    planCommand(context),
    getCommand(context),
    crdCommand(context),
    schemaCommand(context),
    krmCommand(context),
  ]) {
    command.copyInheritedSettings(program);
    program.addCommand(command);
  }
  return program;
}

/** Options of `run`. */
export interface RunOptions {
  /** The name help and errors use: `vvpctl`, or `kubectl vvp` when run as the kubectl plugin. */
  name?: string;
}

/**
 * Runs one command line (without the node and script arguments) and returns
 * the exit code: 0 all good, 1 findings, 2 usage or input error. Never throws
 * and never exits the process; every error is one line on stderr.
 */
export async function run(
  argv: readonly string[],
  io: CliIo,
  options: RunOptions = {},
): Promise<number> {
  let code = 0;
  const context: CommandContext = {
    io,
    exit: (next) => {
      code = Math.max(code, next);
    },
  };
  const program = buildProgram(context, options.name);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (error) {
    // --help and --version end with a zero exit code; commander already printed its message.
    if (error instanceof CommanderError) return error.exitCode === 0 ? code : EXIT.usage;
    // A CliUsageError says what is wrong with the input; anything else is reported the same way.
    io.stderr(`error: ${oneLine(error)}\n`);
    return EXIT.usage;
  }
}
