// Writes the CRD and the editor JSON Schema from src/models. The lead wires
// it into `npm run generate`; CI fails when the checked-in files differ.

import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { renderCrdYaml, renderJsonSchema, renderMappingCrdYaml } from "../src/crd/index.js";

/** Generated files, relative to the repository root, and how to render each. */
export const CRD_ARTIFACTS: ReadonlyArray<readonly [path: string, render: () => string]> = [
  ["crds/vvpdeployments.ververica.platform.yaml", renderCrdYaml],
  ["crds/vvpdeploymentmappings.ververica.platform.yaml", renderMappingCrdYaml],
  ["schema/vvpdeployment.schema.json", renderJsonSchema],
];

// Resolved from this file, not the working directory, so it works from anywhere.
const REPOSITORY_ROOT = new URL("../", import.meta.url);

/** Writes the CRD YAML and the JSON Schema; returns the paths written, relative to the repository root. */
export async function generateCrdArtifacts(): Promise<string[]> {
  const written: string[] = [];
  for (const [path, render] of CRD_ARTIFACTS) {
    const target = fileURLToPath(new URL(path, REPOSITORY_ROOT));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, render(), "utf8");
    written.push(path);
  }
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const path of await generateCrdArtifacts()) console.log(`generated ${path}`);
}
