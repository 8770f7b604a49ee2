import type { CliIo } from "./io.js";

/** What a command's action needs: the IO and a place for its exit code. */
export interface CommandContext {
  io: CliIo;
  /** Sets the exit code; the highest code set wins. */
  exit(code: number): void;
}

/** Splits `a,b , c` into names; empty entries dropped. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}
