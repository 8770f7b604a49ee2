// Cold starts of the built CLI (dist/cli.js), in CPU time (user + system of
// the child processes), against named floors: `node -e 0` for
// `vvpctl --version`, and node plus parsing the file with the yaml package
// (bench/cli-floor.mjs) for `vvpctl validate FILE`. Floor and subject
// alternate in every round, their order swapped each round; the ratio of each
// round is kept and its min/median/max reported.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./harness.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const FLOOR = fileURLToPath(new URL("./cli-floor.mjs", import.meta.url));
const FILE = "examples/put-minimal.yaml";
const ROUNDS = 11;
/** Runs per measurement: the kernel counts children's CPU in clock ticks (10 ms). */
const RUNS = 8;
const TARGET = 1.5;

/** CPU seconds of this process' waited-for children so far (cutime + cstime). */
function childrenCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  // Fields after the command name (which may hold spaces) in parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime are fields 16 and 17 of the whole line (14 and 15 here, 0-based 13 and 14).
  const ticks = Number(fields[13]) + Number(fields[14]);
  return ticks / clockTicks();
}

let hertz: number | undefined;
function clockTicks(): number {
  hertz ??= Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout) || 100;
  return hertz;
}

/** Milliseconds of CPU per run of a command line. */
function cpuMs(args: readonly string[]): number {
  clockTicks();
  const before = childrenCpuSeconds();
  for (let run = 0; run < RUNS; run++) {
    const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
  }
  return ((childrenCpuSeconds() - before) * 1000) / RUNS;
}

function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error("npm run build failed");
}

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function row(
  name: string,
  floorName: string,
  subject: readonly string[],
  floor: readonly string[],
): BenchRow {
  cpuMs(subject);
  cpuMs(floor);
  const subjects: number[] = [];
  const floors: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let s: number;
    let f: number;
    if (round % 2 === 0) {
      f = cpuMs(floor);
      s = cpuMs(subject);
    } else {
      s = cpuMs(subject);
      f = cpuMs(floor);
    }
    subjects.push(s);
    floors.push(f);
    ratios.push(s / f);
  }
  const middle = Math.floor(ROUNDS / 2);
  const r = sorted(ratios);
  return {
    name,
    floor: floorName,
    subject: sorted(subjects)[middle] ?? Number.NaN,
    floorValue: sorted(floors)[middle] ?? Number.NaN,
    unit: "ms CPU",
    ratio: {
      min: r[0] ?? Number.NaN,
      median: r[middle] ?? Number.NaN,
      max: r.at(-1) ?? Number.NaN,
    },
    rounds: ROUNDS,
    goal: TARGET,
  };
}

/** The two cold-start rows. */
export async function benchCliStart(): Promise<BenchRow[]> {
  ensureBuilt();
  return [
    row("vvpctl --version, cold start", "node -e 0", [CLI, "--version"], ["-e", "0"]),
    row(
      `vvpctl validate ${FILE}, cold start`,
      `node parsing ${FILE} with the yaml package`,
      [CLI, "validate", "--instance-id", "my-operator", FILE],
      [FLOOR, FILE],
    ),
  ];
}

// Run alone: npx tsx bench/cli-start.ts
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const result of await benchCliStart()) {
    console.log(
      `${result.name}: ${result.subject.toFixed(1)} vs ${result.floorValue.toFixed(1)} ms CPU, ratio ${result.ratio.median.toFixed(2)} (${result.ratio.min.toFixed(2)}–${result.ratio.max.toFixed(2)}; goal ≤ ${result.goal})`,
    );
  }
}
