/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/y;

/**
 * A strict parser of the text format (version 0.0.4): every line is a
 * comment, blank, or a well-formed sample, and every sample's metric has a
 * TYPE line. Throws naming the first bad line.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  const typed = new Set<string>();
  for (const [index, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    if (line.startsWith("# TYPE ")) {
      const [, , name, type] = line.split(" ");
      if (!name || !["counter", "gauge", "histogram", "summary", "untyped"].includes(type ?? "")) {
        throw new Error(`line ${index + 1}: bad TYPE: ${line}`);
      }
      typed.add(name);
      continue;
    }
    if (line.startsWith("#")) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`line ${index + 1}: not a sample: ${line}`);
    const name = match[1] ?? "";
    const family = [...typed].find(
      (base) =>
        name === base ||
        ["_bucket", "_sum", "_count"].some((suffix) => name === `${base}${suffix}`),
    );
    if (family === undefined) throw new Error(`line ${index + 1}: ${name} has no TYPE`);
    const labels: Record<string, string> = {};
    const body = match[3] ?? "";
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const label = LABEL.exec(body);
      if (label === null) throw new Error(`line ${index + 1}: bad labels: ${body}`);
      labels[label[1] ?? ""] = (label[2] ?? "").replace(/\\(.)/g, (_, c: string) =>
        c === "n" ? "\n" : c,
      );
    }
    const raw = match[4] ?? "";
    // Go's ParseFloat (Prometheus's) takes NaN and Inf in any case; prom-client prints "Nan".
    const lower = raw.toLowerCase();
    const value =
      lower === "+inf" || lower === "inf" ? Infinity : lower === "-inf" ? -Infinity : Number(raw);
    if (Number.isNaN(value) && lower !== "nan")
      throw new Error(`line ${index + 1}: bad value ${raw}`);
    samples.push({ name, labels, value });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels; undefined if none. */
export function sampleValue(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const found = samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (found.length > 1)
    throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
