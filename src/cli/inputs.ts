// Turns the command line's paths (files, directories, `-` for stdin) into
// texts, or into one-line problems: never a throw, never a blocking read of
// something that is not a regular file.
import type { Dirent } from "node:fs";
import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { extname, join, relative, resolve, sep } from "node:path";
import type { CliIo } from "./io.js";

/**
 * The largest input the CLI reads, per file or stdin. Ours: the API server
 * refuses request bodies over 3 MiB, so a larger CR can never be applied;
 * the bound also keeps a stray binary or log file from stalling a pipeline.
 */
export const MAX_INPUT_BYTES = 3 * 1024 * 1024;

/** The name standard input is reported under. */
export const STDIN_NAME = "<stdin>";

/** File names a directory walk picks up. */
const MANIFEST_EXTENSIONS: ReadonlySet<string> = new Set([".yaml", ".yml", ".json"]);

/** One input the CLI could read. */
export interface SourceText {
  /** As given on the command line (relative to the working directory for walked files). */
  name: string;
  text: string;
}

/** One input the CLI could not use, and why (one line). */
export interface InputProblem {
  name: string;
  problem: string;
}

/** Texts read and problems met, in command-line order. */
export interface ReadInputs {
  sources: SourceText[];
  problems: InputProblem[];
}

/** Options of `readInputs`. */
export interface ReadInputsOptions {
  maxBytes?: number;
  /**
   * Globs of paths a directory walk leaves out (`--exclude`), matched against
   * the path as printed (relative to the working directory) and against the
   * file or folder name; a path given on the command line is always read.
   */
  exclude?: readonly string[];
}

/** Folders a directory walk never enters: dependencies and VCS data (hidden folders too). */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(["node_modules", ".git"]);

/** Reads every path (`-` is stdin) into texts; directories recursively, `*.yaml|yml|json` only. */
export async function readInputs(
  paths: readonly string[],
  io: CliIo,
  options: ReadInputsOptions = {},
): Promise<ReadInputs> {
  const maxBytes = options.maxBytes ?? MAX_INPUT_BYTES;
  const excluded = await excludeMatcher(options.exclude ?? []);
  const result: ReadInputs = { sources: [], problems: [] };
  let stdinRead = false;
  for (const path of paths) {
    if (path === "-") {
      if (stdinRead) continue;
      stdinRead = true;
      add(result, STDIN_NAME, decodeInput(await io.readStdin(maxBytes), maxBytes));
      continue;
    }
    const absolute = resolve(io.cwd, path);
    const kind = await pathKind(absolute);
    if (kind.kind === "problem") {
      result.problems.push({ name: path, problem: kind.problem });
    } else if (kind.kind === "directory") {
      const walk: Walk = { root: await realpath(absolute), seen: new Set(), base: path, excluded };
      const files = await manifestFiles(absolute, walk);
      if (files.length === 0) {
        result.problems.push({
          name: path,
          problem: "directory holds no *.yaml, *.yml or *.json file",
        });
      }
      for (const file of files) {
        const name = join(path, relative(absolute, file));
        add(result, name, await readTextFile(file, maxBytes));
      }
    } else {
      add(result, path, await readTextFile(absolute, maxBytes));
    }
  }
  return result;
}

function add(result: ReadInputs, name: string, read: Decoded): void {
  if (typeof read === "string") result.sources.push({ name, text: read });
  else result.problems.push({ name, problem: read.problem });
}

type PathKind = { kind: "file" } | { kind: "directory" } | { kind: "problem"; problem: string };

async function pathKind(path: string): Promise<PathKind> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return { kind: "directory" };
    if (info.isFile()) return { kind: "file" };
    // A FIFO or a device would block or never end: refused, not read.
    return { kind: "problem", problem: "cannot be read: not a regular file or directory" };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    if (code === "ENOENT" && (await isSymlink(path))) {
      return { kind: "problem", problem: "cannot be read: a symbolic link to nothing" };
    }
    return { kind: "problem", problem: `cannot be read (${code})` };
  }
}

async function isSymlink(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A directory walk: its argument (resolved), folders walked, exclusions. */
interface Walk {
  /** The real path of the directory argument: links leading outside it are not followed. */
  root: string;
  seen: Set<string>;
  /** The argument as given, for the names globs are matched against. */
  base: string;
  excluded: (name: string, path: string) => boolean;
}

async function excludeMatcher(
  globs: readonly string[],
): Promise<(name: string, path: string) => boolean> {
  if (globs.length === 0) return () => false;
  // Loaded only for --exclude: most runs never match a glob.
  const { default: picomatch } = await import("picomatch");
  const match = picomatch([...globs], { dot: true });
  return (name, path) => match(name) || match(path) || match(path.replace(/^\.\//, ""));
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/**
 * Manifest files under a directory, sorted. node_modules, .git, hidden
 * folders and excluded paths are skipped; a link to a directory is followed
 * only when it stays inside the argument (a link to / does not walk the
 * disk), and a link loop is walked once.
 */
async function manifestFiles(directory: string, walk: Walk): Promise<string[]> {
  let real: string;
  let entries: Dirent[];
  try {
    real = await realpath(directory);
    if (walk.seen.has(real) || !isInside(walk.root, real)) return [];
    walk.seen.add(real);
    entries = await readdir(directory, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(directory, entry.name);
    const printed = join(walk.base, relative(walk.root, join(real, entry.name)));
    if (walk.excluded(entry.name, printed.split(sep).join("/"))) continue;
    const kind = entry.isSymbolicLink() ? await pathKind(path) : undefined;
    if (entry.isDirectory() || kind?.kind === "directory") {
      if (SKIPPED_FOLDERS.has(entry.name) || entry.name.startsWith(".")) continue;
      files.push(...(await manifestFiles(path, walk)));
    } else if (MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
      // A dangling link or a FIFO named *.yaml is reported by the read.
      files.push(path);
    }
  }
  return files;
}

type Decoded = string | { problem: string };

async function readTextFile(path: string, maxBytes: number): Promise<Decoded> {
  const kind = await pathKind(path);
  if (kind.kind === "problem") return { problem: kind.problem };
  if (kind.kind === "directory") return { problem: "is a directory" };
  try {
    const size = (await stat(path)).size;
    if (size > maxBytes) return tooLarge(size, maxBytes);
    return decodeInput(await readFile(path), maxBytes);
  } catch (error) {
    return { problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})` };
  }
}

/** Checks size, binary content and UTF-8, and drops a byte-order mark. */
export function decodeInput(bytes: Buffer, maxBytes: number = MAX_INPUT_BYTES): Decoded {
  if (bytes.length > maxBytes) return tooLarge(bytes.length, maxBytes);
  if (bytes.includes(0)) return { problem: "is binary (it holds NUL bytes), not YAML or JSON" };
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.startsWith("\uFEFF") ? text.slice(1) : text;
  } catch {
    return { problem: "is not UTF-8 text" };
  }
}

function tooLarge(size: number, maxBytes: number): { problem: string } {
  // A stream is read one byte past the limit and no further: its size is unknown.
  if (size === maxBytes + 1) {
    return {
      problem: `is over the ${mebibytes(maxBytes)} limit (the API server refuses larger requests); reading stopped there`,
    };
  }
  return {
    problem: `is ${mebibytes(size)}, over the ${mebibytes(maxBytes)} limit (the API server refuses larger requests)`,
  };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
