// The work of `kubectl vvp savepoint|restart NAME`: a fresh nonce by a merge
// patch carrying the resourceVersion read, then (--wait) the status read
// until it shows the nonce processed or blocked.
import type { NonceFlags, NonceKind } from "./commands/nonce.js";
import type { CommandContext } from "./context.js";
import { parseDuration } from "./duration.js";
import { CliUsageError } from "./errors.js";
import { BLOCKED_CAUSES, explain } from "./explain.js";
import { type Cluster, connect, type KubeItem, KubeRequestError, reportKubeError } from "./kube.js";

/** The spec field and the status fields of each nonce. */
const FIELDS = {
  savepoint: {
    spec: "savepointNonce",
    processed: "lastProcessedSavepointNonce",
    consumed: "lastConsumedSavepointNonce",
    blocked: "blockedSavepointNonce",
    reason: "SavepointBlocked",
  },
  restart: {
    spec: "restartNonce",
    processed: "lastProcessedTriggerNonce",
    consumed: "lastConsumedTriggerNonce",
    blocked: "blockedTriggerNonce",
    reason: "RestartBlocked",
  },
} as const;

/** Patch attempts when the CR changes between the read and the patch (409). */
const CONFLICT_ATTEMPTS = 5;

type Fields = (typeof FIELDS)[NonceKind];

/** Runs `savepoint` or `restart`. */
export async function runNonce(
  kind: NonceKind,
  name: string,
  flags: NonceFlags,
  context: CommandContext,
): Promise<void> {
  const timeoutMs = parseDuration(flags.timeout, "--timeout");
  const pollMs = Number(flags.pollInterval);
  if (!Number.isInteger(pollMs) || pollMs < 1) {
    throw new CliUsageError(`--poll-interval ${flags.pollInterval}: expected milliseconds (>= 1)`);
  }
  const { io } = context;
  const cluster = await connect(flags, io, kind);
  const fields = FIELDS[kind];
  try {
    const nonce = await setFreshNonce(cluster, name, fields);
    io.stdout(
      `vvpdeployment.ververica.platform/${name} ${kind} requested: spec.${fields.spec}=${nonce}\n`,
    );
    if (flags.wait !== true) return;
    const outcome = await waitForOutcome(cluster, name, fields, nonce, timeoutMs, pollMs);
    io.stdout(`${outcome.line}\n`);
    context.exit(outcome.code);
  } catch (error) {
    reportKubeError(error, context);
  }
}

/** A value no nonce of the CR has held: one above every value it records. */
export function freshNonce(cr: KubeItem, fields: Fields): number {
  const spec = (cr.spec ?? {}) as Record<string, unknown>;
  const status = (cr.status ?? {}) as Record<string, unknown>;
  const blocked = status[fields.blocked] as { nonce?: unknown } | undefined;
  const values = [
    spec[fields.spec],
    status[fields.processed],
    status[fields.consumed],
    blocked?.nonce,
  ].filter((value): value is number => typeof value === "number" && Number.isSafeInteger(value));
  return Math.max(0, ...values) + 1;
}

async function setFreshNonce(cluster: Cluster, name: string, fields: Fields): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const cr = await cluster.get(cluster.namespace, name);
    const nonce = freshNonce(cr, fields);
    try {
      // The resourceVersion makes the patch conditional: a concurrent edit is a 409, never overwritten.
      await cluster.mergePatch(cluster.namespace, name, {
        metadata: { resourceVersion: cr.metadata.resourceVersion },
        spec: { [fields.spec]: nonce },
      });
      return nonce;
    } catch (error) {
      if (error instanceof KubeRequestError && error.code === 409 && attempt < CONFLICT_ATTEMPTS) {
        continue;
      }
      throw error;
    }
  }
}

async function waitForOutcome(
  cluster: Cluster,
  name: string,
  fields: Fields,
  nonce: number,
  timeoutMs: number,
  pollMs: number,
): Promise<{ line: string; code: number }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const cr = await cluster.get(cluster.namespace, name);
    const status = (cr.status ?? {}) as Record<string, unknown>;
    const spec = (cr.spec ?? {}) as Record<string, unknown>;
    if (status[fields.processed] === nonce) {
      return {
        line: `processed: ${fields.spec} ${nonce} was submitted to Ververica Platform (status.${fields.processed}=${nonce})`,
        code: 0,
      };
    }
    const blocked = status[fields.blocked] as
      | { nonce?: unknown; cause?: unknown; detail?: unknown }
      | undefined;
    if (blocked?.nonce === nonce) {
      const cause = typeof blocked.cause === "string" ? blocked.cause : "unknown";
      const detail = typeof blocked.detail === "string" ? ` (${blocked.detail})` : "";
      const action = explain("NonceAligned", fields.reason)?.action ?? "";
      return {
        line: `blocked: ${fields.spec} ${nonce} was not submitted: ${BLOCKED_CAUSES[cause] ?? cause}${detail} (status.${fields.blocked}). ${action}`,
        code: 1,
      };
    }
    if (spec[fields.spec] !== nonce) {
      return {
        line: `superseded: spec.${fields.spec} is now ${JSON.stringify(spec[fields.spec] ?? null)}, set by another writer while waiting`,
        code: 1,
      };
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      return {
        line: `timed out: ${fields.spec} ${nonce} is neither processed nor blocked yet (is the operator running?)`,
        code: 1,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}
