// Shared setup of the fake-Kubernetes tests: a client-node configuration for
// a running fake, and a valid VvpDeployment.

import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { FakeKubernetes } from "../../src/testing/index.js";
import { exampleCr } from "../support/examples.js";

/** client-node APIs against a fake. */
export function clientsFor(kube: FakeKubernetes) {
  const config = new KubeConfig();
  config.loadFromString(kube.kubeconfig);
  return {
    config,
    custom: config.makeApiClient(CustomObjectsApi),
    core: config.makeApiClient(CoreV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    events: config.makeApiClient(EventsV1Api),
  };
}

/** The `ConfigurationOptions` that make a client-node patch a JSON merge patch. */
export const MERGE_PATCH = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
/** The `ConfigurationOptions` of a JSON patch (client-node's default, made explicit). */
export const JSON_PATCH = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);

/** The VvpDeployment resource coordinates for CustomObjectsApi. */
export const VVP = {
  group: "ververica.platform",
  version: "v1",
  plural: "vvpdeployments",
} as const;

/** The seed's PATCH example in a namespace, with a name. */
export function vvpDeployment(name = "my-deployment", namespace = "team-a") {
  const cr = exampleCr("PATCH") as unknown as {
    metadata: { name: string; namespace: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  cr.metadata.name = name;
  cr.metadata.namespace = namespace;
  return cr;
}

/** The status code and parsed Status of a client-node ApiException. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: number; body?: unknown };
    const body = typeof e.body === "string" ? JSON.parse(e.body) : e.body;
    return { code: e.code ?? 0, status: body as Record<string, unknown> };
  }
  throw new Error("expected the call to fail");
}

/** A raw HTTPS request to the fake, trusting its CA (for what client-node cannot send). */
export async function httpsFetch(
  kube: FakeKubernetes,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(
      `${kube.url}${path}`,
      {
        method: init.method ?? "GET",
        ca: kube.caCert,
        headers: { Authorization: `Bearer ${kube.token}`, ...(init.headers ?? {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve(
            new Response(Buffer.concat(chunks), {
              status: res.statusCode ?? 0,
              headers: res.headers as Record<string, string>,
            }),
          ),
        );
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A raw JSON POST to the fake (creates the object the body describes). */
export function postJson(kube: FakeKubernetes, path: string, body: unknown): Promise<Response> {
  return httpsFetch(kube, path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}
