import { stringify } from "yaml";
import type { ManifestSyncingMode, VvpDeploymentManifest } from "./types.js";

/**
 * Checks a CR literal against the strict author type and returns it typed by
 * its syncing mode. The mode is inferred from `spec.syncingMode`, so the
 * literal is checked against that mode's concrete type: unknown fields are
 * TypeScript errors (a generic `T extends …` parameter would accept them).
 */
export function defineVvpDeployment<const Mode extends ManifestSyncingMode>(
  cr: VvpDeploymentManifest<Mode> & { spec: { syncingMode: Mode } },
): VvpDeploymentManifest<Mode> {
  return cr;
}

/**
 * The CR as YAML for `kubectl apply -f -`: one document, fields in the order
 * written, undefined fields left out, no anchors or aliases for repeated
 * objects, and no line folding (a SQL script stays as written).
 */
export function toYaml(cr: VvpDeploymentManifest): string {
  return stringify(cr, { aliasDuplicateObjects: false, lineWidth: 0 });
}
