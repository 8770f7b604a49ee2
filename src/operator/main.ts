#!/usr/bin/env node
// The vvp-operator process: parse flags, start, and shut down gracefully on
// SIGTERM/SIGINT. Everything else lives in the modules beside it.
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { parseCommandLine, USAGE_ERROR_EXIT_CODE } from "./config.js";

/** Field paths pino blanks out, should a token ever reach a log call. */
const REDACTED_PATHS = [
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
];

function readFileIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Loads the modules that need @kubernetes/client-node, an optional peer
 * dependency of the package: without it, one line says what to install.
 */
async function loadClientNode(): Promise<typeof import("./kube-config.js") | string> {
  try {
    return await import("./kube-config.js");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && String(error).includes("@kubernetes/client-node")) {
      return "needs @kubernetes/client-node, an optional peer dependency: npm install @kubernetes/client-node@^1.4.0";
    }
    throw error;
  }
}

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env, readFileIfExists);
  if (parsed.kind === "exit") {
    if (parsed.stdout) process.stdout.write(parsed.stdout);
    if (parsed.stderr) process.stderr.write(parsed.stderr);
    return parsed.code;
  }
  const config = parsed.config;
  // Loaded only now: --help and usage errors answer without loading client-node.
  const loaded = await loadClientNode();
  if (typeof loaded === "string") {
    process.stderr.write(`vvp-operator: ${loaded}\n`);
    return USAGE_ERROR_EXIT_CODE;
  }
  const { loadKubeConfig } = loaded;
  let kube: ReturnType<typeof loadKubeConfig>;
  try {
    kube = loadKubeConfig(config.kubeconfig, process.env);
  } catch (error) {
    process.stderr.write(
      `vvp-operator: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`,
    );
    return USAGE_ERROR_EXIT_CODE;
  }
  // Synchronous writes: the last lines before exit are never lost.
  const logger = pino(
    {
      level: config.logLevel,
      base: { instanceId: config.instanceId },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    },
    pino.destination({ dest: 1, sync: true }),
  );
  logger.info({ kubeconfig: kube.source, vvpUrl: config.vvpUrl }, "starting vvp-operator");

  const { startOperator } = await import("./operator.js");
  let operator: Awaited<ReturnType<typeof startOperator>>;
  try {
    operator = await startOperator(config, {
      kubeConfig: kube.kubeConfig,
      logger,
      podName: process.env.POD_NAME || undefined,
    });
  } catch (error) {
    logger.fatal({ err: error instanceof Error ? error.message : String(error) }, "startup failed");
    return 1;
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      // controller-runtime's convention: a second signal exits at once.
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    logger.info({ signal }, "signal received");
    // A bound on the whole shutdown, should anything hang past the drain (ours: drain + 10 s).
    setTimeout(() => {
      logger.error({ signal }, "shutdown did not finish in time: exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs + 10_000).unref();
    void operator.shutdown({ reason: "signal", code: 0 });
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const exit = await operator.ended;
  return exit.code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `vvp-operator: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}\n`,
    );
    process.exit(1);
  },
);
