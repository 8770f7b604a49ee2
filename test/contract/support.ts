// The contract suite's two targets: the fake API server (always, in
// `npm test`) and, when VVP_SDK_KUBECONFIG names a kubeconfig file, the
// cluster it points at (skipped otherwise, and the skipped block says so).
// Every probe speaks raw HTTP through the kubeconfig's credentials, so both
// targets see the same bytes.

import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { type RequestOptions, request } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe } from "vitest";
import { buildCrd } from "../../src/crd/index.js";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { WIDGET_CRD } from "./widget-crd.js";

/** One HTTP answer: status, headers and the parsed JSON body (or the text). */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  text: string;
}

/** What a probe talks to. */
export interface Target {
  name: "fake" | "cluster";
  /** A namespace of this run (created before, deleted after). */
  namespace: string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer>;
  /** The fake only: its controls (compaction); undefined against a cluster. */
  fake?: FakeKubernetes;
}

const CLUSTER = process.env.VVP_SDK_KUBECONFIG;

async function clientOf(kubeconfig: string): Promise<Target["call"]> {
  const config = new KubeConfig();
  config.loadFromString(kubeconfig);
  const server = config.getCurrentCluster()?.server ?? "";
  return async (method, path, body, headers = {}) => {
    const options: RequestOptions = { method, headers: { ...headers } };
    await config.applyToHTTPSOptions(options);
    const text =
      body === undefined
        ? undefined
        : typeof body === "string" || body instanceof Uint8Array
          ? body
          : JSON.stringify(body);
    if (text !== undefined && options.headers !== undefined && !("Content-Type" in headers)) {
      (options.headers as Record<string, string>)["Content-Type"] = "application/json";
    }
    return new Promise<Answer>((resolve, reject) => {
      const req = request(`${server}${path}`, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(raw) as Record<string, unknown>;
          } catch {
            // not JSON (a watch stream): the text is there
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text: raw });
        });
      });
      req.on("error", reject);
      req.end(text);
    });
  };
}

const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

// Installs a CRD (or keeps the one there) and waits until it serves.
async function ensureCrd(call: Target["call"], crd: { metadata: { name: string } }): Promise<void> {
  const created = await call("POST", CRD_PATH, crd);
  if (created.status !== 201 && created.status !== 409) {
    throw new Error(`installing ${crd.metadata.name}: ${created.status} ${created.text}`);
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const got = await call("GET", `${CRD_PATH}/${crd.metadata.name}`);
    const conditions = ((got.body.status as { conditions?: { type: string; status: string }[] })
      ?.conditions ?? []) as { type: string; status: string }[];
    // The fake serves a CRD as soon as it is stored (it writes no conditions).
    if (
      got.status === 200 &&
      (conditions.length === 0 ||
        conditions.some((c) => c.type === "Established" && c.status === "True"))
    ) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`CRD ${crd.metadata.name} did not become Established`);
}

/**
 * Declares the probes of one area twice: against the fake, and against the
 * cluster of VVP_SDK_KUBECONFIG (skipped, with the reason in its title,
 * when that variable is not set).
 */
export function contract(area: string, probes: (target: () => Target) => void): void {
  for (const name of ["fake", "cluster"] as const) {
    const skipped = name === "cluster" && CLUSTER === undefined;
    const title =
      name === "fake"
        ? `${area} — against the fake API server`
        : skipped
          ? `${area} — against a cluster (skipped: VVP_SDK_KUBECONFIG is not set)`
          : `${area} — against the cluster of VVP_SDK_KUBECONFIG`;
    describe.skipIf(skipped)(title, () => {
      let target: Target | undefined;
      beforeAll(async () => {
        const fake = name === "fake" ? await startFakeKubernetes() : undefined;
        const kubeconfig = fake?.kubeconfig ?? readFileSync(CLUSTER ?? "", "utf8");
        const call = await clientOf(kubeconfig);
        const namespace = `contract-${randomBytes(4).toString("hex")}`;
        const made = await call("POST", "/api/v1/namespaces", { metadata: { name: namespace } });
        if (made.status !== 201) throw new Error(`namespace: ${made.status} ${made.text}`);
        await ensureCrd(call, WIDGET_CRD);
        await ensureCrd(call, buildCrd());
        target = { name, namespace, call, ...(fake === undefined ? {} : { fake }) };
      }, 60_000);
      afterAll(async () => {
        if (target === undefined) return;
        await target.call("DELETE", `/api/v1/namespaces/${target.namespace}`);
        await target.fake?.close();
      });
      probes(() => {
        if (target === undefined) throw new Error("the target did not start");
        return target;
      });
    });
  }
}

/** The `details.causes` of a failure Status. */
export function causesOf(answer: Answer): { reason: string; message: string; field: string }[] {
  const details = answer.body.details as {
    causes?: { reason: string; message: string; field: string }[];
  };
  return details?.causes ?? [];
}

/** The Warning headers' texts (`299 - "text"`). */
export function warningsOf(answer: Answer): string[] {
  const raw = answer.headers.warning;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : raw.split(/,(?=\s*299 )/);
  return list.map((w) => {
    const match = /^\s*299 - "(.*)"\s*$/.exec(w);
    return match ? (JSON.parse(`"${match[1]}"`) as string) : w;
  });
}

/** A fresh object name. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(3).toString("hex")}`;
