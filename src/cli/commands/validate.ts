import { Command, Option } from "commander";
import type { CommandContext } from "../context.js";

/** The output formats of `validate` (the renderers live in output.ts, loaded on use). */
export const VALIDATE_FORMATS = ["text", "json", "junit", "sarif"] as const;

/** The options of `vvpctl validate`. */
export interface ValidateFlags {
  instanceId?: string;
  namespaces?: string;
  apiKey: boolean;
  old?: string;
  output: (typeof VALIDATE_FORMATS)[number];
  json?: boolean;
  strict?: boolean;
  exclude: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `vvpctl validate [paths…|-]`: definitions only; the work is loaded when it runs. */
export function validateCommand(context: CommandContext): Command {
  return new Command("validate")
    .description(
      "check VvpDeployment manifests with the admission webhook's rules; every finding as file:line:col",
    )
    .argument(
      "[paths...]",
      "files, directories (*.yaml, *.yml, *.json, recursively) or - for stdin (the default)",
    )
    .option(
      "--instance-id <id>",
      "the operator's instanceId the owner label must equal (without it the label is not compared)",
    )
    .option("--namespaces <list>", "comma-separated namespaces the operator watches")
    .option(
      "--no-api-key",
      "the operator runs without API-key validation (no apikeySecretName needed)",
    )
    .option(
      "--old <file>",
      "the previous versions, to check an update against the immutable fields",
    )
    .option("--strict", "warnings fail too (exit 1), for CI gates")
    .option(
      "--exclude <glob>",
      "leave out paths of a directory walk matching this glob (repeatable); node_modules, .git and hidden folders are always skipped",
      collect,
      [],
    )
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(VALIDATE_FORMATS)
        .default("text"),
    )
    .option("--json", "shorthand for -o json")
    .addHelpText(
      "after",
      "\nExit codes: 0 all valid, 1 findings (an invalid VvpDeployment; with --strict also a warning), 2 usage or input error.\nDocuments that are not VvpDeployments are skipped and counted; a kind of the ververica.platform group that is not ours, or one close to VvpDeployment, is an error.\nA Helm or Go template must be rendered first: helm template … | vvpctl validate",
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { runValidate } = await import("../validate-run.js");
      await runValidate(paths, flags, context);
    });
}
