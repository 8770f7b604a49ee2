import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type Job,
  type SimulatedDeployment,
  SPEC_VERSION_ANNOTATION,
  startVvpSimulator,
  type VvpSimulator,
} from "../../src/simulator/index.js";
import {
  call,
  createExample,
  deploymentPath,
  deploymentsPath,
  type ExampleBody,
  exampleBody,
  getDeployment,
} from "./support.js";

const TRANSITION = 1000;
let simulator: VvpSimulator;

beforeEach(async () => {
  simulator = await startVvpSimulator({ transitionMs: TRANSITION, seed: 7 });
});
afterEach(() => simulator.close());

async function patch(id: string, body: unknown) {
  return call<SimulatedDeployment>(simulator, "PATCH", deploymentPath(id), { body });
}

describe("create", () => {
  it("assigns id, resourceVersion 1, clock times, VVP defaults and bookkeeping", async () => {
    const body = exampleBody();
    delete body.spec.state;
    const reply = await call<SimulatedDeployment>(simulator, "POST", deploymentsPath(), { body });
    expect(reply.status).toBe(201);
    const created = reply.body;
    expect(created).toMatchObject({
      apiVersion: "v1",
      kind: "Deployment",
      metadata: {
        name: "my-deployment",
        namespace: "default",
        resourceVersion: 1,
        createdAt: "2024-01-01T00:00:00.000Z",
        modifiedAt: "2024-01-01T00:00:00.000Z",
        annotations: { [SPEC_VERSION_ANNOTATION]: "1" },
      },
      spec: { state: "CANCELLED", template: { spec: { parallelism: 1 } } },
      status: { state: "CANCELLED" },
    });
    expect(created.metadata.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(await getDeployment(simulator, created.metadata.id)).toEqual(created);
  });

  it("gives the same ids for the same seed", async () => {
    const first = await createExample(simulator);
    const again = await startVvpSimulator({ seed: 7 });
    try {
      const reply = await call<SimulatedDeployment>(again, "POST", deploymentsPath(), {
        body: exampleBody(),
      });
      expect(reply.body.metadata.id).toBe(first.metadata.id);
    } finally {
      await again.close();
    }
  });

  it("refuses a second deployment of the same name in a namespace with 409", async () => {
    await createExample(simulator);
    const reply = await call(simulator, "POST", deploymentsPath(), { body: exampleBody() });
    expect(reply.status).toBe(409);
    expect(reply.body.message).toMatch(/already exists/);
    const otherNamespace = exampleBody();
    otherNamespace.metadata.namespace = "team-b";
    expect(
      (await call(simulator, "POST", deploymentsPath("team-b"), { body: otherNamespace })).status,
    ).toBe(201);
  });

  it("filters the list with a label selector", async () => {
    const labelled = exampleBody("labelled");
    labelled.metadata.labels = { team: "a", tier: "gold" };
    await call(simulator, "POST", deploymentsPath(), { body: labelled });
    await createExample(simulator, { name: "plain" });
    const names = async (selector: string) =>
      (
        await call<{ items: SimulatedDeployment[] }>(
          simulator,
          "GET",
          `${deploymentsPath()}?labelSelector=${encodeURIComponent(selector)}`,
        )
      ).body.items.map((item) => item.metadata.name);
    expect(await names("team=a,tier=gold")).toEqual(["labelled"]);
    expect(await names("team=a,tier=silver")).toEqual([]);
    expect(await names("team!=a")).toEqual(["plain"]);
    expect(await names("!team")).toEqual(["plain"]);
    expect(await names("team in (a,b),tier")).toEqual(["labelled"]);
    expect(await names("team notin (a)")).toEqual(["plain"]);
    expect(await names("team==a")).toEqual(["labelled"]);
    const malformed = await call(simulator, "GET", `${deploymentsPath()}?labelSelector=a%20in%20b`);
    expect(malformed.status).toBe(400);
    const all = await call<{ kind: string; items: unknown[] }>(simulator, "GET", deploymentsPath());
    expect(all.body).toMatchObject({ kind: "ResourceList" });
    expect(all.body.items).toHaveLength(2);
  });
});

describe("validation answers 400 with a message naming the field", () => {
  const cases: [string, (body: ExampleBody) => void, RegExp][] = [
    [
      "unknown deployment target",
      (b) => (b.spec.deploymentTargetName = "nowhere"),
      /deploymentTargetName.*"nowhere"/,
    ],
    [
      "unknown engine version",
      (b) => (b.spec.template.spec.engineVersionName = "vera-9.9-flink-9"),
      /engineVersionName.*"vera-9.9-flink-9"/,
    ],
    ["upper-case name", (b) => (b.metadata.name = "My_Deployment"), /metadata\.name/],
    ["name longer than 63", (b) => (b.metadata.name = "a".repeat(64)), /metadata\.name/],
    ["missing name", (b) => delete b.metadata.name, /metadata\.name: Required/],
    [
      "missing artifact",
      (b) => delete b.spec.template.spec.artifact,
      /spec\.template\.spec\.artifact/,
    ],
    ["JAR without jarUri", (b) => delete b.spec.template.spec.artifact?.jarUri, /artifact\.jarUri/],
    ["unsupported state", (b) => (b.spec.state = "PAUSED"), /spec\.state/],
    [
      "namespace differs from the path",
      (b) => (b.metadata.namespace = "other"),
      /metadata\.namespace/,
    ],
    ["zero parallelism", (b) => (b.spec.template.spec.parallelism = 0), /parallelism/],
  ];
  it.each(cases)("%s", async (_name, mutate, message) => {
    const body = exampleBody();
    mutate(body);
    const reply = await call(simulator, "POST", deploymentsPath(), { body });
    expect(reply.status).toBe(400);
    expect(reply.body.message).toMatch(message);
    expect(simulator.deployments()).toEqual([]);
  });

  it("accepts the 63-character name and every example engine version", async () => {
    for (const [index, engine] of [
      "vera-4.1-flink-1.20",
      "vera-4.3-flink-1.20",
      "vera-4.5-flink-1.20-jdk17",
      "vera-1.0.6-flink-1.17",
    ].entries()) {
      const body = exampleBody(`${"a".repeat(62)}${index}`);
      body.spec.template.spec.engineVersionName = engine;
      expect((await call(simulator, "POST", deploymentsPath(), { body })).status).toBe(201);
    }
  });

  it("validates the result of a PATCH too, and keeps the old deployment", async () => {
    const created = await createExample(simulator);
    const reply = await patch(created.metadata.id, {
      spec: { template: { spec: { engineVersionName: "nope" } } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ message: expect.stringMatching(/engineVersionName/) });
    expect((await getDeployment(simulator, created.metadata.id)).metadata.resourceVersion).toBe(1);
  });
});

describe("lifecycle on the manual clock", () => {
  it("CANCELLED → TRANSITIONING → RUNNING after transitionMs, with a new job", async () => {
    const created = await createExample(simulator, { parallelism: 3 });
    const id = created.metadata.id;
    await patch(id, { spec: { state: "RUNNING" } });
    expect((await getDeployment(simulator, id)).status).toEqual({ state: "TRANSITIONING" });
    simulator.advance(TRANSITION - 1);
    expect((await getDeployment(simulator, id)).status.state).toBe("TRANSITIONING");
    simulator.advance(1);
    const running = await getDeployment(simulator, id);
    expect(running.status.state).toBe("RUNNING");
    const jobId = running.status.running?.jobId ?? "";
    expect(running.status.running?.transitionTime).toBe("2024-01-01T00:00:01.000Z");
    const job = await call<Job>(simulator, "GET", `/api/v1/namespaces/default/jobs/${jobId}`);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      kind: "Job",
      metadata: { id: jobId, deploymentId: id },
      spec: { parallelism: 3 },
      status: { state: "STARTED" },
    });
    const jobs = await call<{ items: Job[] }>(
      simulator,
      "GET",
      `/api/v1/namespaces/default/jobs?deploymentId=${id}`,
    );
    expect(jobs.body.items.map((item) => item.metadata.id)).toEqual([jobId]);
  });

  it("runs nothing by wall-clock time", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await getDeployment(simulator, metadata.id)).status.state).toBe("TRANSITIONING");
  });

  it("a job's parallelism defaults to 1", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    expect(simulator.jobs()).toMatchObject([
      { metadata: { deploymentId: metadata.id }, spec: { parallelism: 1 } },
    ]);
  });

  it("RUNNING → CANCELLED and → SUSPENDED (with VVP's own savepoint) go through TRANSITIONING", async () => {
    const first = await createExample(simulator, { name: "to-cancel", state: "RUNNING" });
    const second = await createExample(simulator, { name: "to-suspend", state: "RUNNING" });
    simulator.advance(TRANSITION);
    await patch(first.metadata.id, { spec: { state: "CANCELLED" } });
    await patch(second.metadata.id, { spec: { state: "SUSPENDED" } });
    expect((await getDeployment(simulator, first.metadata.id)).status.state).toBe("TRANSITIONING");
    simulator.advance(TRANSITION);
    expect((await getDeployment(simulator, first.metadata.id)).status).toEqual({
      state: "CANCELLED",
    });
    expect((await getDeployment(simulator, second.metadata.id)).status).toEqual({
      state: "SUSPENDED",
    });
    expect(simulator.jobs().map((job) => job.status.state)).toEqual(["TERMINATED", "TERMINATED"]);
    expect(simulator.savepoints()).toMatchObject([
      {
        metadata: { deploymentId: second.metadata.id, origin: "SUSPEND" },
        status: { state: "COMPLETED" },
      },
    ]);
  });

  it("a template change while RUNNING is an upgrade with a new job id", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    const before = (await getDeployment(simulator, metadata.id)).status.running?.jobId;
    await patch(metadata.id, { spec: { template: { spec: { parallelism: 4 } } } });
    expect((await getDeployment(simulator, metadata.id)).status.state).toBe("TRANSITIONING");
    simulator.advance(TRANSITION);
    const after = await getDeployment(simulator, metadata.id);
    expect(after.status.state).toBe("RUNNING");
    expect(after.status.running?.jobId).not.toBe(before);
    expect(simulator.jobs().map((job) => [job.status.state, job.spec.parallelism])).toEqual([
      ["TERMINATED", 1],
      ["STARTED", 4],
    ]);
  });

  it("a change of the template's annotations restarts the job (our restart)", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    const before = (await getDeployment(simulator, metadata.id)).status.running?.jobId;
    await patch(metadata.id, {
      spec: {
        template: { metadata: { annotations: { "ververica.platform/restart-nonce": "1" } } },
      },
    });
    simulator.advance(TRANSITION);
    const after = await getDeployment(simulator, metadata.id);
    expect(after.status.running?.jobId).toBeDefined();
    expect(after.status.running?.jobId).not.toBe(before);
    expect(simulator.jobs().at(-1)?.metadata.annotations).toEqual({
      "ververica.platform/restart-nonce": "1",
    });
  });

  it("a change outside the template, or a no-op PATCH, keeps the job", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    await patch(metadata.id, {
      metadata: { labels: { team: "a" } },
      spec: { maxJobCreationAttempts: 9 },
    });
    await patch(metadata.id, {});
    const after = await getDeployment(simulator, metadata.id);
    expect(after.status.state).toBe("RUNNING");
    expect(simulator.jobs()).toHaveLength(1);
  });

  it("failJob → FAILED; a spec change starts it again, a no-op does not", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    simulator.failJob(metadata.id);
    expect((await getDeployment(simulator, metadata.id)).status).toEqual({ state: "FAILED" });
    expect(simulator.jobs()[0]?.status.state).toBe("FAILED");
    await patch(metadata.id, {});
    simulator.advance(TRANSITION);
    expect((await getDeployment(simulator, metadata.id)).status.state).toBe("FAILED");
    await patch(metadata.id, { spec: { template: { spec: { parallelism: 2 } } } });
    simulator.advance(TRANSITION);
    expect((await getDeployment(simulator, metadata.id)).status.state).toBe("RUNNING");
    expect(() => simulator.failJob("no-such-id")).toThrow(/not found/);
  });

  it("reverses a transition when the desired state changes midway", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION / 2);
    await patch(metadata.id, { spec: { state: "CANCELLED" } });
    simulator.advance(TRANSITION);
    expect((await getDeployment(simulator, metadata.id)).status.state).toBe("CANCELLED");
    expect(simulator.jobs()).toEqual([]);
  });

  it("records VVP events per deployment", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.advance(TRANSITION);
    const events = await call<{ items: { metadata: { name: string; deploymentId: string } }[] }>(
      simulator,
      "GET",
      `/api/v1/namespaces/default/events?deploymentId=${metadata.id}`,
    );
    expect(events.body.items.map((event) => event.metadata.name)).toEqual([
      "STATE_TRANSITION_IS_NEEDED",
      "JOB_SUCCESSFULLY_STARTED",
      "STATE_TRANSITION_IS_COMPLETED",
    ]);
  });

  it("serves deployment targets", async () => {
    const target = await call(
      simulator,
      "GET",
      "/api/v1/namespaces/default/deployment-targets/default",
    );
    expect(target).toMatchObject({
      status: 200,
      body: { kind: "DeploymentTarget", metadata: { name: "default" } },
    });
    const missing = await call(
      simulator,
      "GET",
      "/api/v1/namespaces/default/deployment-targets/other",
    );
    expect(missing.status).toBe(404);
    expect(missing.body.message).toMatch(/"other"/);
  });

  it("deleteDeploymentDirectly removes it behind the API's back", async () => {
    const { metadata } = await createExample(simulator, { state: "RUNNING" });
    simulator.deleteDeploymentDirectly(metadata.id);
    const reply = await call(simulator, "GET", deploymentPath(metadata.id));
    expect(reply.status).toBe(404);
    expect(reply.body.message).toMatch(metadata.id);
    simulator.advance(TRANSITION);
    expect(simulator.jobs()).toEqual([]);
  });

  it("createDeploymentDirectly applies the same rules without an HTTP call", async () => {
    const created = simulator.createDeploymentDirectly("default", exampleBody("direct"));
    expect(created.metadata.resourceVersion).toBe(1);
    expect(simulator.requests).toEqual([]);
    expect(() => simulator.createDeploymentDirectly("default", exampleBody("Bad"))).toThrow(
      /metadata\.name/,
    );
  });
});
