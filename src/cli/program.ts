// The command tree: commander 14 with every exit and every write routed
// through the CommandContext, so `run` never exits the process and tests can
// read what was printed. Only the definitions are loaded here: each command
// imports its work (zod schemas, YAML, client-node) when it runs, so
// `--version` and `--help` start as fast as node itself.
import { Command, CommanderError } from "commander";
import { completeCommand, completionCommand } from "./commands/completion.js";
import { crdCommand, schemaCommand } from "./commands/crd.js";
import { getCommand } from "./commands/get.js";
import { krmCommand } from "./commands/krm.js";
import { nonceCommand, statusCommand } from "./commands/nonce.js";
import { planCommand } from "./commands/plan.js";
import { validateCommand } from "./commands/validate.js";
import { versionCommand } from "./commands/version.js";
import type { CommandContext } from "./context.js";
import { EXIT, oneLine } from "./errors.js";
import type { CliIo } from "./io.js";
import { packageVersion } from "./package-version.js";

export { packageVersion } from "./package-version.js";

/** Builds the `vvpctl` command tree for one run. */
export function buildProgram(context: CommandContext, name = "vvpctl"): Command {
  const version = packageVersion();
  const program = new Command(name)
    .description(
      "VvpDeployment tools: validate manifests, preview the operator's plan, read and operate the CRs of a cluster, print the CRD and schema",
    )
    .version(version, "-v, --version")
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
    statusCommand(context),
    nonceCommand("savepoint", context),
    nonceCommand("restart", context),
    crdCommand(context),
    schemaCommand(context),
    krmCommand(context),
    versionCommand(context, name, version),
    completionCommand(context, name),
  ]) {
    command.copyInheritedSettings(program);
    program.addCommand(command);
  }
  const complete = completeCommand(context, name);
  complete.copyInheritedSettings(program);
  program.addCommand(complete, { hidden: true });
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
