// Text of the generated files. Pure, so the freshness test compares the files
// on disk with exactly what `npm run generate` would write.

import { stringify } from "yaml";
import { buildCrd } from "./build-crd.js";
import { GENERATED_NOTICE } from "./generated-notice.js";
import { buildJsonSchema } from "./json-schema.js";
import { buildMappingCrd } from "./mapping-crd.js";

/** The CRD as YAML, with the generated-file notice as a leading comment. */
export function renderCrdYaml(): string {
  // YAML 1.1 quoting: Kubernetes' YAML reader treats bare yes/no/on/off as booleans.
  const body = stringify(buildCrd(), {
    version: "1.1",
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
  return `# ${GENERATED_NOTICE}\n${body}`;
}

/** The mapping record's CRD as YAML, with the generated-file notice. */
export function renderMappingCrdYaml(): string {
  const body = stringify(buildMappingCrd(), {
    version: "1.1",
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
  return `# ${GENERATED_NOTICE}\n${body}`;
}

/** The editor JSON Schema as 2-space JSON with a trailing newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
