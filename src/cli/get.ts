// `vvpctl get`: the `kubectl get vvpdeployments` table for CRs given as YAML.
import type { VvpDeployment } from "../models/index.js";
import { PRINTER_COLUMN_NAMES, printerColumns } from "../printer-columns/index.js";
import { type Position, parseManifests } from "./documents.js";
import { identityOf, isVvpDeploymentObject } from "./findings.js";
import type { SourceText } from "./inputs.js";

/** A table row source: the CR as read. */
export interface TableInput {
  sources: readonly SourceText[];
  wide: boolean;
  /** ISO time AGE is measured from. */
  now: string;
  /** Told of each YAML syntax error (the document is left out of the table). */
  onSyntaxError?: (source: string, position: Position, message: string) => void;
}

/**
 * The table kubectl prints: header, a row per VvpDeployment, columns padded
 * like kubectl's tabwriter (3 spaces). A NAMESPACE column comes first when
 * the CRs span several namespaces (ours, as `kubectl get -A`). Returns the
 * table text, or undefined when no VvpDeployment was found.
 */
export function renderTable(input: TableInput): string | undefined {
  const crs: VvpDeployment[] = [];
  for (const source of input.sources) {
    const parsed = parseManifests(source.text);
    for (const error of parsed.syntaxErrors) {
      input.onSyntaxError?.(source.name, error.position, `${error.message} (${error.code})`);
    }
    for (const object of parsed.objects) {
      if (isVvpDeploymentObject(object.value)) crs.push(object.value as VvpDeployment);
    }
  }
  if (crs.length === 0) return undefined;
  const namespaces = new Set(crs.map((cr) => identityOf(cr).namespace));
  return crTable(crs, { wide: input.wide, now: input.now, withNamespace: namespaces.size > 1 });
}

/** Objects of the files, VvpDeployments only, in order (for -o yaml|json). */
export function crsOf(sources: readonly SourceText[]): VvpDeployment[] {
  const crs: VvpDeployment[] = [];
  for (const source of sources) {
    for (const object of parseManifests(source.text).objects) {
      if (isVvpDeploymentObject(object.value)) crs.push(object.value as VvpDeployment);
    }
  }
  return crs;
}

/** The table of CRs: the CRD's printer columns, NAMESPACE first when asked (as `kubectl get -A`). */
export function crTable(
  crs: readonly VvpDeployment[],
  options: { wide: boolean; now: string; withNamespace: boolean },
): string {
  const { withNamespace } = options;
  const input = options;
  const names = [...PRINTER_COLUMN_NAMES.default, ...(input.wide ? PRINTER_COLUMN_NAMES.wide : [])];
  const header = [...(withNamespace ? ["NAMESPACE"] : []), ...names];
  const rows = crs.map((cr) => {
    const values = printerColumns(cr, input.now);
    const cells = input.wide ? values.wide : values.default;
    return [
      ...(withNamespace ? [identityOf(cr).namespace] : []),
      ...names.map((name) => cells[name] ?? ""),
    ];
  });
  return padColumns([header, ...rows]);
}

/** Left-aligned columns separated by at least three spaces, no trailing spaces. */
export function padColumns(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.length);
    });
  }
  const lines = rows.map((row) =>
    row
      .map((cell, index) =>
        index === row.length - 1 ? cell : cell.padEnd((widths[index] ?? 0) + 3),
      )
      .join("")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}
