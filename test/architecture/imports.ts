import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The source folder the architecture tests read. */
export const SOURCE = new URL("../../src/", import.meta.url).pathname;

/** Every .ts file below a folder (none when it does not exist). */
export function filesUnder(folder: string): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true, encoding: "utf8" });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The module specifiers a source text imports (static, dynamic, require), comments left out. */
export function importsOf(text: string): string[] {
  const source = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specifiers = [
    ...source.matchAll(/\bfrom\s+["']([^"']+)["']/g),
    ...source.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
    ...source.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g),
  ];
  return specifiers.map((match) => match[1] ?? "");
}

/** The module specifiers a file imports. */
export function importsOfFile(file: string): string[] {
  return importsOf(readFileSync(file, "utf8"));
}
