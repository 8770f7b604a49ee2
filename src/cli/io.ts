// What the CLI touches outside its arguments, passed in so tests run it
// in-process: output streams, standard input, the working directory and the clock.

/** The CLI's window on the world; `processIo()` is the real one. */
export interface CliIo {
  /** Writes to standard output (text as is, no newline added). */
  stdout(text: string): void;
  /** Writes to standard error (text as is, no newline added). */
  stderr(text: string): void;
  /** The whole of standard input. */
  readStdin(): Promise<Buffer>;
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
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks);
    },
    cwd: process.cwd(),
    now: () => new Date(),
  };
}
