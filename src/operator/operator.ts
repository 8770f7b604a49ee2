import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { createClientNodeKubeApi } from "../kubernetes/client-node-api.js";
import {
  createVvpDeploymentController,
  type VvpDeploymentController,
} from "../kubernetes/index.js";
import type { OperatorConfig } from "./config.js";
import { type ProbeResult, type StartedServer, startHealthServer } from "./health-server.js";
import { createKubernetesLeaseStore } from "./kube-lease-store.js";
import { createWebhookKubeApi, createWebhookKubeChecks } from "./kube-secret-lookup.js";
import { createLeaderElector, type LeaderElector } from "./leader-election.js";
import { createOperatorMetrics, type OperatorMetrics } from "./metrics.js";
import { startWebhookServer, type WebhookServer } from "./webhook-server.js";

/** The controller's name in metrics labels (controller-runtime names it after the kind). */
export const CONTROLLER_NAME = "vvpdeployment";

/** Why the operator ended, and the exit code that goes with it. */
export type OperatorExit =
  | { reason: "signal"; code: 0 }
  | { reason: "leader-election-lost"; code: 1 }
  | { reason: "startup-failed"; code: 1 };

/** What the operator process needs besides its config. */
export interface OperatorDependencies {
  kubeConfig: KubeConfig;
  logger: Logger;
  /** The pod's name (events' reportingInstance, the Lease identity's prefix); default the hostname. */
  podName?: string;
  /** The fetch the VVP client uses before instrumentation (default the global fetch). */
  fetch?: typeof fetch;
}

/** A running operator. */
export interface RunningOperator {
  identity: string;
  metrics: OperatorMetrics;
  healthPort: number;
  webhookPort: number | undefined;
  /** Begins a graceful shutdown (idempotent); resolves when it is complete. */
  shutdown(exit?: OperatorExit): Promise<OperatorExit>;
  /** Resolves once the operator has ended, with why. */
  readonly ended: Promise<OperatorExit>;
}

/**
 * Starts the operator: servers first (the webhook is served by every
 * replica), then leader election; only the leader runs the controller.
 * Graceful shutdown: stop taking work and drain in-flight reconciles (bounded)
 * while still holding the Lease, then release it, then close the servers.
 */
export async function startOperator(
  config: OperatorConfig,
  dependencies: OperatorDependencies,
): Promise<RunningOperator> {
  const { kubeConfig, logger } = dependencies;
  const podName = dependencies.podName ?? hostname();
  // client-go's form: unique even when a restarted pod keeps its name.
  const identity = `${podName}_${randomUUID()}`;
  const election = config.leaderElection;
  const metrics = createOperatorMetrics({
    controllerName: CONTROLLER_NAME,
    leaseName: election.leaseName,
    maxConcurrentReconciles: config.concurrency,
  });
  const controller = createVvpDeploymentController({
    kubeConfig,
    // Its keep-alive agent is shared with the webhook's checks (createWebhookKubeApi).
    kubeApi: createClientNodeKubeApi(kubeConfig, { shareAgent: true }),
    instanceId: config.instanceId,
    watchedNamespaces: config.watchedNamespaces,
    vvp: {
      baseUrl: config.vvpUrl,
      fetch: metrics.instrumentFetch(dependencies.fetch ?? fetch),
      timeoutMs: config.vvpRequestTimeoutMs,
    },
    concurrency: config.concurrency,
    resyncPeriodMs: config.resyncPeriodMs,
    logger: logger.child({ component: "controller" }),
    metrics: metrics.controller,
    apiKey: config.apiKeyValidation,
    reportingInstance: podName,
  });

  let controllerStarted = false;
  let shuttingDown = false;
  let webhook: WebhookServer | undefined;
  let health: StartedServer | undefined;
  let elector: LeaderElector | undefined;
  let resolveEnded: (exit: OperatorExit) => void = () => undefined;
  const ended = new Promise<OperatorExit>((resolve) => {
    resolveEnded = resolve;
  });
  let shutdownPromise: Promise<OperatorExit> | undefined;

  const startController = () => {
    if (controllerStarted || shuttingDown) return;
    controllerStarted = true;
    controller.start();
    logger.info({ watchedNamespaces: config.watchedNamespaces }, "controller started");
  };

  const shutdown = (exit: OperatorExit = { reason: "signal", code: 0 }) => {
    shutdownPromise ??= (async () => {
      shuttingDown = true;
      logger.info({ reason: exit.reason }, "shutting down");
      if (controllerStarted) {
        await stopController(controller, drainBudgetMs(config, exit), logger);
      }
      // Only with nothing in flight may another replica take over at once. A
      // reconcile still running past the drain may yet write to VVP: the
      // Lease is then kept and expires (ours; client-go's ReleaseOnCancel is
      // safe only once the work has stopped).
      const inFlight = controllerStarted ? controller.stats().inFlight : 0;
      if (inFlight > 0) {
        logger.warn({ inFlight }, "reconciles still running: the Lease is kept until it expires");
      }
      await elector?.stop({ release: inFlight === 0 });
      metrics.setLeader(false);
      // Leadership lost: the process must end (and with it any reconcile
      // still running) before the lease can expire, so it does not wait for
      // the servers' in-flight requests (a slow admission review) to finish.
      if (exit.reason === "leader-election-lost") resolveEnded(exit);
      await Promise.all([webhook?.close(), health?.close()]);
      logger.info({ reason: exit.reason, code: exit.code }, "stopped");
      resolveEnded(exit);
      return exit;
    })();
    return shutdownPromise;
  };

  try {
    if (config.tls !== undefined) {
      // Over the controller's keep-alive connections (one agent per
      // KubeConfig), with the webhook's own deadline and a short cache.
      const checks = createWebhookKubeChecks(createWebhookKubeApi(kubeConfig));
      webhook = await startWebhookServer({
        host: config.bindAddress,
        port: config.webhookPort,
        certFile: config.tls.certFile,
        keyFile: config.tls.keyFile,
        instanceId: config.instanceId,
        watchedNamespaces: config.watchedNamespaces,
        apiKeyValidation: config.apiKeyValidation,
        apiKeySecretLookup: config.apiKeyValidation ? checks.secretLookup : undefined,
        secretAccessReview: checks.accessReview,
        logger: logger.child({ component: "webhook" }),
      });
      logger.info({ port: webhook.port, path: "/validate" }, "webhook serving");
    } else {
      logger.info({}, "webhook off: no --tls-cert-file/--tls-key-file");
    }
    health = await startHealthServer({
      host: config.bindAddress,
      port: config.healthPort,
      registry: metrics.registry,
      live: () => ({ ok: true, failures: [] }),
      ready: () =>
        readiness({
          shuttingDown,
          webhook,
          leading: election.enabled ? (elector?.isLeader() ?? false) : true,
          controller,
        }),
    });
    logger.info({ port: health.port }, "health and metrics serving");
  } catch (error) {
    await Promise.all([webhook?.close(), health?.close()]);
    throw error;
  }

  if (election.enabled) {
    elector = createLeaderElector({
      store: createKubernetesLeaseStore(kubeConfig, {
        namespace: election.namespace,
        name: election.leaseName,
        requestTimeoutMs: election.renewDeadlineMs,
      }),
      identity,
      leaseDurationMs: election.leaseDurationMs,
      renewDeadlineMs: election.renewDeadlineMs,
      retryPeriodMs: election.retryPeriodMs,
      onStartedLeading() {
        metrics.setLeader(true);
        logger.info({ identity, lease: election.leaseName }, "became leader");
        startController();
      },
      onStoppedLeading(reason) {
        metrics.setLeader(false);
        if (reason === "lost") {
          // controller-runtime exits here: a restarted pod rejoins as a candidate (ours: exit 1).
          logger.error({ identity, lease: election.leaseName }, "leader election lost");
          void shutdown({ reason: "leader-election-lost", code: 1 });
        }
      },
      onNewLeader(holder) {
        if (holder !== identity) logger.info({ leader: holder || null }, "new leader observed");
      },
      onError(error) {
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          "leader election request failed",
        );
      },
    });
    logger.info(
      { identity, lease: `${election.namespace}/${election.leaseName}` },
      "competing for leadership",
    );
    void elector.run();
  } else {
    startController();
  }

  return {
    identity,
    metrics,
    healthPort: health.port,
    webhookPort: webhook?.port,
    shutdown,
    ended,
  };
}

/**
 * How long in-flight reconciles may finish. After a lost election another
 * replica may take over once the lease runs out (lease duration minus renew
 * deadline after our last renewal), so only half of that margin (ours);
 * the process then exits, which ends whatever is still running.
 */
export function drainBudgetMs(config: OperatorConfig, exit: OperatorExit): number {
  if (exit.reason !== "leader-election-lost") return config.shutdownTimeoutMs;
  const { leaseDurationMs, renewDeadlineMs } = config.leaderElection;
  return Math.min(config.shutdownTimeoutMs, Math.max(0, (leaseDurationMs - renewDeadlineMs) / 2));
}

async function stopController(
  controller: VvpDeploymentController,
  drainTimeoutMs: number,
  logger: Logger,
): Promise<void> {
  try {
    await controller.stop({ drainTimeoutMs });
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "controller did not stop cleanly",
    );
  }
}

/**
 * Readiness (ours, controller-runtime's convention): it does not depend on
 * leadership, so every replica serves the webhook behind the Service. A
 * replica is ready when its webhook serves (if configured) and, when it
 * leads, once the controller's caches have synced. A standby runs no
 * controller and holds no cache, so there is nothing for it to sync.
 */
export function readiness(state: {
  shuttingDown: boolean;
  webhook: WebhookServer | undefined;
  leading: boolean;
  controller: Pick<VvpDeploymentController, "hasSynced">;
}): ProbeResult {
  const failures: string[] = [];
  if (state.shuttingDown) failures.push("shutting down");
  if (state.webhook !== undefined && !state.webhook.serving()) failures.push("webhook not serving");
  if (state.leading && !state.controller.hasSynced()) failures.push("caches not synced");
  return { ok: failures.length === 0, failures };
}
