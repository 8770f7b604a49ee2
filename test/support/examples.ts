import { readFileSync } from "node:fs";
import { parse } from "yaml";
import type { VvpDeployment } from "../../src/models/index.js";

/** The seed's two complete examples, as checked in under examples/. */
export const EXAMPLE_FILES = {
  PATCH: "examples/patch-minimal.yaml",
  PUT: "examples/put-minimal.yaml",
} as const;

/** The raw YAML text of an example. */
export function exampleText(mode: keyof typeof EXAMPLE_FILES): string {
  return readFileSync(new URL(`../../${EXAMPLE_FILES[mode]}`, import.meta.url), "utf8");
}

/** A fresh, mutable copy of an example CR. */
export function exampleCr(mode: keyof typeof EXAMPLE_FILES): VvpDeployment {
  return parse(exampleText(mode)) as VvpDeployment;
}
