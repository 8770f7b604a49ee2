#!/usr/bin/env bash
# scripts/check-installed-cli.sh TARBALL: installs the packed package into an
# empty folder (npm fetches its dependencies from the registry) and checks the
# CLI as the README documents it: `npx vvpctl validate`, `npx vvpctl plan`,
# `kubectl vvp validate` with node_modules/.bin on PATH, and the KRM function
# (piped, and under `kubectl kustomize` when kubectl is installed); validate as
# a CI gate; bounded reads; then, with client-node and selfsigned added, the
# cluster commands (`kubectl vvp get/status/savepoint/restart`, completion
# through kubectl's plugin completion) against the fake API server of
# vvp-deployment-sdk/testing.
# Exits non-zero on any failure.
set -euo pipefail

if [ "$#" -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 TARBALL (from npm pack)" >&2
  exit 2
fi
tarball="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

failures=0
pass() { echo "ok: $1"; }
fail() {
  echo "FAIL: $1" >&2
  failures=$((failures + 1))
}
# expect CODE DESCRIPTION COMMAND...: runs the command, checks its exit code.
expect() {
  local want="$1" what="$2"
  shift 2
  set +e
  "$@" >"$work/out.txt" 2>"$work/err.txt"
  local got=$?
  set -e
  if [ "$got" -eq "$want" ]; then pass "$what"; else
    fail "$what: exit $got, expected $want"
    sed 's/^/  | /' "$work/out.txt" "$work/err.txt" >&2
  fi
}
# contains TEXT DESCRIPTION: the last command's stdout holds TEXT.
contains() {
  if grep -qF -- "$1" "$work/out.txt"; then pass "$2"; else
    fail "$2: output lacks '$1'"
    sed 's/^/  | /' "$work/out.txt" >&2
  fi
}
# lacks TEXT DESCRIPTION: the last command's stdout does not hold TEXT.
lacks() {
  if grep -qF -- "$1" "$work/out.txt"; then
    fail "$2: output holds '$1'"
    sed 's/^/  | /' "$work/out.txt" >&2
  else pass "$2"; fi
}
# err_contains TEXT DESCRIPTION: the last command's stderr holds TEXT.
err_contains() {
  if grep -qF -- "$1" "$work/err.txt"; then pass "$2"; else
    fail "$2: stderr lacks '$1'"
    sed 's/^/  | /' "$work/err.txt" >&2
  fi
}
# err_lines N DESCRIPTION: the last command's stderr has exactly N lines.
err_lines() {
  local got
  got=$(wc -l <"$work/err.txt")
  if [ "$got" -eq "$1" ]; then pass "$2"; else
    fail "$2: stderr has $got lines, expected $1"
    sed 's/^/  | /' "$work/err.txt" >&2
  fi
}

npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "$tarball" >/dev/null

cat >cr.yaml <<'EOF'
apiVersion: ververica.platform/v1
kind: VvpDeployment
metadata:
  name: my-deployment
  namespace: my-deploy-namespace
  labels:
    ververica.platform/owner: my-operator
  annotations:
    apikeySecretName: my-vvp-apikey
spec:
  syncingMode: PATCH
  deployment:
    metadata:
      name: my-deployment
      namespace: default
    spec:
      state: RUNNING
      deploymentTargetName: default
      template:
        spec:
          artifact:
            kind: JAR
            jarUri: s3://my-bucket/artifacts/MyJob.jar
          engineVersionName: vera-4.1-flink-1.20
---
EOF
sed 's/  syncingMode: PATCH/  syncingMode: PATCH\n  savepointNonse: 1/' cr.yaml >typo.yaml

expect 0 "npx vvpctl --help" npx --no -- vvpctl --help
contains "Usage: vvpctl" "help names the command"
expect 0 "npx vvpctl validate: a valid CR" npx --no -- vvpctl validate --instance-id my-operator cr.yaml
expect 1 "npx vvpctl validate: a typo is an error" npx --no -- vvpctl validate --instance-id my-operator typo.yaml
contains "typo.yaml:12:3: error: spec.savepointNonse" "the typo's line and column"
expect 0 "npx vvpctl validate -: stdin" sh -c 'npx --no -- vvpctl validate --instance-id my-operator - <cr.yaml'
expect 0 "npx vvpctl validate -o sarif" npx --no -- vvpctl validate -o sarif --instance-id my-operator cr.yaml
contains '"version": "2.1.0"' "SARIF 2.1.0"
expect 2 "npx vvpctl validate: a missing file" npx --no -- vvpctl validate missing.yaml
expect 0 "npx vvpctl plan" npx --no -- vvpctl plan cr.yaml
contains "CreateDeployment: POST /api/v1/namespaces/default/deployments" "plan shows the creation"
expect 0 "npx vvpctl --version" npx --no -- vvpctl --version
contains "$(node -p 'require("vvp-deployment-sdk/package.json").version')" "the version"
expect 0 "npx vvpctl version" npx --no -- vvpctl version
contains "vvpctl " "version names the program"
expect 0 "npx vvp-operator --version" npx --no -- vvp-operator --version

# validate as a CI gate.
# A project folder with the installed packages' node_modules (full of YAML) in it.
mkdir proj
ln -s ../node_modules proj/node_modules
cp cr.yaml proj/cr.yaml
expect 0 "validate DIR skips node_modules (the installed packages' YAML)" sh -c 'cd proj && npx --no -- vvpctl validate --instance-id my-operator .'
contains "1 VvpDeployment checked: 1 valid, 0 invalid; 0 other documents skipped" "only the project's files are read"
expect 1 "validate --strict: a warning fails" npx --no -- vvpctl validate --strict cr.yaml
sed 's/^kind: VvpDeployment/kind: VVPDeployment/' cr.yaml >kind.yaml
expect 1 "validate: a kind differing in case is an error" npx --no -- vvpctl validate kind.yaml
contains 'did you mean "VvpDeployment"?' "the kind's did you mean"
sed 's/state: RUNNING/state: CANCELED/' cr.yaml >enum.yaml
expect 1 "validate: an enum typo" npx --no -- vvpctl validate enum.yaml
contains 'did you mean "CANCELLED"?' "the enum's did you mean"
sed 's/^  name: my-deployment$/  name: {{ .Values.name }}/' cr.yaml >template.yaml
expect 2 "validate: a Helm template" npx --no -- vvpctl validate template.yaml
contains "render it first: helm template" "one line says to render it first"
expect 0 "validate: no path reads stdin" sh -c 'npx --no -- vvpctl validate --instance-id my-operator <cr.yaml'
mkdir -p walk/generated walk/.hidden
cp cr.yaml walk/cr.yaml
printf 'kind: [\n' >walk/generated/broken.yaml
printf 'kind: [\n' >walk/.hidden/broken.yaml
ln -s / walk/root
expect 0 "validate: --exclude, hidden folders, a link to / not followed" npx --no -- vvpctl validate --instance-id my-operator --exclude 'generated' walk
cp cr.yaml dup.yaml
expect 0 "validate: duplicates warn" npx --no -- vvpctl validate --instance-id my-operator cr.yaml dup.yaml
contains "(Duplicate)" "the duplicate warning"
sed 's/^  name: my-deployment$/  name: renamed/' cr.yaml >old.yaml
expect 0 "validate --old matching nothing warns" npx --no -- vvpctl validate --instance-id my-operator --old old.yaml cr.yaml
contains "(OldNotMatched)" "the --old warning"
sed '/^  namespace: my-deploy-namespace$/d' cr.yaml >nons.yaml
expect 0 "validate --namespaces: a missing namespace is a warning" npx --no -- vvpctl validate --instance-id my-operator --namespaces a nons.yaml
contains "warning: metadata.namespace" "the namespace warning"
# Endless stdin: byte-counted, one line, exit 2 (not gigabytes).
for command in "validate -" "get -f -" "plan -" "krm"; do
  expect 2 "endless stdin: vvpctl $command stops at the limit" sh -c "yes | timeout 120 npx --no -- vvpctl $command 2>&1"
  contains "MiB limit" "vvpctl $command says the limit"
done

expect 0 "npx vvpctl crd" npx --no -- vvpctl crd
contains "kind: CustomResourceDefinition" "the CRD"
expect 0 "npx vvpctl get -f" npx --no -- vvpctl get -f cr.yaml
contains "my-deployment" "the table"
expect 2 "vvpctl get (cluster) without client-node" npx --no -- vvpctl get -n team-a
err_contains "needs @kubernetes/client-node" "one line names the install command"
err_lines 1 "exactly one line"
expect 0 "npx vvp-operator --help" npx --no -- vvp-operator --help
contains "--instance-id" "the operator's help lists its flags"
# client-node is an optional peer dependency, so this install lacks it.
expect 2 "npx vvp-operator without client-node" sh -c 'npx --no -- vvp-operator --instance-id a --watched-namespaces b --vvp-url http://127.0.0.1:1 2>&1'
contains "needs @kubernetes/client-node" "one line says what to install"

cat >resource-list.yaml <<'EOF'
apiVersion: config.kubernetes.io/v1
kind: ResourceList
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata: {name: vvp-validate}
  data: {instanceId: my-operator}
items:
EOF
sed '/^---$/d; s/^/    /; 1s/^    /  - /' typo.yaml >>resource-list.yaml
expect 1 "KRM function: a ResourceList on stdin" sh -c 'npx --no -- vvpctl krm <resource-list.yaml'
contains "field:" "KRM results name the field"
err_lines 1 "KRM stderr: only the summary line"
if grep -qE '(^|[[:space:]])[&*][A-Za-z0-9_-]+([[:space:]]|$)' "$work/out.txt"; then
  fail "KRM output holds a YAML anchor or alias"
else pass "KRM output without anchors or aliases"; fi

if command -v kubectl >/dev/null 2>&1; then
  export PATH="$work/node_modules/.bin:$PATH"
  expect 0 "kubectl vvp validate (kubectl plugin)" kubectl vvp validate --instance-id my-operator cr.yaml
  expect 1 "kubectl vvp validate: the typo" kubectl vvp validate --instance-id my-operator typo.yaml

  # kubectl's kustomize runs exec plugins found under KUSTOMIZE_PLUGIN_HOME by
  # the config's apiVersion and kind (it has no --enable-exec for KRM exec functions).
  plugin_dir="$work/plugins/ververica.platform/v1/vvpdeploymentvalidation"
  mkdir -p "$plugin_dir" "$work/kustomize"
  printf '#!/bin/sh\nexec "%s" krm "$@"\n' "$work/node_modules/.bin/vvpctl" >"$plugin_dir/VvpDeploymentValidation"
  chmod +x "$plugin_dir/VvpDeploymentValidation"
  cp cr.yaml kustomize/cr.yaml
  printf 'resources:\n- cr.yaml\ntransformers:\n- validator.yaml\n' >kustomize/kustomization.yaml
  printf 'apiVersion: ververica.platform/v1\nkind: VvpDeploymentValidation\nmetadata:\n  name: validate\nspec:\n  instanceId: my-operator\n' >kustomize/validator.yaml
  expect 0 "kubectl kustomize with the KRM validation" env KUSTOMIZE_PLUGIN_HOME="$work/plugins" kubectl kustomize --enable-alpha-plugins kustomize
  contains "name: my-deployment" "kustomize output keeps the CR"
  cp typo.yaml kustomize/cr.yaml
  expect 1 "kubectl kustomize fails on an invalid CR" env KUSTOMIZE_PLUGIN_HOME="$work/plugins" kubectl kustomize --enable-alpha-plugins kustomize
else
  echo "kubectl not found: kubectl vvp and kustomize checks skipped" >&2
  [ "${CI:-}" = "true" ] && fail "kubectl is required in CI"
fi

# ---- the cluster commands, with the optional peers installed ----
# ./testing without its optional peers (@bufbuild/cel, selfsigned): one clear line each.
cat >start-fake.mjs <<'START'
import { startFakeKubernetes } from "vvp-deployment-sdk/testing";
try { await startFakeKubernetes(); } catch (error) { console.log(error.message); process.exit(1); }
START
expect 1 "./testing without @bufbuild/cel says what to install" node start-fake.mjs
contains "npm install --save-dev @bufbuild/cel" "the install line (@bufbuild/cel)"
npm install --no-audit --no-fund --loglevel=error @bufbuild/cel@^0.6.1 >/dev/null
expect 1 "./testing without selfsigned says what to install" node start-fake.mjs
contains "npm install --save-dev selfsigned" "the install line (selfsigned)"

npm install --no-audit --no-fund --loglevel=error @kubernetes/client-node@1.4.0 selfsigned@^5.5.0 >/dev/null
cat >fake.mjs <<'FAKE'
// The fake API server with three CRs and a stand-in operator: a savepoint
// nonce of "alpha" is processed, a restart nonce of "beta" is blocked.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { startFakeKubernetes } from "vvp-deployment-sdk/testing";
const kube = await startFakeKubernetes({ namespaces: ["team-a", "team-b"] });
const base = parseAllDocuments(readFileSync("cr.yaml", "utf8"))[0].toJS();
const cr = (name, namespace) => ({ ...base, metadata: { ...base.metadata, name, namespace } });
kube.apply({ ...cr("alpha", "team-a"), status: { actualState: "RUNNING", instanceId: "my-operator", observedSpecState: "RUNNING", syncEnabled: true, vvpNamespace: "default",
  conditions: [{ type: "Healthy", status: "False", reason: "SavepointBlocked", message: "x", lastTransitionTime: "2026-01-01T00:00:00Z" },
    { type: "NonceAligned", status: "False", reason: "SavepointBlocked", message: "the job is SUSPENDED", lastTransitionTime: "2026-01-01T00:00:00Z" }] } });
kube.apply(cr("beta", "team-a"));
kube.apply(cr("gamma", "team-b"));
setInterval(() => {
  const alpha = kube.get("VvpDeployment", "team-a", "alpha");
  const nonce = alpha?.spec?.savepointNonce;
  if (typeof nonce === "number" && alpha.status.lastProcessedSavepointNonce !== nonce) {
    kube.apply({ ...alpha, status: { ...alpha.status, lastProcessedSavepointNonce: nonce } });
  }
  const beta = kube.get("VvpDeployment", "team-a", "beta");
  const restart = beta?.spec?.restartNonce;
  if (typeof restart === "number" && beta.status?.blockedTriggerNonce?.nonce !== restart) {
    kube.apply({ ...beta, status: { blockedTriggerNonce: { nonce: restart, cause: "JobNotRunning", detail: "SUSPENDED" } } });
  }
}, 20);
writeFileSync("kubeconfig.tmp", kube.kubeconfig);
renameSync("kubeconfig.tmp", "kubeconfig");
FAKE
node fake.mjs >fake.log 2>&1 &
fake_pid=$!
trap 'kill "$fake_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 1800); do [ -s kubeconfig ] && break; sleep 0.1; done
if [ ! -s kubeconfig ]; then
  fail "the fake API server did not start"
  sed 's/^/  | /' fake.log >&2
fi
export KUBECONFIG="$work/kubeconfig"

expect 0 "vvpctl get -n team-a (cluster)" npx --no -- vvpctl get -n team-a
contains "NAME    ACTUAL    INSTANCE-ID   DESIRED   SYNC   VVP-NAMESPACE   HEALTHY   AGE" "the CRD's printer columns"
contains "alpha   RUNNING   my-operator" "the row"
expect 0 "vvpctl get -A -o wide" npx --no -- vvpctl get -A -o wide
contains "NAMESPACE" "-A adds NAMESPACE"
contains "gamma" "every namespace"
expect 0 "vvpctl get NAME -o yaml" npx --no -- vvpctl get alpha -n team-a -o yaml
contains "name: alpha" "the object"
expect 1 "vvpctl get a missing name" npx --no -- vvpctl get nope -n team-a
err_contains 'Error from server (NotFound)' "kubectl's wording"
expect 0 "vvpctl savepoint --wait: processed" npx --no -- vvpctl savepoint alpha -n team-a --wait --poll-interval 50 --timeout 60s
contains "processed: savepointNonce 1" "says processed"
expect 1 "vvpctl restart --wait: blocked" npx --no -- vvpctl restart beta -n team-a --wait --poll-interval 50 --timeout 60s
contains "blocked: restartNonce 1 was not submitted: the job is not RUNNING" "says blocked and why"
expect 0 "vvpctl status" npx --no -- vvpctl status alpha -n team-a
contains "Action: Wait for the job to reach RUNNING" "the reference's action"
expect 0 "vvpctl complete: names from the cluster" npx --no -- vvpctl complete -- status -n team-a ""
contains "alpha" "a name completed"
for shell in bash zsh fish; do
  expect 0 "vvpctl completion $shell" npx --no -- vvpctl completion "$shell"
  contains "complete" "a $shell script"
done

if command -v kubectl >/dev/null 2>&1; then
  export PATH="$work/node_modules/.bin:$PATH"
  expect 0 "kubectl plugin list finds kubectl-vvp" kubectl plugin list
  contains "kubectl-vvp" "kubectl-vvp discovered"
  expect 0 "kubectl vvp get -n team-a" kubectl vvp get -n team-a
  contains "alpha" "kubectl vvp reads the cluster"
  expect 0 "kubectl vvp version" kubectl vvp version
  contains "kubectl vvp" "the plugin names itself"
  expect 0 "kubectl completes plugin subcommands (kubectl_complete-vvp)" kubectl __complete vvp sa
  contains "savepoint" "a subcommand completed"
  expect 0 "kubectl completes VvpDeployment names" kubectl __complete vvp status -n team-a ""
  contains "alpha" "a name from the cluster"
  # kubectl create sends protobuf: the installed fake decodes it with
  # kubectl's own descriptors and @bufbuild/protobuf (installed with @bufbuild/cel).
  expect 0 "kubectl create configmap against the installed fake (a protobuf body)" kubectl create configmap settings -n team-a --from-literal=a=b
  contains "configmap/settings created" "kubectl create succeeds"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "installed CLI OK"
