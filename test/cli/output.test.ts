import { describe, expect, it } from "vitest";
import { jsonPointer } from "../../src/cli/output.js";
import { example, runCli, tempDir } from "./support.js";

const INVALID = example("patch-minimal")
  .replace("syncingMode: PATCH", "syncingMode: PATCHY")
  .replace("name: my-deployment\n  namespace", 'name: "a<b&c"\n  namespace');

function files(): string {
  return tempDir({
    "good.yaml": example("put-minimal"),
    "bad.yaml": `${INVALID}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\n`,
    "broken.yaml": "kind: [\n",
  });
}

describe("validate -o json (kubeconform's shape)", () => {
  it("has resources with kubeconform's fields and statuses, a summary, and line and column", async () => {
    const cwd = files();
    const result = await runCli(["validate", "-o", "json", "--instance-id", "my-operator", "."], {
      cwd,
    });
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as {
      resources: Array<Record<string, unknown>>;
      summary: Record<string, number>;
    };
    expect(report.summary).toEqual({ valid: 1, invalid: 1, errors: 1, skipped: 1 });
    const bad = report.resources.find((resource) => resource.status === "statusInvalid");
    expect(bad).toMatchObject({
      filename: "bad.yaml",
      kind: "VvpDeployment",
      name: "a<b&c",
      version: "ververica.platform/v1",
      line: 1,
      column: 1,
      validationErrors: [
        {
          path: "/spec/syncingMode",
          field: "spec.syncingMode",
          reason: "FieldValueNotSupported",
          line: 11,
          column: 16,
        },
      ],
    });
    expect(bad?.msg).toMatch(/^spec\.syncingMode: Unsupported value "PATCHY"/);
    const statuses = report.resources.map((resource) => [resource.filename, resource.status]);
    expect(statuses).toEqual([
      ["bad.yaml", "statusInvalid"],
      ["bad.yaml", "statusSkipped"],
      ["broken.yaml", "statusError"],
      ["good.yaml", "statusValid"],
    ]);
  });

  it("--json is -o json", async () => {
    const cwd = files();
    const long = await runCli(["validate", "-o", "json", "good.yaml"], { cwd });
    const short = await runCli(["validate", "--json", "good.yaml"], { cwd });
    expect(short).toEqual(long);
    expect(JSON.parse(short.stdout).summary.valid).toBe(1);
  });

  it("turns field paths into JSON pointers", () => {
    expect(jsonPointer("<root>")).toBe("");
    expect(jsonPointer("metadata.labels[ververica.platform/owner]")).toBe(
      "/metadata/labels/ververica.platform~1owner",
    );
    expect(jsonPointer("spec.deployment.spec.template.spec.flinkConfiguration[a.b]")).toBe(
      "/spec/deployment/spec/template/spec/flinkConfiguration/a.b",
    );
    expect(jsonPointer("items[0].spec")).toBe("/items/0/spec");
  });
});

describe("validate -o junit", () => {
  it("has a testsuite per file and a testcase per object; findings are failures, escaped", async () => {
    const cwd = files();
    const result = await runCli(["validate", "-o", "junit", "--instance-id", "my-operator", "."], {
      cwd,
    });
    const xml = result.stdout;
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="vvpctl validate" tests="4" failures="1" errors="1" skipped="1">',
      ),
    ).toBe(true);
    expect(xml).toContain(
      '<testsuite name="bad.yaml" id="0" tests="2" failures="1" errors="0" skipped="1">',
    );
    expect(xml).toContain(
      '<testcase name="my-deploy-namespace/a&lt;b&amp;c" classname="VvpDeployment@ververica.platform/v1">',
    );
    expect(xml).toMatch(
      /<failure message="spec\.syncingMode: Unsupported value &quot;PATCHY&quot;[^"]*" type="FieldValueNotSupported">bad\.yaml:11:16: error: /,
    );
    expect(xml).toContain('<skipped message="not a VvpDeployment"/>');
    expect(xml).toMatch(
      /<testsuite name="broken\.yaml"[^>]*errors="1"[\s\S]*<error message="&lt;root&gt;: not valid YAML/,
    );
    expect(xml.trimEnd().endsWith("</testsuites>")).toBe(true);
    // Balanced elements: every opened testsuite and testcase is closed.
    expect(xml.match(/<testsuite /g)?.length).toBe(xml.match(/<\/testsuite>/g)?.length);
  });
});

describe("validate -o sarif", () => {
  it("is SARIF 2.1.0 with a rule per reason and regions for code-scanning UIs", async () => {
    const cwd = files();
    const result = await runCli(["validate", "-o", "sarif", "--instance-id", "my-operator", "."], {
      cwd,
    });
    const sarif = JSON.parse(result.stdout) as {
      version: string;
      $schema: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: Array<{
            physicalLocation: {
              artifactLocation: { uri: string };
              region?: { startLine: number; startColumn: number };
            };
          }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toContain("sarif-2.1.0");
    const [runResult] = sarif.runs;
    expect(runResult?.tool.driver.name).toBe("vvpctl");
    const rules = runResult?.tool.driver.rules.map((rule) => rule.id) ?? [];
    expect(rules).toEqual(["FieldValueNotSupported", "InvalidYAML"]);
    const notSupported = runResult?.results.find(
      (item) => item.ruleId === "FieldValueNotSupported",
    );
    expect(notSupported).toMatchObject({
      level: "error",
      ruleIndex: 0,
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "bad.yaml" },
            region: { startLine: 11, startColumn: 16 },
          },
        },
      ],
    });
    expect(notSupported?.message.text).toMatch(/^spec\.syncingMode: /);
  });

  it("names stdin and encodes paths as URIs", async () => {
    const result = await runCli(["validate", "-o", "sarif", "-"], { stdin: "kind: [" });
    const sarif = JSON.parse(result.stdout) as {
      runs: Array<{
        results: Array<{
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }>;
      }>;
    };
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      "stdin",
    );
    const dir = tempDir({ "my file.yaml": "kind: [" });
    const spaced = await runCli(["validate", "-o", "sarif", "my file.yaml"], { cwd: dir });
    expect(spaced.stdout).toContain('"uri": "my%20file.yaml"');
  });
});
