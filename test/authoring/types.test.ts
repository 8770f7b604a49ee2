// The type test: the TypeScript compiler runs on the fixtures with their
// `@ts-expect-error TSxxxx` directives removed, and every marked line must
// fail with exactly the code named (and nothing else may fail). The project's
// typecheck runs on the same files with the directives in place, so an
// expectation that stops holding fails there too.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const FIXTURES = ["good", "base", "bad-typos", "bad-put", "bad-values"];
const DIRECTIVE = /\/\/ @ts-expect-error (TS\d+)/;

const fixturePath = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url));

interface Expectation {
  line: number;
  code: string;
}

/** The code each directive expects, on the line after it (1-based). */
function expectations(text: string): Expectation[] {
  return text.split("\n").flatMap((line, index) => {
    const match = DIRECTIVE.exec(line);
    return match?.[1] === undefined ? [] : [{ line: index + 2, code: match[1] }];
  });
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ".");
  return { ...parsed.options, noEmit: true };
}

/** Diagnostics per fixture, as `line: code`, compiled without the directives. */
function compileFixtures(): Map<string, Expectation[]> {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const paths = new Map(FIXTURES.map((name) => [fixturePath(name), name]));
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = readFile(file);
    return paths.has(file) && text !== undefined
      ? text.replaceAll("@ts-expect-error", "expect-error")
      : text;
  };
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError) => {
    if (!paths.has(file)) return getSourceFile(file, language, onError);
    const text = host.readFile(file) ?? "";
    return ts.createSourceFile(file, text, language);
  };
  const program = ts.createProgram([...paths.keys()], options, host);
  const found = new Map<string, Expectation[]>(FIXTURES.map((name) => [name, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file;
    const name = file === undefined ? undefined : paths.get(file.fileName);
    if (file === undefined || name === undefined || diagnostic.start === undefined) {
      throw new Error(
        `unexpected diagnostic: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`,
      );
    }
    const { line } = file.getLineAndCharacterOfPosition(diagnostic.start);
    found.get(name)?.push({ line: line + 1, code: `TS${diagnostic.code}` });
  }
  return found;
}

describe("the strict author types", () => {
  const found = compileFixtures();

  it("compile the seed's examples and their variants without an error", () => {
    expect(found.get("good")).toEqual([]);
    expect(found.get("base")).toEqual([]);
  });

  it.each(FIXTURES.filter((name) => name.startsWith("bad-")))(
    "%s: every marked line fails with the code named, and nothing else fails",
    (name) => {
      const expected = expectations(readFileSync(fixturePath(name), "utf8"));
      expect(expected.length).toBeGreaterThan(0);
      expect(found.get(name)).toEqual(expected);
    },
  );

  it("reports a typo as an unknown property, with TypeScript's own suggestion", () => {
    const text = readFileSync(fixturePath("bad-typos"), "utf8");
    const codes = expectations(text).map((expectation) => expectation.code);
    expect(new Set(codes)).toEqual(new Set(["TS2561"]));
  });
});
