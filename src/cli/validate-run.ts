// The work of `vvpctl validate`: read the inputs (stdin when no path is
// given), check every document, add the checks across documents (--old that
// matches nothing), print the report in its format.
import type { ValidateFlags } from "./commands/validate.js";
import type { CommandContext } from "./context.js";
import { commaList } from "./context.js";
import { parseManifests } from "./documents.js";
import { CliUsageError } from "./errors.js";
import {
  identityOf,
  isVvpDeploymentObject,
  type ResourceResult,
  reportExitCode,
  type ValidationReport,
} from "./findings.js";
import { readInputs } from "./inputs.js";
import { renderReport } from "./output.js";
import { validateSources } from "./validate.js";

/** One VvpDeployment of the `--old` file, with where it is. */
interface OldObject {
  value: unknown;
  filename: string;
  position: { line: number; column: number };
}

/** Runs `vvpctl validate` with its paths and flags. */
export async function runValidate(
  paths: readonly string[],
  flags: ValidateFlags,
  context: CommandContext,
): Promise<void> {
  const { io } = context;
  let given = paths;
  if (given.length === 0) {
    // As kubeconform: no path reads stdin; a terminal would only wait, so say what to give.
    if (io.stdinIsTTY === true) {
      throw new CliUsageError(
        "give files or directories to validate, or pipe manifests on stdin (e.g. helm template … | vvpctl validate)",
      );
    }
    given = ["-"];
  }
  const inputs = await readInputs(given, io, { exclude: flags.exclude });
  const old = flags.old === undefined ? undefined : await readOld(flags.old, context);
  const report = validateSources(inputs.sources, inputs.problems, {
    ...(flags.instanceId === undefined ? {} : { instanceId: flags.instanceId }),
    ...(flags.namespaces === undefined ? {} : { watchedNamespaces: commaList(flags.namespaces) }),
    apiKeyValidation: flags.apiKey,
    ...(old === undefined ? {} : { oldObjects: old.objects.map((object) => object.value) }),
  });
  if (old !== undefined) addUnmatchedOld(report, old.objects, old.name);
  io.stdout(renderReport(report, flags.json === true ? "json" : flags.output));
  context.exit(reportExitCode(report, { strict: flags.strict === true }));
}

/**
 * An `--old` version no input has the namespace and name of: the update was
 * not checked against it, which is likely a mistake (a rename, or the wrong
 * file): a warning on the old document (one on the file when it holds none).
 */
function addUnmatchedOld(
  report: ValidationReport,
  objects: readonly OldObject[],
  name: string,
): void {
  const checked = new Set(
    report.resources
      .filter((resource) => resource.status === "valid" || resource.status === "invalid")
      .map((resource) => `${resource.namespace}/${resource.name}`),
  );
  if (objects.length === 0) {
    report.resources.push({
      filename: name,
      kind: "",
      name: "",
      namespace: "",
      version: "",
      status: "skipped",
      findings: [
        {
          severity: "warning",
          field: "<root>",
          message: "--old holds no VvpDeployment: no update was checked against it",
          reason: "OldNotMatched",
        },
      ],
    });
    return;
  }
  for (const object of objects) {
    const identity = identityOf(object.value);
    if (checked.has(`${identity.namespace}/${identity.name}`)) continue;
    const unmatched: ResourceResult = {
      filename: object.filename,
      ...identity,
      status: "skipped",
      position: object.position,
      findings: [
        {
          severity: "warning",
          field: "metadata.name",
          message: `--old ${identity.namespace === "" ? "" : `${identity.namespace}/`}${identity.name} matches no document of the inputs (same namespace and name): no update was checked against it`,
          reason: "OldNotMatched",
          position: object.position,
        },
      ],
    };
    report.resources.push(unmatched);
  }
}

/** The VvpDeployments of the `--old` file; an unusable file is a usage error. */
async function readOld(
  path: string,
  context: CommandContext,
): Promise<{ name: string; objects: OldObject[] }> {
  const read = await readInputs([path], context.io);
  const problem = read.problems[0];
  if (problem !== undefined) throw new CliUsageError(`--old ${problem.name}: ${problem.problem}`);
  const objects: OldObject[] = [];
  for (const source of read.sources) {
    const parsed = parseManifests(source.text);
    const syntax = parsed.syntaxErrors[0];
    if (syntax !== undefined) {
      throw new CliUsageError(
        `--old ${source.name}:${syntax.position.line}:${syntax.position.column}: not valid YAML: ${syntax.message}`,
      );
    }
    for (const object of parsed.objects) {
      if (isVvpDeploymentObject(object.value)) {
        objects.push({
          value: object.value,
          filename: source.name,
          position: object.locate("metadata.name"),
        });
      }
    }
  }
  return { name: path, objects };
}
