import { readFileSync } from "node:fs";

/** The package version, from package.json beside `src/` or `dist/`; "unknown" when not found. */
export function packageVersion(): string {
  for (const path of ["../../package.json", "../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (json.name === "vvp-deployment-sdk" && typeof json.version === "string") {
        return json.version;
      }
    } catch {
      // Not there in this layout: try the next.
    }
  }
  return "unknown";
}
