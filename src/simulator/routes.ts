import {
  createDeployment,
  deleteDeployment,
  listDeployments,
  patchDeployment,
  putDeployment,
  requireDeployment,
  snapshot,
} from "./deployments.js";
import { SimulatorError } from "./errors.js";
import { compilePathPattern, matchPathPattern, type PathPattern } from "./path-pattern.js";
import { listSavepoints, triggerSavepoint } from "./savepoints.js";
import type { SimulatorState } from "./state.js";
import type { JsonValue } from "./types.js";

/** What a route handler receives. */
export interface RouteRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (routes with `body: true` only). */
  body: JsonValue;
}

/** What a route handler answers. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** One endpoint of the simulated Application Manager. */
export interface Route {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  pattern: string;
  /** Whether the route reads a JSON body. */
  body: boolean;
  handle(state: SimulatorState, request: RouteRequest): RouteAnswer;
}

const NAMESPACE = "/api/v1/namespaces/:namespace";

function list(items: unknown[]): RouteAnswer {
  return { status: 200, body: { apiVersion: "v1", kind: "ResourceList", metadata: {}, items } };
}

function ok(body: unknown, status = 200): RouteAnswer {
  return { status, body: structuredClone(body) };
}

function param(request: RouteRequest, key: string): string {
  return request.params[key] ?? "";
}

function query(request: RouteRequest, key: string): string | undefined {
  return request.query.get(key) ?? undefined;
}

function byDeployment<T extends { metadata: { namespace: string; deploymentId: string } }>(
  items: Iterable<T>,
  request: RouteRequest,
): T[] {
  const namespace = param(request, "namespace");
  const deploymentId = query(request, "deploymentId");
  return [...items].filter(
    (item) =>
      item.metadata.namespace === namespace &&
      (deploymentId === undefined || item.metadata.deploymentId === deploymentId),
  );
}

/** The endpoints the SDK uses: deployments, savepoints, jobs, events and deployment targets. */
export const ROUTES: readonly Route[] = [
  {
    method: "GET",
    pattern: `${NAMESPACE}/deployments`,
    body: false,
    handle: (state, request) =>
      list(listDeployments(state, param(request, "namespace"), query(request, "labelSelector"))),
  },
  {
    method: "POST",
    pattern: `${NAMESPACE}/deployments`,
    body: true,
    handle: (state, request) =>
      ok(createDeployment(state, param(request, "namespace"), request.body), 201),
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/deployments/:deploymentId`,
    body: false,
    handle: (state, request) =>
      ok(
        snapshot(
          requireDeployment(state, param(request, "namespace"), param(request, "deploymentId")),
        ),
      ),
  },
  {
    method: "PATCH",
    pattern: `${NAMESPACE}/deployments/:deploymentId`,
    body: true,
    handle: (state, request) =>
      ok(
        patchDeployment(
          state,
          param(request, "namespace"),
          param(request, "deploymentId"),
          request.body,
        ),
      ),
  },
  {
    method: "PUT",
    pattern: `${NAMESPACE}/deployments/:deploymentId`,
    body: true,
    handle: (state, request) =>
      ok(
        putDeployment(
          state,
          param(request, "namespace"),
          param(request, "deploymentId"),
          request.body,
        ),
      ),
  },
  {
    method: "DELETE",
    pattern: `${NAMESPACE}/deployments/:deploymentId`,
    body: false,
    handle: (state, request) =>
      ok(deleteDeployment(state, param(request, "namespace"), param(request, "deploymentId"))),
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/savepoints`,
    body: false,
    handle: (state, request) =>
      list(
        structuredClone(
          listSavepoints(state, param(request, "namespace"), query(request, "deploymentId")),
        ),
      ),
  },
  {
    method: "POST",
    pattern: `${NAMESPACE}/savepoints`,
    body: true,
    handle: (state, request) =>
      ok(triggerSavepoint(state, param(request, "namespace"), request.body), 201),
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/savepoints/:savepointId`,
    body: false,
    handle: (state, request) => {
      const savepoint = state.savepoints.get(param(request, "savepointId"));
      if (savepoint?.metadata.namespace !== param(request, "namespace")) {
        throw new SimulatorError(404, `Savepoint ${param(request, "savepointId")} not found`);
      }
      return ok(savepoint);
    },
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/jobs`,
    body: false,
    handle: (state, request) => list(structuredClone(byDeployment(state.jobs.values(), request))),
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/jobs/:jobId`,
    body: false,
    handle: (state, request) => {
      const job = state.jobs.get(param(request, "jobId"));
      if (job?.metadata.namespace !== param(request, "namespace")) {
        throw new SimulatorError(404, `Job ${param(request, "jobId")} not found`);
      }
      return ok(job);
    },
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/events`,
    body: false,
    handle: (state, request) => list(structuredClone(byDeployment(state.events, request))),
  },
  {
    method: "GET",
    pattern: `${NAMESPACE}/deployment-targets/:name`,
    body: false,
    handle: (state, request) => {
      const target = state.deploymentTarget(param(request, "namespace"), param(request, "name"));
      if (target === undefined) {
        throw new SimulatorError(
          404,
          `Deployment target ${JSON.stringify(param(request, "name"))} not found`,
        );
      }
      return ok(target);
    },
  },
];

const COMPILED: readonly (Route & { compiled: PathPattern })[] = ROUTES.map((route) => ({
  ...route,
  compiled: compilePathPattern(route.pattern),
}));

/** The outcome of routing a request. */
export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method-not-allowed"; allowed: string[] }
  | { kind: "not-found" };

/** Finds the route of a method and path. */
export function matchRoute(method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of COMPILED) {
    const params = matchPathPattern(route.compiled, path);
    if (params === undefined) continue;
    if (route.method === method) return { kind: "found", route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: "method-not-allowed", allowed } : { kind: "not-found" };
}
