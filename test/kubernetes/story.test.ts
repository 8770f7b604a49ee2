// THE STORY: one operator instance runs 100 CRs in 3 namespaces next to
// another instance in a shared namespace, through spec edits racing the
// status write, a dropped, a stalled and an expired watch, a crash and a
// restart in the middle of nonces, a rotated Secret and a deleted mapping
// record; at the end every CR is Healthy and matches VVP, nothing ran twice,
// and the steady state writes nothing anywhere.
import { afterAll, describe, expect, it } from "vitest";
import { gitOpsHealth } from "../../src/health/index.js";
import { createClientNodeKubeApi } from "../../src/kubernetes/client-node-api.js";
import type { KubeApi } from "../../src/kubernetes/index.js";
import { mappingRecordName } from "../../src/kubernetes/index.js";
import { RESTART_NONCE_ANNOTATION } from "../../src/models/index.js";
import { capture } from "../gitops/captured.js";
import {
  conditionOf,
  crObject,
  putSecret,
  startWorld,
  TOKEN,
  until,
  type World,
} from "./harness.js";

const NAMESPACES = ["team-a", "team-b", "shared"];
const OTHER = "other-operator";
const ROTATED = "r0tated-team-b-token";
const COUNTS: Record<string, number> = { "team-a": 40, "team-b": 30, shared: 30 };

interface Sent {
  method: string;
  path: string;
  body: string;
  bearer: string;
}

/** Cuts every call of a "process" once killed, as a crash would: nothing more reaches either server. */
function killable(api: KubeApi, fetcher: typeof fetch) {
  let dead = false;
  const refuse = () => Promise.reject(new Error("process killed"));
  const kubeApi = new Proxy(api, {
    get(target, property: keyof KubeApi) {
      const original = target[property] as (...args: unknown[]) => unknown;
      if (property === "watch") {
        return (...args: Parameters<KubeApi["watch"]>) => {
          if (dead) return { abort() {} };
          const watch = target.watch(...args);
          watches.push(watch);
          return watch;
        };
      }
      return (...args: unknown[]) => (dead ? refuse() : original.apply(target, args));
    },
  });
  const watches: { abort(): void }[] = [];
  return {
    kubeApi,
    fetch: ((input, init) => (dead ? refuse() : fetcher(input, init))) as typeof fetch,
    kill() {
      dead = true;
      for (const watch of watches) watch.abort();
    },
  };
}

type Cr = {
  metadata: { name: string; namespace: string; uid: string };
  spec: {
    savepointNonce?: number;
    restartNonce?: number;
    deployment: {
      metadata: { name: string; namespace: string };
      spec: { state: string; template: { spec: { parallelism?: number } } };
    };
  };
  status?: { deploymentId?: string };
};

let world: World | undefined;
afterAll(() => world?.close());

describe("the story", () => {
  it("100 CRs in 3 namespaces through faults, a crash and a restart end Healthy, exact and quiet", async () => {
    world = await startWorld({
      namespaces: NAMESPACES,
      transitionMs: 10,
      bookmarkIntervalMs: 100,
      tokens: [ROTATED],
    });
    const { kube, vvp, kubeConfig } = world;
    const w = world;
    const sent: Sent[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const body = request.method === "GET" ? "" : await request.clone().text();
      sent.push({
        method: request.method,
        path: new URL(request.url).pathname,
        body,
        bearer: request.headers.get("authorization") ?? "",
      });
      return fetch(request);
    };
    const vvpOptions = (fetcher: typeof fetch) => ({ baseUrl: vvp.url, fetch: fetcher });
    const timing = {
      watch: {
        timeoutSeconds: { min: 30, max: 60 },
        idleTimeoutMs: 400,
        backoff: { baseMs: 5, maxMs: 50 },
      },
    };

    // The other instance shares the "shared" namespace (its own VVP namespace).
    const other = await w.start({
      instanceId: OTHER,
      watchedNamespaces: ["shared"],
      vvp: vvpOptions(fetch),
      ...timing,
    });
    const firstProcess = killable(createClientNodeKubeApi(kubeConfig), recording);
    const first = await w.start({
      kubeApi: firstProcess.kubeApi,
      vvp: vvpOptions(firstProcess.fetch),
      concurrency: 8,
      ...timing,
    });

    // ── 1. Apply 100 CRs (RUNNING) and 5 of the other instance.
    const names: [string, string][] = [];
    for (const namespace of NAMESPACES) {
      for (let index = 0; index < (COUNTS[namespace] ?? 0); index += 1) {
        const object = crObject(`cr-${index}`, namespace) as unknown as Cr;
        object.spec.deployment.spec.state = "RUNNING";
        kube.apply(object);
        names.push([namespace, `cr-${index}`]);
      }
    }
    for (let index = 0; index < 5; index += 1) {
      const object = crObject(`theirs-${index}`, "shared", OTHER) as unknown as Cr;
      object.spec.deployment.metadata.namespace = "other-vvp";
      kube.apply(object);
    }
    const get = (namespace: string, name: string) =>
      kube.get("vvpdeployments", namespace, name) as unknown as Cr;
    const healthy = (namespace: string, name: string) =>
      conditionOf(get(namespace, name), "Healthy")?.status === "True";
    const allHealthy = () => names.every(([namespace, name]) => healthy(namespace, name));
    // Generous: the machine may be shared (condition-based, not a sleep).
    await until(allHealthy, 45_000, "all Healthy");

    const edit = (namespace: string, name: string, change: (cr: Cr) => void) => {
      const object = get(namespace, name);
      change(object);
      kube.apply(object);
    };
    const parallelismIs = (namespace: string, name: string, value: number) => {
      const id = get(namespace, name).status?.deploymentId;
      const deployment = id === undefined ? undefined : vvp.deployment(id);
      return deployment?.spec.template?.spec?.parallelism === value;
    };
    // team-a's CRs cr-<from> to cr-<to - 1>: scaled to parallelism 2, and whether VVP has it.
    const teamA = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `cr-${from + i}`);
    const scaleTeamA = (from: number, to: number) => {
      for (const name of teamA(from, to))
        edit("team-a", name, (cr) => (cr.spec.deployment.spec.template.spec.parallelism = 2));
    };
    const teamAScaled = (from: number, to: number) =>
      teamA(from, to).every((name) => parallelismIs("team-a", name, 2));

    // ── 2. A dropped watch: edits made while it is down still arrive.
    // (With a 400 ms idle timeout a watch may be between two requests at this
    // instant on a loaded machine: drop once one is open.)
    await until(
      () => kube.faults.dropWatches({ resource: "vvpdeployments" }) > 0,
      30_000,
      "an open watch to drop",
    );
    scaleTeamA(0, 5);
    // ── 3. A stalled watch: the idle timeout restarts it.
    kube.faults.stallWatches({ resource: "vvpdeployments" });
    scaleTeamA(5, 10);
    await until(() => teamAScaled(0, 10), 30_000);
    // ── 4. 410: history compacted; open watches get an in-stream 410 and relist.
    kube.compact();
    scaleTeamA(10, 15);
    await until(() => teamAScaled(10, 15), 30_000);
    // …and a watch resumed from a compacted version (200, then an in-stream 410, as the watch cache answers):
    // the watches hear nothing while the CRs change and history is compacted.
    kube.faults.stallWatches({ resource: "vvpdeployments" });
    scaleTeamA(15, 20);
    kube.compact({ keepWatches: true });
    kube.faults.dropWatches({ resource: "vvpdeployments" });
    await until(() => teamAScaled(15, 20), 30_000);
    const expiredWatches = kube
      .requests({ resource: "vvpdeployments", watch: true })
      .filter((request) => request.reason === "Expired");
    expect(expiredWatches.length).toBeGreaterThan(0);

    // ── 5. Nonces on 20 CRs, and the process is killed after the first few reach VVP.
    const nonceCrs = Array.from({ length: 10 }, (_, i) => `cr-${i}`);
    const postsBefore = sent.filter(
      (entry) => entry.method === "POST" && entry.path.endsWith("/savepoints"),
    ).length;
    for (const name of nonceCrs) {
      edit("team-b", name, (cr) => (cr.spec.savepointNonce = 1));
      edit("shared", name, (cr) => (cr.spec.restartNonce = 1));
    }
    await until(
      () =>
        sent.filter((entry) => entry.method === "POST" && entry.path.endsWith("/savepoints"))
          .length >=
        postsBefore + 3,
      30_000,
    );
    firstProcess.kill();
    await first.stop({ drainTimeoutMs: 1_000 });

    // ── 6. Meanwhile the team-b token is rotated, and spec edits pile up.
    putSecret(kube, "team-b", "my-vvp-apikey", ROTATED);
    edit("team-b", "cr-20", (cr) => (cr.spec.deployment.spec.template.spec.parallelism = 3));

    // ── 7. A fresh process; one status write loses a race with an author's edit.
    let raced = false;
    const racedId = get("team-b", "cr-21").status?.deploymentId ?? "";
    const racing: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (!raced && request.method === "PATCH" && request.url.endsWith(`/${racedId}`)) {
        raced = true;
        // The author edits the CR while its reconcile talks to VVP.
        edit("team-b", "cr-21", (cr) => {
          cr.spec.deployment.spec.template.spec.parallelism = 5;
        });
      }
      return recording(request);
    };
    const second = await w.start({ vvp: vvpOptions(racing), concurrency: 8, ...timing });
    edit("team-b", "cr-21", (cr) => {
      cr.spec.deployment.spec.template.spec.parallelism = 4;
    });
    await until(
      () => raced && parallelismIs("team-b", "cr-21", 5) && parallelismIs("team-b", "cr-20", 3),
      30_000,
      "race",
    );
    const conflicts = kube
      .requests({ method: "PATCH", subresource: "status" })
      .filter((request) => request.status === 409);
    expect(conflicts.length).toBeGreaterThanOrEqual(1);

    // ── 8. A mapping record deleted out of band: DBRecordMissing; restored by the admin: Consistent again.
    const lost = get("team-a", "cr-30");
    const recordName = mappingRecordName(lost.metadata.uid);
    const record = kube.get("vvpdeploymentmappings", "team-a", recordName) as unknown as {
      metadata: Record<string, unknown>;
      spec: unknown;
    };
    kube.delete("vvpdeploymentmappings", "team-a", recordName);
    await until(
      () => conditionOf(get("team-a", "cr-30"), "Consistent")?.reason === "DBRecordMissing",
      30_000,
      "DBRecordMissing",
    );
    // What a GitOps tool reads now (kept as a fixture of the health table).
    const dbRecordMissing = capture("db-record-missing", get("team-a", "cr-30"));
    expect(gitOpsHealth(dbRecordMissing).argo.status).toBe("Degraded");
    kube.apply({
      apiVersion: "ververica.platform/v1",
      kind: "VvpDeploymentMapping",
      metadata: { name: recordName, namespace: "team-a", labels: record.metadata.labels },
      spec: record.spec,
    });
    await second.resync();
    await until(
      () => conditionOf(get("team-a", "cr-30"), "Consistent")?.status === "True",
      30_000,
      "restored",
    );

    // ── The end: every CR Healthy, matching VVP, no duplicate, every nonce once.
    await second.resync();
    await until(allHealthy, 45_000, "all Healthy at the end");
    expect(gitOpsHealth(capture("healthy-running", get("team-a", "cr-0")))).toMatchObject({
      argo: { status: "Healthy" },
      flux: { status: "Current" },
    });
    const deployments = vvp.deployments() as unknown as {
      metadata: { id: string; name: string; namespace: string };
    }[];
    expect(deployments).toHaveLength(105);
    const ours = deployments.filter((deployment) => deployment.metadata.namespace !== "other-vvp");
    expect(new Set(ours.map((deployment) => deployment.metadata.name)).size).toBe(100);
    for (const [namespace, name] of names) {
      const cr = get(namespace, name);
      const deployment = vvp.deployment(cr.status?.deploymentId ?? "");
      expect(deployment?.metadata.name).toBe(`${namespace}-${name}`);
      expect(deployment?.spec.state).toBe("RUNNING");
      const wanted = cr.spec.deployment.spec.template.spec.parallelism;
      if (wanted !== undefined) expect(deployment?.spec.template.spec.parallelism).toBe(wanted);
    }
    for (const name of nonceCrs) {
      const savepointId = get("team-b", name).status?.deploymentId;
      const savepoints = vvp
        .savepoints()
        .filter(
          (savepoint) =>
            savepoint.metadata.deploymentId === savepointId &&
            savepoint.metadata.origin === "USER_REQUEST",
        );
      expect(savepoints, `savepoints of team-b/${name}`).toHaveLength(1);
      const restartId = get("shared", name).status?.deploymentId ?? "";
      const restarts = sent.filter(
        (entry) =>
          entry.method === "PATCH" &&
          entry.path.endsWith(restartId) &&
          entry.body.includes(RESTART_NONCE_ANNOTATION),
      );
      expect(restarts, `restarts of shared/${name}`).toHaveLength(1);
    }
    // The other instance's CRs: never read by us, never sent to VVP by us.
    expect(sent.filter((entry) => entry.path.includes("/namespaces/other-vvp/"))).toEqual([]);
    expect(
      kube
        .requests({ resource: "vvpdeployments" })
        .filter(
          (request) =>
            request.method === "GET" &&
            request.name === undefined &&
            !request.query.labelSelector?.includes("ververica.platform/owner="),
        ),
    ).toEqual([]);
    // The rotated token is in use for team-b.
    expect(sent.some((entry) => entry.bearer === `Bearer ${ROTATED}`)).toBe(true);

    // ── Steady state: a full resync writes nothing, anywhere.
    await new Promise((resolve) => setTimeout(resolve, 100));
    kube.clearRequests();
    const sentBefore = sent.length;
    await second.resync();
    await until(
      () => second.stats().queueDepth === 0 && second.stats().inFlight === 0,
      30_000,
      "drained",
    );
    expect(kube.writes()).toBe(0);
    expect(sent.slice(sentBefore).filter((entry) => entry.method !== "GET")).toEqual([]);

    // The token is in no log line, Event or status.
    const visible = JSON.stringify([
      w.logs,
      kube.objects("events"),
      kube.objects("vvpdeployments"),
      kube.objects("vvpdeploymentmappings"),
    ]);
    expect(visible).not.toContain(TOKEN);
    expect(visible).not.toContain(ROTATED);

    // ── 9. VVP refuses a projection (400, an unknown engine version): the
    // generation is observed all the same (GitOps tools must not wait for
    // it), the change is recorded as owed, and fixing the spec heals it.
    type Observed = {
      metadata: { generation: number };
      status?: { observedGeneration?: number; unprojectedGeneration?: number };
    };
    const observed = (namespace: string, name: string) =>
      kube.get("vvpdeployments", namespace, name) as unknown as Observed;
    const engine = (cr: Cr) =>
      cr.spec.deployment.spec.template.spec as { engineVersionName?: string };
    const engineBefore = engine(get("team-a", "cr-31")).engineVersionName;
    edit("team-a", "cr-31", (cr) => {
      engine(cr).engineVersionName = "vera-0.0-flink-0.0";
    });
    await until(
      () => conditionOf(get("team-a", "cr-31"), "SpecAligned")?.reason === "ProjectionFailed",
      30_000,
      "refused projection",
    );
    const refused = observed("team-a", "cr-31");
    expect(gitOpsHealth(capture("projection-refused", refused))).toMatchObject({
      argo: { status: "Degraded" },
      flux: { status: "Failed" },
    });
    expect(refused.status?.observedGeneration).toBe(refused.metadata.generation);
    expect(refused.status?.unprojectedGeneration).toBe(refused.metadata.generation);
    edit("team-a", "cr-31", (cr) => {
      engine(cr).engineVersionName = engineBefore;
    });
    await until(() => healthy("team-a", "cr-31"), 30_000, "healed after the refusal");
    const healed = observed("team-a", "cr-31");
    expect(healed.status?.observedGeneration).toBe(healed.metadata.generation);
    expect(healed.status?.unprojectedGeneration).toBeUndefined();

    // ── 10. A delete of a RUNNING deployment is blocked; its generation bump
    // is observed; once CANCELLED the CR goes.
    const bumpedFrom = observed("team-a", "cr-32").metadata.generation;
    kube.delete("vvpdeployments", "team-a", "cr-32");
    await until(
      () => conditionOf(get("team-a", "cr-32"), "DeletionBlocked")?.status === "True",
      30_000,
      "deletion blocked",
    );
    const blocked = observed("team-a", "cr-32");
    expect(gitOpsHealth(capture("deletion-blocked", blocked))).toMatchObject({
      argo: { status: "Degraded" },
      flux: { status: "Failed" },
    });
    expect(blocked.metadata.generation).toBeGreaterThan(bumpedFrom);
    expect(blocked.status?.observedGeneration).toBe(blocked.metadata.generation);
    edit("team-a", "cr-32", (cr) => {
      cr.spec.deployment.spec.state = "CANCELLED";
    });
    await until(
      () => kube.get("vvpdeployments", "team-a", "cr-32") === undefined,
      30_000,
      "deleted",
    );

    // ── 11. Suspended as desired: Argo CD shows Suspended, Flux Current.
    edit("team-a", "cr-33", (cr) => {
      cr.spec.deployment.spec.state = "SUSPENDED";
    });
    const suspended = () =>
      get("team-a", "cr-33") as unknown as {
        status?: { actualState?: string; observedSpecState?: string };
      };
    // While the job moves, both tools wait (the status a cycle wrote right
    // after the PATCH still reports the old actual state).
    await until(() => suspended().status?.observedSpecState === "SUSPENDED", 30_000, "projected");
    const moving = suspended();
    if (moving.status?.actualState !== "SUSPENDED") {
      expect(gitOpsHealth(capture("moving", moving))).toMatchObject({
        argo: { status: "Progressing" },
        flux: { status: "InProgress" },
      });
    }
    await until(
      () => suspended().status?.actualState === "SUSPENDED" && healthy("team-a", "cr-33"),
      30_000,
      "suspended",
    );
    expect(gitOpsHealth(capture("suspended", suspended()))).toMatchObject({
      argo: { status: "Suspended" },
      flux: { status: "Current" },
    });
    await other.stop();
  }, 180_000);
});
