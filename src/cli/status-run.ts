// The work of `kubectl vvp status NAME`: the printer columns, each condition
// with its meaning and the reference's action, the nonces, the last Events.

import { humanDuration } from "../printer-columns/human-duration.js";
import type { KubeOptionValues } from "./commands/kube-options.js";
import type { CommandContext } from "./context.js";
import { CliUsageError } from "./errors.js";
import { BLOCKED_CAUSES, explain } from "./explain.js";
import { padColumns } from "./get.js";
import { connect, type KubeItem, reportKubeError } from "./kube.js";

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Runs `status NAME`. */
export async function runStatus(
  name: string,
  flags: KubeOptionValues & { events: string },
  context: CommandContext,
): Promise<void> {
  const count = Number(flags.events);
  if (!Number.isInteger(count) || count < 0) {
    throw new CliUsageError(`--events ${flags.events}: expected a count (>= 0)`);
  }
  const { io } = context;
  const cluster = await connect(flags, io, "status");
  try {
    const cr = await cluster.get(cluster.namespace, name);
    const events = count === 0 ? [] : await cluster.events(cluster.namespace, cr);
    io.stdout(renderStatus(cr, events, count, io.now()));
  } catch (error) {
    reportKubeError(error, context);
  }
}

/** The status text of a CR and its Events (newest last, at most `count`). */
export function renderStatus(
  cr: KubeItem,
  events: readonly KubeItem[],
  count: number,
  now: Date,
): string {
  const status = (cr.status ?? {}) as Record<string, unknown>;
  const spec = (cr.spec ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (value === undefined || value === null ? "-" : String(value));
  const out: string[] = [
    `Name:           ${cr.metadata.name}`,
    `Namespace:      ${cr.metadata.namespace ?? ""}`,
    `State:          ${text(status.actualState)} (desired ${text(status.observedSpecState)})`,
    `VVP namespace:  ${text(status.vvpNamespace)}   deployment id: ${text(status.deploymentId)}`,
    `Instance:       ${text(status.instanceId)}   sync: ${text(status.syncEnabled)}`,
    `Generation:     ${text((cr.metadata as { generation?: unknown }).generation)} (observed ${text(status.observedGeneration)})`,
    "",
    "Conditions:",
  ];
  const conditions = Array.isArray(status.conditions) ? (status.conditions as Condition[]) : [];
  if (conditions.length === 0) out.push("  none yet: the operator has not reconciled this CR");
  for (const condition of conditions) {
    const healthy =
      condition.type === "DeletionBlocked"
        ? condition.status !== "True"
        : condition.status === "True";
    out.push(
      `  ${healthy ? "ok  " : "FAIL"} ${text(condition.type)}=${text(condition.status)} (${text(condition.reason)})`,
    );
    const explanation = explain(condition.type ?? "", condition.reason);
    if (explanation !== undefined) out.push(`       ${explanation.meaning}`);
    if (condition.message !== undefined && condition.message !== "") {
      out.push(`       Message: ${condition.message}`);
    }
    if (!healthy && explanation !== undefined) out.push(`       Action: ${explanation.action}`);
  }
  out.push("", "Nonces:");
  for (const [label, specField, processed, blocked] of [
    ["savepoint", "savepointNonce", "lastProcessedSavepointNonce", "blockedSavepointNonce"],
    ["restart", "restartNonce", "lastProcessedTriggerNonce", "blockedTriggerNonce"],
  ] as const) {
    const block = status[blocked] as
      | { nonce?: unknown; cause?: unknown; detail?: unknown }
      | undefined;
    const blockedText =
      block === undefined
        ? ""
        : `; blocked ${text(block.nonce)}: ${BLOCKED_CAUSES[String(block.cause)] ?? text(block.cause)}${typeof block.detail === "string" ? ` (${block.detail})` : ""}`;
    out.push(
      `  ${label.padEnd(10)} spec ${text(spec[specField])}, last processed ${text(status[processed])}${blockedText}`,
    );
  }
  out.push("", "Events:");
  const sorted = [...events].sort((a, b) => eventTime(a) - eventTime(b)).slice(-count);
  if (sorted.length === 0) out.push("  <none>");
  else {
    const rows = [["TYPE", "REASON", "AGE", "FROM", "MESSAGE"]];
    for (const event of sorted) {
      const time = eventTime(event);
      rows.push([
        text(event.type),
        text(event.reason),
        Number.isFinite(time) ? humanDuration(now.getTime() - time) : "<unknown>",
        text(event.reportingController),
        text(event.note).split("\n")[0] ?? "",
      ]);
    }
    out.push(
      ...padColumns(rows)
        .trimEnd()
        .split("\n")
        .map((line) => `  ${line}`),
    );
  }
  return `${out.join("\n")}\n`;
}

function eventTime(event: KubeItem): number {
  const series = event.series as { lastObservedTime?: string } | undefined;
  const time =
    series?.lastObservedTime ??
    (event.eventTime as string | undefined) ??
    (event.deprecatedLastTimestamp as string | undefined) ??
    event.metadata.creationTimestamp;
  return time === undefined ? Number.NaN : Date.parse(time);
}
