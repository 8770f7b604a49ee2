import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import {
  clientsFor,
  failure,
  httpsFetch,
  MERGE_PATCH,
  postJson,
  VVP,
  vvpDeployment,
} from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["ops"] });
  api = clientsFor(kube);
});
afterAll(() => kube.close());

describe("built-in kinds", () => {
  it("Leases: create, then an update with a stale resourceVersion is 409 (leader election's race)", async () => {
    const lease = await api.coordination.createNamespacedLease({
      namespace: "ops",
      body: {
        metadata: { name: "vvp-operator" },
        spec: { holderIdentity: "a", leaseDurationSeconds: 15 },
      },
    });
    expect(lease.metadata?.generation).toBeUndefined();
    const mine = await api.coordination.replaceNamespacedLease({
      namespace: "ops",
      name: "vvp-operator",
      body: { ...lease, spec: { ...lease.spec, holderIdentity: "b" } },
    });
    expect(mine.spec?.holderIdentity).toBe("b");
    const theirs = await failure(
      api.coordination.replaceNamespacedLease({
        namespace: "ops",
        name: "vvp-operator",
        body: { ...lease, spec: { ...lease.spec, holderIdentity: "c" } },
      }),
    );
    expect(theirs.code).toBe(409);
    // A Lease's strategy forbids an unconditional update: a PUT without resourceVersion is 422.
    const { resourceVersion: _rv, ...metadata } = mine.metadata ?? {};
    const forced = await failure(
      api.coordination.replaceNamespacedLease({
        namespace: "ops",
        name: "vvp-operator",
        body: { ...mine, metadata, spec: { ...mine.spec, holderIdentity: "d" } },
      }),
    );
    expect(forced.code).toBe(422);
    expect(forced.status.message).toBe(
      'Lease.coordination.k8s.io "vvp-operator" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );
    // A ConfigMap's does not.
    const map = await api.core.createNamespacedConfigMap({
      namespace: "ops",
      body: { metadata: { name: "unconditional" }, data: { a: "1" } },
    });
    const { resourceVersion: _mapRv, ...mapMetadata } = map.metadata ?? {};
    const replaced = await api.core.replaceNamespacedConfigMap({
      namespace: "ops",
      name: "unconditional",
      body: { ...map, metadata: mapMetadata, data: { a: "2" } },
    });
    expect(replaced.data).toEqual({ a: "2" });
    await api.core.deleteNamespacedConfigMap({ namespace: "ops", name: "unconditional" });
  });

  it("Events (events.k8s.io/v1): create with generateName and list by regarding.name", async () => {
    const event = await api.events.createNamespacedEvent({
      namespace: "ops",
      body: {
        metadata: { generateName: "my-deployment." },
        eventTime: new Date("2026-01-01T00:00:00.000000Z") as never,
        reason: "Created",
        note: "created the VVP deployment",
        type: "Normal",
        action: "Create",
        reportingController: "ververica.platform/vvp-operator",
        reportingInstance: "vvp-operator-0",
        regarding: { kind: "VvpDeployment", name: "my-deployment", namespace: "ops" },
      },
    });
    expect(event.metadata?.name).toMatch(/^my-deployment\.[a-z0-9]{5}$/);
    const list = await api.events.listNamespacedEvent({
      namespace: "ops",
      fieldSelector: "regarding.name=my-deployment",
    });
    expect(list.items.map((e) => e.reason)).toEqual(["Created"]);
    const none = await api.events.listNamespacedEvent({
      namespace: "ops",
      fieldSelector: "regarding.name=other",
    });
    expect(none.items).toEqual([]);
  });

  it("Secrets: data round-trips; list items carry no apiVersion/kind as in kube-apiserver", async () => {
    await api.core.createNamespacedSecret({
      namespace: "ops",
      body: {
        metadata: { name: "apikey" },
        type: "Opaque",
        data: { token: Buffer.from("t0ken").toString("base64") },
      },
    });
    const secret = await api.core.readNamespacedSecret({ namespace: "ops", name: "apikey" });
    expect(Buffer.from(secret.data?.token ?? "", "base64").toString()).toBe("t0ken");
    const raw = (await (await httpsFetch(kube, "/api/v1/namespaces/ops/secrets")).json()) as {
      kind: string;
      items: object[];
    };
    expect(raw.kind).toBe("SecretList");
    expect(raw.items[0]).not.toHaveProperty("kind");
    const crs = (await (
      await httpsFetch(kube, "/apis/ververica.platform/v1/vvpdeployments")
    ).json()) as { items: object[] };
    expect(crs.items).toEqual([]);
  });

  it("labels Namespaces with kubernetes.io/metadata.name, even when a write drops it", async () => {
    const ns = await api.core.readNamespace({ name: "ops" });
    expect(ns.metadata?.labels).toEqual({ "kubernetes.io/metadata.name": "ops" });
    const replaced = await api.core.replaceNamespace({
      name: "ops",
      body: { ...ns, metadata: { ...ns.metadata, labels: {} } },
    });
    expect(replaced.metadata?.labels).toEqual({ "kubernetes.io/metadata.name": "ops" });
  });

  it("lists a namespaced kind across all namespaces", async () => {
    await api.core.createNamespacedConfigMap({
      namespace: "ops",
      body: { metadata: { name: "in-ops" } },
    });
    await api.core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "in-default" } },
    });
    const all = await api.core.listConfigMapForAllNamespaces();
    expect(all.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`)).toEqual([
      "default/in-default",
      "ops/in-ops",
    ]);
  });

  it("serves the VvpDeployment CRD under apiextensions.k8s.io/v1 and a newly created CRD's resources", async () => {
    const crd = (await (
      await httpsFetch(
        kube,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/vvpdeployments.ververica.platform",
      )
    ).json()) as {
      spec: { names: { kind: string } };
    };
    expect(crd.spec.names.kind).toBe("VvpDeployment");
    const widgets = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Cluster",
        names: { kind: "Widget", plural: "widgets" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object" } },
          },
        ],
      },
    };
    const created = await postJson(
      kube,
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      widgets,
    );
    expect(created.status).toBe(201);
    const widget = await postJson(kube, "/apis/example.com/v1/widgets", {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w" },
      spec: { a: 1 },
    });
    expect(widget.status).toBe(201);
    const groups = (await (await httpsFetch(kube, "/apis")).json()) as {
      groups: { name: string }[];
    };
    expect(groups.groups.map((g) => g.name)).toContain("example.com");
  });
});

describe("more CRDs", () => {
  const certificates = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "certificates.cert-manager.io" },
    spec: {
      group: "cert-manager.io",
      scope: "Namespaced",
      names: { kind: "Certificate", plural: "certificates", shortNames: ["cert"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object" } },
        },
      ],
    },
  };

  it("installs CRDs given as an option and serves their resources", async () => {
    const withCerts = await startFakeKubernetes({ crds: [certificates] });
    try {
      const created = await postJson(
        withCerts,
        "/apis/cert-manager.io/v1/namespaces/default/certificates",
        {
          apiVersion: "cert-manager.io/v1",
          kind: "Certificate",
          metadata: { name: "webhook" },
          spec: {},
        },
      );
      expect(created.status).toBe(201);
    } finally {
      await withCerts.close();
    }
  });

  it("refuses a CRD it could not serve, naming the fields (and the option)", async () => {
    const bad = {
      ...certificates,
      metadata: { name: "wrong" },
      spec: { ...certificates.spec, scope: "Everywhere", versions: [] },
    };
    const response = await postJson(
      kube,
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
      bad,
    );
    expect(response.status).toBe(422);
    const status = (await response.json()) as { details: { causes: { field: string }[] } };
    expect(status.details.causes.map((c) => c.field)).toEqual(["spec.scope", "spec.versions"]);
    await expect(startFakeKubernetes({ crds: [bad] })).rejects.toThrow(/crds\[0\]/);
  });
});

describe("discovery", () => {
  it("serves /version, /api, /api/v1, /apis and /apis/<group>/<version>", async () => {
    const version = (await (await httpsFetch(kube, "/version")).json()) as {
      major: string;
      minor: string;
    };
    expect(version).toMatchObject({ major: "1", minor: "32" });
    expect(await (await httpsFetch(kube, "/api")).json()).toMatchObject({
      kind: "APIVersions",
      versions: ["v1"],
    });
    const core = (await (await httpsFetch(kube, "/api/v1")).json()) as {
      resources: { name: string }[];
    };
    expect(core.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        "namespaces",
        "namespaces/status",
        "secrets",
        "configmaps",
        "events",
      ]),
    );
    const vvp = (await (await httpsFetch(kube, "/apis/ververica.platform/v1")).json()) as {
      groupVersion: string;
      resources: { name: string; namespaced: boolean; kind: string }[];
    };
    expect(vvp.groupVersion).toBe("ververica.platform/v1");
    expect(vvp.resources).toEqual([
      expect.objectContaining({ name: "vvpdeployments", namespaced: true, kind: "VvpDeployment" }),
      expect.objectContaining({ name: "vvpdeployments/status" }),
      expect.objectContaining({
        name: "vvpdeploymentmappings",
        namespaced: true,
        kind: "VvpDeploymentMapping",
      }),
    ]);
    const apis = (await (await httpsFetch(kube, "/apis")).json()) as { groups: { name: string }[] };
    expect(apis.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining([
        "ververica.platform",
        "coordination.k8s.io",
        "events.k8s.io",
        "apiextensions.k8s.io",
      ]),
    );
    expect((await httpsFetch(kube, "/apis/nothing.here/v1")).status).toBe(404);
  });
});

describe("validation on write (option)", () => {
  let strict: FakeKubernetes;
  let strictApi: ReturnType<typeof clientsFor>;
  beforeAll(async () => {
    strict = await startFakeKubernetes({
      namespaces: ["team-a"],
      validate: { instanceId: "my-operator" },
    });
    strictApi = clientsFor(strict);
  });
  afterAll(() => strict.close());

  it("answers 422 Invalid with one cause per field for a CR the webhook rules refuse", async () => {
    const body = vvpDeployment("bad");
    body.metadata.labels = { "ververica.platform/owner": "someone-else" };
    (body.spec as { syncingMode: string }).syncingMode = "SIDEWAYS";
    const result = await failure(
      strictApi.custom.createNamespacedCustomObject({ ...VVP, namespace: "team-a", body }),
    );
    expect(result.code).toBe(422);
    expect(result.status).toMatchObject({
      kind: "Status",
      reason: "Invalid",
      details: { kind: "VvpDeployment", name: "bad" },
    });
    const fields = (result.status.details as { causes: { field: string }[] }).causes.map(
      (c) => c.field,
    );
    // The CRD's schema refuses first, as kube-apiserver does before any webhook.
    expect(fields).toEqual(["spec.syncingMode", "<nil>"]); // <nil>: the rules were not checked
    expect(String(result.status.message)).toMatch(
      /^VvpDeployment\.ververica\.platform "bad" is invalid: /,
    );
    (body.spec as { syncingMode: string }).syncingMode = "PATCH";
    const owner = await failure(
      strictApi.custom.createNamespacedCustomObject({ ...VVP, namespace: "team-a", body }),
    );
    expect(owner.code).toBe(422);
    const ownerFields = (owner.status.details as { causes: { field: string }[] }).causes.map(
      (c) => c.field,
    );
    expect(
      ownerFields.some(
        (f) => f.includes("ververica.platform/owner") || f.startsWith("metadata.labels"),
      ),
    ).toBe(true);
  });

  it("accepts a valid CR and validates updates against the old object", async () => {
    await strictApi.custom.createNamespacedCustomObject({
      ...VVP,
      namespace: "team-a",
      body: vvpDeployment("good"),
    });
    const bad = await failure(
      strictApi.custom.patchNamespacedCustomObject(
        { ...VVP, namespace: "team-a", name: "good", body: { spec: { syncingMode: "NOPE" } } },
        MERGE_PATCH,
      ),
    );
    expect(bad.code).toBe(422);
    // Status writes are not subject to the webhook rules.
    await strictApi.custom.patchNamespacedCustomObjectStatus(
      { ...VVP, namespace: "team-a", name: "good", body: { status: { actualState: "RUNNING" } } },
      MERGE_PATCH,
    );
  });

  it("without the webhook rules, the CRD's own schema still refuses the invalid CR", async () => {
    const body = vvpDeployment("anything");
    (body.spec as { syncingMode: string }).syncingMode = "SIDEWAYS";
    const refused = await failure(
      api.custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "default",
        body: { ...body, metadata: { ...body.metadata, namespace: "default" } },
      }),
    );
    expect(refused.code).toBe(422);
    expect((refused.status.details as { causes: unknown[] }).causes[0]).toEqual({
      reason: "FieldValueNotSupported",
      message: 'Unsupported value: "SIDEWAYS": supported values: "PATCH", "PUT"',
      field: "spec.syncingMode",
    });
  });

  it("accepts the same invalid CR with crdEnforcement: false", async () => {
    const loose = await startFakeKubernetes({ crdEnforcement: false });
    try {
      const body = vvpDeployment("anything");
      (body.spec as { syncingMode: string }).syncingMode = "SIDEWAYS";
      await clientsFor(loose).custom.createNamespacedCustomObject({
        ...VVP,
        namespace: "default",
        body: { ...body, metadata: { ...body.metadata, namespace: "default" } },
      });
    } finally {
      await loose.close();
    }
  });
});

describe("server-side controls", () => {
  it("apply() creates or replaces (status included), objects() and get() read, delete() deletes", async () => {
    const cr = { ...vvpDeployment("direct", "ops"), status: { actualState: "RUNNING" } };
    const stored = kube.apply(cr);
    expect(stored.status).toEqual({ actualState: "RUNNING" });
    expect(kube.get("VvpDeployment", "ops", "direct")?.metadata.generation).toBe(1);
    kube.apply({
      ...cr,
      spec: { ...(cr as unknown as { spec: object }).spec, syncingMode: "PUT" },
    });
    expect(kube.get("vvpdeployments", "ops", "direct")?.metadata.generation).toBe(2);
    expect(kube.objects("vvpdeployments.ververica.platform").map((o) => o.metadata.name)).toContain(
      "direct",
    );
    expect(kube.delete("VvpDeployment", "ops", "direct")?.deleted).toBe(true);
    expect(kube.get("VvpDeployment", "ops", "direct")).toBeUndefined();
  });

  it("serves plain HTTP too when asked, and the kubeconfig names the HTTPS server with its CA", async () => {
    const both = await startFakeKubernetes({ http: true, token: "fixed-token" });
    try {
      expect(both.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${both.httpUrl}/version`, {
        headers: { Authorization: "Bearer fixed-token" },
      });
      expect(response.status).toBe(200);
      expect(both.kubeconfig).toContain(both.url);
      expect(both.kubeconfig).toContain("certificate-authority-data");
      expect(both.kubeconfig).toContain("fixed-token");
    } finally {
      await both.close();
    }
  });
});
