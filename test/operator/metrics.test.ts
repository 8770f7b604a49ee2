import { describe, expect, it } from "vitest";
import { createOperatorMetrics, templatePath } from "../../src/operator/metrics.js";
import { parsePrometheusText, sampleValue } from "./prometheus-text.js";

function metrics() {
  return createOperatorMetrics({
    controllerName: "vvpdeployment",
    leaseName: "vvp-operator-ops",
    maxConcurrentReconciles: 4,
  });
}

describe("operator metrics", () => {
  it("exports controller-runtime's names with zeros from the start, and process metrics", async () => {
    const { registry } = metrics();
    const samples = parsePrometheusText(await registry.metrics());
    for (const result of ["success", "error", "requeue", "requeue_after"]) {
      expect(
        sampleValue(samples, "controller_runtime_reconcile_total", {
          controller: "vvpdeployment",
          result,
        }),
      ).toBe(0);
    }
    expect(
      sampleValue(samples, "controller_runtime_reconcile_errors_total", {
        controller: "vvpdeployment",
      }),
    ).toBe(0);
    expect(
      sampleValue(samples, "controller_runtime_active_workers", { controller: "vvpdeployment" }),
    ).toBe(0);
    expect(
      sampleValue(samples, "controller_runtime_max_concurrent_reconciles", {
        controller: "vvpdeployment",
      }),
    ).toBe(4);
    expect(sampleValue(samples, "workqueue_depth", { name: "vvpdeployment" })).toBe(0);
    expect(sampleValue(samples, "workqueue_adds_total", { name: "vvpdeployment" })).toBe(0);
    expect(sampleValue(samples, "workqueue_retries_total", { name: "vvpdeployment" })).toBe(0);
    expect(
      sampleValue(samples, "leader_election_master_status", { name: "vvp-operator-ops" }),
    ).toBe(0);
    expect(samples.some((sample) => sample.name === "process_cpu_user_seconds_total")).toBe(true);
    expect(samples.some((sample) => sample.name === "nodejs_heap_size_used_bytes")).toBe(true);
  });

  it("moves with the controller's hooks and leadership", async () => {
    const { registry, controller, setLeader } = metrics();
    controller.reconcileDone("success", 0.02);
    controller.reconcileDone("error", 0.5);
    controller.reconcileDone("requeue_after", 0.01);
    controller.activeWorkers(3);
    controller.queueDepth(7);
    controller.queueAdd();
    controller.queueAdd();
    controller.queueRetry();
    setLeader(true);
    const samples = parsePrometheusText(await registry.metrics());
    const labels = { controller: "vvpdeployment" };
    expect(
      sampleValue(samples, "controller_runtime_reconcile_total", { ...labels, result: "success" }),
    ).toBe(1);
    expect(
      sampleValue(samples, "controller_runtime_reconcile_total", { ...labels, result: "error" }),
    ).toBe(1);
    expect(sampleValue(samples, "controller_runtime_reconcile_errors_total", labels)).toBe(1);
    expect(sampleValue(samples, "controller_runtime_reconcile_time_seconds_count", labels)).toBe(3);
    expect(
      sampleValue(samples, "controller_runtime_reconcile_time_seconds_bucket", {
        ...labels,
        le: "0.025",
      }),
    ).toBe(2);
    expect(sampleValue(samples, "controller_runtime_active_workers", labels)).toBe(3);
    expect(sampleValue(samples, "workqueue_depth", { name: "vvpdeployment" })).toBe(7);
    expect(sampleValue(samples, "workqueue_adds_total", { name: "vvpdeployment" })).toBe(2);
    expect(sampleValue(samples, "workqueue_retries_total", { name: "vvpdeployment" })).toBe(1);
    expect(
      sampleValue(samples, "leader_election_master_status", { name: "vvp-operator-ops" }),
    ).toBe(1);
  });

  it("uses a registry of its own, so two operators in one process do not clash", () => {
    expect(() => {
      metrics();
      metrics();
    }).not.toThrow();
  });

  it("counts VVP requests by method, templated path and code, never the token or an id", async () => {
    const { registry, instrumentFetch } = metrics();
    const token = "tok-3f9a";
    const answers = [200, 404];
    const fetch = instrumentFetch(
      async () => new Response("{}", { status: answers.shift() ?? 500 }),
    );
    const headers = { authorization: `Bearer ${token}` };
    await fetch(
      new Request(
        "http://vvp/api/v1/namespaces/team-a/deployments/5a1c9f0e-1111-2222-3333-444455556666",
        {
          headers,
        },
      ),
    );
    await fetch("http://vvp/api/v1/namespaces/team-b/deployments/other?x=1", {
      method: "patch",
      headers,
    });
    const failing = instrumentFetch(async () => {
      throw new TypeError("fetch failed");
    });
    await expect(
      failing("http://vvp/api/v1/namespaces/team-a/savepoints", { method: "POST" }),
    ).rejects.toThrow();
    const text = await registry.metrics();
    const samples = parsePrometheusText(text);
    const path = "/api/v1/namespaces/{namespace}/deployments/{id}";
    expect(
      sampleValue(samples, "vvp_client_requests_total", { method: "GET", path, code: "200" }),
    ).toBe(1);
    expect(
      sampleValue(samples, "vvp_client_requests_total", { method: "PATCH", path, code: "404" }),
    ).toBe(1);
    expect(
      sampleValue(samples, "vvp_client_requests_total", {
        method: "POST",
        path: "/api/v1/namespaces/{namespace}/savepoints",
        code: "<error>",
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, "vvp_client_request_duration_seconds_count", {
        method: "GET",
        path,
        code: "200",
      }),
    ).toBe(1);
    for (const secret of [token, "team-a", "5a1c9f0e", "other"]) expect(text).not.toContain(secret);
  });

  it("templates VVP paths", () => {
    expect(templatePath("/api/v1/namespaces/default/deployments")).toBe(
      "/api/v1/namespaces/{namespace}/deployments",
    );
    expect(templatePath("/api/v1/namespaces/default/jobs/1234")).toBe(
      "/api/v1/namespaces/{namespace}/jobs/{id}",
    );
    expect(templatePath("/api/v1/namespaces/d/deployments/x/events")).toBe(
      "/api/v1/namespaces/{namespace}/deployments/{id}/events",
    );
    expect(templatePath("/")).toBe("/");
    expect(templatePath("/api/v1/namespaces/d/Weird%20Stuff/x")).toBe(
      "/api/v1/namespaces/{namespace}/{unknown}/{id}",
    );
  });
});
