import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// client-node sits behind one port (KubeApi): only client-node-api.ts may
// import it at runtime, so moving to client-node 2.x touches one file.
const folder = new URL("../../src/kubernetes/", import.meta.url);
const files = readdirSync(folder).filter((name) => name.endsWith(".ts"));

/** The value (not `type`) bindings a file imports from client-node. */
function valueImportsOfClientNode(text: string): string[] {
  const imports = text.matchAll(
    /^import\s+(type\s+)?([^;]*?)\s+from\s+["']@kubernetes\/client-node["']/gms,
  );
  return [...imports].flatMap(([, typeOnly, clause = ""]) =>
    typeOnly !== undefined
      ? []
      : clause
          .replaceAll(/[{}]/g, "")
          .split(",")
          .map((binding) => binding.trim())
          .filter((binding) => binding !== "" && !binding.startsWith("type ")),
  );
}

describe("the client-node port", () => {
  it.each(files)("%s imports client-node at runtime only if it is the port", (file) => {
    const text = readFileSync(new URL(file, folder), "utf8");
    const values = valueImportsOfClientNode(text);
    // The port takes only the KubeConfig's type: its requests are its own.
    if (file === "client-node-api.ts") expect(text).toContain('from "@kubernetes/client-node"');
    else expect(values).toEqual([]);
  });

  it("the check sees value imports and skips type-only ones", () => {
    expect(
      valueImportsOfClientNode(
        'import { type KubeConfig, CoreV1Api } from "@kubernetes/client-node";\nimport type { X } from "@kubernetes/client-node";',
      ),
    ).toEqual(["CoreV1Api"]);
  });

  it("nothing outside src/kubernetes, src/operator and src/cli imports client-node", () => {
    const source = new URL("../../src/", import.meta.url);
    const offenders = readdirSync(source, { recursive: true, encoding: "utf8" })
      .filter((path) => path.endsWith(".ts"))
      .filter((path) => !/^(kubernetes|operator|cli)\//.test(path))
      .filter((path) =>
        readFileSync(new URL(path, source), "utf8").includes("@kubernetes/client-node"),
      );
    expect(offenders).toEqual([]);
  });
});
