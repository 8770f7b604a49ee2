import { z } from "zod";
import { DesiredStateSchema, type FieldError, formatFieldPath } from "../models/index.js";

const StringMap = z.record(z.string(), z.string());

/**
 * The floor of what the core reads from an observation, not VVP's whole
 * model: VVP's answer passes when every value the core compares, counts or
 * writes into a message has its type, so unknown fields and states of a newer
 * VVP still pass (`status.state` is any string for that reason).
 */
const ObservationFloorSchema = z.object({
  deployment: z
    .looseObject({
      metadata: z
        .looseObject({
          id: z.string().optional(),
          name: z.string().optional(),
          namespace: z.string().optional(),
          annotations: StringMap.optional(),
          labels: StringMap.optional(),
        })
        .optional(),
      spec: z
        .looseObject({
          state: DesiredStateSchema.optional(),
          template: z
            .looseObject({
              metadata: z.looseObject({ annotations: StringMap.optional() }).optional(),
              spec: z.looseObject({ parallelism: z.number().int().optional() }).optional(),
            })
            .optional(),
        })
        .optional(),
      status: z.looseObject({ state: z.string().optional() }).optional(),
    })
    .nullable(),
  mapping: z
    .looseObject({
      deploymentId: z.string().min(1),
      vvpNamespace: z.string().min(1),
      instanceId: z.string(),
    })
    .nullable(),
  autopilot: z
    .looseObject({
      mode: z.enum(["DISABLED", "MONITORING", "ACTIVE"]),
      scalingInProgress: z.boolean(),
      runtimeParallelism: z.number().int().optional(),
    })
    .optional(),
  // Entries are read defensively one by one (see savepointTriggered).
  savepoints: z.array(z.unknown()).optional(),
});

/** zod's compiled copy of the floor, for the verdict. */
const OBSERVATION_FLOOR_CHECK = z.compile(ObservationFloorSchema);

// A brand in the global symbol registry, so `instanceof` holds across the
// ESM and CJS copies of the package that a host loads side by side.
const INVALID_OBSERVATION = Symbol.for("vvp-deployment-sdk.InvalidObservationError");

/**
 * A malformed observation: VVP, the mapping store or the Autopilot provider
 * handed over a value of the wrong type. Nothing was decided, so nothing is
 * lost; the host retries the cycle. Messages name the field and the expected
 * type, never the value, which came from outside and may hold anything.
 */
export class InvalidObservationError extends Error {
  /** True for an InvalidObservationError of any copy of this package (ESM or CJS). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && INVALID_OBSERVATION in value;
  }

  override readonly name = "InvalidObservationError";
  /** One entry per malformed field, with paths such as `observed.deployment.spec.state`. */
  readonly errors: readonly FieldError[];

  constructor(errors: readonly FieldError[]) {
    super(
      `the observation cannot be reconciled: ${errors.map((error) => `${error.field}: ${error.message}`).join("; ")}`,
    );
    this.errors = errors;
    Object.defineProperty(this, INVALID_OBSERVATION, { value: true });
  }
}

/** The observation's malformed fields; empty when the core can read it. */
export function observationFieldErrors(observed: unknown): FieldError[] {
  // zod's compiled verdict first (every cycle passes here); issues from the runtime parser.
  if (OBSERVATION_FLOOR_CHECK.validate(observed)) return [];
  const result = ObservationFloorSchema.safeParse(observed);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    field: formatFieldPath(["observed", ...issue.path]),
    reason: "FieldValueInvalid",
    message: issue.message,
  }));
}

/** Throws an `InvalidObservationError` when the core cannot read the observation. */
export function assertObservation(observed: unknown): void {
  const errors = observationFieldErrors(observed);
  if (errors.length > 0) throw new InvalidObservationError(errors);
}
