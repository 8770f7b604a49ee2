// zod's ahead-of-time compiled copy of the CR schema. `z.compile` generates
// one function for the whole schema: on valid input it is about twice as
// fast as zod's runtime parser (which allocates a payload and an issue list
// per node), and on invalid input it hands over to the runtime parser, so
// issues and messages are the runtime's own. zod returns the schema
// uncompiled where it cannot compile (no `new Function`, as under a strict
// Content-Security-Policy), so this never fails.

import { z } from "zod";
import { VvpDeploymentSchema } from "./vvp-deployment.js";

/**
 * Checks with the runtime parser before compiling (ours): compiling costs
 * about 30 ms, which a one-shot CLI run over a few files would never earn
 * back; a webhook or an operator passes this count in its first seconds.
 */
export const COMPILE_AFTER_CHECKS = 16;

let checks = 0;
let compiled: typeof VvpDeploymentSchema | undefined;

/** The CR schema: the runtime one for the first checks, then zod's compiled copy. */
export function vvpDeploymentChecker(): typeof VvpDeploymentSchema {
  if (compiled !== undefined) return compiled;
  checks += 1;
  if (checks <= COMPILE_AFTER_CHECKS) return VvpDeploymentSchema;
  compiled = compiledVvpDeploymentSchema();
  return compiled;
}

/** zod's compiled copy of the CR schema, or the schema itself where zod cannot compile. */
export function compiledVvpDeploymentSchema(): typeof VvpDeploymentSchema {
  return z.compile(VvpDeploymentSchema);
}
