import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { run } from "../../src/cli/main.js";
import { renderCrdYaml, renderJsonSchema } from "../../src/crd/index.js";
import { example, lines, runCli, tempDir } from "./support.js";

const WITH_STATUS = `${example("patch-minimal").replace(
  "  namespace: my-deploy-namespace\n",
  '  namespace: my-deploy-namespace\n  creationTimestamp: "2026-01-01T00:00:00Z"\n',
)}status:
  actualState: RUNNING
  observedSpecState: RUNNING
  instanceId: my-operator
  syncEnabled: true
  vvpNamespace: default
  conditions:
    - {type: Healthy, status: "True", reason: AllConditionsMet, message: "", lastTransitionTime: "2026-01-01T00:00:00Z"}
    - {type: Consistent, status: "True", reason: RecordIntact, message: "", lastTransitionTime: "2026-01-01T00:00:00Z"}
    - {type: SpecAligned, status: "True", reason: SpecUnchanged, message: "", lastTransitionTime: "2026-01-01T00:00:00Z"}
    - {type: ParallelismAligned, status: "False", reason: AutopilotManaged, message: "", lastTransitionTime: "2026-01-01T00:00:00Z"}
`;

describe("vvpctl get", () => {
  it("prints kubectl's default columns with AGE relative to now", async () => {
    const result = await runCli(["get", "-"], { stdin: WITH_STATUS, now: "2026-01-01T00:05:00Z" });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      "NAME            ACTUAL    INSTANCE-ID   DESIRED   SYNC   VVP-NAMESPACE   HEALTHY   AGE",
      "my-deployment   RUNNING   my-operator   RUNNING   true   default         True      5m",
    ]);
  });

  it("adds the sub-condition columns with -o wide", async () => {
    const result = await runCli(["get", "-o", "wide", "-"], {
      stdin: WITH_STATUS,
      now: "2026-01-01T03:00:00Z",
    });
    const [header, row] = lines(result.stdout);
    expect(header?.split(/\s+/)).toEqual([
      "NAME",
      "ACTUAL",
      "INSTANCE-ID",
      "DESIRED",
      "SYNC",
      "VVP-NAMESPACE",
      "HEALTHY",
      "AGE",
      "CONSISTENT",
      "SPECALIGNED",
      "PARALLELISMALIGNED",
      "DELETIONBLOCKED",
    ]);
    expect(row?.split(/\s+/)).toEqual([
      "my-deployment",
      "RUNNING",
      "my-operator",
      "RUNNING",
      "true",
      "default",
      "True",
      "3h",
      "True",
      "True",
      "False",
    ]);
  });

  it("adds NAMESPACE when the CRs span namespaces, and skips other kinds", async () => {
    const other = example("put-minimal").replace(
      "namespace: my-deploy-namespace",
      "namespace: team-b",
    );
    const stdin = `${example("patch-minimal")}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n${other}`;
    const result = await runCli(["get", "-"], { stdin });
    const table = lines(result.stdout);
    expect(table[0]).toMatch(/^NAMESPACE {13}NAME {12}ACTUAL/);
    expect(table.slice(1).map((row) => row.split(/\s+/)[0])).toEqual([
      "my-deploy-namespace",
      "team-b",
    ]);
    expect(table[1]).toMatch(/<unknown>$/);
  });

  it("says No resources found when there is no VvpDeployment, and exits 2 on an unreadable input", async () => {
    const none = await runCli(["get", "-"], {
      stdin: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
    });
    expect(none).toMatchObject({ code: 0, stdout: "", stderr: "No resources found.\n" });
    const missing = await runCli(["get", "missing.yaml"], { cwd: tempDir() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing.yaml: error: <root>: cannot be read (ENOENT)");
  });

  it("names a YAML syntax error with its line and column and exits 2, still printing the readable CRs", async () => {
    const dir = tempDir({
      "good.yaml": WITH_STATUS,
      "bad.yaml": "apiVersion: ververica.platform/v1\nkind: VvpDeployment\nmetadata: {name: a\n",
    });
    const result = await runCli(["get", "-f", "good.yaml", "-f", "bad.yaml"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^bad\.yaml:4:1: error: <root>: not valid YAML: .* \(InvalidYAML\)$/),
    ]);
    expect(lines(result.stdout)).toHaveLength(2);
  });
});

describe("vvpctl crd and schema", () => {
  // What `npm run generate` writes into crds/ and schema/ (CI keeps those fresh).
  it("print exactly what npm run generate writes", async () => {
    const crd = await runCli(["crd"]);
    expect(crd.code).toBe(0);
    expect(crd.stdout).toBe(renderCrdYaml());
    expect(parse(crd.stdout)).toMatchObject({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "vvpdeployments.ververica.platform" },
    });
    const schema = await runCli(["schema"]);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toBe(renderJsonSchema());
    expect(JSON.parse(schema.stdout).$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  it("have --help", async () => {
    for (const command of ["crd", "schema", "get", "plan", "krm", "validate"]) {
      const help = await runCli([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: vvpctl ${command}`);
      expect(help.stderr).toBe("");
    }
  });
});

describe("the program", () => {
  it("prints help and version with exit 0, and one error line with exit 2 otherwise", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: vvpctl [options] [command]");
    const version = await runCli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const typo = await runCli(["valdate", "x"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("error: unknown command 'valdate'");
    expect(typo.stderr).toBe("error: unknown command 'valdate' (Did you mean validate?)\n");
    const option = await runCli(["validate", "--instance-idd", "x", "x.yaml"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toBe(
      "error: unknown option '--instance-idd' (Did you mean --instance-id?)\n",
    );
    const nothing = await runCli([]);
    expect(nothing.code).toBe(2);
  });

  it("calls itself kubectl vvp when run as the kubectl plugin", async () => {
    let out = "";
    const io = {
      stdout: (text: string) => {
        out += text;
      },
      stderr: () => {},
      readStdin: async () => Buffer.alloc(0),
      cwd: process.cwd(),
      now: () => new Date(),
    };
    expect(await run(["validate", "--help"], io, { name: "kubectl vvp" })).toBe(0);
    expect(out).toContain("Usage: kubectl vvp validate [options] [paths...]");
  });
});
