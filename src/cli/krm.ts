// A KRM function (kustomize / kpt "functions specification"): a ResourceList
// in on stdin, the same items out with `results`, exit 1 on an error result.
import { parseAllDocuments, parseDocument, stringify } from "yaml";
import { ROOT_FIELD } from "../models/index.js";
import { linearProblems, parseManifests } from "./documents.js";
import { identityOf, isPlainObject, isVvpDeploymentObject } from "./findings.js";
import { type CheckOptions, findingsOf } from "./validate.js";

/** The ResourceList kind and version of the functions specification. */
export const RESOURCE_LIST_API_VERSION = "config.kubernetes.io/v1";

/** Annotations kustomize and kpt put on items to name their source file (current, then legacy). */
const PATH_ANNOTATIONS = ["internal.config.kubernetes.io/path", "config.kubernetes.io/path"];
const INDEX_ANNOTATIONS = ["internal.config.kubernetes.io/index", "config.kubernetes.io/index"];

/** One result of the functions specification. */
export interface KrmResult {
  message: string;
  severity: "error" | "warning" | "info";
  resourceRef?: { apiVersion: string; kind: string; name: string; namespace?: string };
  field?: { path: string };
  file?: { path: string; index?: number };
  tags?: Record<string, string>;
}

/** What the function answers: the output text, whether an error was found, and its errors in one line each. */
export interface KrmOutcome {
  output: string;
  results: KrmResult[];
  hasErrors: boolean;
}

/** A ResourceList that cannot be processed: exit 2. */
export class KrmInputError extends Error {
  override readonly name = "KrmInputError";
}

/**
 * Validates every VvpDeployment item with the options of `functionConfig`
 * (see `checkOptionsOf`) and returns the ResourceList with `results` set
 * (items unchanged, comments kept).
 */
export function runKrmFunction(input: string, functionConfig?: unknown): KrmOutcome {
  const text = asResourceList(input, functionConfig);
  // Duplicate keys and aliases by `linearProblems`: the library's checks are quadratic.
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const syntax = document.errors[0]?.message ?? linearProblems(document)[0]?.message;
  if (syntax !== undefined) {
    throw new KrmInputError(`input is not valid YAML: ${syntax.split("\n")[0]}`);
  }
  const list: unknown = document.toJS({ maxAliasCount: 100 });
  if (!isPlainObject(list) || list.kind !== "ResourceList" || !Array.isArray(list.items)) {
    throw new KrmInputError(
      `expected a ${RESOURCE_LIST_API_VERSION} ResourceList with items on stdin`,
    );
  }
  // Nodes made without aliases: a value met twice (one item's file, on each of
  // its results) is written out twice, never as an anchor and an alias.
  const node = (value: unknown) => document.createNode(value, { aliasDuplicateObjects: false });
  if (functionConfig !== undefined) document.set("functionConfig", node(functionConfig));
  const options = checkOptionsOf(functionConfig ?? list.functionConfig);
  const results: KrmResult[] = [];
  const objects = parseManifests(text).objects;
  for (const object of objects) {
    if (!isVvpDeploymentObject(object.value)) continue;
    const identity = identityOf(object.value);
    const file = fileOf(object.value);
    for (const finding of findingsOf(object, options)) {
      results.push({
        message: `${finding.message} (${finding.reason})`,
        severity: finding.severity,
        resourceRef: {
          apiVersion: identity.version,
          kind: identity.kind,
          name: identity.name,
          ...(identity.namespace === "" ? {} : { namespace: identity.namespace }),
        },
        ...(finding.field === ROOT_FIELD ? {} : { field: { path: finding.field } }),
        ...(file === undefined ? {} : { file }),
        tags: { reason: finding.reason },
      });
    }
  }
  document.set("results", node(results));
  return {
    output: document.toString({ lineWidth: 0 }),
    results,
    hasErrors: results.some((result) => result.severity === "error"),
  };
}

/**
 * The input as a ResourceList. Kustomize's legacy exec plugins (which
 * `kubectl kustomize --enable-alpha-plugins` still runs, while it has no
 * `--enable-exec` for KRM exec functions) send a plain stream of documents
 * and the config as a file: it is wrapped into a ResourceList (ours), and the
 * ResourceList written back is a List kustomize reads its items from.
 */
function asResourceList(input: string, functionConfig: unknown): string {
  if (functionConfig === undefined) return input;
  const documents = parseAllDocuments(input, { uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [documents];
  const problem = list.flatMap((document): { message: string }[] =>
    document.errors.length > 0 ? document.errors : linearProblems(document),
  )[0];
  if (problem !== undefined) {
    throw new KrmInputError(`input is not valid YAML: ${problem.message.split("\n")[0]}`);
  }
  const values = list
    .map((document) => document.toJS({ maxAliasCount: 100 }) as unknown)
    .filter((value) => value !== null && value !== undefined);
  const only = values[0];
  if (values.length === 1 && isPlainObject(only) && only.kind === "ResourceList") return input;
  return stringify(
    { apiVersion: RESOURCE_LIST_API_VERSION, kind: "ResourceList", items: values },
    { lineWidth: 0 },
  );
}

/**
 * The validation options from `functionConfig` (ours): a ConfigMap's `data`
 * (`instanceId`, `namespaces: "a,b"`, `apiKeyValidation: "false"`), or a
 * `spec` with the same keys (typed: `namespaces` a list, `apiKeyValidation` a
 * boolean). Without instanceId the owner label is reported as not checked.
 */
export function checkOptionsOf(functionConfig: unknown): CheckOptions {
  const config = isPlainObject(functionConfig) ? functionConfig : {};
  const fields = isPlainObject(config.data)
    ? config.data
    : isPlainObject(config.spec)
      ? config.spec
      : {};
  const { instanceId, namespaces, apiKeyValidation } = fields;
  if (instanceId !== undefined && (typeof instanceId !== "string" || instanceId === "")) {
    throw new KrmInputError("functionConfig instanceId must be a non-empty string");
  }
  const watched =
    typeof namespaces === "string"
      ? namespaces
          .split(",")
          .map((name) => name.trim())
          .filter((name) => name !== "")
      : Array.isArray(namespaces) && namespaces.every((name) => typeof name === "string")
        ? namespaces
        : undefined;
  if (namespaces !== undefined && watched === undefined) {
    throw new KrmInputError(
      "functionConfig namespaces must be a comma-separated string or a list of names",
    );
  }
  const apiKey =
    apiKeyValidation === undefined
      ? true
      : apiKeyValidation === true || apiKeyValidation === "true";
  if (
    apiKeyValidation !== undefined &&
    !["true", "false", true, false].includes(apiKeyValidation as string)
  ) {
    throw new KrmInputError('functionConfig apiKeyValidation must be "true" or "false"');
  }
  return {
    ...(typeof instanceId === "string" ? { instanceId } : {}),
    ...(watched === undefined || watched.length === 0 ? {} : { watchedNamespaces: watched }),
    apiKeyValidation: apiKey,
  };
}

function fileOf(item: unknown): { path: string; index?: number } | undefined {
  const annotations = (item as { metadata?: { annotations?: unknown } }).metadata?.annotations;
  if (!isPlainObject(annotations)) return undefined;
  const first = (names: readonly string[]) =>
    names.map((name) => annotations[name]).find((value) => typeof value === "string") as
      | string
      | undefined;
  const path = first(PATH_ANNOTATIONS);
  if (path === undefined) return undefined;
  const index = Number.parseInt(first(INDEX_ANNOTATIONS) ?? "", 10);
  return Number.isInteger(index) ? { path, index } : { path };
}
