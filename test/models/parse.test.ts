import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFieldPath, parseVvpDeployment } from "../../src/models/index.js";
import { exampleCr, exampleText } from "../support/examples.js";
import { hostileValue } from "../support/hostile.js";
import { propertyParameters } from "../support/property.js";

describe("parseVvpDeployment", () => {
  it.each(["PATCH", "PUT"] as const)("parses the seed's %s example without change", (mode) => {
    const result = parseVvpDeployment(exampleText(mode));
    expect(result).toEqual({ ok: true, value: exampleCr(mode), warnings: [] });
  });

  it("accepts an object as well as YAML text", () => {
    expect(parseVvpDeployment(exampleCr("PUT"))).toEqual({
      ok: true,
      value: exampleCr("PUT"),
      warnings: [],
    });
  });

  it("keeps VVP fields the models do not know", () => {
    const cr = exampleCr("PATCH");
    const template = cr.spec.deployment.spec.template as Record<string, unknown>;
    const spec = template.spec as Record<string, unknown>;
    spec.someFutureField = { nested: [1, 2] };
    const result = parseVvpDeployment(cr);
    expect(result.ok && result.value.spec.deployment.spec.template.spec).toMatchObject({
      someFutureField: { nested: [1, 2] },
    });
  });

  it("reports every problem at once with Kubernetes field paths", () => {
    const cr = exampleCr("PATCH") as unknown as {
      spec: Record<string, unknown> & { deployment: { metadata: Record<string, unknown> } };
    };
    cr.spec.syncingMode = "MERGE";
    delete cr.spec.deployment.metadata.namespace;
    cr.spec.savepointNonce = 1.5;
    const result = parseVvpDeployment(cr);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      {
        field: "spec.syncingMode",
        reason: "FieldValueNotSupported",
        message: expect.stringContaining('"PATCH", "PUT"'),
      },
      {
        field: "spec.deployment.metadata.namespace",
        reason: "FieldValueRequired",
        message: "Required value: the VVP namespace, e.g. default",
      },
      {
        field: "spec.savepointNonce",
        reason: "FieldValueInvalid",
        message: expect.stringContaining("integer"),
      },
    ]);
  });

  it("names the artifact kind when it is not supported", () => {
    const cr = exampleCr("PATCH");
    (cr.spec.deployment.spec.template.spec.artifact as { kind: string }).kind = "ZIP";
    const result = parseVvpDeployment(cr);
    expect(!result.ok && result.errors).toEqual([
      {
        field: "spec.deployment.spec.template.spec.artifact.kind",
        reason: "FieldValueNotSupported",
        message: expect.stringContaining('"JAR", "SQLSCRIPT", "PYTHON"'),
      },
    ]);
  });

  it("turns bad YAML, several documents and non-objects into root errors", () => {
    for (const input of ["a: [1\nb", "a: 1\n---\nb: 2", "", "42", null, [], "- a"]) {
      const result = parseVvpDeployment(input);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.errors[0]?.field).toBe("<root>");
    }
  });

  it("never throws on hostile values, and every failure carries field errors", () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        const result = parseVvpDeployment(value);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(error.field).not.toBe("");
        }
      }),
      propertyParameters,
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseVvpDeployment(text);
        expect(result.ok).toBe(false);
      }),
      propertyParameters,
    );
  });
});

describe("formatFieldPath", () => {
  it("prints map keys in brackets and indices as [n]", () => {
    expect(formatFieldPath(["metadata", "labels", "ververica.platform/owner"])).toBe(
      "metadata.labels[ververica.platform/owner]",
    );
    expect(formatFieldPath(["metadata", "labels", "app"])).toBe("metadata.labels[app]");
    expect(formatFieldPath(["metadata", "finalizers", 0])).toBe("metadata.finalizers[0]");
    expect(formatFieldPath([])).toBe("<root>");
  });
});

describe("parseVvpDeployment on values JSON cannot hold", () => {
  it("reports a bigint or NaN nonce as a field error instead of throwing", () => {
    for (const nonce of [10n, Number.NaN, Symbol("x")]) {
      const cr = exampleCr("PATCH") as unknown as { spec: Record<string, unknown> };
      cr.spec.savepointNonce = nonce;
      const result = parseVvpDeployment(cr);
      expect(!result.ok && result.errors.map((error) => error.field)).toEqual([
        "spec.savepointNonce",
      ]);
    }
  });
});

describe("parseVvpDeployment on hostile objects", () => {
  it("does not call a replaced toString while describing a wrong value", () => {
    const cr = exampleCr("PATCH") as unknown as { spec: Record<string, unknown> };
    cr.spec.syncingMode = { toString: [] };
    const result = parseVvpDeployment(cr);
    expect(!result.ok && result.errors.map((error) => error.field)).toEqual(["spec.syncingMode"]);
  });
});

describe("parseVvpDeployment on objects no document produces", () => {
  it("reports a throwing getter as a root error instead of throwing", () => {
    const cr = exampleCr("PATCH") as unknown as Record<string, unknown>;
    Object.defineProperty(cr, "spec", {
      enumerable: true,
      get() {
        throw new Error("no spec for you");
      },
    });
    const result = parseVvpDeployment(cr);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: "<root>",
          reason: "FieldValueInvalid",
          message: expect.stringContaining("no spec for you"),
        },
      ],
      warnings: [],
    });
  });
});

describe("parseVvpDeployment on a __proto__ key", () => {
  const field = "spec.deployment.spec.template.spec.flinkConfiguration[__proto__]";

  it("refuses it from YAML text, naming the field, instead of dropping it", () => {
    const text = exampleText("PATCH").replace(
      '          engineVersionName: "vera-4.1-flink-1.20"',
      '          engineVersionName: "vera-4.1-flink-1.20"\n          flinkConfiguration:\n            __proto__: "x"',
    );
    expect(text).toContain("__proto__");
    const result = parseVvpDeployment(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      expect.objectContaining({ field, reason: "FieldValueNotSupported" }),
    ]);
  });

  it("refuses it from an object read from JSON, with the other errors", () => {
    const cr = exampleCr("PATCH");
    const json = JSON.stringify(cr).replace(
      '"engineVersionName":',
      '"flinkConfiguration":{"__proto__":{"a":"b"}},"engineVersionName":',
    );
    const value = JSON.parse(json);
    value.spec.syncingMode = "SOMETIMES";
    const result = parseVvpDeployment(value);
    expect(!result.ok && result.errors.map((error) => error.field)).toEqual([
      field,
      "spec.syncingMode",
    ]);
  });
});
