import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// vitest runs type assertions as no-ops, so this test compiles the files whose
// whole point is their types: if the zod models and the generated VVP types
// drift apart, or the client stops accepting them, this fails under `npm test`
// too, not only under `npm run typecheck`.
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FILES = [
  fileURLToPath(new URL("./model-agreement.test.ts", import.meta.url)),
  fileURLToPath(new URL("../../src/vvp-client/index.ts", import.meta.url)),
];

function diagnosticsOf(files: string[]): string[] {
  const configPath = ts.findConfigFile(ROOT, ts.sys.fileExists, "tsconfig.json");
  if (configPath === undefined) throw new Error("tsconfig.json not found at the repo root");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
}

// .ci/run type-checks the whole repository (src and test, this tsconfig) right
// before the tests and says so with VVP_SDK_TYPECHECKED=1: compiling the same
// files again here would only cost CI seconds of CPU.
const typechecked = process.env.VVP_SDK_TYPECHECKED === "1";

describe("type-level checks", () => {
  // A full type check of the client and models takes seconds, more on a busy CI runner.
  it.skipIf(typechecked)(
    "model-agreement.test.ts and the client compile without errors",
    { timeout: 120_000 },
    () => {
      expect(diagnosticsOf(FILES)).toEqual([]);
    },
  );
});
