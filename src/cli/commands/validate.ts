import { Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { commaList } from "../context.js";
import { parseManifests } from "../documents.js";
import { CliUsageError } from "../errors.js";
import { isVvpDeploymentObject, reportExitCode } from "../findings.js";
import { readInputs } from "../inputs.js";
import { renderReport, VALIDATE_FORMATS, type ValidateFormat } from "../output.js";
import { validateSources } from "../validate.js";

interface ValidateFlags {
  instanceId?: string;
  namespaces?: string;
  apiKey: boolean;
  old?: string;
  output: ValidateFormat;
  json?: boolean;
}

/** `vvpctl validate [paths…|-]`. */
export function validateCommand(context: CommandContext): Command {
  return new Command("validate")
    .description(
      "check VvpDeployment manifests with the admission webhook's rules; every finding as file:line:col",
    )
    .argument(
      "<paths...>",
      "files, directories (*.yaml, *.yml, *.json, recursively) or - for stdin",
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
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(VALIDATE_FORMATS)
        .default("text"),
    )
    .option("--json", "shorthand for -o json")
    .addHelpText(
      "after",
      "\nExit codes: 0 all valid, 1 findings (an invalid VvpDeployment), 2 usage or input error.\nDocuments that are not VvpDeployments are skipped and counted.",
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { io } = context;
      const inputs = await readInputs(paths, io);
      const oldObjects = flags.old === undefined ? undefined : await readOld(flags.old, context);
      const report = validateSources(inputs.sources, inputs.problems, {
        ...(flags.instanceId === undefined ? {} : { instanceId: flags.instanceId }),
        ...(flags.namespaces === undefined
          ? {}
          : { watchedNamespaces: commaList(flags.namespaces) }),
        apiKeyValidation: flags.apiKey,
        ...(oldObjects === undefined ? {} : { oldObjects }),
      });
      io.stdout(renderReport(report, flags.json === true ? "json" : flags.output));
      context.exit(reportExitCode(report));
    });
}

/** The VvpDeployments of the `--old` file; an unusable file is a usage error. */
async function readOld(path: string, context: CommandContext): Promise<unknown[]> {
  const read = await readInputs([path], context.io);
  const problem = read.problems[0];
  if (problem !== undefined) throw new CliUsageError(`--old ${problem.name}: ${problem.problem}`);
  const objects: unknown[] = [];
  for (const source of read.sources) {
    const parsed = parseManifests(source.text);
    const syntax = parsed.syntaxErrors[0];
    if (syntax !== undefined) {
      throw new CliUsageError(
        `--old ${source.name}:${syntax.position.line}:${syntax.position.column}: not valid YAML: ${syntax.message}`,
      );
    }
    for (const object of parsed.objects) {
      if (isVvpDeploymentObject(object.value)) objects.push(object.value);
    }
  }
  return objects;
}
