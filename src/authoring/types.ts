// The VvpDeployment CR as its authors write it in TypeScript (cdk8s and
// similar). Unlike the zod-inferred `VvpDeployment`, which keeps every VVP
// object open so that unknown VVP fields pass through, these types list the
// known fields only and have no index signature outside user maps (labels,
// annotations, flinkConfiguration, …): TypeScript's excess-property check
// then catches `parallelizm` or `lables`. A VVP field missing here can still
// be written with a cast; the webhook passes it through.

import type { API_VERSION, KIND } from "../models/index.js";

/** A map of user keys to string values (labels, annotations, Flink configuration). */
export type StringMap = Record<string, string>;

/** A JSON value, for the free-form parts of a VVP body (Kubernetes pod options). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The syncing modes. */
export type ManifestSyncingMode = "PATCH" | "PUT";

/** Kubernetes metadata of the CR. */
export interface VvpDeploymentManifestMetadata {
  /** Kubernetes resource name. */
  name: string;
  /** Kubernetes namespace; it must be one the operator watches. */
  namespace?: string;
  /** Labels; `ververica.platform/owner` is required and must match the operator's instanceId. */
  labels: { "ververica.platform/owner": string } & StringMap;
  /** Annotations; `apikeySecretName` names the Secret holding the Ververica Platform API token. */
  annotations?: { apikeySecretName?: string } & StringMap;
}

/** Desired state of the Ververica Platform deployment. */
export type ManifestDesiredState = "RUNNING" | "CANCELLED" | "SUSPENDED";

/** Deployment identity in Ververica Platform. */
export interface DeploymentManifestMetadata {
  /** Name of the Ververica Platform deployment (a DNS-1123 label). Immutable after creation. */
  name: string;
  /** Ververica Platform namespace used for API calls. Immutable after creation. */
  namespace: string;
  /** Display name shown in the Ververica Platform UI. */
  displayName?: string;
  /** Labels of the Ververica Platform deployment. */
  labels?: StringMap;
  /** Annotations of the Ververica Platform deployment. */
  annotations?: StringMap;
}

/** Fields every artifact kind may have. */
interface ArtifactCommon {
  /** Further JARs (URIs) on the job's class path. */
  additionalDependencies?: string[];
  /** Flink version of the artifact's image, when not derived from engineVersionName. */
  flinkVersion?: string;
  /** Registry of the Flink image. */
  flinkImageRegistry?: string;
  /** Repository of the Flink image. */
  flinkImageRepository?: string;
  /** Tag of the Flink image. */
  flinkImageTag?: string;
}

/** A JAR artifact: `jarUri` is required. */
export interface JarArtifactManifest extends ArtifactCommon {
  kind: "JAR";
  /** The jar's URI, e.g. s3://my-bucket/artifacts/MyJob.jar. */
  jarUri: string;
  /** The job's main class, when the jar's manifest does not name it. */
  entryClass?: string;
  /** Arguments passed to the main method, as one string. */
  mainArgs?: string;
}

/** A SQL script artifact: `sqlScript` is required. */
export interface SqlScriptArtifactManifest extends ArtifactCommon {
  kind: "SQLSCRIPT";
  /** The SQL statements to run. */
  sqlScript: string;
}

/** A Python artifact: `pythonArtifactUri` is required. */
export interface PythonArtifactManifest extends ArtifactCommon {
  kind: "PYTHON";
  /** The script's URI, e.g. s3://my-bucket/job.py. */
  pythonArtifactUri: string;
  /** The Python module to run. */
  entryModule?: string;
  /** Arguments passed to the job, as one string. */
  mainArgs?: string;
  /** Further Python libraries (URIs). */
  additionalPythonLibraries?: string[];
  /** Further Python archives (URIs). */
  additionalPythonArchives?: string[];
}

/** The job artifact. kind JAR requires jarUri, SQLSCRIPT requires sqlScript, PYTHON requires pythonArtifactUri. */
export type ArtifactManifest =
  | JarArtifactManifest
  | SqlScriptArtifactManifest
  | PythonArtifactManifest;

/** CPU and memory of the job manager or of each task manager. */
export interface ResourceSpecManifest {
  /** CPU cores. */
  cpu?: number;
  /** Memory, e.g. "2g". */
  memory?: string;
}

/** How long job logs are kept. */
export interface LogReservePolicyManifest {
  /** Whether the history of logs is kept. */
  openHistory?: boolean;
  /** Days logs are kept. */
  expirationDays?: number;
}

/** Logging of the Flink job. */
export interface LoggingManifest {
  /** Logging profile, e.g. "default". */
  loggingProfile?: string;
  /** Logger name → level; "" is the root logger. */
  log4jLoggers?: StringMap;
  /** A custom Log4j 2 configuration template. */
  log4j2ConfigurationTemplate?: string;
  /** How long job logs are kept. */
  logReservePolicy?: LogReservePolicyManifest;
}

/** Kubernetes options of the job's pods, passed to Ververica Platform as written. */
export interface KubernetesOptionsManifest {
  /** Options of every pod (labels, annotations, volumes, env, affinity, …). */
  pods?: { [key: string]: JsonValue };
  /** A pod template for the job manager. */
  jobManagerPodTemplate?: { [key: string]: JsonValue };
  /** A pod template for the task managers. */
  taskManagerPodTemplate?: { [key: string]: JsonValue };
}

/** The Flink job of the deployment. */
export interface TemplateSpecManifest {
  /** The job artifact. kind JAR requires jarUri, SQLSCRIPT requires sqlScript, PYTHON requires pythonArtifactUri. */
  artifact: ArtifactManifest;
  /** VERA engine build, for example vera-4.1-flink-1.20. */
  engineVersionName: string;
  /** Parallelism of the job. In PUT mode, numberOfTaskManagers or parallelism is required. */
  parallelism?: number;
  /** Number of task managers. In PUT mode, numberOfTaskManagers or parallelism is required. */
  numberOfTaskManagers?: number;
  /** CPU and memory of the job manager and of each task manager. */
  resources?: { jobmanager?: ResourceSpecManifest; taskmanager?: ResourceSpecManifest };
  /** Flink configuration keys and values. */
  flinkConfiguration?: StringMap;
  /** Logging. Required in PUT mode, with loggingProfile, log4jLoggers and logReservePolicy. */
  logging?: LoggingManifest;
  /** Kubernetes options of the job's pods. */
  kubernetes?: KubernetesOptionsManifest;
}

/** The deployment template. */
export interface TemplateManifest {
  /** Template metadata. Required in PUT mode; may be empty (metadata: {}). */
  metadata?: { annotations?: StringMap };
  /** The Flink job. */
  spec: TemplateSpecManifest;
}

/** How a running job is upgraded when the spec changes. */
export interface UpgradeStrategyManifest {
  kind: "STATEFUL" | "STATELESS" | "NONE";
}

/** What state a job starts from. */
export interface RestoreStrategyManifest {
  kind: "LATEST_STATE" | "LATEST_SAVEPOINT" | "NONE";
  /** Whether state that maps to no operator may be skipped on restore. */
  allowNonRestoredState?: boolean;
}

/** Deployment configuration (state, template, and so on). */
export interface DeploymentSpecManifest {
  /** Desired state: RUNNING, CANCELLED or SUSPENDED. */
  state?: ManifestDesiredState;
  /** Ververica Platform deployment target. Immutable after creation. */
  deploymentTargetName: string;
  /** How a running job is upgraded when the spec changes. */
  upgradeStrategy?: UpgradeStrategyManifest;
  /** What state a job starts from. */
  restoreStrategy?: RestoreStrategyManifest;
  /** Attempts to take a savepoint before giving up. Required in PUT mode. */
  maxSavepointCreationAttempts?: number;
  /** Attempts to start the job before giving up. Required in PUT mode. */
  maxJobCreationAttempts?: number;
  /** How long a job failure is remembered, e.g. "6h". */
  jobFailureExpirationTime?: string;
  /** The deployment template. */
  template: TemplateManifest;
}

/** The Ververica Platform deployment definition (metadata, spec). */
export interface DeploymentManifest {
  /** Deployment identity: name and Ververica Platform namespace. */
  metadata: DeploymentManifestMetadata;
  /** Deployment configuration (state, template, and so on). */
  spec: DeploymentSpecManifest;
}

/** Logging as PUT mode requires it: loggingProfile, log4jLoggers and logReservePolicy. */
export interface PutLoggingManifest extends LoggingManifest {
  /** Logging profile, e.g. "default". Required in PUT mode. */
  loggingProfile: string;
  /** Logger name → level; "" is the root logger. Required in PUT mode. */
  log4jLoggers: StringMap;
  /** How long job logs are kept. Required in PUT mode. */
  logReservePolicy: LogReservePolicyManifest;
}

/** The Flink job in PUT mode: logging, and numberOfTaskManagers or parallelism, are required. */
export type PutTemplateSpecManifest = Omit<TemplateSpecManifest, "logging"> & {
  /** Logging, with loggingProfile, log4jLoggers and logReservePolicy. Required in PUT mode. */
  logging: PutLoggingManifest;
} & (
    | {
        /** Parallelism of the job. In PUT mode, numberOfTaskManagers or parallelism is required. */
        parallelism: number;
      }
    | {
        /** Number of task managers. In PUT mode, numberOfTaskManagers or parallelism is required. */
        numberOfTaskManagers: number;
      }
  );

/** The deployment template in PUT mode: metadata is required (it may be empty). */
export interface PutTemplateManifest {
  /** Template metadata. Required in PUT mode; may be empty (metadata: {}). */
  metadata: { annotations?: StringMap };
  /** The Flink job. */
  spec: PutTemplateSpecManifest;
}

/** Deployment configuration in PUT mode, with the fields PUT requires. */
export interface PutDeploymentSpecManifest extends Omit<DeploymentSpecManifest, "template"> {
  /** Attempts to take a savepoint before giving up. Required in PUT mode. */
  maxSavepointCreationAttempts: number;
  /** Attempts to start the job before giving up. Required in PUT mode. */
  maxJobCreationAttempts: number;
  /** The deployment template. */
  template: PutTemplateManifest;
}

/** The Ververica Platform deployment definition in PUT mode. */
export interface PutDeploymentManifest {
  /** Deployment identity: name and Ververica Platform namespace. */
  metadata: DeploymentManifestMetadata;
  /** Deployment configuration, with the fields PUT requires. */
  spec: PutDeploymentSpecManifest;
}

/** Creation-time overrides: the deployment's structure with every field optional; an artifact must still be whole. */
export interface InitFieldsManifest {
  /** Deployment identity overrides. */
  metadata?: Partial<DeploymentManifestMetadata>;
  /** Deployment configuration overrides. */
  spec?: Partial<Omit<DeploymentSpecManifest, "template">> & {
    /** Template overrides. */
    template?: {
      /** Template metadata overrides. */
      metadata?: { annotations?: StringMap };
      /** Flink job overrides. */
      spec?: Partial<TemplateSpecManifest>;
    };
  };
}

/** Nonce: change to any different non-null integer to trigger; null disables. */
export type Nonce = number | null;

/** The fields of `spec` both modes share. */
interface SpecCommon {
  /** Change to any different non-null integer to create a savepoint of the running job; null disables. */
  savepointNonce?: Nonce;
  /** Change to any different non-null integer to restart the running job; null disables. */
  restartNonce?: Nonce;
}

/** `spec` in PATCH mode: only the fields present are sent; Ververica Platform keeps its defaults. */
export interface PatchSpecManifest extends SpecCommon {
  /** PATCH sends only the fields present in the CR (Ververica Platform keeps its defaults for omitted fields). */
  syncingMode: "PATCH";
  /** The Ververica Platform deployment definition (metadata, spec). */
  deployment: DeploymentManifest;
  /** Optional: fields merged into the deployment body at creation and never sent again. */
  initFields?: InitFieldsManifest;
}

/** `spec` in PUT mode: the full definition is sent; omitted fields are reset. */
export interface PutSpecManifest extends SpecCommon {
  /** PUT sends the full deployment definition, resets omitted fields and requires additional fields. */
  syncingMode: "PUT";
  /** The Ververica Platform deployment definition, with the fields PUT requires. */
  deployment: PutDeploymentManifest;
}

/** `spec` of each syncing mode. */
export interface SpecManifestByMode {
  PATCH: PatchSpecManifest;
  PUT: PutSpecManifest;
}

/**
 * A VvpDeployment as its author writes it: strict (no unknown fields), with
 * PUT mode's additional required fields. `status` is the operator's and is
 * not part of it.
 */
export interface VvpDeploymentManifest<Mode extends ManifestSyncingMode = ManifestSyncingMode> {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  /** Kubernetes metadata: name, namespace, the owner label and the API key annotation. */
  metadata: VvpDeploymentManifestMetadata;
  /** The desired Ververica Platform deployment and how the operator projects it. */
  spec: SpecManifestByMode[Mode];
}
