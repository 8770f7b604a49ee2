// validate as a CI gate: --strict, kinds and enums with "did you mean",
// templates, walks (node_modules, .git, hidden, --exclude, links leading
// outside), stdin by default, duplicates, --old that matches nothing,
// namespaces set later; bounded stdin for validate, get, plan and krm.
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseDocument, stringify, visit } from "yaml";
import { example, lines, runCli, tempDir } from "./support.js";

const CR = example("patch-minimal");
const summary = (stdout: string) => lines(stdout).at(-1) ?? "";

describe("validate --strict", () => {
  it("a warning fails only with --strict", async () => {
    const dir = tempDir({ "cr.yaml": CR });
    // Without --instance-id the owner label is a warning (OwnerNotChecked).
    expect((await runCli(["validate", "cr.yaml"], { cwd: dir })).code).toBe(0);
    const strict = await runCli(["validate", "--strict", "cr.yaml"], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("warning:");
    expect(
      (
        await runCli(["validate", "--strict", "--instance-id", "my-operator", "cr.yaml"], {
          cwd: dir,
        })
      ).code,
    ).toBe(0);
  });
});

describe("kinds", () => {
  it("a kind differing only in case, or an unknown kind of the group, is an error with did you mean", async () => {
    const dir = tempDir({
      "case.yaml": CR.replace("kind: VvpDeployment", "kind: VVPDeployment"),
      "edit.yaml": CR.replace("kind: VvpDeployment", "kind: VvpDeploymnt").replace(
        "apiVersion: ververica.platform/v1",
        "apiVersion: v1",
      ),
      "group.yaml": CR.replace(
        "apiVersion: ververica.platform/v1",
        "apiVersion: ververica.platfrom/v1",
      ),
      "other.yaml": CR.replace("kind: VvpDeployment", "kind: Widget"),
      "fine.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    });
    const result = await runCli(["validate", "."], { cwd: dir });
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      'case.yaml:2:7: error: kind: Unsupported value "VVPDeployment": ververica.platform has no such kind; did you mean "VvpDeployment"? (FieldValueNotSupported)',
      'edit.yaml:2:7: error: kind: Unsupported value "VvpDeploymnt": did you mean "VvpDeployment"? (FieldValueNotSupported)',
      'group.yaml:1:13: error: apiVersion: Unsupported value "ververica.platfrom/v1": did you mean "ververica.platform/v1"? (FieldValueNotSupported)',
      'other.yaml:2:7: error: kind: Unsupported value "Widget": ververica.platform has no such kind; its kinds are "VvpDeployment", "VvpDeploymentValidation" (FieldValueNotSupported)',
      "4 VvpDeployments checked: 0 valid, 4 invalid; 1 other document skipped; 0 input errors",
    ]);
  });

  it("the KRM function's config kind of the group is known", async () => {
    const dir = tempDir({
      "v.yaml":
        "apiVersion: ververica.platform/v1\nkind: VvpDeploymentValidation\nmetadata: {name: v}\n",
    });
    expect((await runCli(["validate", "v.yaml"], { cwd: dir })).code).toBe(0);
  });
});

describe("enum values", () => {
  it("get a did you mean", async () => {
    const dir = tempDir({ "cr.yaml": CR.replace("state: CANCELLED", "state: CANCELED") });
    const result = await runCli(["validate", "cr.yaml"], { cwd: dir });
    expect(result.stdout).toContain(
      'cr.yaml:17:14: error: spec.deployment.spec.state: Unsupported value "CANCELED": supported values are "RUNNING", "CANCELLED", "SUSPENDED"; did you mean "CANCELLED"? (FieldValueNotSupported)',
    );
  });
});

describe("templates", () => {
  it("a Helm template is one error line saying to render it first", async () => {
    const template = CR.replace(
      "name: my-deployment\n  namespace",
      "name: {{ .Values.name }}\n  namespace",
    ).replace("spec:\n  syncingMode", "spec:\n{{- if .Values.put }}\n  syncingMode");
    const dir = tempDir({ "t.yaml": template });
    const result = await runCli(["validate", "t.yaml"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(lines(result.stdout)).toEqual([
      "t.yaml:4:9: error: <root>: looks like a Helm or Go template ({{ … }}): render it first: helm template … | vvpctl validate (TemplateNotRendered)",
      "0 VvpDeployments checked: 0 valid, 0 invalid; 0 other documents skipped; 1 input error",
    ]);
  });

  it("braces inside a quoted value are not a template", async () => {
    const dir = tempDir({ "cr.yaml": CR.replace('jarUri: "s3://', 'jarUri: "s3://{{x}}/') });
    expect(summary((await runCli(["validate", "cr.yaml"], { cwd: dir })).stdout)).toMatch(
      /^1 VvpDeployment checked/,
    );
  });
});

describe("directory walks", () => {
  it("skip node_modules, .git and hidden folders, and --exclude globs", async () => {
    const dir = tempDir();
    for (const folder of [
      "node_modules/pkg",
      ".git",
      ".hidden",
      "deploy/generated",
      "deploy/base",
    ]) {
      mkdirSync(join(dir, folder), { recursive: true });
    }
    const broken = "kind: [\n";
    writeFileSync(join(dir, "node_modules/pkg/broken.yaml"), broken);
    writeFileSync(join(dir, ".git/broken.yaml"), broken);
    writeFileSync(join(dir, ".hidden/broken.yaml"), broken);
    writeFileSync(join(dir, "deploy/generated/broken.yaml"), broken);
    writeFileSync(join(dir, "deploy/base/broken.json"), broken);
    writeFileSync(join(dir, "deploy/base/cr.yaml"), CR);
    const result = await runCli(
      [
        "validate",
        "--instance-id",
        "my-operator",
        "--exclude",
        "deploy/generated",
        "--exclude",
        "*.json",
        ".",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      "1 VvpDeployment checked: 1 valid, 0 invalid; 0 other documents skipped; 0 input errors",
    ]);
    // A path named on the command line is read even in a skipped folder.
    expect((await runCli(["validate", "node_modules/pkg/broken.yaml"], { cwd: dir })).code).toBe(2);
  });

  it("do not follow a directory link leading outside the argument", async () => {
    const outside = tempDir({ "cr.yaml": CR });
    const dir = tempDir();
    mkdirSync(join(dir, "inside"));
    writeFileSync(
      join(dir, "inside/cr.yaml"),
      CR.replace("name: my-deployment\n  namespace", "name: b\n  namespace"),
    );
    symlinkSync(outside, join(dir, "out"));
    symlinkSync("/", join(dir, "root"));
    symlinkSync(join(dir, "inside"), join(dir, "again"));
    const result = await runCli(["validate", "--instance-id", "my-operator", "."], { cwd: dir });
    expect(result.code).toBe(0);
    expect(summary(result.stdout)).toBe(
      "1 VvpDeployment checked: 1 valid, 0 invalid; 0 other documents skipped; 0 input errors",
    );
  });
});

describe("stdin", () => {
  it("is read when no path is given", async () => {
    const result = await runCli(["validate", "--instance-id", "my-operator"], { stdin: CR });
    expect(result.code).toBe(0);
    expect(summary(result.stdout)).toMatch(/^1 VvpDeployment checked: 1 valid/);
  });

  it("is byte-counted: validate -, get -, plan - and krm stop at the limit with one line", async () => {
    let offered = 0;
    const endless = Buffer.alloc(80 * 1024 * 1024, 0x61);
    // The io hands out at most maxBytes + 1 bytes, as the bounded reader does.
    for (const argv of [["validate", "-"], ["get", "-f", "-"], ["plan", "-"], ["krm"]]) {
      const result = await runCli(argv, { stdin: endless });
      offered++;
      expect(result.code).toBe(2);
      const out = `${result.stdout}${result.stderr}`;
      expect(out).toMatch(/over the \d+\.\d MiB limit/);
    }
    expect(offered).toBe(4);
  });
});

describe("across documents", () => {
  it("two documents with the same namespace/name warn", async () => {
    const dir = tempDir({ "a.yaml": CR, "b.yaml": CR });
    const result = await runCli(["validate", "--instance-id", "my-operator", "."], { cwd: dir });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)[0]).toBe(
      "b.yaml:4:9: warning: metadata.name: my-deploy-namespace/my-deployment is also defined at a.yaml:4:9: applied together, the later one replaces the earlier (Duplicate)",
    );
  });

  it("--old that matches no document warns", async () => {
    const dir = tempDir({
      "new.yaml": CR,
      "old.yaml": CR.replace("name: my-deployment\n  namespace", "name: renamed\n  namespace"),
      "none.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    });
    const result = await runCli(
      ["validate", "--instance-id", "my-operator", "--old", "old.yaml", "new.yaml"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toContain(
      "old.yaml:4:9: warning: metadata.name: --old my-deploy-namespace/renamed matches no document of the inputs (same namespace and name): no update was checked against it (OldNotMatched)",
    );
    const none = await runCli(
      ["validate", "--instance-id", "my-operator", "--old", "none.yaml", "new.yaml"],
      { cwd: dir },
    );
    expect(none.stdout).toContain("none.yaml: warning: <root>: --old holds no VvpDeployment");
    expect(
      (
        await runCli(
          [
            "validate",
            "--strict",
            "--instance-id",
            "my-operator",
            "--old",
            "none.yaml",
            "new.yaml",
          ],
          { cwd: dir },
        )
      ).code,
    ).toBe(1);
  });

  it("a CR without metadata.namespace under --namespaces is a warning", async () => {
    const dir = tempDir({ "cr.yaml": CR.replace("  namespace: my-deploy-namespace\n", "") });
    const result = await runCli(
      ["validate", "--instance-id", "my-operator", "--namespaces", "a,b", "cr.yaml"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /cr\.yaml:\d+:\d+: warning: metadata\.namespace: Required value: .*kustomize/,
    );
    const wrong = await runCli(
      ["validate", "--instance-id", "my-operator", "--namespaces", "a", "-"],
      { stdin: CR },
    );
    expect(wrong.code).toBe(1);
  });
});

describe("plan and validate", () => {
  it("report the same findings at the same line:col in the same order", async () => {
    const bad = CR.replace("syncingMode: PATCH", "syncingMode: PACH")
      .replace("state: CANCELLED", "state: CANCELED")
      .replace("kind: JAR", "kind: JARR");
    const dir = tempDir({ "cr.yaml": bad });
    const validate = await runCli(
      ["validate", "--instance-id", "my-operator", "--no-api-key", "cr.yaml"],
      {
        cwd: dir,
      },
    );
    const plan = await runCli(["plan", "cr.yaml"], { cwd: dir });
    expect(plan.code).toBe(1);
    const errors = lines(validate.stdout).filter((line) => line.includes(": error: "));
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(lines(plan.stderr)).toEqual(errors);
  });
});

describe("the bounded reader", () => {
  it("stops an endless stream one byte past the limit", async () => {
    const { readBounded } = await import("../../src/cli/io.js");
    let produced = 0;
    async function* endless() {
      for (;;) {
        produced += 64 * 1024;
        yield Buffer.alloc(64 * 1024, 0x61);
      }
    }
    const bytes = await readBounded(endless(), 1_000_000);
    expect(bytes.length).toBe(1_000_001);
    expect(produced).toBeLessThan(1_100_000);
  });
});

describe("krm results", () => {
  it("hold no YAML anchors or aliases when one item has several findings, and stderr only counts", async () => {
    const bad = CR.replace("syncingMode: PATCH", "syncingMode: PACH").replace(
      "state: CANCELLED",
      "state: CANCELED",
    );
    const object = parse(bad) as { metadata: { annotations: Record<string, string> } };
    object.metadata.annotations["internal.config.kubernetes.io/path"] = "deploy/job.yaml";
    object.metadata.annotations["internal.config.kubernetes.io/index"] = "0";
    const list = stringify({
      apiVersion: "config.kubernetes.io/v1",
      kind: "ResourceList",
      functionConfig: { apiVersion: "v1", kind: "ConfigMap", data: { instanceId: "my-operator" } },
      items: [object],
    });
    const result = await runCli(["krm"], { stdin: list });
    expect(result.code).toBe(1);
    const document = parseDocument(result.stdout);
    let aliases = 0;
    visit(document, {
      Alias: () => {
        aliases++;
      },
      Node: (_key, node) => {
        if ((node as { anchor?: string }).anchor !== undefined) aliases++;
      },
    });
    expect(aliases).toBe(0);
    const results = (document.toJS() as { results: { file?: { path: string } }[] }).results;
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.every((r) => r.file?.path === "deploy/job.yaml")).toBe(true);
    expect(result.stderr).toBe("vvpctl krm: 2 errors, 0 warnings in the ResourceList's results\n");
  });
});
