import { CliUsageError } from "./errors.js";

/** Milliseconds of a duration as kubectl writes them: 500ms, 30s, 5m, 1h, 1m30s; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== text) {
    throw new CliUsageError(
      `${flag} ${JSON.stringify(text)}: expected a duration such as 30s or 5m`,
    );
  }
  return parts.reduce((sum, part) => sum + Number(part[1]) * (units[part[2] ?? "s"] ?? 1), 0);
}
