// The work of `vvpctl plan`: read the CR, observe (a file, a live VVP or
// nothing), run the pure core, print the preview.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  createDefaultAutopilotProvider,
  createInMemoryMappingStore,
  observe,
} from "../execution/index.js";
import {
  OWNER_LABEL,
  parseVvpDeployment,
  type VvpDeployment,
  type VvpDeploymentObject,
} from "../models/index.js";
import { crIdentity } from "../projection/index.js";
import { type Observation, observationFieldErrors } from "../reconcile/index.js";
import { createVvpClient, type VvpClient } from "../vvp-client/index.js";
import type { PlanFlags } from "./commands/plan.js";
import type { CommandContext } from "./context.js";
import { parseManifests } from "./documents.js";
import { CliUsageError, oneLine } from "./errors.js";
import { isVvpDeploymentObject } from "./findings.js";
import { readInputs, type SourceText } from "./inputs.js";
import { findingLine } from "./output.js";
import { assumedInput, type ObservedFrom, previewPlan, renderPlanText } from "./plan.js";
import { findingsOf } from "./validate.js";

/** Runs `vvpctl plan FILE` with its flags. */
export async function runPlan(
  file: string,
  flags: PlanFlags,
  context: CommandContext,
): Promise<void> {
  const { io } = context;
  if (flags.observed !== undefined && flags.vvp !== undefined) {
    throw new CliUsageError("give --observed or --vvp, not both");
  }
  if (flags.tokenFile !== undefined && flags.vvp === undefined) {
    throw new CliUsageError("--token-file needs --vvp");
  }
  const source = await readOne(file, context);
  const cr = crOf(source, context, flags.instanceId);
  if (cr === undefined) return;
  const instanceId = flags.instanceId ?? ownerOf(cr);
  const now = io.now().toISOString();
  let observed: Observation;
  let planCr = cr;
  let observedFrom: ObservedFrom = "nothing";
  if (flags.vvp !== undefined) {
    observedFrom = "vvp";
    const client = readOnlyClient(
      flags.vvp,
      flags.tokenFile === undefined ? undefined : await readToken(flags.tokenFile, context),
      context,
    );
    ({ cr: planCr, observed } = await observeLive(cr, client, instanceId));
  } else {
    const deployment =
      flags.observed === undefined ? null : await readObserved(flags.observed, context);
    observedFrom = flags.observed === undefined ? "nothing" : "file";
    const assumed = assumedInput(cr, deployment, instanceId, observedFrom);
    planCr = assumed.cr;
    observed = { deployment, mapping: assumed.mapping };
  }
  const preview = previewPlan({ cr: planCr, observed, instanceId, now, observedFrom });
  io.stdout(
    flags.output === "json" ? `${JSON.stringify(preview, null, 2)}\n` : renderPlanText(preview),
  );
}

async function readOne(path: string, context: CommandContext): Promise<SourceText> {
  const read = await readInputs([path], context.io);
  const problem = read.problems[0];
  if (problem !== undefined) throw new CliUsageError(`${problem.name}: ${problem.problem}`);
  const source = read.sources[0];
  if (source === undefined || read.sources.length > 1) {
    throw new CliUsageError(`${path}: plan takes one file`);
  }
  return source;
}

/** The one VvpDeployment of the file, parsed; prints its errors (exit 1) when it is invalid. */
function crOf(
  source: SourceText,
  context: CommandContext,
  instanceId: string | undefined,
): VvpDeployment | undefined {
  const parsed = parseManifests(source.text);
  const syntax = parsed.syntaxErrors[0];
  if (syntax !== undefined) {
    throw new CliUsageError(
      `${source.name}:${syntax.position.line}:${syntax.position.column}: not valid YAML: ${syntax.message}`,
    );
  }
  const objects = parsed.objects.filter((object) => isVvpDeploymentObject(object.value));
  const object = objects[0];
  if (object === undefined || objects.length > 1) {
    throw new CliUsageError(
      `${source.name}: holds ${objects.length} VvpDeployments; plan takes exactly one`,
    );
  }
  // The findings validate prints, at the same line:col and in the same order;
  // the plan needs the errors gone (warnings are shown, they do not stop it).
  const owner = (object.value as { metadata?: { labels?: Record<string, unknown> } }).metadata
    ?.labels?.[OWNER_LABEL];
  // The owner label is plan's own business (another instance's CR is shown
  // as skipped, a missing label asks for --instance-id): not a finding here.
  const ownerField = `metadata.labels[${OWNER_LABEL}]`;
  const findings = findingsOf(object, {
    instanceId: typeof owner === "string" && owner !== "" ? owner : (instanceId ?? ""),
    apiKeyValidation: false,
  }).filter((finding) => finding.field !== ownerField);
  for (const finding of findings) {
    context.io.stderr(`${findingLine(source.name, finding)}\n`);
  }
  const result = parseVvpDeployment(object.value);
  if (result.ok && !findings.some((finding) => finding.severity === "error")) return result.value;
  if (!result.ok && !findings.some((finding) => finding.severity === "error")) {
    for (const error of result.errors) {
      context.io.stderr(
        `${findingLine(source.name, { severity: "error", ...error, position: object.locate(error.field) })}\n`,
      );
    }
  }
  context.exit(1);
  return undefined;
}

function ownerOf(cr: VvpDeployment): string {
  const owner = cr.metadata.labels?.[OWNER_LABEL];
  if (owner === undefined || owner === "") {
    throw new CliUsageError(`the CR has no ${OWNER_LABEL} label: pass --instance-id`);
  }
  return owner;
}

async function readObserved(path: string, context: CommandContext): Promise<VvpDeploymentObject> {
  const source = await readOne(path, context);
  const parsed = parseManifests(source.text);
  const syntax = parsed.syntaxErrors[0];
  if (syntax !== undefined) {
    throw new CliUsageError(
      `--observed ${source.name}:${syntax.position.line}:${syntax.position.column}: not valid YAML: ${syntax.message}`,
    );
  }
  const object = parsed.objects[0];
  if (object === undefined || parsed.objects.length > 1) {
    throw new CliUsageError(`--observed ${source.name}: expected one VVP Deployment object`);
  }
  const deployment = object.value as VvpDeploymentObject;
  const errors = observationFieldErrors({ deployment, mapping: null });
  const first = errors[0];
  if (first !== undefined) {
    // The guard names paths from the observation's root; the file is the deployment.
    const field = first.field.replace(/^observed\.deployment\.?/, "") || "<root>";
    throw new CliUsageError(`--observed ${source.name}: ${field}: ${first.message}`);
  }
  return deployment;
}

async function readToken(path: string, context: CommandContext): Promise<string> {
  try {
    const token = (await readFile(resolve(context.io.cwd, path), "utf8")).trim();
    if (token === "") throw new CliUsageError(`--token-file ${path}: the file is empty`);
    return token;
  } catch (error) {
    if (error instanceof CliUsageError) throw error;
    // The message names the file and the error code, never the content.
    throw new CliUsageError(
      `--token-file ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

/** Methods plan may send: reads only. */
const READ_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/**
 * A VVP client whose transport refuses every write before it leaves the
 * process: plan is a preview, so a bug elsewhere can never change VVP.
 */
export function readOnlyClient(
  baseUrl: string,
  token: string | undefined,
  context: CommandContext,
): VvpClient {
  const inner = context.io.fetch ?? globalThis.fetch;
  const guarded: typeof fetch = async (input, init) => {
    const method = (
      init?.method ?? (input instanceof Request ? input.method : "GET")
    ).toUpperCase();
    if (!READ_METHODS.has(method)) {
      throw new Error(`plan is read-only: refused to send ${method}`);
    }
    return inner(input, init);
  };
  try {
    return createVvpClient({
      baseUrl,
      ...(token === undefined ? {} : { token }),
      fetch: guarded,
      retries: { attempts: 1 },
      userAgent: "vvpctl-plan",
    });
  } catch (error) {
    throw new CliUsageError(`--vvp ${baseUrl}: ${oneLine(error)}`);
  }
}

/** Reads the deployment (by recorded id or by name), then observes as the operator would. */
async function observeLive(
  cr: VvpDeployment,
  client: VvpClient,
  instanceId: string,
): Promise<{ cr: VvpDeployment; observed: Observation }> {
  try {
    const namespace = cr.spec.deployment.metadata.namespace;
    const deploymentId = cr.status?.deploymentId;
    const found =
      typeof deploymentId === "string" && deploymentId !== ""
        ? await client.getDeployment(namespace, deploymentId)
        : await client.findDeploymentByName(namespace, cr.spec.deployment.metadata.name);
    const assumed = assumedInput(cr, found as VvpDeploymentObject | null, instanceId, "vvp");
    const mappingStore = createInMemoryMappingStore(
      assumed.mapping === null ? [] : [[crIdentity(assumed.cr), assumed.mapping]],
    );
    const observed = await observe(assumed.cr, {
      client,
      mappingStore,
      autopilotProvider: createDefaultAutopilotProvider(),
    });
    return { cr: assumed.cr, observed };
  } catch (error) {
    throw new CliUsageError(`cannot read VVP: ${oneLine(error)}`);
  }
}
