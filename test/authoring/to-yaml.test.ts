import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { defineVvpDeployment, toYaml } from "../../src/authoring/index.js";
import { parseVvpDeployment } from "../../src/models/index.js";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr } from "../support/examples.js";
import { patch, put, python } from "./fixtures/good.js";

describe("toYaml", () => {
  it.each([
    ["PATCH", patch],
    ["PUT", put],
  ] as const)("writes the %s example so that it reads back as the seed's example", (mode, cr) => {
    const text = toYaml(cr);
    expect(parseVvpDeployment(text)).toEqual({ ok: true, value: exampleCr(mode), warnings: [] });
    expect(validateVvpDeployment(parse(text), { instanceId: "my-operator" }).allowed).toBe(true);
  });

  it("writes apiVersion, kind, metadata and spec first, in that order, as one document", () => {
    const text = toYaml(put);
    expect(text.split("\n").slice(0, 3)).toEqual([
      "apiVersion: ververica.platform/v1",
      "kind: VvpDeployment",
      "metadata:",
    ]);
    expect(text).not.toContain("---");
    expect(text.endsWith("\n")).toBe(true);
  });

  it("writes shared objects out in full (no anchors), leaves undefined out and folds no line", () => {
    const labels = { team: "data", "ververica.platform/owner": "op" };
    const sql = `INSERT INTO sink SELECT ${"column, ".repeat(40)}x FROM source`;
    const cr = defineVvpDeployment({
      ...python,
      metadata: { name: "py", labels, annotations: undefined },
      spec: {
        ...python.spec,
        syncingMode: "PATCH",
        initFields: {
          metadata: { labels },
          spec: { template: { spec: { artifact: { kind: "SQLSCRIPT", sqlScript: sql } } } },
        },
      },
    });
    const text = toYaml(cr);
    expect(text).not.toMatch(/[&*]\w/);
    expect(text).not.toContain("annotations");
    expect(text).toContain(`sqlScript: ${sql}`);
    expect(parse(text)).toEqual(JSON.parse(JSON.stringify(cr)));
  });
});
