#!/usr/bin/env bash
# scripts/check-installed-cli.sh TARBALL: installs the packed package into an
# empty folder (npm fetches its dependencies from the registry) and checks the
# CLI as the README documents it: `npx vvpctl validate`, `npx vvpctl plan`,
# `kubectl vvp validate` with node_modules/.bin on PATH, and the KRM function
# (piped, and under `kubectl kustomize` when kubectl is installed).
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
expect 0 "npx vvpctl crd" npx --no -- vvpctl crd
contains "kind: CustomResourceDefinition" "the CRD"
expect 0 "npx vvpctl get" npx --no -- vvpctl get cr.yaml
contains "my-deployment" "the table"
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

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "installed CLI OK"
