// The work of `vvpctl krm`: stdin (byte-counted) to a ResourceList with
// results on stdout; stderr only the summary line (kustomize shows it).
import type { CommandContext } from "./context.js";
import { parseManifests } from "./documents.js";
import { CliUsageError } from "./errors.js";
import { decodeInput, readInputs } from "./inputs.js";
import { KrmInputError, runKrmFunction } from "./krm.js";

/** A ResourceList holds a whole kustomization: a larger bound than one manifest (ours). */
export const MAX_RESOURCE_LIST_BYTES = 64 * 1024 * 1024;

/** Runs the KRM function on stdin. */
export async function runKrm(
  configPath: string | undefined,
  context: CommandContext,
): Promise<void> {
  const { io } = context;
  const functionConfig =
    configPath === undefined ? undefined : await readFunctionConfig(configPath, context);
  const decoded = decodeInput(await io.readStdin(MAX_RESOURCE_LIST_BYTES), MAX_RESOURCE_LIST_BYTES);
  if (typeof decoded !== "string") throw new CliUsageError(`stdin ${decoded.problem}`);
  let outcome: ReturnType<typeof runKrmFunction>;
  try {
    outcome = runKrmFunction(decoded, functionConfig);
  } catch (error) {
    if (error instanceof KrmInputError) throw new CliUsageError(error.message);
    throw error;
  }
  io.stdout(outcome.output);
  if (configPath !== undefined) {
    // A legacy exec plugin's output is read as a List: kustomize drops the
    // results, so the findings are said once on stderr, which it shows.
    for (const result of outcome.results) {
      const where = result.file === undefined ? "" : `${result.file.path}: `;
      const name =
        result.resourceRef === undefined
          ? ""
          : `${result.resourceRef.kind}/${result.resourceRef.name}: `;
      io.stderr(
        `${where}${name}${result.field?.path ?? "<root>"}: ${result.severity}: ${result.message}\n`,
      );
    }
    context.exit(outcome.hasErrors ? 1 : 0);
    return;
  }
  // Each finding is in the results once; stderr only counts them.
  const errors = outcome.results.filter((result) => result.severity === "error").length;
  const warnings = outcome.results.filter((result) => result.severity === "warning").length;
  if (errors + warnings > 0) {
    io.stderr(
      `vvpctl krm: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} in the ResourceList's results\n`,
    );
  }
  context.exit(outcome.hasErrors ? 1 : 0);
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
