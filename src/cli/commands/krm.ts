import { Command } from "commander";
import type { CommandContext } from "../context.js";
import { parseManifests } from "../documents.js";
import { CliUsageError } from "../errors.js";
import { decodeInput, readInputs } from "../inputs.js";
import { KrmInputError, runKrmFunction } from "../krm.js";

/** A ResourceList holds a whole kustomization: a larger bound than one manifest (ours). */
const MAX_RESOURCE_LIST_BYTES = 64 * 1024 * 1024;

/** `vvpctl krm`: the KRM validation function. */
export function krmCommand(context: CommandContext): Command {
  return new Command("krm")
    .description(
      "KRM function: read a config.kubernetes.io/v1 ResourceList on stdin, validate its VvpDeployments, write it back with results",
    )
    .addHelpText(
      "after",
      '\nfunctionConfig: a ConfigMap with data { instanceId, namespaces: "a,b", apiKeyValidation: "false" }.\nExit codes: 0 no error result, 1 an error result, 2 the input is not a ResourceList.',
    )
    .argument(
      "[config]",
      "a functionConfig file (kustomize's legacy exec plugins pass one; stdin is then a stream of documents)",
    )
    .action(async (configPath: string | undefined) => {
      const { io } = context;
      const functionConfig =
        configPath === undefined ? undefined : await readFunctionConfig(configPath, context);
      const decoded = decodeInput(await io.readStdin(), MAX_RESOURCE_LIST_BYTES);
      if (typeof decoded !== "string") throw new CliUsageError(`stdin ${decoded.problem}`);
      let outcome: ReturnType<typeof runKrmFunction>;
      try {
        outcome = runKrmFunction(decoded, functionConfig);
      } catch (error) {
        if (error instanceof KrmInputError) throw new CliUsageError(error.message);
        throw error;
      }
      io.stdout(outcome.output);
      // kustomize shows a failing function's stderr: say there what is wrong.
      for (const result of outcome.results) {
        if (result.severity !== "error") continue;
        const where = result.file === undefined ? "" : `${result.file.path}: `;
        const name =
          result.resourceRef === undefined
            ? ""
            : `${result.resourceRef.kind}/${result.resourceRef.name}: `;
        io.stderr(`${where}${name}${result.field?.path ?? "<root>"}: ${result.message}\n`);
      }
      context.exit(outcome.hasErrors ? 1 : 0);
    });
}

/** The functionConfig object of a file; an unusable file is a usage error. */
async function readFunctionConfig(path: string, context: CommandContext): Promise<unknown> {
  const read = await readInputs([path], context.io);
  const problem = read.problems[0];
  if (problem !== undefined) throw new CliUsageError(`${problem.name}: ${problem.problem}`);
  const parsed = parseManifests(read.sources[0]?.text ?? "");
  const syntax = parsed.syntaxErrors[0];
  if (syntax !== undefined) {
    throw new CliUsageError(
      `${path}:${syntax.position.line}:${syntax.position.column}: not valid YAML: ${syntax.message}`,
    );
  }
  const object = parsed.objects[0];
  if (object === undefined || parsed.objects.length > 1) {
    throw new CliUsageError(`${path}: expected one functionConfig object`);
  }
  return object.value;
}
