import { z } from "zod";

/** Desired states a VVP deployment accepts in `spec.state`. */
export const DesiredStateSchema = z.enum(["RUNNING", "CANCELLED", "SUSPENDED"]);
/** A desired state. */
export type DesiredState = z.infer<typeof DesiredStateSchema>;

/** Observed states VVP reports in `status.state`. */
export const ActualStateSchema = z.enum([
  "RUNNING",
  "CANCELLED",
  "SUSPENDED",
  "TRANSITIONING",
  "FAILED",
  "FINISHED",
]);
/** An observed state. */
export type ActualState = z.infer<typeof ActualStateSchema>;

/** Deployment names VVP accepts: a DNS-1123 label. */
export const DEPLOYMENT_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const StringMapSchema = z.record(z.string(), z.string());

// Every object below is loose: the seed promises all standard VVP fields, so
// whatever we do not model passes through to VVP untouched.

const dependencies = {
  additionalDependencies: z.array(z.string()).optional(),
};

/** A JAR artifact: `jarUri` is required. */
export const JarArtifactSchema = z.looseObject({
  kind: z.literal("JAR"),
  jarUri: z.string().min(1),
  entryClass: z.string().optional(),
  mainArgs: z.string().optional(),
  ...dependencies,
});

/** A SQL script artifact: `sqlScript` is required. */
export const SqlScriptArtifactSchema = z.looseObject({
  kind: z.literal("SQLSCRIPT"),
  sqlScript: z.string().min(1),
  ...dependencies,
});

/** A Python artifact: `pythonArtifactUri` is required. */
export const PythonArtifactSchema = z.looseObject({
  kind: z.literal("PYTHON"),
  pythonArtifactUri: z.string().min(1),
  entryModule: z.string().optional(),
  mainArgs: z.string().optional(),
  ...dependencies,
  additionalPythonLibraries: z.array(z.string()).optional(),
  additionalPythonArchives: z.array(z.string()).optional(),
});

/** The artifact, discriminated on `kind`. */
export const ArtifactSchema = z.discriminatedUnion("kind", [
  JarArtifactSchema,
  SqlScriptArtifactSchema,
  PythonArtifactSchema,
]);
/** An artifact. */
export type Artifact = z.infer<typeof ArtifactSchema>;
/** The artifact kinds the seed supports. */
export const ARTIFACT_KINDS = ["JAR", "SQLSCRIPT", "PYTHON"] as const;
/** An artifact kind. */
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
/** The field each artifact kind requires. */
export const ARTIFACT_REQUIRED_FIELD: Readonly<Record<ArtifactKind, string>> = {
  JAR: "jarUri",
  SQLSCRIPT: "sqlScript",
  PYTHON: "pythonArtifactUri",
};

const ResourceSpecSchema = z.looseObject({
  cpu: z.number().optional(),
  memory: z.string().optional(),
});

/** `logging.logReservePolicy`, which the seed requires in PUT mode. */
export const LogReservePolicySchema = z.looseObject({
  openHistory: z.boolean().optional(),
  expirationDays: z.number().int().optional(),
});

/** `spec.template.spec.logging`. */
export const LoggingSchema = z.looseObject({
  loggingProfile: z.string().optional(),
  log4jLoggers: StringMapSchema.optional(),
  log4j2ConfigurationTemplate: z.string().optional(),
  logReservePolicy: LogReservePolicySchema.optional(),
});

/**
 * Builds the VVP Deployment body schema. `strict` is the shape a CR's
 * `spec.deployment` must have (the seed's all-mode required fields); the open
 * variant is what VVP returns and what `initFields` may hold.
 */
function deploymentBodySchema<Required extends boolean>(required: Required) {
  const need = <T extends z.ZodType>(schema: T) =>
    (required ? schema : schema.optional()) as Required extends true ? T : z.ZodOptional<T>;
  return z.looseObject({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: need(
      z.looseObject({
        id: z.string().optional(),
        name: need(
          z
            .string()
            .max(63)
            .regex(
              DEPLOYMENT_NAME_PATTERN,
              "must be a DNS-1123 label: lower case a-z, 0-9 and '-'",
            ),
        ),
        namespace: need(z.string().min(1)),
        labels: StringMapSchema.optional(),
        annotations: StringMapSchema.optional(),
        resourceVersion: z.number().int().optional(),
        createdAt: z.string().optional(),
        modifiedAt: z.string().optional(),
      }),
    ),
    spec: need(
      z.looseObject({
        state: DesiredStateSchema.optional(),
        upgradeStrategy: z.looseObject({ kind: z.string().optional() }).optional(),
        restoreStrategy: z
          .looseObject({
            kind: z.string().optional(),
            allowNonRestoredState: z.boolean().optional(),
          })
          .optional(),
        deploymentTargetName: need(z.string().min(1)),
        maxSavepointCreationAttempts: z.number().int().optional(),
        maxJobCreationAttempts: z.number().int().optional(),
        jobFailureExpirationTime: z.string().optional(),
        template: need(
          z.looseObject({
            metadata: z.looseObject({ annotations: StringMapSchema.optional() }).optional(),
            spec: need(
              z.looseObject({
                artifact: need(ArtifactSchema),
                engineVersionName: need(z.string().min(1)),
                parallelism: z.number().int().optional(),
                numberOfTaskManagers: z.number().int().optional(),
                resources: z.record(z.string(), ResourceSpecSchema).optional(),
                flinkConfiguration: StringMapSchema.optional(),
                logging: LoggingSchema.optional(),
                kubernetes: z.looseObject({}).optional(),
              }),
            ),
          }),
        ),
      }),
    ),
    status: z
      .looseObject({
        state: ActualStateSchema.optional(),
        running: z
          .looseObject({
            jobId: z.string().optional(),
            transitionTime: z.string().optional(),
            conditions: z.array(z.looseObject({})).optional(),
          })
          .optional(),
      })
      .optional(),
  });
}

/** `spec.deployment` of a CR: the VVP Deployment body with the seed's required fields. */
export const DeploymentBodySchema = deploymentBodySchema(true);
/** A CR's VVP Deployment body. */
export type DeploymentBody = z.infer<typeof DeploymentBodySchema>;

/** A VVP Deployment as the Application Manager returns it; every field optional. */
export const VvpDeploymentObjectSchema = deploymentBodySchema(false);
/** A VVP Deployment as observed. */
export type VvpDeploymentObject = z.infer<typeof VvpDeploymentObjectSchema>;

/**
 * `spec.initFields`: the same structure as `spec.deployment`, every field
 * optional, except that an artifact, when given, must still be a valid one.
 */
export const InitFieldsSchema = VvpDeploymentObjectSchema.omit({ status: true });
/** Creation-time overrides. */
export type InitFields = z.infer<typeof InitFieldsSchema>;
