import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder, importsOfFile as importsOf, SOURCE } from "./imports.js";

// Hosts sit on top of the core and depend on it, never the reverse, and only
// the Kubernetes host (and the operator and CLI built beside it) may load client-node, an
// optional peer dependency: the root entry must work without it installed.
const HOSTS = ["kubernetes", "testing", "operator", "cli"];
const BELOW_HOSTS = [
  "models",
  "validation",
  "crd",
  "projection",
  "nonces",
  "conditions",
  "reconcile",
  "printer-columns",
  "authoring",
  "vvp-client",
  "execution",
  "simulator",
];
// The CLI too: `kubectl vvp get/status/savepoint/restart` read the cluster
// through it, loaded on use (cli/kube.ts), with a one-line hint when missing.
const CLIENT_NODE_ALLOWED = new Set(["kubernetes", "operator", "cli"]);

/** The top folder under src/ an import lands in, or undefined for a package. */
function folderOf(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  return relative(SOURCE, resolve(dirname(file), specifier)).split("/")[0];
}

const filesOf = (folders: readonly string[]) =>
  folders.flatMap((folder) => filesUnder(join(SOURCE, folder)).map((file) => ({ folder, file })));

describe("host layering", () => {
  it("finds the host folders", () => {
    for (const host of HOSTS) expect(filesUnder(join(SOURCE, host)).length).toBeGreaterThan(0);
  });

  it.each(filesOf(BELOW_HOSTS).map(({ file }) => [relative(SOURCE, file), file]))(
    "%s imports no host",
    (_name, file) => {
      const hosts = importsOf(file).filter((specifier) =>
        HOSTS.includes(folderOf(file, specifier) ?? ""),
      );
      expect(hosts).toEqual([]);
    },
  );

  it.each(
    filesOf([...BELOW_HOSTS, ...HOSTS]).map(({ folder, file }) => [
      relative(SOURCE, file),
      folder,
      file,
    ]),
  )("%s loads client-node only if its folder may", (_name, folder, file) => {
    const loadsClientNode = importsOf(file).some((specifier) =>
      specifier.startsWith("@kubernetes/client-node"),
    );
    if (!CLIENT_NODE_ALLOWED.has(folder)) expect(loadsClientNode).toBe(false);
  });

  it("keeps client-node out of the root entry's import graph", () => {
    const seen = new Set<string>();
    const pending = [join(SOURCE, "index.ts")];
    const reached: string[] = [];
    while (pending.length > 0) {
      const file = pending.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith("@kubernetes/client-node")) reached.push(relative(SOURCE, file));
        if (specifier.startsWith("."))
          pending.push(resolve(dirname(file), specifier).replace(/\.js$/, ".ts"));
      }
    }
    expect(seen.size).toBeGreaterThan(20);
    expect(reached).toEqual([]);
  });
});
