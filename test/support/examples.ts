import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { VvpDeployment } from "../../src/models/index.js";

/** The seed's two complete examples, as checked in under examples/. */
export const EXAMPLE_FILES = {
  PATCH: "examples/patch-minimal.yaml",
  PUT: "examples/put-minimal.yaml",
} as const;

type Mode = keyof typeof EXAMPLE_FILES;

// Read and parsed once per test file: the property tests build a CR per run,
// and parsing the YAML each time was most of their CPU time.
const texts = new Map<Mode, string>();
const parsed = new Map<Mode, VvpDeployment>();

/** The raw YAML text of an example. */
export function exampleText(mode: Mode): string {
  let text = texts.get(mode);
  if (text === undefined) {
    text = readFileSync(new URL(`../../${EXAMPLE_FILES[mode]}`, import.meta.url), "utf8");
    texts.set(mode, text);
  }
  return text;
}

/** A fresh, mutable copy of an example CR. */
export function exampleCr(mode: Mode): VvpDeployment {
  let cr = parsed.get(mode);
  if (cr === undefined) {
    cr = parse(exampleText(mode)) as VvpDeployment;
    parsed.set(mode, cr);
  }
  return structuredClone(cr);
}
