import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { formatDuration, parseDurationMs } from "./duration.js";

/** The log levels the operator accepts, pino's names. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

/** One of pino's level names. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** client-go's leader election timings and the Lease it competes for. */
export interface LeaderElectionConfig {
  /** Off only for a single replica (local runs, tests); every replica then reconciles. */
  enabled: boolean;
  namespace: string;
  /** The Lease's name; `vvp-operator-<instanceId>` unless given. */
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** Everything the vvp-operator process is configured with. */
export interface OperatorConfig {
  instanceId: string;
  watchedNamespaces: string[];
  vvpUrl: string;
  vvpRequestTimeoutMs: number;
  /** Absent: in-cluster config inside a pod, the default kubeconfig otherwise. */
  kubeconfig: string | undefined;
  /** The Helm value webhook.apiKeyValidation.enabled. */
  apiKeyValidation: boolean;
  /** Address both servers bind; "" for every interface. */
  bindAddress: string;
  healthPort: number;
  webhookPort: number;
  /** Both set, or the webhook is off. */
  tls: { certFile: string; keyFile: string } | undefined;
  concurrency: number;
  resyncPeriodMs: number;
  logLevel: LogLevel;
  leaderElection: LeaderElectionConfig;
  shutdownTimeoutMs: number;
}

/** What parsing the command line decided: run with a config, or exit with a code and text. */
export type ParsedCommandLine =
  | { kind: "run"; config: OperatorConfig }
  | { kind: "exit"; code: 0 | 2; stdout?: string; stderr?: string };

/** Exit code of a usage error, as kubectl and most CLIs use it. */
export const USAGE_ERROR_EXIT_CODE = 2;

const PROGRAM = "vvp-operator";

/** Where the service account's namespace is mounted in a pod. */
export const SERVICE_ACCOUNT_NAMESPACE_FILE =
  "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

interface FlagSpec {
  /** commander's attribute name. */
  key: string;
  flags: string;
  env: string;
  description: string;
  /** Shown in --help; the parsed default comes from `defaults` below. */
  defaultText?: string;
}

/** Every flag, its environment variable and help; names follow the VVP Helm values and controller-runtime. */
const FLAGS: FlagSpec[] = [
  {
    key: "instanceId",
    flags: "--instance-id <id>",
    env: "VVP_OPERATOR_INSTANCE_ID",
    description:
      "the operator's instanceId: CRs with the label ververica.platform/owner=<id> are its own (required)",
  },
  {
    key: "watchedNamespaces",
    flags: "--watched-namespaces <list>",
    env: "VVP_OPERATOR_WATCHED_NAMESPACES",
    description: "comma-separated namespaces whose VvpDeployments it reconciles (required)",
  },
  {
    key: "vvpUrl",
    flags: "--vvp-url <url>",
    env: "VVP_OPERATOR_VVP_URL",
    description:
      "base URL of Ververica Platform, e.g. http://vvp-ververica-platform.vvp (required)",
  },
  {
    key: "vvpRequestTimeout",
    flags: "--vvp-request-timeout <duration>",
    env: "VVP_OPERATOR_VVP_REQUEST_TIMEOUT",
    description: "timeout of one request to VVP",
    defaultText: "30s",
  },
  {
    key: "kubeconfig",
    flags: "--kubeconfig <file>",
    env: "VVP_OPERATOR_KUBECONFIG",
    description:
      "kubeconfig file; when absent: in-cluster config in a pod, else $KUBECONFIG or ~/.kube/config",
  },
  {
    key: "apiKeyValidation",
    flags: "--no-api-key-validation",
    env: "VVP_OPERATOR_API_KEY_VALIDATION",
    description:
      "do not require the apikeySecretName annotation nor its Secret (Helm: webhook.apiKeyValidation.enabled: false; env: true|false)",
  },
  {
    key: "bindAddress",
    flags: "--bind-address <address>",
    env: "VVP_OPERATOR_BIND_ADDRESS",
    description: "address the health and webhook servers listen on (default: all interfaces)",
  },
  {
    key: "healthPort",
    flags: "--health-port <port>",
    env: "VVP_OPERATOR_HEALTH_PORT",
    description: "port serving /healthz, /readyz and /metrics (0: any free port)",
    defaultText: "8081",
  },
  {
    key: "webhookPort",
    flags: "--webhook-port <port>",
    env: "VVP_OPERATOR_WEBHOOK_PORT",
    description: "HTTPS port of the validating admission webhook (/validate)",
    defaultText: "9443",
  },
  {
    key: "tlsCertFile",
    flags: "--tls-cert-file <file>",
    env: "VVP_OPERATOR_TLS_CERT_FILE",
    description: "webhook certificate (PEM), re-read when it changes; no certificate: no webhook",
  },
  {
    key: "tlsKeyFile",
    flags: "--tls-key-file <file>",
    env: "VVP_OPERATOR_TLS_KEY_FILE",
    description: "webhook private key (PEM), re-read when it changes",
  },
  {
    key: "concurrency",
    flags: "--concurrency <n>",
    env: "VVP_OPERATOR_CONCURRENCY",
    description: "number of CRs reconciled at once",
    defaultText: "4",
  },
  {
    key: "resyncPeriod",
    flags: "--resync-period <duration>",
    env: "VVP_OPERATOR_RESYNC_PERIOD",
    description: "how often every CR is reconciled again (VVP changes without Kubernetes events)",
    defaultText: "5m",
  },
  {
    key: "logLevel",
    flags: "--log-level <level>",
    env: "VVP_OPERATOR_LOG_LEVEL",
    description: `one of ${LOG_LEVELS.join(", ")}`,
    defaultText: "info",
  },
  {
    key: "leaderElect",
    flags: "--no-leader-elect",
    env: "VVP_OPERATOR_LEADER_ELECT",
    description: "reconcile without leader election (a single replica only; env: true|false)",
  },
  {
    key: "leaderElectionNamespace",
    flags: "--leader-election-namespace <namespace>",
    env: "VVP_OPERATOR_LEADER_ELECTION_NAMESPACE",
    description: "namespace of the Lease (default: the pod's namespace, else default)",
  },
  {
    key: "leaderElectionId",
    flags: "--leader-election-id <name>",
    env: "VVP_OPERATOR_LEADER_ELECTION_ID",
    description: "name of the Lease (default: vvp-operator-<instance-id>)",
  },
  {
    key: "leaderElectionLeaseDuration",
    flags: "--leader-election-lease-duration <duration>",
    env: "VVP_OPERATOR_LEADER_ELECTION_LEASE_DURATION",
    description: "how long a candidate waits after it last saw the lease change before taking it",
    defaultText: "15s",
  },
  {
    key: "leaderElectionRenewDeadline",
    flags: "--leader-election-renew-deadline <duration>",
    env: "VVP_OPERATOR_LEADER_ELECTION_RENEW_DEADLINE",
    description: "how long the leader keeps trying to renew before it stops reconciling and exits",
    defaultText: "10s",
  },
  {
    key: "leaderElectionRetryPeriod",
    flags: "--leader-election-retry-period <duration>",
    env: "VVP_OPERATOR_LEADER_ELECTION_RETRY_PERIOD",
    description: "how often candidates try to acquire and the leader renews",
    defaultText: "2s",
  },
  {
    key: "shutdownTimeout",
    flags: "--shutdown-timeout <duration>",
    env: "VVP_OPERATOR_SHUTDOWN_TIMEOUT",
    description: "on SIGTERM, how long in-flight reconciles may take to finish",
    defaultText: "30s",
  },
];

/** Builds the commander program: --help lists every flag with its environment variable. */
export function buildCommand(): Command {
  const command = new Command(PROGRAM)
    .description(
      "Runs the VvpDeployment controller with leader election, the validating admission webhook, health probes and Prometheus metrics.",
    )
    .helpOption("-h, --help", "show this help")
    .version(packageVersion(), "--version", "print the version")
    .allowExcessArguments(false)
    .exitOverride();
  for (const spec of FLAGS) {
    // The environment is read by parseCommandLine (from the env it is given), not by commander.
    const defaultText = spec.defaultText === undefined ? "" : ` (default: ${spec.defaultText})`;
    command.addOption(new Option(spec.flags, `${spec.description}${defaultText} [${spec.env}]`));
  }
  command.addHelpText(
    "after",
    "\nEvery flag can also be set by the environment variable in brackets; a flag wins over its variable.",
  );
  return command;
}

/** The package version, from package.json beside `src/` or `dist/`; "unknown" when not found. */
function packageVersion(): string {
  for (const path of ["../../package.json", "../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (json.name === "vvp-deployment-sdk" && typeof json.version === "string") {
        return json.version;
      }
    } catch {
      // Not in this layout: the next.
    }
  }
  return "unknown";
}

class UsageError extends Error {}

/**
 * Parses argv (without node and the script) and the environment into a
 * config. Never throws and never exits: a bad or missing value gives one
 * line for stderr and exit code 2, --help gives the help text and 0.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readFileIfExists: (path: string) => string | undefined = () => undefined,
): ParsedCommandLine {
  const command = buildCommand();
  let helpText = "";
  let commanderError = "";
  command.configureOutput({
    writeOut: (text) => {
      helpText += text;
    },
    writeErr: (text) => {
      commanderError += text;
    },
  });
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.help" ||
        error.code === "commander.version"
      ) {
        return { kind: "exit", code: 0, stdout: helpText };
      }
      return usage(firstLine(commanderError) || error.message);
    }
    return usage(error instanceof Error ? error.message : String(error));
  }
  try {
    const values = mergeEnvironment(command, env);
    return { kind: "run", config: toConfig(values, env, readFileIfExists) };
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }
}

function usage(message: string): ParsedCommandLine {
  const text = message
    .replace(/^error:\s*/, "")
    .replace(/\s+/g, " ")
    .trim();
  return {
    kind: "exit",
    code: USAGE_ERROR_EXIT_CODE,
    stderr: `${PROGRAM}: ${text} (see --help)\n`,
  };
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "") ?? "";
}

/** A raw value and where it came from, so an error names the flag or the variable the user set. */
interface RawValue {
  value: string | boolean;
  source: string;
}

function mergeEnvironment(
  command: Command,
  env: Readonly<Record<string, string | undefined>>,
): Map<string, RawValue> {
  const options = command.opts<Record<string, string | boolean | undefined>>();
  const values = new Map<string, RawValue>();
  for (const spec of FLAGS) {
    const flagName = spec.flags.split(" ")[0] ?? spec.flags;
    const fromCommandLine = command.getOptionValueSource(spec.key) === "cli";
    const given = options[spec.key];
    if (fromCommandLine && given !== undefined) {
      values.set(spec.key, { value: given, source: flagName });
      continue;
    }
    const fromEnv = env[spec.env];
    if (fromEnv !== undefined && fromEnv !== "") {
      values.set(spec.key, { value: fromEnv, source: spec.env });
    }
  }
  return values;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function toConfig(
  values: Map<string, RawValue>,
  env: Readonly<Record<string, string | undefined>>,
  readFileIfExists: (path: string) => string | undefined,
): OperatorConfig {
  const instanceId = requiredText(values, "instanceId");
  // The instanceId is a label value and part of the Lease's name.
  if (!DNS_LABEL.test(instanceId) || instanceId.length > 50) {
    throw new UsageError(
      `${sourceOf(values, "instanceId")}: ${JSON.stringify(instanceId)} must be a lowercase DNS label of at most 50 characters`,
    );
  }
  const tlsCertFile = optionalText(values, "tlsCertFile");
  const tlsKeyFile = optionalText(values, "tlsKeyFile");
  if ((tlsCertFile === undefined) !== (tlsKeyFile === undefined)) {
    throw new UsageError("--tls-cert-file and --tls-key-file must be given together");
  }
  const healthPort = port(values, "healthPort", 8081);
  const webhookPort = port(values, "webhookPort", 9443);
  if (healthPort !== 0 && healthPort === webhookPort && tlsCertFile !== undefined) {
    throw new UsageError(`--health-port and --webhook-port are both ${healthPort}`);
  }
  return {
    instanceId,
    watchedNamespaces: namespaces(values),
    vvpUrl: url(values),
    vvpRequestTimeoutMs: duration(values, "vvpRequestTimeout", 30_000),
    kubeconfig: optionalText(values, "kubeconfig"),
    apiKeyValidation: flag(values, "apiKeyValidation", true),
    bindAddress: optionalText(values, "bindAddress") ?? "",
    healthPort,
    webhookPort,
    tls:
      tlsCertFile !== undefined && tlsKeyFile !== undefined
        ? { certFile: tlsCertFile, keyFile: tlsKeyFile }
        : undefined,
    concurrency: positiveInteger(values, "concurrency", 4),
    resyncPeriodMs: duration(values, "resyncPeriod", 300_000),
    logLevel: logLevel(values),
    leaderElection: leaderElection(values, instanceId, env, readFileIfExists),
    shutdownTimeoutMs: duration(values, "shutdownTimeout", 30_000),
  };
}

function leaderElection(
  values: Map<string, RawValue>,
  instanceId: string,
  env: Readonly<Record<string, string | undefined>>,
  readFileIfExists: (path: string) => string | undefined,
): LeaderElectionConfig {
  const leaseDurationMs = duration(values, "leaderElectionLeaseDuration", 15_000);
  const renewDeadlineMs = duration(values, "leaderElectionRenewDeadline", 10_000);
  const retryPeriodMs = duration(values, "leaderElectionRetryPeriod", 2_000);
  // client-go's own checks (leaderelection.NewLeaderElector).
  if (leaseDurationMs <= renewDeadlineMs) {
    throw new UsageError(
      `--leader-election-lease-duration (${formatDuration(leaseDurationMs)}) must be greater than --leader-election-renew-deadline (${formatDuration(renewDeadlineMs)})`,
    );
  }
  if (renewDeadlineMs <= retryPeriodMs * 1.2) {
    throw new UsageError(
      `--leader-election-renew-deadline (${formatDuration(renewDeadlineMs)}) must be greater than 1.2 × --leader-election-retry-period (${formatDuration(retryPeriodMs)})`,
    );
  }
  const leaseName = optionalText(values, "leaderElectionId") ?? `vvp-operator-${instanceId}`;
  if (!DNS_LABEL.test(leaseName)) {
    throw new UsageError(`--leader-election-id: ${JSON.stringify(leaseName)} is not a valid name`);
  }
  return {
    enabled: flag(values, "leaderElect", true),
    namespace:
      optionalText(values, "leaderElectionNamespace") ??
      podNamespace(env, readFileIfExists) ??
      "default",
    leaseName,
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
  };
}

/** The pod's namespace: POD_NAMESPACE (downward API) or the mounted service account's. */
function podNamespace(
  env: Readonly<Record<string, string | undefined>>,
  readFileIfExists: (path: string) => string | undefined,
): string | undefined {
  const fromEnv = env.POD_NAMESPACE?.trim();
  if (fromEnv) return fromEnv;
  const fromFile = readFileIfExists(SERVICE_ACCOUNT_NAMESPACE_FILE)?.trim();
  return fromFile ? fromFile : undefined;
}

function specOf(key: string): FlagSpec {
  const spec = FLAGS.find((candidate) => candidate.key === key);
  if (spec === undefined) throw new Error(`no flag ${key}`);
  return spec;
}

function sourceOf(values: Map<string, RawValue>, key: string): string {
  return values.get(key)?.source ?? specOf(key).flags.split(" ")[0] ?? key;
}

function optionalText(values: Map<string, RawValue>, key: string): string | undefined {
  const raw = values.get(key);
  if (raw === undefined) return undefined;
  if (typeof raw.value !== "string") return undefined;
  const text = raw.value.trim();
  if (text === "") throw new UsageError(`${raw.source}: must not be empty`);
  return text;
}

function requiredText(values: Map<string, RawValue>, key: string): string {
  const text = optionalText(values, key);
  if (text !== undefined) return text;
  const spec = specOf(key);
  throw new UsageError(`${spec.flags.split(" ")[0]} (or ${spec.env}) is required`);
}

function namespaces(values: Map<string, RawValue>): string[] {
  const text = requiredText(values, "watchedNamespaces");
  const list = text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const bad = list.find((item) => !DNS_LABEL.test(item) || item.length > 63);
  if (bad !== undefined || list.length === 0) {
    throw new UsageError(
      `${sourceOf(values, "watchedNamespaces")}: ${JSON.stringify(bad ?? text)} is not a namespace name`,
    );
  }
  return [...new Set(list)];
}

function url(values: Map<string, RawValue>): string {
  const text = requiredText(values, "vvpUrl");
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new UsageError(`${sourceOf(values, "vvpUrl")}: ${JSON.stringify(text)} is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`${sourceOf(values, "vvpUrl")}: must be an http or https URL`);
  }
  if (parsed.username !== "" || parsed.password !== "") {
    // Credentials in a URL end up in logs; the token comes from each CR's Secret.
    throw new UsageError(`${sourceOf(values, "vvpUrl")}: must not carry credentials`);
  }
  return text.replace(/\/+$/, "");
}

function port(values: Map<string, RawValue>, key: string, fallback: number): number {
  return wholeNumber(values, key, fallback, [0, 65_535], "a port number (0-65535)");
}

function positiveInteger(values: Map<string, RawValue>, key: string, fallback: number): number {
  return wholeNumber(values, key, fallback, [1, 1_000], "a whole number from 1 to 1000");
}

// Digits only (no sign, exponent or fraction), within the range; `what` names it in the error.
function wholeNumber(
  values: Map<string, RawValue>,
  key: string,
  fallback: number,
  [min, max]: readonly [number, number],
  what: string,
): number {
  const raw = values.get(key);
  if (raw === undefined) return fallback;
  const text = String(raw.value).trim();
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new UsageError(`${raw.source}: ${JSON.stringify(text)} is not ${what}`);
  }
  return value;
}

function duration(values: Map<string, RawValue>, key: string, fallback: number): number {
  const raw = values.get(key);
  if (raw === undefined) return fallback;
  const text = String(raw.value);
  const ms = parseDurationMs(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(
      `${raw.source}: ${JSON.stringify(text)} is not a positive duration such as 500ms, 15s or 5m`,
    );
  }
  return ms;
}

function flag(values: Map<string, RawValue>, key: string, fallback: boolean): boolean {
  const raw = values.get(key);
  if (raw === undefined) return fallback;
  if (typeof raw.value === "boolean") return raw.value;
  const text = raw.value.trim().toLowerCase();
  if (text === "true") return true;
  if (text === "false") return false;
  throw new UsageError(`${raw.source}: ${JSON.stringify(raw.value)} must be true or false`);
}

function logLevel(values: Map<string, RawValue>): LogLevel {
  const raw = values.get("logLevel");
  if (raw === undefined) return "info";
  const text = String(raw.value).trim().toLowerCase();
  const level = LOG_LEVELS.find((candidate) => candidate === text);
  if (level === undefined) {
    throw new UsageError(
      `${raw.source}: ${JSON.stringify(raw.value)} is not one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  return level;
}
