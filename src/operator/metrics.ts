import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** A reconcile's result as controller-runtime labels it. */
export type ReconcileResult = "success" | "error" | "requeue" | "requeue_after";

/** The hooks the controller calls (structurally the controller's ControllerMetrics). */
export interface ControllerMetricsHooks {
  reconcileDone(result: ReconcileResult, seconds: number): void;
  activeWorkers(count: number): void;
  queueDepth(depth: number): void;
  queueAdd(): void;
  queueRetry(): void;
}

/** The fetch signature the VVP client accepts. */
export type FetchFunction = typeof fetch;

/** The operator's metrics: one registry of its own, controller-runtime's names. */
export interface OperatorMetrics {
  registry: Registry;
  /** Handed to the controller as `metrics`. */
  controller: ControllerMetricsHooks;
  /** leader_election_master_status: 1 while this replica leads. */
  setLeader(leading: boolean): void;
  /** Wraps the fetch handed to the VVP client: counts and times each request. */
  instrumentFetch(inner: FetchFunction): FetchFunction;
}

/** What names the metrics' label values. */
export interface OperatorMetricsOptions {
  /** The `controller` and workqueue `name` label (controller-runtime: the controller's name). */
  controllerName: string;
  /** The `name` label of leader_election_master_status: the Lease's name. */
  leaseName: string;
  /** Concurrency, exported as controller_runtime_max_concurrent_reconciles. */
  maxConcurrentReconciles: number;
  /** Node process metrics (default true). */
  processMetrics?: boolean;
}

/** controller-runtime's buckets for controller_runtime_reconcile_time_seconds. */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9,
  1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** client-go's rest_client_request_duration_seconds buckets, reused for VVP requests. */
const REQUEST_BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** Creates the registry and every metric; nothing is registered globally. */
export function createOperatorMetrics(options: OperatorMetricsOptions): OperatorMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const controller = options.controllerName;
  const registers = [registry];

  const reconcileTotal = new Counter({
    name: "controller_runtime_reconcile_total",
    help: "Total number of reconciliations per controller",
    labelNames: ["controller", "result"],
    registers,
  });
  const reconcileErrors = new Counter({
    name: "controller_runtime_reconcile_errors_total",
    help: "Total number of reconciliation errors per controller",
    labelNames: ["controller"],
    registers,
  });
  const reconcileTime = new Histogram({
    name: "controller_runtime_reconcile_time_seconds",
    help: "Length of time per reconciliation per controller",
    labelNames: ["controller"],
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const activeWorkers = new Gauge({
    name: "controller_runtime_active_workers",
    help: "Number of currently used workers per controller",
    labelNames: ["controller"],
    registers,
  });
  const maxConcurrent = new Gauge({
    name: "controller_runtime_max_concurrent_reconciles",
    help: "Maximum number of concurrent reconciles per controller",
    labelNames: ["controller"],
    registers,
  });
  const queueDepth = new Gauge({
    name: "workqueue_depth",
    help: "Current depth of workqueue",
    labelNames: ["name"],
    registers,
  });
  const queueAdds = new Counter({
    name: "workqueue_adds_total",
    help: "Total number of adds handled by workqueue",
    labelNames: ["name"],
    registers,
  });
  const queueRetries = new Counter({
    name: "workqueue_retries_total",
    help: "Total number of retries handled by workqueue",
    labelNames: ["name"],
    registers,
  });
  const leader = new Gauge({
    name: "leader_election_master_status",
    help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease.",
    labelNames: ["name"],
    registers,
  });
  const vvpRequests = new Counter({
    name: "vvp_client_requests_total",
    help: "Number of requests to Ververica Platform, by method, templated path and status code",
    labelNames: ["method", "path", "code"],
    registers,
  });
  const vvpLatency = new Histogram({
    name: "vvp_client_request_duration_seconds",
    help: "Time until the response headers of a request to Ververica Platform, by method, templated path and status code",
    labelNames: ["method", "path", "code"],
    buckets: REQUEST_BUCKETS,
    registers,
  });

  // Present from the start, so dashboards and alerts see zeros rather than no series.
  maxConcurrent.set({ controller }, options.maxConcurrentReconciles);
  activeWorkers.set({ controller }, 0);
  queueDepth.set({ name: controller }, 0);
  queueAdds.inc({ name: controller }, 0);
  queueRetries.inc({ name: controller }, 0);
  reconcileErrors.inc({ controller }, 0);
  for (const result of ["success", "error", "requeue", "requeue_after"] as const) {
    reconcileTotal.inc({ controller, result }, 0);
  }
  leader.set({ name: options.leaseName }, 0);

  return {
    registry,
    controller: {
      reconcileDone(result, seconds) {
        reconcileTotal.inc({ controller, result });
        if (result === "error") reconcileErrors.inc({ controller });
        reconcileTime.observe({ controller }, seconds);
      },
      activeWorkers: (count) => activeWorkers.set({ controller }, count),
      queueDepth: (depth) => queueDepth.set({ name: controller }, depth),
      queueAdd: () => queueAdds.inc({ name: controller }),
      queueRetry: () => queueRetries.inc({ name: controller }),
    },
    setLeader: (leading) => leader.set({ name: options.leaseName }, leading ? 1 : 0),
    instrumentFetch(inner) {
      const instrumented = async (input: Parameters<FetchFunction>[0], init?: RequestInit) => {
        const { method, path } = describeRequest(input, init);
        const started = performance.now();
        const done = (code: string) => {
          vvpRequests.inc({ method, path, code });
          vvpLatency.observe({ method, path, code }, (performance.now() - started) / 1000);
        };
        try {
          const response = await inner(input, init);
          done(String(response.status));
          return response;
        } catch (error) {
          // client-go's label for a request that got no answer.
          done("<error>");
          throw error;
        }
      };
      return instrumented as FetchFunction;
    },
  };
}

function describeRequest(
  input: Parameters<FetchFunction>[0],
  init: RequestInit | undefined,
): { method: string; path: string } {
  const isRequest = typeof Request !== "undefined" && input instanceof Request;
  const method = (init?.method ?? (isRequest ? input.method : "GET")).toUpperCase();
  const href = isRequest ? input.url : input instanceof URL ? input.href : String(input);
  let pathname = "/";
  try {
    pathname = new URL(href, "http://vvp.invalid").pathname;
  } catch {
    // An unparsable URL is labelled "/": labels must never carry raw input.
  }
  return { method, path: templatePath(pathname) };
}

const VERSION_SEGMENT = /^v\d+[a-z0-9]*$/;

/**
 * The path with its names and ids replaced, so label values stay few and no
 * deployment name or id becomes a series: `/api/v1/namespaces/{namespace}/deployments/{id}`.
 * VVP's REST paths alternate collection and name after the `/api/vN` prefix.
 */
export function templatePath(pathname: string): string {
  const segments = pathname.split("/").filter((segment) => segment !== "");
  const templated: string[] = [];
  let index = 0;
  while (
    index < segments.length &&
    (segments[index] === "api" || VERSION_SEGMENT.test(segments[index] ?? ""))
  ) {
    templated.push(segments[index] ?? "");
    index++;
  }
  let collection = true;
  for (; index < segments.length; index++) {
    const segment = segments[index] ?? "";
    if (collection) {
      templated.push(/^[a-z][a-z0-9-]*$/.test(segment) ? segment : "{unknown}");
    } else {
      templated.push(templated.at(-1) === "namespaces" ? "{namespace}" : "{id}");
    }
    collection = !collection;
  }
  return `/${templated.join("/")}`;
}
