import type { SimulatedDeployment, VvpSimulator } from "../../src/simulator/index.js";
import { exampleCr } from "../support/examples.js";

/** An answer of the simulator: status and parsed JSON body. */
export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Calls the simulator with plain fetch, as any client would. */
export async function call<T = Record<string, unknown>>(
  simulator: VvpSimulator,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined || options.rawBody !== undefined) {
    headers["content-type"] = "application/json";
  }
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${simulator.url}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as T };
}

/** Path of the deployments collection of a namespace. */
export const deploymentsPath = (namespace = "default") =>
  `/api/v1/namespaces/${namespace}/deployments`;

/** Path of one deployment. */
export const deploymentPath = (id: string, namespace = "default") =>
  `${deploymentsPath(namespace)}/${id}`;

/** A deployment body loose enough for tests to break on purpose. */
export interface ExampleBody {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown> & {
    template: { spec: Record<string, unknown> & { artifact?: Record<string, unknown> } };
  };
}

/** The seed's PATCH example body (`spec.deployment`), optionally renamed. */
export function exampleBody(name = "my-deployment"): ExampleBody {
  const body = exampleCr("PATCH").spec.deployment as unknown as ExampleBody;
  body.metadata.name = name;
  return body;
}

/** Creates the example deployment over HTTP and returns it. */
export async function createExample(
  simulator: VvpSimulator,
  overrides: { name?: string; state?: string; parallelism?: number } = {},
): Promise<SimulatedDeployment> {
  const body = exampleBody(overrides.name);
  if (overrides.state !== undefined) body.spec.state = overrides.state;
  if (overrides.parallelism !== undefined) {
    body.spec.template.spec.parallelism = overrides.parallelism;
  }
  const reply = await call<SimulatedDeployment>(simulator, "POST", deploymentsPath(), { body });
  if (reply.status !== 201) throw new Error(`create failed: ${JSON.stringify(reply)}`);
  return reply.body;
}

/** Reads a deployment over HTTP. */
export async function getDeployment(
  simulator: VvpSimulator,
  id: string,
): Promise<SimulatedDeployment> {
  return (await call<SimulatedDeployment>(simulator, "GET", deploymentPath(id))).body;
}
