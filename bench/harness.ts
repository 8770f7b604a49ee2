// The one way a bench row is measured: the floor and the subject alternate,
// their order swapped every round, and each round gives one ratio; a row
// prints the min, median and max of those ratios with the floor it is
// measured against named. Machine drift (a busy neighbour, a GC, a CPU
// frequency change) then falls on both sides of each ratio alike.

/** One row of the bench table. */
export interface BenchRow {
  /** What is measured (the subject). */
  name: string;
  /** What it is measured against, named so a reader can reproduce it. */
  floor: string;
  /** The subject's median over the rounds, in `unit`. */
  subject: number;
  /** The floor's median over the rounds, in `unit`. */
  floorValue: number;
  unit: string;
  /** subject ÷ floor per round: min, median, max. */
  ratio: { min: number; median: number; max: number };
  rounds: number;
  /** The goal on the median ratio (≤). */
  goal: number;
  /** Why a goal is missed, or what else the reader should know. */
  note?: string;
}

/** A bench module: rows it measures, registered in bench/modules.ts. */
export interface BenchModule {
  /** Short id, used to run one module: `npm run bench -- <id>`. */
  id: string;
  run(): Promise<BenchRow[]>;
}

/** The middle value (the upper one of an even count; NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The samples of an interleaved measurement. */
export interface Interleaved {
  subject: number[];
  floor: number[];
  /** subject ÷ floor, per round. */
  ratios: number[];
}

/**
 * Runs `floor` and `subject` alternately for `rounds` rounds (after one
 * unrecorded warm-up round), the floor first in even rounds and the subject
 * first in odd ones. Each call returns its own measurement (a time, a count);
 * use {@link timed} to time a call.
 */
export async function interleave(
  rounds: number,
  floor: () => number | Promise<number>,
  subject: () => number | Promise<number>,
  options: { warmup?: boolean } = {},
): Promise<Interleaved> {
  if (options.warmup ?? true) {
    await floor();
    await subject();
  }
  const result: Interleaved = { subject: [], floor: [], ratios: [] };
  for (let round = 0; round < rounds; round += 1) {
    let floorValue: number;
    let subjectValue: number;
    if (round % 2 === 0) {
      floorValue = await floor();
      subjectValue = await subject();
    } else {
      subjectValue = await subject();
      floorValue = await floor();
    }
    result.floor.push(floorValue);
    result.subject.push(subjectValue);
    result.ratios.push(subjectValue / floorValue);
  }
  return result;
}

/** Milliseconds one call of `run` takes. */
export async function timed(run: () => unknown): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

/** Microseconds per call of a synchronous `run` over `iterations` calls. */
export function perCall(run: () => unknown, iterations: number): number {
  let sink: unknown;
  const start = performance.now();
  for (let index = 0; index < iterations; index += 1) sink = run();
  const elapsed = performance.now() - start;
  if (sink === undefined) throw new Error("bench: the measured call returned nothing");
  return (elapsed * 1000) / iterations;
}

/** A row from interleaved samples. */
export function rowOf(
  fields: Omit<BenchRow, "subject" | "floorValue" | "ratio" | "rounds">,
  samples: Interleaved,
): BenchRow {
  return {
    ...fields,
    subject: median(samples.subject),
    floorValue: median(samples.floor),
    ratio: {
      min: Math.min(...samples.ratios),
      median: median(samples.ratios),
      max: Math.max(...samples.ratios),
    },
    rounds: samples.ratios.length,
  };
}

/** True when the row's median ratio meets its goal. */
export function meetsGoal(row: BenchRow): boolean {
  return row.ratio.median <= row.goal;
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 0.1) return value.toFixed(2);
  return value.toPrecision(2);
}

function ratioText(value: number): string {
  return value < 0.1 ? value.toPrecision(2) : value.toFixed(2);
}

/** How far a median misses its goal, in percent of the goal (0.2%, 69%). */
function overGoal(median: number, goal: number): string {
  const percent = (median / goal - 1) * 100;
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** The cells of a row, for the terminal and the markdown table alike. */
export function cells(row: BenchRow): string[] {
  const { min, median: middle, max } = row.ratio;
  const verdict = meetsGoal(row)
    ? "yes"
    : `NO: ${overGoal(middle, row.goal)} over the goal${row.note === undefined ? "" : `; ${row.note}`}`;
  return [
    row.name,
    row.floor,
    `${figure(row.subject)} ${row.unit}`,
    `${figure(row.floorValue)} ${row.unit}`,
    `${ratioText(middle)}× (${ratioText(min)}–${ratioText(max)}, ${row.rounds} rounds)`,
    `≤ ${row.goal}×`,
    meetsGoal(row) && row.note !== undefined ? `yes; ${row.note}` : verdict,
  ];
}

export const HEADER = [
  "subject",
  "floor",
  "subject (median)",
  "floor (median)",
  "ratio median (min–max)",
  "goal",
  "met",
];

/** The rows as a markdown table. */
export function markdownTable(rows: readonly BenchRow[]): string {
  const escapePipes = (cell: string) => cell.replaceAll("|", "\\|");
  return [
    `| ${HEADER.join(" | ")} |`,
    `|${HEADER.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${cells(row).map(escapePipes).join(" | ")} |`),
  ].join("\n");
}

/** The rows as an aligned plain-text table. */
export function textTable(rows: readonly BenchRow[]): string {
  const lines = rows.map(cells);
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
  );
  const format = (line: string[]) =>
    line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
  return [
    format(HEADER),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...lines.map(format),
  ].join("\n");
}
