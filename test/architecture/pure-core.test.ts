import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder, importsOf, SOURCE } from "./imports.js";

// The rule that keeps the core embeddable and testable (architecture.md): the
// pure core imports no IO, no clock, no randomness, and nothing from the
// edges. This test reads the imports so the rule cannot rot silently.
const CORE = [
  "models",
  "validation",
  "crd",
  "projection",
  "nonces",
  "conditions",
  "reconcile",
  "printer-columns",
  "authoring",
  "health",
];
const EDGES = ["vvp-client", "execution", "simulator", "kubernetes", "testing", "operator", "cli"];
// fastest-levenshtein: the "did you mean" of unknown fields; pure string math.
const ALLOWED_PACKAGES = new Set(["zod", "yaml", "fastest-levenshtein"]);

const coreFiles = CORE.flatMap((folder) => filesUnder(join(SOURCE, folder)));

describe("the pure core", () => {
  it("has files to check", () => {
    expect(coreFiles.length).toBeGreaterThan(5);
  });

  it.each(coreFiles.map((file) => [relative(SOURCE, file), file]))(
    "%s imports nothing but the core, zod and yaml",
    (_name, file) => {
      const offending = importsOf(readFileSync(file, "utf8")).filter((specifier) => {
        if (specifier.startsWith(".")) {
          const target = relative(SOURCE, join(file, "..", specifier));
          return EDGES.some((edge) => target === edge || target.startsWith(`${edge}/`));
        }
        return !ALLOWED_PACKAGES.has(specifier);
      });
      expect(offending).toEqual([]);
    },
  );

  it.each(coreFiles.map((file) => [relative(SOURCE, file), file]))(
    "%s reads no clock and draws no random numbers",
    (_name, file) => {
      const source = readFileSync(file, "utf8");
      expect(source).not.toMatch(
        /\bDate\.now\(|new Date\(\s*\)|Math\.random\(|performance\.now\(|process\./,
      );
    },
  );
});
