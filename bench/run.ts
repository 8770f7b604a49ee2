import { benchCliStart } from "./cli-start.js";
import { benchController } from "./controller.js";
import { benchCreate } from "./create.js";
import { benchFreshness } from "./freshness.js";
import { type BenchResult, benchReconcile } from "./reconcile.js";
import { benchReconcileOnce } from "./reconcile-once.js";
import { benchValidateManyErrors, benchValidateOneError, benchValidateValid } from "./validate.js";
import { benchWebhook } from "./webhook.js";

const benches: (() => Promise<BenchResult | BenchResult[]>)[] = [
  benchReconcile,
  benchReconcileOnce,
  benchCreate,
  benchValidateValid,
  benchValidateOneError,
  benchValidateManyErrors,
  benchController,
  benchFreshness,
  benchWebhook,
  benchCliStart,
];

const rows: BenchResult[] = [];
const unitOf = (row: BenchResult) => {
  const unit = (row as { unit?: string }).unit;
  return unit === undefined ? "" : ` ${unit}`;
};
for (const bench of benches) rows.push(...[await bench()].flat());

const header = ["bench", "subject µs/op", "baseline µs/op", "ratio", "target", "ok"];
const lines = rows.map((row) => [
  row.name,
  // Rows with a unit (the controller's: requests, ms, KiB) are not µs/op.
  `${row.subjectMicroseconds.toFixed(2)}${unitOf(row)}`,
  `${row.baselineMicroseconds.toFixed(2)}${unitOf(row)}`,
  `${row.ratio < 0.1 ? row.ratio.toPrecision(2) : row.ratio.toFixed(2)}×`,
  `≤ ${row.target}×`,
  row.ratio <= row.target ? "yes" : "NO",
]);
const widths = header.map((title, column) =>
  Math.max(title.length, ...lines.map((line) => (line[column] ?? "").length)),
);
const format = (cells: string[]) =>
  cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ");
console.log(format(header));
console.log(widths.map((width) => "-".repeat(width)).join("  "));
for (const line of lines) console.log(format(line));
if (rows.some((row) => row.ratio > row.target)) process.exitCode = 1;
