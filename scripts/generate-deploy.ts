// Writes the operator's kustomize base (deploy/) from src/operator/manifests.ts.
// `npm run generate` runs it with the base's values; CI fails when the
// checked-in files differ. With flags it writes an installation of your own:
//   npx tsx scripts/generate-deploy.ts --out my-install --namespace ops \
//     --instance-id team-a --watched-namespaces team-a,team-b --image registry/vvp-operator:0.1.0

import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "commander";
import {
  DEFAULT_INSTALL,
  type InstallOptions,
  renderDeployFiles,
} from "../src/operator/manifests.js";

// Resolved from this file, not the working directory, so it works from anywhere.
const REPOSITORY_ROOT = new URL("../", import.meta.url);

/** The base's directory, relative to the repository root. */
export const DEPLOY_DIRECTORY = "deploy";

/** Writes every file of the base (and removes stale ones); returns the paths written. */
export async function generateDeploy(
  options: InstallOptions = DEFAULT_INSTALL,
  directory = fileURLToPath(new URL(`${DEPLOY_DIRECTORY}/`, REPOSITORY_ROOT)),
  label = DEPLOY_DIRECTORY,
): Promise<string[]> {
  const files = renderDeployFiles(options);
  await mkdir(directory, { recursive: true });
  for (const existing of await readdir(directory)) {
    if (existing.endsWith(".yaml") && !(existing in files)) await rm(join(directory, existing));
  }
  const written: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    await writeFile(join(directory, file), text, "utf8");
    written.push(`${label}/${file}`);
  }
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const command = new Command("generate-deploy")
    .option("--out <directory>", "where to write (default: deploy/ of this repository)")
    .option("--namespace <namespace>", "the operator's namespace", DEFAULT_INSTALL.namespace)
    .option("--instance-id <id>", "the operator's instanceId", DEFAULT_INSTALL.instanceId)
    .option(
      "--watched-namespaces <list>",
      "comma-separated",
      DEFAULT_INSTALL.watchedNamespaces.join(","),
    )
    .option("--image <image>", "the operator image", DEFAULT_INSTALL.image)
    .option("--vvp-url <url>", "Ververica Platform's URL", DEFAULT_INSTALL.vvpUrl)
    .option("--replicas <n>", "replicas", String(DEFAULT_INSTALL.replicas))
    .parse();
  const flags = command.opts<Record<string, string>>();
  const options: InstallOptions = {
    namespace: flags.namespace ?? DEFAULT_INSTALL.namespace,
    instanceId: flags.instanceId ?? DEFAULT_INSTALL.instanceId,
    watchedNamespaces: (flags.watchedNamespaces ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
    image: flags.image ?? DEFAULT_INSTALL.image,
    vvpUrl: flags.vvpUrl ?? DEFAULT_INSTALL.vvpUrl,
    replicas: Number(flags.replicas ?? DEFAULT_INSTALL.replicas),
  };
  const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const names = [options.namespace, options.instanceId, ...options.watchedNamespaces];
  const bad = names.find((name) => !dnsLabel.test(name));
  if (bad !== undefined || options.watchedNamespaces.length === 0) {
    command.error(`generate-deploy: ${JSON.stringify(bad ?? "")} is not a valid name`, {
      exitCode: 2,
    });
  }
  if (!Number.isInteger(options.replicas) || options.replicas < 1) {
    command.error("generate-deploy: --replicas must be a whole number of at least 1", {
      exitCode: 2,
    });
  }
  const out = flags.out;
  const written =
    out === undefined ? await generateDeploy(options) : await generateDeploy(options, out, out);
  for (const path of written) console.log(`generated ${path}`);
}
