/** Exit codes of every command: all good, findings, usage or input error. */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** An exit code of the CLI. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A problem with the command line or an input the CLI cannot use (a file that
 * cannot be read, not YAML, too large): one line on stderr, exit 2.
 */
export class CliUsageError extends Error {
  override readonly name = "CliUsageError";
}

/** One line for any thrown value; never a stack trace. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0] ?? "";
}
