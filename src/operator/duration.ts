const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Reads a duration the way Kubernetes flags spell them ("15s", "500ms", "1m",
 * "1.5s"; ours: one unit per value). Undefined when the text is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] as keyof typeof UNIT_MS;
  const ms = amount * UNIT_MS[unit];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}

/** Prints milliseconds as a flag value ("15s", "250ms"), the inverse of parseDurationMs. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
