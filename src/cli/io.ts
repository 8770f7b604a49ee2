// What the CLI touches outside its arguments, passed in so tests run it
// in-process: output streams, standard input, the working directory and the clock.

/** The CLI's window on the world; `processIo()` is the real one. */
export interface CliIo {
  /** Writes to standard output (text as is, no newline added). */
  stdout(text: string): void;
  /** Writes to standard error (text as is, no newline added). */
  stderr(text: string): void;
  /**
   * Standard input, counted while read: at most `maxBytes + 1` bytes are
   * kept and reading stops there (an endless pipe never grows the process),
   * so a result longer than `maxBytes` means "over the limit".
   */
  readStdin(maxBytes?: number): Promise<Buffer>;
  /** Whether standard input is a terminal (no path given then is a usage error, not a wait). */
  stdinIsTTY?: boolean;
  /** Environment variables (KUBECONFIG); default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths are resolved against it. */
  cwd: string;
  /** The current time, for AGE and the core's `now`. */
  now(): Date;
  /** The fetch for `plan --vvp` (default: the global fetch). */
  fetch?: typeof fetch;
}

/** The process' own streams, directory and clock. */
export function processIo(): CliIo {
  return {
    stdout: (text) => {
      process.stdout.write(text);
    },
    stderr: (text) => {
      process.stderr.write(text);
    },
    readStdin: (maxBytes) => readBounded(process.stdin, maxBytes),
    stdinIsTTY: process.stdin.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/**
 * Reads a stream up to `maxBytes + 1` bytes and stops (the stream is
 * destroyed, so a writer on an endless pipe gets EPIPE): the byte count, not
 * the stream's end, bounds the memory used.
 */
export async function readBounded(
  stream: AsyncIterable<unknown>,
  maxBytes: number = Number.POSITIVE_INFINITY,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Uint8Array);
    const room = maxBytes + 1 - total;
    chunks.push(bytes.length > room ? bytes.subarray(0, room) : bytes);
    total += Math.min(bytes.length, room);
    // Leaving the loop ends the iteration, which destroys the stream.
    if (total > maxBytes) break;
  }
  return Buffer.concat(chunks);
}
