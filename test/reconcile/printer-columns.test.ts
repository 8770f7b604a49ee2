import { describe, expect, it } from "vitest";
import { humanDuration, printerColumns } from "../../src/printer-columns/index.js";
import { buildCr, must, steadyWorld } from "../support/builders.js";

describe("printerColumns", () => {
  it("shows the seed's default and wide columns from the status", () => {
    const world = steadyWorld("PATCH", { state: "RUNNING" });
    const columns = printerColumns(must(world.cr), "2025-03-01T11:05:00Z");
    expect(columns.default).toEqual({
      NAME: "my-deployment",
      ACTUAL: "RUNNING",
      "INSTANCE-ID": "my-operator",
      DESIRED: "RUNNING",
      SYNC: "true",
      "VVP-NAMESPACE": "default",
      HEALTHY: "True",
      AGE: "5m",
    });
    expect(columns.wide).toMatchObject({
      CONSISTENT: "True",
      SPECALIGNED: "True",
      PARALLELISMALIGNED: "True",
      DELETIONBLOCKED: "",
    });
  });
  it("prints empty cells for a CR without status and <unknown> age without a timestamp", () => {
    const cr = buildCr("PUT");
    delete cr.metadata.creationTimestamp;
    expect(printerColumns(cr, "2025-03-01T12:00:00Z").default).toMatchObject({
      ACTUAL: "",
      HEALTHY: "",
      AGE: "<unknown>",
    });
  });
  it.each([
    [0, "0s"],
    [45_000, "45s"],
    [119_000, "119s"],
    [200_000, "3m20s"],
    [300_000, "5m"],
    [3_600_000, "60m"],
    [4 * 3_600_000 + 1_800_000, "4h30m"],
    [30 * 3_600_000, "30h"],
    [3 * 86_400_000 + 4 * 3_600_000, "3d4h"],
    [400 * 86_400_000, "400d"],
    [-5_000, "<invalid>"],
  ])("humanDuration(%i) = %s, as kubectl prints AGE", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
