#!/usr/bin/env node
// node scripts/check-image.mjs: the image without a Docker engine. After
// `npm run build`, it
//  1. checks the image's manifest (deploy/image/) against package.json: the
//     same runtime dependencies, @kubernetes/client-node at the version the
//     tests ran with, and every shared package locked at the same version;
//  2. carries out the Dockerfile's steps in an empty folder, exactly as
//     written (WORKDIR, ENV, COPY from the build context as .dockerignore
//     filters it, RUN with /bin/sh -c), the folder standing in for the
//     image's root;
//  3. starts the ENTRYPOINT from that folder against the fake API server
//     (dist/testing.js) and waits until the operator leads and is ready.
// Exits non-zero, with one line saying why, on any failure.
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TIMEOUT_MS = Number(process.env.CHECK_IMAGE_TIMEOUT_MS ?? 60_000);

function fail(message) {
  console.error(`check-image: ${message}`);
  process.exit(1);
}

const readJson = (path) => JSON.parse(readFileSync(join(ROOT, path), "utf8"));

// 1. The manifest.
const pkg = readJson("package.json");
const lock = readJson("package-lock.json");
const image = readJson("deploy/image/package.json");
const imageLock = readJson("deploy/image/package-lock.json");
const CLIENT_NODE = "@kubernetes/client-node";
const wanted = { ...pkg.dependencies, [CLIENT_NODE]: pkg.devDependencies[CLIENT_NODE] };
if (
  JSON.stringify(Object.entries(image.dependencies ?? {}).sort()) !==
  JSON.stringify(Object.entries(wanted).sort())
) {
  fail(
    `deploy/image/package.json's dependencies must be package.json's dependencies and ${CLIENT_NODE}@${wanted[CLIENT_NODE]}: ${JSON.stringify(wanted)}`,
  );
}
if (image.type !== pkg.type)
  fail(`deploy/image/package.json must say "type": "${pkg.type}" (dist/ is ESM)`);
const imageRoot = imageLock.packages?.[""]?.dependencies ?? {};
if (
  JSON.stringify(Object.entries(imageRoot).sort()) !== JSON.stringify(Object.entries(wanted).sort())
) {
  fail(
    "deploy/image/package-lock.json is stale: run `npm install --package-lock-only` in deploy/image",
  );
}
// The packages the operator imports run at the versions the tests ran with.
for (const name of Object.keys(wanted)) {
  const path = `node_modules/${name}`;
  const entry = imageLock.packages?.[path];
  const tested = lock.packages?.[path];
  if (entry === undefined) fail(`${name} is not in deploy/image/package-lock.json`);
  if (tested !== undefined && tested.version !== entry.version) {
    fail(
      `${path.replace(/^node_modules\//, "")} is locked at ${entry.version} for the image but ${tested.version} for the tests`,
    );
  }
}
console.log("ok: the image's manifest matches package.json, locked at the tested versions");

// 2. The Dockerfile's steps.
const instructions = [];
let pending = "";
for (const raw of readFileSync(join(ROOT, "Dockerfile"), "utf8").split("\n")) {
  const line = raw.trim();
  if (pending === "" && (line === "" || line.startsWith("#"))) continue;
  if (line.endsWith("\\")) {
    pending += `${line.slice(0, -1)} `;
    continue;
  }
  const whole = pending + line;
  pending = "";
  const match = /^([A-Za-z]+)\s+(.*)$/.exec(whole);
  if (match === null) fail(`cannot read the Dockerfile line ${JSON.stringify(whole)}`);
  instructions.push({ keyword: match[1].toUpperCase(), rest: match[2].trim() });
}
if (instructions.filter((i) => i.keyword === "FROM").length !== 1) {
  fail("the Dockerfile must have one stage (FROM) for this check to follow it");
}

// What .dockerignore lets into the build context: `*`, then `!path` entries.
const ignore = readFileSync(join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
if (ignore[0] !== "*") fail(".dockerignore must start with `*` (allow-list)");
const allowed = ignore.slice(1).map((line) => {
  if (!line.startsWith("!")) fail(`.dockerignore: only !path entries after *: ${line}`);
  return line.slice(1).replace(/\/$/, "");
});
const inContext = (source) => {
  const path = source.replace(/^\.\//, "").replace(/\/$/, "");
  return allowed.some((entry) => path === entry || path.startsWith(`${entry}/`));
};

const work = mkdtempSync(join(tmpdir(), "vvp-image-"));
// Nothing above the folder may lend it packages.
for (let dir = dirname(work); ; dir = dirname(dir)) {
  if (existsSync(join(dir, "node_modules")))
    fail(`${dir}/node_modules exists: the check would not be hermetic`);
  if (dirname(dir) === dir) break;
}
const rootfs = join(work, "rootfs");
mkdirSync(rootfs);
let workdir = "/";
const env = {
  PATH: process.env.PATH,
  HOME: join(work, "home"),
  npm_config_cache: join(work, "npm-cache"),
};
for (const key of [
  "npm_config_registry",
  "NPM_CONFIG_REGISTRY",
  "HTTPS_PROXY",
  "HTTP_PROXY",
  "NO_PROXY",
  "https_proxy",
  "http_proxy",
  "no_proxy",
  "NODE_EXTRA_CA_CERTS",
]) {
  if (process.env[key] !== undefined) env[key] = process.env[key];
}
let entrypoint;
const inRoot = (path) => join(rootfs, resolve(workdir, path));

try {
  for (const { keyword, rest } of instructions) {
    switch (keyword) {
      case "FROM":
        if (!/^node:20\b/.test(rest))
          fail(`the image must build FROM node:20 (this machine's Node): ${rest}`);
        break;
      case "ENV": {
        const match = /^([A-Za-z_][A-Za-z0-9_]*)[= ](.*)$/.exec(rest);
        if (match === null) fail(`cannot read ENV ${rest}`);
        env[match[1]] = match[2].replace(/^"(.*)"$/, "$1");
        break;
      }
      case "WORKDIR":
        workdir = resolve(workdir, rest);
        mkdirSync(join(rootfs, workdir), { recursive: true });
        break;
      case "COPY": {
        if (rest.startsWith("--")) fail(`COPY flags are not followed by this check: ${rest}`);
        const parts = rest.split(/\s+/);
        const destination = parts.pop();
        for (const source of parts) {
          if (!inContext(source))
            fail(`COPY ${source}: .dockerignore keeps it out of the build context`);
          const from = join(ROOT, source);
          if (!existsSync(from)) fail(`COPY ${source}: missing (run npm run build first)`);
          if (statSync(from).isDirectory()) {
            cpSync(from, inRoot(destination), { recursive: true });
          } else {
            const to = destination.endsWith("/")
              ? join(inRoot(destination), source.split("/").pop())
              : inRoot(destination);
            mkdirSync(dirname(to), { recursive: true });
            cpSync(from, to);
          }
        }
        break;
      }
      case "RUN": {
        console.log(`RUN ${rest}`);
        const run = spawnSync("/bin/sh", ["-c", rest], {
          cwd: join(rootfs, workdir),
          env,
          stdio: "inherit",
        });
        if (run.status !== 0) fail(`RUN failed (exit ${run.status}): ${rest}`);
        break;
      }
      case "ENTRYPOINT":
        entrypoint = JSON.parse(rest);
        break;
      case "USER":
      case "EXPOSE":
      case "LABEL":
        break;
      default:
        fail(`the Dockerfile's ${keyword} is not followed by this check`);
    }
  }
  if (!Array.isArray(entrypoint) || entrypoint.length === 0)
    fail("the Dockerfile needs an exec-form ENTRYPOINT");
  if (existsSync(join(rootfs, workdir, "node_modules", "vitest")))
    fail("a devDependency (vitest) was installed into the image");
  console.log(`ok: the Dockerfile's steps ran in an empty folder (${workdir})`);

  // 3. Start it against the fake API server.
  const { startFakeKubernetes } = await import(pathToFileURL(join(ROOT, "dist/testing.js")).href);
  const kube = await startFakeKubernetes({ namespaces: ["team-a"] });
  const kubeconfig = join(work, "kubeconfig");
  writeFileSync(kubeconfig, kube.kubeconfig);
  const [command, ...args] = entrypoint;
  const child = spawn(
    command === "node" ? process.execPath : command,
    [
      ...args,
      `--kubeconfig=${kubeconfig}`,
      "--instance-id=image-check",
      "--watched-namespaces=team-a",
      "--vvp-url=https://127.0.0.1:1",
      "--bind-address=127.0.0.1",
      "--health-port=0",
      "--leader-election-namespace=team-a",
    ],
    {
      cwd: join(rootfs, workdir),
      env: { ...env, POD_NAME: "image-check" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines = [];
  let stderr = "";
  let exited;
  child.stdout.setEncoding("utf8");
  let buffered = "";
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ msg: part });
      }
    }
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  child.on("exit", (code) => {
    exited = code;
  });
  const deadline = Date.now() + TIMEOUT_MS;
  let ready = false;
  while (Date.now() < deadline && exited === undefined) {
    const leading = lines.some((line) => line.msg === "became leader");
    const health = lines.find((line) => line.msg === "health and metrics serving");
    if (leading && health !== undefined) {
      const answer = await fetch(`http://127.0.0.1:${health.port}/readyz`).catch(() => undefined);
      if (answer?.status === 200) {
        ready = true;
        break;
      }
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill("SIGTERM");
  await new Promise((done) => (exited === undefined ? child.once("exit", done) : done()));
  await kube.close();
  if (!ready) {
    const last = lines.slice(-5).map((line) => line.msg);
    fail(
      `the operator did not become leader and ready from the image folder (exit ${exited ?? "none"}; last logs ${JSON.stringify(last)}; stderr ${stderr.trim().slice(-300)})`,
    );
  }
  console.log("ok: the operator started from the image folder, became leader and ready");
} finally {
  rmSync(work, { recursive: true, force: true });
}
