// The work of `kubectl vvp get`: from the cluster (client-node) or from files
// (-f), as a table with the CRD's printer columns, YAML, JSON or names.
import { stringify } from "yaml";
import type { VvpDeployment } from "../models/index.js";
import type { GetFlags } from "./commands/get.js";
import type { CommandContext } from "./context.js";
import { CliUsageError } from "./errors.js";
import { identityOf } from "./findings.js";
import { crsOf, crTable, renderTable } from "./get.js";
import { readInputs } from "./inputs.js";
import { connect, reportKubeError } from "./kube.js";
import { findingLine } from "./output.js";

/** A positional that is a path, as `vvpctl get FILE` took before -f (kept working). */
function looksLikePath(value: string): boolean {
  return value === "-" || value.includes("/") || /\.(ya?ml|json)$/i.test(value);
}

/** Runs `get` with its NAME and flags. */
export async function runGet(
  name: string | undefined,
  flags: GetFlags,
  context: CommandContext,
): Promise<void> {
  if (flags.allNamespaces === true && flags.namespace !== undefined) {
    throw new CliUsageError("give -n NAMESPACE or -A, not both");
  }
  if (flags.allNamespaces === true && name !== undefined) {
    throw new CliUsageError("a resource cannot be retrieved by name across all namespaces");
  }
  const files = [...flags.filename];
  let wanted = name;
  if (wanted !== undefined && files.length === 0 && looksLikePath(wanted)) {
    files.push(wanted);
    wanted = undefined;
  }
  if (files.length > 0) return getFromFiles(files, wanted, flags, context);
  return getFromCluster(wanted, flags, context);
}

async function getFromFiles(
  paths: readonly string[],
  name: string | undefined,
  flags: GetFlags,
  context: CommandContext,
): Promise<void> {
  const { io } = context;
  const inputs = await readInputs(paths, io);
  for (const problem of inputs.problems) {
    io.stderr(
      `${findingLine(problem.name, { severity: "error", field: "<root>", message: problem.problem, reason: "InputError" })}\n`,
    );
  }
  let invalid = inputs.problems.length > 0;
  const now = io.now().toISOString();
  if (
    flags.output === "yaml" ||
    flags.output === "json" ||
    flags.output === "name" ||
    name !== undefined
  ) {
    const crs = crsOf(inputs.sources).filter(
      (cr) => name === undefined || identityOf(cr).name === name,
    );
    if (crs.length === 0) {
      io.stderr(name === undefined ? "No resources found.\n" : notFound(name));
      context.exit(name === undefined ? (invalid ? 2 : 0) : 1);
      return;
    }
    const namespaces = new Set(crs.map((cr) => identityOf(cr).namespace));
    io.stdout(render(crs, flags, now, namespaces.size > 1, name !== undefined));
    if (invalid) context.exit(2);
    return;
  }
  const table = renderTable({
    sources: inputs.sources,
    wide: flags.output === "wide",
    now,
    onSyntaxError: (source, position, message) => {
      invalid = true;
      io.stderr(
        `${findingLine(source, { severity: "error", field: "<root>", message: `not valid YAML: ${message}`, reason: "InvalidYAML", position })}\n`,
      );
    },
  });
  if (table === undefined) io.stderr("No resources found.\n");
  else io.stdout(table);
  if (invalid) context.exit(2);
}

async function getFromCluster(
  name: string | undefined,
  flags: GetFlags,
  context: CommandContext,
): Promise<void> {
  const { io } = context;
  const cluster = await connect(flags, io, "get");
  const now = io.now().toISOString();
  try {
    if (name !== undefined) {
      const cr = (await cluster.get(cluster.namespace, name)) as unknown as VvpDeployment;
      io.stdout(render([cr], flags, now, false, true));
      return;
    }
    const all = flags.allNamespaces === true;
    const crs = (await cluster.list(
      all ? undefined : cluster.namespace,
    )) as unknown as VvpDeployment[];
    if (crs.length === 0 && flags.output !== "yaml" && flags.output !== "json") {
      io.stderr(
        all ? "No resources found\n" : `No resources found in ${cluster.namespace} namespace.\n`,
      );
      return;
    }
    io.stdout(render(crs, flags, now, all, false));
  } catch (error) {
    reportKubeError(error, context);
  }
}

function notFound(name: string): string {
  return `Error from server (NotFound): vvpdeployments.ververica.platform "${name}" not found\n`;
}

/** kubectl's renderings: the table, one object or a List, or kind/name lines. */
function render(
  crs: readonly VvpDeployment[],
  flags: GetFlags,
  now: string,
  withNamespace: boolean,
  single: boolean,
): string {
  const value =
    single && crs.length === 1
      ? crs[0]
      : { apiVersion: "v1", kind: "List", items: crs, metadata: { resourceVersion: "" } };
  switch (flags.output) {
    case "yaml":
      return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
    case "json":
      return `${JSON.stringify(value, null, 4)}\n`;
    case "name":
      return crs.map((cr) => `vvpdeployment.ververica.platform/${identityOf(cr).name}\n`).join("");
    default:
      return crTable(crs, { wide: flags.output === "wide", now, withNamespace });
  }
}
