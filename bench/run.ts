// npm run bench [-- <module id>…] [--markdown FILE]
// Runs the bench modules of bench/modules.ts (all, or the ones named), prints
// the table, and with --markdown writes it as markdown, headed by the date and
// the machine, for the README to copy. Exit code 1 when a goal is missed.
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { type BenchRow, markdownTable, meetsGoal, textTable } from "./harness.js";
import { BENCH_MODULES } from "./modules.js";

const args = process.argv.slice(2);
let markdownFile: string | undefined;
const wanted: string[] = [];
for (let index = 0; index < args.length; index += 1) {
  const arg = args[index] ?? "";
  if (arg === "--markdown") {
    markdownFile = args[index + 1];
    index += 1;
  } else wanted.push(arg);
}
const unknown = wanted.filter((id) => !BENCH_MODULES.some((module) => module.id === id));
if (unknown.length > 0) {
  console.error(
    `unknown bench module(s): ${unknown.join(", ")}; known: ${BENCH_MODULES.map((module) => module.id).join(", ")}`,
  );
  process.exit(2);
}

const rows: BenchRow[] = [];
for (const module of BENCH_MODULES) {
  if (wanted.length > 0 && !wanted.includes(module.id)) continue;
  console.error(`bench: ${module.id}…`);
  rows.push(...(await module.run()));
}

console.log(textTable(rows));
if (markdownFile !== undefined) {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? "unknown CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}, ${process.platform}`;
  const heading = `Printed by \`npm run bench${wanted.length > 0 ? ` -- ${wanted.join(" ")}` : ""}\` on ${new Date().toISOString().slice(0, 10)}, ${machine}. Each ratio is the subject over the named floor per round, floor and subject alternating with their order swapped every round; median (min–max) over the rounds.`;
  writeFileSync(markdownFile, `${heading}\n\n${markdownTable(rows)}\n`);
  console.error(`bench: wrote ${markdownFile}`);
}
if (rows.some((row) => !meetsGoal(row))) process.exitCode = 1;
