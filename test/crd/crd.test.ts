import { describe, expect, it } from "vitest";
import {
  buildCrd,
  PRINTER_COLUMNS,
  type PrinterColumnInput,
  printerColumnValue,
} from "../../src/crd/index.js";
import { API_GROUP, KIND, PLURAL } from "../../src/models/index.js";

const crd = buildCrd();
const version = crd.spec.versions[0];

// The two JSONPath forms kubectl evaluates for our columns: a plain field
// path and a filter on the conditions list.
function kubectlJsonPath(path: string, object: unknown): unknown {
  const filter = /^(.*)\[\?\(@\.type=="([^"]+)"\)\]\.(\w+)$/.exec(path);
  const read = (dotted: string, from: unknown): unknown =>
    dotted
      .split(".")
      .filter(Boolean)
      .reduce<unknown>(
        (value, name) => (value as Record<string, unknown> | undefined)?.[name],
        from,
      );
  if (filter === null) return read(path, object);
  const [, listPath = "", type, field = ""] = filter;
  const list = read(listPath, object) as Array<Record<string, unknown>> | undefined;
  return list?.find((item) => item.type === type)?.[field];
}

describe("buildCrd", () => {
  it("names the resource as the seed uses it", () => {
    expect(crd.apiVersion).toBe("apiextensions.k8s.io/v1");
    expect(crd.kind).toBe("CustomResourceDefinition");
    expect(crd.metadata.name).toBe("vvpdeployments.ververica.platform");
    expect(crd.spec.group).toBe(API_GROUP);
    expect(crd.spec.names).toEqual({
      kind: KIND,
      listKind: "VvpDeploymentList",
      plural: PLURAL,
      singular: "vvpdeployment",
    });
    expect(crd.spec.scope).toBe("Namespaced");
  });

  it("serves and stores one version, v1, with the status subresource", () => {
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: "v1", served: true, storage: true });
    expect(version?.subresources).toEqual({ status: {} });
  });

  it("has the seed's seven default columns and four -o wide columns", () => {
    const columns = version?.additionalPrinterColumns ?? [];
    expect(
      columns.map(({ name, type, jsonPath, priority }) => [name, type, jsonPath, priority]),
    ).toEqual([
      ["ACTUAL", "string", ".status.actualState", 0],
      ["INSTANCE-ID", "string", ".status.instanceId", 0],
      ["DESIRED", "string", ".status.observedSpecState", 0],
      ["SYNC", "boolean", ".status.syncEnabled", 0],
      ["VVP-NAMESPACE", "string", ".status.vvpNamespace", 0],
      ["HEALTHY", "string", '.status.conditions[?(@.type=="Healthy")].status', 0],
      ["AGE", "date", ".metadata.creationTimestamp", 0],
      ["CONSISTENT", "string", '.status.conditions[?(@.type=="Consistent")].status', 1],
      ["SPECALIGNED", "string", '.status.conditions[?(@.type=="SpecAligned")].status', 1],
      [
        "PARALLELISMALIGNED",
        "string",
        '.status.conditions[?(@.type=="ParallelismAligned")].status',
        1,
      ],
      ["DELETIONBLOCKED", "string", '.status.conditions[?(@.type=="DeletionBlocked")].status', 1],
    ]);
    // The data export carries the same definitions plus their value source.
    expect(columns).toEqual(PRINTER_COLUMNS.map(({ source: _source, ...column }) => column));
  });
});

describe("printerColumnValue", () => {
  const condition = (type: string, status: string) => ({
    type,
    status,
    reason: "AllConditionsMet",
    message: "",
    lastTransitionTime: "2025-01-01T00:00:00Z",
  });
  const resource = {
    metadata: { creationTimestamp: "2025-01-01T00:00:00Z" },
    status: {
      actualState: "RUNNING",
      instanceId: "my-operator",
      observedSpecState: "RUNNING",
      syncEnabled: true,
      vvpNamespace: "default",
      conditions: [
        condition("Healthy", "True"),
        condition("Consistent", "True"),
        condition("SpecAligned", "False"),
        condition("ParallelismAligned", "Unknown"),
      ],
    },
  } as PrinterColumnInput;

  it("computes what kubectl shows through each column's JSONPath", () => {
    for (const column of PRINTER_COLUMNS) {
      expect(printerColumnValue(column, resource), column.name).toEqual(
        kubectlJsonPath(column.jsonPath, resource),
      );
    }
  });

  it("matches the seed's sample row", () => {
    const row = Object.fromEntries(
      PRINTER_COLUMNS.filter((column) => column.priority === 0).map((column) => [
        column.name,
        printerColumnValue(column, resource),
      ]),
    );
    expect(row).toEqual({
      ACTUAL: "RUNNING",
      "INSTANCE-ID": "my-operator",
      DESIRED: "RUNNING",
      SYNC: true,
      "VVP-NAMESPACE": "default",
      HEALTHY: "True",
      AGE: "2025-01-01T00:00:00Z",
    });
  });

  it("is empty for a fresh CR and for a condition that is absent", () => {
    const deletionBlocked = PRINTER_COLUMNS.find((column) => column.name === "DELETIONBLOCKED");
    expect(deletionBlocked && printerColumnValue(deletionBlocked, resource)).toBeUndefined();
    for (const column of PRINTER_COLUMNS) expect(printerColumnValue(column, {})).toBeUndefined();
  });
});
