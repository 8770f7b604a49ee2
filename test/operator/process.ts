import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "./support.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = "src/operator/main.ts";

/** One log line of the operator (pino JSON). */
export interface LogLine {
  level: number;
  msg: string;
  time: number;
  [field: string]: unknown;
}

/** A spawned `vvp-operator` process and what it printed. */
export interface OperatorProcess {
  child: ChildProcess;
  name: string;
  logs: LogLine[];
  /** stdout lines that were not JSON (must stay empty). */
  otherOutput: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line matching, waiting for it. */
  waitForLog(
    predicate: (line: LogLine) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<LogLine>;
  /** The health server's port, once it listens. */
  healthPort(): Promise<number>;
  /** GET on the health server; status and body text. */
  probe(path: string): Promise<{ status: number; body: string }>;
}

/** Spawns `node --import tsx src/operator/main.ts …args` from the repository root. */
export function spawnOperator(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): OperatorProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, POD_NAME: name },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogLine[] = [];
  const otherOutput: string[] = [];
  const stderr: string[] = [];
  let buffered = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (line.trim() === "") continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        otherOutput.push(line);
      }
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  const waitForLog = (predicate: (line: LogLine) => boolean, what: string, timeoutMs = 60_000) =>
    waitFor(() => logs.find(predicate), `${name}: ${what}`, timeoutMs).catch((error: Error) => {
      const last = logs.slice(-3).map((line) => line.msg);
      throw new Error(
        `${error.message}; last logs ${JSON.stringify(last)}; stderr ${stderr.join("").slice(-400)}`,
      );
    });
  const healthPort = async () =>
    Number(
      (await waitForLog((line) => line.msg === "health and metrics serving", "health server")).port,
    );
  return {
    child,
    name,
    logs,
    otherOutput,
    stderr,
    exited,
    waitForLog,
    healthPort,
    async probe(path) {
      const response = await fetch(`http://127.0.0.1:${await healthPort()}${path}`);
      return { status: response.status, body: await response.text() };
    },
  };
}
