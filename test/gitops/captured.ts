// Statuses captured from the running operator (the story test), kept as
// fixtures of the GitOps health table. `VVP_CAPTURE_FIXTURES=1 npx vitest run
// test/kubernetes/story.test.ts` rewrites them; the times and identities the
// API server assigns are normalised so a capture diffs only where behaviour changed.
import { mkdirSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";

export const CAPTURED = new URL("./fixtures/captured/", import.meta.url);

const FIXED_TIME = "2026-01-01T00:00:00Z";

/** The CR as a fixture: no uid, resourceVersion, managedFields; fixed times. */
export function normaliseCaptured(object: unknown): Record<string, unknown> {
  const copy = structuredClone(object) as {
    metadata?: Record<string, unknown>;
    status?: { conditions?: Array<Record<string, unknown>>; actualDiffersSince?: string };
  };
  const metadata = copy.metadata ?? {};
  for (const key of ["uid", "resourceVersion", "managedFields", "creationTimestamp"]) {
    delete metadata[key];
  }
  if (metadata.deletionTimestamp !== undefined) metadata.deletionTimestamp = FIXED_TIME;
  if (copy.status?.actualDiffersSince !== undefined) copy.status.actualDiffersSince = FIXED_TIME;
  for (const condition of copy.status?.conditions ?? []) {
    if (condition.lastTransitionTime !== undefined) condition.lastTransitionTime = FIXED_TIME;
  }
  return copy as Record<string, unknown>;
}

/** Writes the fixture when VVP_CAPTURE_FIXTURES=1; returns the normalised object either way. */
export function capture(name: string, object: unknown): Record<string, unknown> {
  const normalised = normaliseCaptured(object);
  if (process.env.VVP_CAPTURE_FIXTURES === "1") {
    mkdirSync(CAPTURED, { recursive: true });
    writeFileSync(new URL(`${name}.yaml`, CAPTURED), stringify(normalised));
  }
  return normalised;
}
