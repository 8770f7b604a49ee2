// The cluster as `kubectl vvp` reads and writes it: VvpDeployments and their
// Events through @kubernetes/client-node (an optional peer dependency, loaded
// only by the commands that talk to a cluster), with kubectl's flags:
// --kubeconfig, --context, -n/--namespace.
import { resolve } from "node:path";
import { CliUsageError, oneLine } from "./errors.js";
import type { CliIo } from "./io.js";

/** The connection flags of every cluster command, as kubectl spells them. */
export interface KubeFlags {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
}

/** A Kubernetes object as the API returns it. */
export interface KubeItem {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
  };
  [key: string]: unknown;
}

/** What the commands do with the cluster. */
export interface Cluster {
  /** The namespace of -n, else of the kubeconfig context, else `default`. */
  namespace: string;
  /** VvpDeployments of one namespace, or of all (undefined). */
  list(namespace: string | undefined): Promise<KubeItem[]>;
  /** One VvpDeployment. */
  get(namespace: string, name: string): Promise<KubeItem>;
  /** A JSON merge patch of a VvpDeployment (carry metadata.resourceVersion to make it conditional). */
  mergePatch(namespace: string, name: string, patch: unknown): Promise<KubeItem>;
  /** events.k8s.io/v1 Events of the namespace about an object (by uid, else by name and kind). */
  events(namespace: string, regarding: KubeItem): Promise<KubeItem[]>;
}

/** A failure the API server answered with (its code and Status message). */
export class KubeRequestError extends Error {
  override readonly name = "KubeRequestError";
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * Reports a failed request as kubectl does: the server's answer as it is
 * (`Error from server (NotFound): …`), a network failure as an error line;
 * exit 1 for not found, else 2. Anything else is thrown on.
 */
export function reportKubeError(
  error: unknown,
  context: { io: CliIo; exit(code: number): void },
): void {
  if (!(error instanceof KubeRequestError)) throw error;
  context.io.stderr(`${error.code === 0 ? "error: " : ""}${error.message}\n`);
  context.exit(error.code === 404 ? 1 : 2);
}

const VVP = { group: "ververica.platform", version: "v1", plural: "vvpdeployments" } as const;
const EVENTS = { group: "events.k8s.io", version: "v1", plural: "events" } as const;

/** The install line printed when the optional peer is missing. */
export const CLIENT_NODE_MISSING =
  "needs @kubernetes/client-node, an optional peer dependency: npm install @kubernetes/client-node@^1.4.0";

type ClientNode = typeof import("@kubernetes/client-node");

async function loadClientNode(command: string): Promise<ClientNode> {
  try {
    return await import("@kubernetes/client-node");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_MODULE_NOT_FOUND" && String(error).includes("@kubernetes/client-node")) {
      throw new CliUsageError(`${command} ${CLIENT_NODE_MISSING}`);
    }
    throw error;
  }
}

/** The context names of a kubeconfig (the file, else KUBECONFIG or ~/.kube/config), for completion. */
export async function listContexts(file: string | undefined, io: CliIo): Promise<string[]> {
  const k8s = await loadClientNode("completion");
  const config = new k8s.KubeConfig();
  loadConfig(config, file, io);
  return config.getContexts().map((context) => context.name);
}

function loadConfig(
  config: InstanceType<ClientNode["KubeConfig"]>,
  file: string | undefined,
  io: CliIo,
): void {
  const fromEnv = io.env?.KUBECONFIG;
  if (file !== undefined) config.loadFromFile(resolve(io.cwd, file));
  else if (fromEnv !== undefined && fromEnv !== "" && fromEnv !== process.env.KUBECONFIG) {
    // An embedding's own KUBECONFIG (tests): its first file.
    const files = fromEnv.split(process.platform === "win32" ? ";" : ":");
    config.loadFromFile(resolve(io.cwd, files[0] ?? ""));
  } else {
    // The process' KUBECONFIG (every file, merged as kubectl does), else ~/.kube/config.
    config.loadFromDefault();
  }
}

/** Connects as kubectl would: the kubeconfig file (or KUBECONFIG, ~/.kube/config), the context, the namespace. */
export async function connect(flags: KubeFlags, io: CliIo, command: string): Promise<Cluster> {
  const k8s = await loadClientNode(command);
  const config = new k8s.KubeConfig();
  try {
    loadConfig(config, flags.kubeconfig, io);
  } catch (error) {
    throw new CliUsageError(`cannot read the kubeconfig: ${oneLine(error)}`);
  }
  if (flags.context !== undefined) {
    if (!config.getContexts().some((context) => context.name === flags.context)) {
      throw new CliUsageError(`context "${flags.context}" does not exist in the kubeconfig`);
    }
    config.setCurrentContext(flags.context);
  }
  const cluster = config.getCurrentCluster();
  if (cluster === null) {
    throw new CliUsageError(
      "no Kubernetes cluster configured: pass --kubeconfig or --context, or set KUBECONFIG",
    );
  }
  const contextNamespace = config.getContextObject(config.getCurrentContext())?.namespace;
  const namespace = flags.namespace ?? (contextNamespace || "default");
  const api = config.makeApiClient(k8s.CustomObjectsApi);
  const mergePatch = k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch);
  const call = async <T>(what: string, request: () => Promise<unknown>): Promise<T> => {
    try {
      return (await request()) as T;
    } catch (error) {
      throw asRequestError(error, what, cluster.server, k8s);
    }
  };
  return {
    namespace,
    list: async (ns) => {
      const list = await call<{ items?: KubeItem[] }>("list vvpdeployments", () =>
        ns === undefined
          ? api.listClusterCustomObject({ ...VVP })
          : api.listNamespacedCustomObject({ ...VVP, namespace: ns }),
      );
      return list.items ?? [];
    },
    get: (ns, name) =>
      call(`vvpdeployments.ververica.platform "${name}"`, () =>
        api.getNamespacedCustomObject({ ...VVP, namespace: ns, name }),
      ),
    mergePatch: (ns, name, patch) =>
      call(`vvpdeployments.ververica.platform "${name}"`, () =>
        api.patchNamespacedCustomObject({ ...VVP, namespace: ns, name, body: patch }, mergePatch),
      ),
    events: async (ns, regarding) => {
      const list = await call<{ items?: KubeItem[] }>("list events", () =>
        api.listNamespacedCustomObject({ ...EVENTS, namespace: ns }),
      );
      return (list.items ?? []).filter((event) => isAbout(event, regarding));
    },
  };
}

function isAbout(event: KubeItem, object: KubeItem): boolean {
  const regarding = event.regarding as { uid?: string; name?: string; kind?: string } | undefined;
  if (regarding === undefined) return false;
  if (regarding.uid !== undefined && object.metadata.uid !== undefined) {
    return regarding.uid === object.metadata.uid;
  }
  return regarding.name === object.metadata.name && regarding.kind === "VvpDeployment";
}

// kubectl's wording: `Error from server (NotFound): … not found`; a network
// failure names the server. Never the request's headers (the token).
function asRequestError(error: unknown, what: string, server: string, k8s: ClientNode): Error {
  if (error instanceof k8s.ApiException) {
    const body = parseBody(error.body);
    const reason = typeof body?.reason === "string" ? body.reason : `HTTP ${error.code}`;
    const message =
      typeof body?.message === "string"
        ? body.message
        : error.code === 404
          ? `${what} not found`
          : `${what}: HTTP ${error.code}`;
    return new KubeRequestError(`Error from server (${reason}): ${message}`, error.code);
  }
  return new KubeRequestError(
    `cannot reach the cluster at ${server}: ${oneLine(error).replace(/^request to \S+ failed, reason: /, "")}`,
    0,
  );
}

function parseBody(body: unknown): { reason?: unknown; message?: unknown } | undefined {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as { reason?: unknown; message?: unknown };
    } catch {
      return undefined;
    }
  }
  return body !== null && typeof body === "object"
    ? (body as { reason?: unknown; message?: unknown })
    : undefined;
}
