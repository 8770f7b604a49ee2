import { describe, expect, it } from "vitest";
import { parseCommandLine, SERVICE_ACCOUNT_NAMESPACE_FILE } from "../../src/operator/config.js";
import { formatDuration, parseDurationMs } from "../../src/operator/duration.js";

const required = [
  "--instance-id",
  "ops",
  "--watched-namespaces",
  "a, b",
  "--vvp-url",
  "http://vvp:8080/",
];

function run(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}) {
  return parseCommandLine(argv, env, (path) => files[path]);
}

function config(
  argv: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
) {
  const parsed = run(argv, env, files);
  if (parsed.kind !== "run") throw new Error(`expected a config, got ${JSON.stringify(parsed)}`);
  return parsed.config;
}

function usageError(argv: string[], env: Record<string, string> = {}): string {
  const parsed = run(argv, env);
  expect(parsed).toMatchObject({ kind: "exit", code: 2 });
  if (parsed.kind !== "exit") throw new Error("unreachable");
  const stderr = parsed.stderr ?? "";
  // ONE line, no stack trace.
  expect(stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(stderr).toMatch(/^vvp-operator: /);
  return stderr;
}

describe("vvp-operator configuration", () => {
  it("has client-go's and controller-runtime's defaults", () => {
    const parsed = config(required);
    expect(parsed).toMatchObject({
      instanceId: "ops",
      watchedNamespaces: ["a", "b"],
      vvpUrl: "http://vvp:8080",
      kubeconfig: undefined,
      apiKeyValidation: true,
      healthPort: 8081,
      webhookPort: 9443,
      tls: undefined,
      shutdownTimeoutMs: 30_000,
      logLevel: "info",
      leaderElection: {
        enabled: true,
        namespace: "default",
        leaseName: "vvp-operator-ops",
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
      },
    });
  });

  it("reads every flag", () => {
    const parsed = config([
      ...required,
      "--kubeconfig",
      "/k/config",
      "--no-api-key-validation",
      "--health-port",
      "0",
      "--webhook-port",
      "9444",
      "--tls-cert-file",
      "tls.crt",
      "--tls-key-file",
      "tls.key",
      "--concurrency",
      "8",
      "--resync-period",
      "90s",
      "--log-level",
      "debug",
      "--leader-election-namespace",
      "ops-system",
      "--leader-election-id",
      "my-lease",
      "--leader-election-lease-duration",
      "1s",
      "--leader-election-renew-deadline",
      "600ms",
      "--leader-election-retry-period",
      "100ms",
      "--shutdown-timeout",
      "5s",
      "--bind-address",
      "127.0.0.1",
      "--vvp-request-timeout",
      "2s",
    ]);
    expect(parsed).toMatchObject({
      kubeconfig: "/k/config",
      apiKeyValidation: false,
      healthPort: 0,
      webhookPort: 9444,
      tls: { certFile: "tls.crt", keyFile: "tls.key" },
      concurrency: 8,
      resyncPeriodMs: 90_000,
      logLevel: "debug",
      bindAddress: "127.0.0.1",
      vvpRequestTimeoutMs: 2_000,
      shutdownTimeoutMs: 5_000,
      leaderElection: {
        namespace: "ops-system",
        leaseName: "my-lease",
        leaseDurationMs: 1_000,
        renewDeadlineMs: 600,
        retryPeriodMs: 100,
      },
    });
  });

  it("takes each flag from its VVP_OPERATOR_ variable, the flag winning", () => {
    const env = {
      VVP_OPERATOR_INSTANCE_ID: "from-env",
      VVP_OPERATOR_WATCHED_NAMESPACES: "x,y",
      VVP_OPERATOR_VVP_URL: "https://vvp.example.com",
      VVP_OPERATOR_API_KEY_VALIDATION: "false",
      VVP_OPERATOR_LEADER_ELECT: "false",
      VVP_OPERATOR_HEALTH_PORT: "9000",
    };
    expect(config([], env)).toMatchObject({
      instanceId: "from-env",
      watchedNamespaces: ["x", "y"],
      vvpUrl: "https://vvp.example.com",
      apiKeyValidation: false,
      healthPort: 9000,
      leaderElection: { enabled: false },
    });
    expect(config(["--instance-id", "from-flag", "--health-port", "9001"], env)).toMatchObject({
      instanceId: "from-flag",
      healthPort: 9001,
    });
  });

  it("puts the Lease in the pod's namespace", () => {
    expect(config(required, { POD_NAMESPACE: "vvp-system" }).leaderElection.namespace).toBe(
      "vvp-system",
    );
    expect(
      config(required, {}, { [SERVICE_ACCOUNT_NAMESPACE_FILE]: "from-sa\n" }).leaderElection
        .namespace,
    ).toBe("from-sa");
  });

  it("answers --help with every flag and exit 0", () => {
    const parsed = run(["--help"]);
    expect(parsed).toMatchObject({ kind: "exit", code: 0 });
    const help = parsed.kind === "exit" ? (parsed.stdout ?? "") : "";
    for (const flag of [
      "--instance-id",
      "--watched-namespaces",
      "--vvp-url",
      "--kubeconfig",
      "--no-api-key-validation",
      "--health-port",
      "--webhook-port",
      "--tls-cert-file",
      "--tls-key-file",
      "--concurrency",
      "--resync-period",
      "--log-level",
      "--leader-election-lease-duration",
      "--leader-election-renew-deadline",
      "--leader-election-retry-period",
      "--leader-election-namespace",
      "--shutdown-timeout",
      "VVP_OPERATOR_INSTANCE_ID",
    ]) {
      expect(help).toContain(flag);
    }
  });

  it.each([
    [[], /--instance-id \(or VVP_OPERATOR_INSTANCE_ID\) is required/],
    [["--instance-id", "ops", "--vvp-url", "http://v"], /--watched-namespaces .* is required/],
    [[...required, "--bogus"], /unknown option '--bogus'/],
    [[...required, "--health-port"], /argument missing/],
    [[...required, "--health-port", "http"], /--health-port: "http" is not a port number/],
    [[...required, "--concurrency", "0"], /--concurrency: "0" is not a whole number/],
    [[...required, "--resync-period", "10"], /--resync-period: "10" is not a positive duration/],
    [[...required, "--log-level", "loud"], /--log-level: "loud" is not one of/],
    [[...required, "--tls-cert-file", "a.crt"], /must be given together/],
    [
      ["--instance-id", "Ops!", "--watched-namespaces", "a", "--vvp-url", "http://v"],
      /lowercase DNS label/,
    ],
    [
      ["--instance-id", "ops", "--watched-namespaces", "A_B", "--vvp-url", "http://v"],
      /not a namespace name/,
    ],
    [["--instance-id", "ops", "--watched-namespaces", "a", "--vvp-url", "vvp"], /is not a URL/],
    [
      ["--instance-id", "ops", "--watched-namespaces", "a", "--vvp-url", "http://u:secret@v"],
      /must not carry credentials/,
    ],
    [
      [...required, "--leader-election-lease-duration", "5s"],
      /must be greater than --leader-election-renew-deadline/,
    ],
    [[...required, "--leader-election-retry-period", "9s"], /1.2 × --leader-election-retry-period/],
    [[...required, "extra"], /too many arguments/],
  ])("refuses %j with one line and exit 2", (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  it("names the variable when a bad value came from the environment", () => {
    expect(usageError(required, { VVP_OPERATOR_HEALTH_PORT: "x" })).toMatch(
      /VVP_OPERATOR_HEALTH_PORT: "x" is not a port number/,
    );
    expect(usageError(required, { VVP_OPERATOR_API_KEY_VALIDATION: "no" })).toMatch(
      /VVP_OPERATOR_API_KEY_VALIDATION: "no" must be true or false/,
    );
  });

  it("never echoes a credential it refused", () => {
    expect(
      usageError([
        "--instance-id",
        "ops",
        "--watched-namespaces",
        "a",
        "--vvp-url",
        "http://u:s3cr3t@v",
      ]),
    ).not.toContain("s3cr3t");
  });
});

describe("durations", () => {
  it("reads and prints Kubernetes-style durations", () => {
    expect(parseDurationMs("15s")).toBe(15_000);
    expect(parseDurationMs("250ms")).toBe(250);
    expect(parseDurationMs("1.5s")).toBe(1_500);
    expect(parseDurationMs("5m")).toBe(300_000);
    expect(parseDurationMs("1h")).toBe(3_600_000);
    expect(parseDurationMs("15")).toBeUndefined();
    expect(parseDurationMs("-1s")).toBeUndefined();
    expect(formatDuration(15_000)).toBe("15s");
    expect(formatDuration(250)).toBe("250ms");
    expect(formatDuration(300_000)).toBe("5m");
  });
});
