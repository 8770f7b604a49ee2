import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { example, REPOSITORY, runCli, tempDir } from "./support.js";

const indent = (text: string, spaces: number) =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => `${" ".repeat(spaces)}${line}`)
    .join("\n");

function item(text: string, annotations: Record<string, string>): string {
  const object = parse(text) as { metadata: { annotations?: Record<string, string> } };
  object.metadata.annotations = { ...object.metadata.annotations, ...annotations };
  return `  - ${indent(JSON.stringify(object), 4).trimStart()}`;
}

const BAD = example("put-minimal").replace("syncingMode: PUT", "syncingMode: PUTT");

function resourceList(functionConfig: string): string {
  return [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items:",
    "  # a comment the function keeps",
    item(BAD, {
      "internal.config.kubernetes.io/path": "deploy/bad.yaml",
      "internal.config.kubernetes.io/index": "1",
    }),
    item(example("patch-minimal"), {
      "config.kubernetes.io/path": "deploy/good.yaml",
      "config.kubernetes.io/index": "0",
    }),
    "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: other}",
    "functionConfig:",
    indent(functionConfig, 2),
    "",
  ].join("\n");
}

const CONFIG =
  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vvp-validate}\ndata:\n  instanceId: my-operator\n";

interface Result {
  message: string;
  severity: string;
  resourceRef?: Record<string, string>;
  field?: { path: string };
  file?: { path: string; index?: number };
}

describe("vvpctl krm (KRM function)", () => {
  it("returns the items unchanged with results, and exits 1 on an error result", async () => {
    const input = resourceList(CONFIG);
    const result = await runCli(["krm"], { stdin: input });
    expect(result.code).toBe(1);
    const output = parse(result.stdout) as { items: unknown[]; results: Result[] };
    expect(output.items).toEqual((parse(input) as { items: unknown[] }).items);
    expect(result.stdout).toContain("# a comment the function keeps");
    expect(output.results).toEqual([
      {
        message: expect.stringMatching(/^Unsupported value "PUTT": .* \(FieldValueNotSupported\)$/),
        severity: "error",
        resourceRef: {
          apiVersion: "ververica.platform/v1",
          kind: "VvpDeployment",
          name: "my-deployment",
          namespace: "my-deploy-namespace",
        },
        field: { path: "spec.syncingMode" },
        file: { path: "deploy/bad.yaml", index: 1 },
        tags: { reason: "FieldValueNotSupported" },
      },
    ]);
    // The finding is in the results once; stderr only counts.
    expect(result.stderr).toBe("vvpctl krm: 1 error, 0 warnings in the ResourceList's results\n");
    expect(result.stdout).not.toMatch(/[&*][a-z0-9]+\b/);
  });

  it("reads the legacy path annotations, and exits 0 with warnings only", async () => {
    const input = resourceList(CONFIG).replace('"PUTT"', '"PUT"');
    const unconfigured = await runCli(["krm"], {
      stdin: input.replace("  instanceId: my-operator", '  apiKeyValidation: "true"'),
    });
    expect(unconfigured.code).toBe(0);
    const results = (parse(unconfigured.stdout) as { results: Result[] }).results;
    expect(results.map((entry) => [entry.severity, entry.file, entry.field?.path])).toEqual([
      [
        "warning",
        { path: "deploy/bad.yaml", index: 1 },
        "metadata.labels[ververica.platform/owner]",
      ],
      [
        "warning",
        { path: "deploy/good.yaml", index: 0 },
        "metadata.labels[ververica.platform/owner]",
      ],
    ]);
    const clean = await runCli(["krm"], { stdin: input });
    expect(clean.code).toBe(0);
    expect((parse(clean.stdout) as { results: Result[] }).results).toEqual([]);
  });

  it("takes namespaces and apiKeyValidation from the functionConfig, or a typed spec", async () => {
    const typed =
      "apiVersion: ververica.platform/v1\nkind: VvpDeploymentValidation\nmetadata: {name: v}\nspec:\n  instanceId: my-operator\n  namespaces: [team-a]\n  apiKeyValidation: false\n";
    const result = await runCli(["krm"], { stdin: resourceList(typed).replace("PUTT", "PUT") });
    expect(result.code).toBe(1);
    const results = (parse(result.stdout) as { results: Result[] }).results;
    expect(results.map((entry) => entry.field?.path)).toEqual([
      "metadata.namespace",
      "metadata.namespace",
    ]);
  });

  it("refuses input that is not a ResourceList, and a bad functionConfig, with exit 2", async () => {
    const notList = await runCli(["krm"], { stdin: "apiVersion: v1\nkind: List\nitems: []\n" });
    expect(notList).toMatchObject({
      code: 2,
      stdout: "",
      stderr: "error: expected a config.kubernetes.io/v1 ResourceList with items on stdin\n",
    });
    const broken = await runCli(["krm"], { stdin: "items: [" });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^error: input is not valid YAML: /);
    const badConfig = await runCli(["krm"], {
      stdin: resourceList(CONFIG.replace("instanceId: my-operator", "apiKeyValidation: maybe")),
    });
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toBe(
      'error: functionConfig apiKeyValidation must be "true" or "false"\n',
    );
  });

  it("wraps a plain stream and a config file (kustomize's exec plugin protocol) into a ResourceList", async () => {
    const dir = tempDir({ "config.yaml": CONFIG });
    const stream = `${BAD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n`;
    const result = await runCli(["krm", "config.yaml"], { stdin: stream, cwd: dir });
    expect(result.code).toBe(1);
    const output = parse(result.stdout) as { kind: string; items: unknown[]; results: Result[] };
    expect(output.kind).toBe("ResourceList");
    expect(output.items).toEqual(parseAllDocuments(stream).map((document) => document.toJS()));
    expect(output.results[0]?.field?.path).toBe("spec.syncingMode");
  });
});

const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" }).status === 0;

/**
 * kubectl 1.32's kustomize has no --enable-exec, so it skips KRM exec
 * functions without a word; it still runs kustomize's exec plugins with
 * --enable-alpha-plugins, found by the config's apiVersion and kind under
 * KUSTOMIZE_PLUGIN_HOME. That is how `kubectl kustomize` runs vvpctl krm.
 * Listed under `transformers:`: kustomize 5.5's `validators:` refuses any
 * exec plugin's output, even `cat`'s (measured), while a transformer that
 * changes nothing is accepted.
 */
describe.skipIf(!kubectl)("vvpctl krm under kubectl kustomize", () => {
  function kustomization(cr: string): { dir: string; pluginHome: string } {
    const dir = tempDir({
      "cr.yaml": cr,
      "kustomization.yaml": "resources:\n- cr.yaml\ntransformers:\n- validator.yaml\n",
      "validator.yaml":
        "apiVersion: ververica.platform/v1\nkind: VvpDeploymentValidation\nmetadata:\n  name: validate\nspec:\n  instanceId: my-operator\n",
    });
    const pluginHome = join(dir, "plugins");
    const pluginDir = join(pluginHome, "ververica.platform", "v1", "vvpdeploymentvalidation");
    mkdirSync(pluginDir, { recursive: true });
    const plugin = join(pluginDir, "VvpDeploymentValidation");
    const loader = join(REPOSITORY, "node_modules", "tsx", "dist", "loader.mjs");
    const main = join(REPOSITORY, "src", "cli", "main.ts");
    writeFileSync(plugin, `#!/bin/sh\nexec node --import "${loader}" "${main}" krm "$@"\n`);
    chmodSync(plugin, 0o755);
    return { dir, pluginHome };
  }

  const build = ({ dir, pluginHome }: { dir: string; pluginHome: string }) =>
    spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", dir], {
      encoding: "utf8",
      env: { ...process.env, KUSTOMIZE_PLUGIN_HOME: pluginHome },
    });

  it("passes a valid CR through unchanged", () => {
    const result = build(kustomization(example("patch-minimal")));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(parse(result.stdout)).toEqual(parse(example("patch-minimal")));
  });

  it("fails the build on an invalid CR, naming the field", () => {
    const result = build(kustomization(BAD));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'VvpDeployment/my-deployment: spec.syncingMode: error: Unsupported value "PUTT"',
    );
  });
});
