import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { example, lines, runCli, tempDir } from "./support.js";

const TEN_MISTAKES = `apiVersion: ververica.platform/v1
kind: VvpDeployment
metadata:
  name: my-deployment
  namespace: team-a
  labels:
    ververica.platform/owner: someone-else
spec:
  syncingMode: PUTT
  savepointNonse: 1
  restartNonce: "soon"
  deployment:
    metadata:
      name: my-deployment
    spec:
      state: RUNNIN
      template:
        spec:
          artifact:
            kind: JAR
          parallelism: "two"
`;

describe("vvpctl validate", () => {
  it("accepts the seed's examples, with a trailing --- and an empty document", async () => {
    const dir = tempDir({ "cr.yaml": `---\n${example("patch-minimal")}---\n\n---\n` });
    const result = await runCli([
      "validate",
      "--instance-id",
      "my-operator",
      join(dir, "cr.yaml"),
      "examples",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // The two examples and the copy are one CR (same namespace/name) written three ways.
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(
        /^examples\/patch-minimal\.yaml:4:9: warning: metadata\.name: my-deploy-namespace\/my-deployment is also defined at .*cr\.yaml:5:9: .*\(Duplicate\)$/,
      ),
      expect.stringMatching(/^examples\/put-minimal\.yaml:4:9: warning: .*\(Duplicate\)$/),
      "3 VvpDeployments checked: 3 valid, 0 invalid; 0 other documents skipped; 0 input errors",
    ]);
  });

  it("reports a typo in a CR field as an error on its line and column (issue: savepointNonse was valid)", async () => {
    const text = example("patch-minimal").replace(
      "  syncingMode: PATCH\n",
      "  syncingMode: PATCH\n  savepointNonse: 1\n",
    );
    const dir = tempDir({ "cr.yaml": text });
    const result = await runCli(
      ["validate", "--instance-id", "my-operator", join(dir, "cr.yaml")],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    const [finding] = lines(result.stdout);
    expect(finding).toMatch(
      /^.*cr\.yaml:12:3: error: spec\.savepointNonse: .*savepointNonce.* \(\w+\)$/,
    );
  });

  it("reports ten mistakes at once, each on its own line and column", async () => {
    const dir = tempDir({ "cr.yaml": TEN_MISTAKES });
    const result = await runCli(["validate", "--instance-id", "my-operator", "cr.yaml"], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    const findings = lines(result.stdout).filter((line) => line.includes(": error: "));
    const at = (field: string) =>
      findings.find((line) => line.includes(`: error: ${field}: `))?.split(": error:")[0];
    expect(at("metadata.labels[ververica.platform/owner]")).toBe("cr.yaml:7:31");
    expect(at("metadata.annotations[apikeySecretName]")).toBe("cr.yaml:3:1");
    expect(at("spec.syncingMode")).toBe("cr.yaml:9:16");
    expect(at("spec.savepointNonse")).toBe("cr.yaml:10:3");
    expect(at("spec.restartNonce")).toBe("cr.yaml:11:17");
    expect(at("spec.deployment.metadata.namespace")).toBe("cr.yaml:13:5");
    expect(at("spec.deployment.spec.state")).toBe("cr.yaml:16:14");
    expect(at("spec.deployment.spec.deploymentTargetName")).toBe("cr.yaml:15:5");
    expect(at("spec.deployment.spec.template.spec.artifact.jarUri")).toBe("cr.yaml:19:11");
    expect(at("spec.deployment.spec.template.spec.engineVersionName")).toBe("cr.yaml:18:9");
    expect(at("spec.deployment.spec.template.spec.parallelism")).toBe("cr.yaml:21:24");
    expect(findings.length).toBeGreaterThanOrEqual(11);
    for (const line of findings)
      expect(line).toMatch(/^cr\.yaml:\d+:\d+: error: \S.*: .* \(\w+\)$/);
  });

  it("prints findings in source order", async () => {
    const dir = tempDir({ "cr.yaml": TEN_MISTAKES });
    const result = await runCli(["validate", "--instance-id", "my-operator", "cr.yaml"], {
      cwd: dir,
    });
    const positions = lines(result.stdout)
      .filter((line) => line.startsWith("cr.yaml:"))
      .map((line) => line.split(":").slice(1, 3).map(Number) as [number, number]);
    const sorted = [...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(positions).toEqual(sorted);
  });

  it("places findings in JSON files and in files with CRLF line ends", async () => {
    const dir = tempDir({
      "cr.json":
        '{\n  "apiVersion": "ververica.platform/v1",\n  "kind": "VvpDeployment",\n  "metadata": {"name": "x"},\n  "spec": {"syncingMode": "NOPE"}\n}\n',
      "crlf.yaml":
        "apiVersion: ververica.platform/v1\r\nkind: VvpDeployment\r\nmetadata:\r\n  name: x\r\nspec:\r\n  syncingMode: NOPE\r\n",
    });
    const result = await runCli(["validate", "--instance-id", "a", "cr.json", "crlf.yaml"], {
      cwd: dir,
    });
    expect(result.stdout).toContain(
      'cr.json:5:27: error: spec.syncingMode: Unsupported value "NOPE"',
    );
    expect(result.stdout).toContain(
      "cr.json:4:3: error: metadata.labels[ververica.platform/owner]: Required value",
    );
    expect(result.stdout).toContain(
      'crlf.yaml:6:16: error: spec.syncingMode: Unsupported value "NOPE"',
    );
    expect(result.stdout).toContain(
      "crlf.yaml:3:1: error: metadata.labels[ververica.platform/owner]: Required value",
    );
  });

  it("without --instance-id does not compare the owner label but says so, and still requires it", async () => {
    const dir = tempDir({
      "ok.yaml": example("patch-minimal"),
      "none.yaml": example("patch-minimal").replace(
        "  labels:\n    ververica.platform/owner: my-operator\n",
        "",
      ),
    });
    const ok = await runCli(["validate", "ok.yaml"], { cwd: dir });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'ok.yaml:7:31: warning: metadata.labels[ververica.platform/owner]: "my-operator" was not compared with an operator\'s instanceId: pass --instance-id ID to check it (OwnerNotChecked)',
    );
    const none = await runCli(["validate", "none.yaml"], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stdout).toContain(
      "none.yaml:3:1: error: metadata.labels[ververica.platform/owner]: Required value: set it to the operator's instanceId",
    );
    const other = await runCli(["validate", "--instance-id", "other", "ok.yaml"], { cwd: dir });
    expect(other.code).toBe(1);
    expect(other.stdout).toContain(
      "ok.yaml:7:31: error: metadata.labels[ververica.platform/owner]",
    );
  });

  it("places warnings on their fields: a near-miss VVP field, initFields in PUT mode", async () => {
    const text = example("put-minimal")
      .replace(
        "  syncingMode: PUT\n",
        "  syncingMode: PUT\n  initFields:\n    spec: {maxJobCreationAttempts: 2}\n",
      )
      .replace(
        "          numberOfTaskManagers: 1\n",
        "          numberOfTaskManagers: 1\n          parallelizm: 2\n",
      );
    const dir = tempDir({ "cr.yaml": text });
    const result = await runCli(["validate", "--instance-id", "my-operator", "cr.yaml"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const warnings = lines(result.stdout).filter((line) => line.includes(": warning: "));
    expect(warnings).toHaveLength(2);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^cr\.yaml:12:3: warning: spec\.initFields: spec\.initFields is ignored in PUT mode/,
      ),
    );
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^cr\.yaml:\d+:11: warning: spec\.deployment\.spec\.template\.spec\.parallelizm: .*parallelism/,
      ),
    );
  });

  it("applies --namespaces and --no-api-key", async () => {
    const dir = tempDir({
      "cr.yaml": example("patch-minimal").replace(
        "  annotations:\n    apikeySecretName: my-vvp-apikey\n",
        "",
      ),
    });
    const base = ["validate", "--instance-id", "my-operator", "cr.yaml"];
    const withKey = await runCli(base, { cwd: dir });
    expect(withKey.stdout).toContain("error: metadata.annotations[apikeySecretName]");
    const noKey = await runCli([...base, "--no-api-key"], { cwd: dir });
    expect(noKey.code).toBe(0);
    const elsewhere = await runCli([...base, "--no-api-key", "--namespaces", "a, b"], { cwd: dir });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toMatch(/cr\.yaml:5:14: error: metadata\.namespace: /);
    const watched = await runCli(
      [...base, "--no-api-key", "--namespaces", "a,my-deploy-namespace"],
      { cwd: dir },
    );
    expect(watched.code).toBe(0);
  });

  it("checks an update against --old for the immutable fields", async () => {
    const dir = tempDir({
      "old.yaml": example("patch-minimal"),
      "new.yaml": example("patch-minimal").replace(
        "deploymentTargetName: default",
        "deploymentTargetName: other",
      ),
    });
    const create = await runCli(["validate", "--instance-id", "my-operator", "new.yaml"], {
      cwd: dir,
    });
    expect(create.code).toBe(0);
    const update = await runCli(
      ["validate", "--instance-id", "my-operator", "--old", "old.yaml", "new.yaml"],
      { cwd: dir },
    );
    expect(update.code).toBe(1);
    expect(update.stdout).toMatch(
      /new\.yaml:18:29: error: spec\.deployment\.spec\.deploymentTargetName: .*immutable/i,
    );
    const missing = await runCli(["validate", "--old", "nope.yaml", "new.yaml"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: --old nope.yaml: cannot be read (ENOENT)\n");
  });

  it("reads stdin for -, skips and counts other kinds, and expands a kind: List", async () => {
    const list = `apiVersion: v1\nkind: List\nitems:\n- ${example("patch-minimal").trimEnd().replaceAll("\n", "\n  ")}\n`;
    const stdin = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n${list}`;
    const result = await runCli(["validate", "--instance-id", "my-operator", "-"], { stdin });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      "1 VvpDeployment checked: 1 valid, 0 invalid; 1 other document skipped; 0 input errors\n",
    );
  });

  it("walks directories recursively for *.yaml, *.yml and *.json, in name order", async () => {
    const dir = tempDir({ "a.yml": example("put-minimal"), "notes.txt": "not yaml: [" });
    mkdirSync(join(dir, "sub"));
    writeFileSync(
      join(dir, "sub", "b.json"),
      JSON.stringify({
        apiVersion: "ververica.platform/v1",
        kind: "VvpDeployment",
        metadata: { name: "x" },
      }),
    );
    const result = await runCli(["validate", "-o", "json", "--instance-id", "my-operator", dir]);
    const report = JSON.parse(result.stdout) as {
      resources: Array<{ filename: string; status: string }>;
    };
    expect(
      report.resources.map((resource) => [resource.filename.slice(dir.length), resource.status]),
    ).toEqual([
      ["/a.yml", "statusValid"],
      ["/sub/b.json", "statusInvalid"],
    ]);
    expect(result.code).toBe(1);
  });

  describe("bad inputs: one line each, exit 2, never a stack trace", () => {
    it("a YAML syntax error, with its line and column", async () => {
      const dir = tempDir({
        "bad.yaml": "apiVersion: v1\nkind: [VvpDeployment\nmetadata:\n  name: x\n",
      });
      const result = await runCli(["validate", "bad.yaml"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(lines(result.stdout)[0]).toMatch(
        /^bad\.yaml:\d+:\d+: error: <root>: not valid YAML: .* \(InvalidYAML\)$/,
      );
    });

    it("a duplicate key", async () => {
      const dir = tempDir({ "dup.yaml": "kind: VvpDeployment\nkind: VvpDeployment\n" });
      const result = await runCli(["validate", "dup.yaml"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toMatch(
        /^dup\.yaml:2:1: error: <root>: not valid YAML: .*DUPLICATE_KEY/m,
      );
    });

    // The yaml library's own duplicate-key and alias checks are quadratic:
    // 1.5 MB of distinct keys took minutes, 300 KB of aliases seconds.
    it("a 1.5 MB map of distinct keys, and 30,000 aliases, each in well under a second's work per MB", async () => {
      const keys = Array.from({ length: 150_000 }, (_, index) => `k${index}: v`).join("\n");
      const aliases = ["a: &b x", ...Array.from({ length: 30_000 }, (_, i) => `k${i}: *b`)];
      const dir = tempDir({ "keys.yaml": `${keys}\n`, "aliases.yaml": `${aliases.join("\n")}\n` });
      // CPU time of this process, not wall time: on a loaded machine the wall
      // clock runs on while this process waits for a core (quadratic took minutes).
      const started = process.cpuUsage();
      const many = await runCli(["validate", "keys.yaml"], { cwd: dir });
      expect(many.code).toBe(0);
      const refused = await runCli(["validate", "aliases.yaml"], { cwd: dir });
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(
        /^aliases\.yaml:102:7: error: <root>: not valid YAML: .*more than 100 aliases.*RESOURCE_EXHAUSTION/m,
      );
      const used = process.cpuUsage(started);
      expect((used.user + used.system) / 1000).toBeLessThan(15_000);
    }, 120_000);

    it("a file of 10 MB", async () => {
      const dir = tempDir({ "big.yaml": `# ${"x".repeat(10 * 1024 * 1024)}\n` });
      const result = await runCli(["validate", "big.yaml"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toContain(
        "big.yaml: error: <root>: is 10.0 MiB, over the 3.0 MiB limit",
      );
    });

    it("10 MB on stdin", async () => {
      const result = await runCli(["validate", "-"], {
        stdin: Buffer.alloc(10 * 1024 * 1024, 0x61),
      });
      expect(result.code).toBe(2);
      // Read one byte past the limit and no further: the size is not known.
      expect(result.stdout).toContain("<stdin>: error: <root>: is over the 3.0 MiB limit");
    });

    it("binary garbage", async () => {
      const dir = tempDir({
        "blob.yaml": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe]),
      });
      const result = await runCli(["validate", "blob.yaml"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(lines(result.stdout)[0]).toBe(
        "blob.yaml: error: <root>: is binary (it holds NUL bytes), not YAML or JSON (InputError)",
      );
    });

    it("text that is not UTF-8", async () => {
      const dir = tempDir({ "latin1.yaml": Buffer.from("name: caf\xe9\n", "latin1") });
      const result = await runCli(["validate", "latin1.yaml"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toContain("latin1.yaml: error: <root>: is not UTF-8 text (InputError)");
    });

    it("a document that is not a mapping", async () => {
      const dir = tempDir({ "scalar.yaml": "just some words\n" });
      const result = await runCli(["validate", "scalar.yaml"], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toContain("scalar.yaml:1:1: error: <root>: not a Kubernetes object");
    });

    it("a directory with no YAML", async () => {
      const dir = tempDir({ "README.txt": "hello" });
      const result = await runCli(["validate", "."], { cwd: dir });
      expect(result.code).toBe(2);
      expect(lines(result.stdout)[0]).toBe(
        ".: error: <root>: directory holds no *.yaml, *.yml or *.json file (InputError)",
      );
    });

    // Tests run as root, which reads through mode 000: a dangling symlink and a
    // FIFO are the unreadable inputs that stay unreadable (ours).
    it("a missing file, a dangling symlink and a FIFO (never blocks)", async () => {
      const dir = tempDir();
      symlinkSync(join(dir, "gone.yaml"), join(dir, "link.yaml"));
      execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
      const result = await runCli(["validate", "missing.yaml", "link.yaml", "pipe.yaml"], {
        cwd: dir,
      });
      expect(result.code).toBe(2);
      expect(lines(result.stdout).slice(0, 3)).toEqual([
        "missing.yaml: error: <root>: cannot be read (ENOENT) (InputError)",
        "link.yaml: error: <root>: cannot be read: a symbolic link to nothing (InputError)",
        "pipe.yaml: error: <root>: cannot be read: not a regular file or directory (InputError)",
      ]);
    });

    it("a directory holding an unreadable manifest reports it and still checks the rest", async () => {
      const dir = tempDir({ "ok.yaml": example("patch-minimal") });
      symlinkSync(join(dir, "gone.yaml"), join(dir, "z.yaml"));
      const result = await runCli(["validate", "--instance-id", "my-operator", "."], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toContain(
        "z.yaml: error: <root>: cannot be read: a symbolic link to nothing",
      );
      expect(result.stdout).toContain("1 VvpDeployment checked: 1 valid");
    });

    it("an unknown option, a bad format, no paths", async () => {
      for (const argv of [
        ["validate", "--bogus", "x"],
        ["validate", "-o", "xml", "x"],
        ["validate"],
      ]) {
        // No path reads stdin, unless it is a terminal (which would only wait).
        const result = await runCli(argv, { stdinIsTTY: true });
        expect(result.code).toBe(2);
        expect(lines(result.stderr)).toHaveLength(1);
        expect(result.stderr).toMatch(/^error: /);
      }
    });
  });
});
