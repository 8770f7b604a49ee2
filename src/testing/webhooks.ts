// Validating admission webhooks: the fake calls the webhooks of stored
// ValidatingWebhookConfigurations as kube-apiserver does (rules, object and
// namespace selectors, failurePolicy, timeoutSeconds, AdmissionReview v1
// over HTTPS trusting the caBundle), so an operator's webhook can be tested
// end to end with kubectl or client-node.

import { randomUUID } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { isPlainObject, type KubeObject } from "./objects.js";
import { groupVersion, type ResourceType } from "./resource-types.js";
import { type LabelRequirement, matchesLabels } from "./selectors.js";
import { KubeApiError, type StatusDetails, type StatusReason } from "./status.js";
import type { ObjectStore } from "./store.js";

/** Where webhooks that name a Service are reached, and whom to trust without a caBundle. */
export interface WebhookRouting {
  /** `namespace/name` of a Service → base URL, e.g. `{ "vvp-system/vvp-operator": "https://127.0.0.1:8443" }`. */
  services?: Record<string, string>;
  /** CA certificate (PEM) trusted when a webhook has no caBundle (ours: where cert-manager would inject one). */
  ca?: string;
}

/** The admission operation of a write. */
export type AdmissionOperation = "CREATE" | "UPDATE" | "DELETE";

/** One write under admission. */
export interface AdmissionInput {
  type: ResourceType;
  operation: AdmissionOperation;
  subresource?: string;
  namespace?: string;
  name: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  dryRun: boolean;
}

interface Hook {
  name: string;
  webhook: Record<string, unknown>;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const wildcardIncludes = (values: unknown, value: string) =>
  list(values).some((v) => v === "*" || v === value);

function ruleMatches(rule: unknown, input: Omit<AdmissionInput, "object" | "oldObject">): boolean {
  if (!isPlainObject(rule)) return false;
  const { type } = input;
  const resource =
    input.subresource === undefined ? type.plural : `${type.plural}/${input.subresource}`;
  const scope = typeof rule.scope === "string" ? rule.scope : "*";
  return (
    wildcardIncludes(rule.operations, input.operation) &&
    wildcardIncludes(rule.apiGroups, type.group) &&
    wildcardIncludes(rule.apiVersions, type.version) &&
    list(rule.resources).some(
      (r) =>
        r === "*" ||
        r === resource ||
        (r === `${type.plural}/*` && input.subresource !== undefined) ||
        r === "*/*",
    ) &&
    (scope === "*" || scope === (type.namespaced ? "Namespaced" : "Cluster"))
  );
}

/** The webhooks whose rules cover a write (selectors are checked with the objects). */
export function webhooksFor(
  store: ObjectStore,
  input: Omit<AdmissionInput, "object" | "oldObject">,
): Hook[] {
  const configType = store.type(
    "admissionregistration.k8s.io",
    "v1",
    "validatingwebhookconfigurations",
  );
  if (configType === undefined) return [];
  return store
    .list(configType, undefined)
    .flatMap((config) => list(config.webhooks))
    .filter(isPlainObject)
    .filter((webhook) => list(webhook.rules).some((rule) => ruleMatches(rule, input)))
    .map((webhook) => ({ name: typeof webhook.name === "string" ? webhook.name : "", webhook }));
}

// A metav1.LabelSelector as requirements; undefined when it cannot be read.
function selectorRequirements(selector: unknown): LabelRequirement[] | undefined {
  if (selector === undefined || selector === null) return [];
  if (!isPlainObject(selector)) return undefined;
  const requirements: LabelRequirement[] = [];
  if (isPlainObject(selector.matchLabels)) {
    for (const [key, value] of Object.entries(selector.matchLabels)) {
      requirements.push({ key, op: "in", values: [String(value)] });
    }
  }
  for (const expression of list(selector.matchExpressions)) {
    if (!isPlainObject(expression) || typeof expression.key !== "string") return undefined;
    const values = list(expression.values).map(String);
    const op = { In: "in", NotIn: "notIn", Exists: "exists", DoesNotExist: "notExists" }[
      String(expression.operator)
    ];
    if (op === undefined) return undefined;
    requirements.push(
      op === "in" || op === "notIn"
        ? { key: expression.key, op, values }
        : { key: expression.key, op: op as "exists" | "notExists" },
    );
  }
  return requirements;
}

function selects(selector: unknown, labels: Record<string, string> | undefined): boolean {
  const requirements = selectorRequirements(selector);
  return requirements !== undefined && matchesLabels(requirements, labels);
}

function hookApplies(store: ObjectStore, hook: Hook, input: AdmissionInput): boolean {
  const { objectSelector, namespaceSelector } = hook.webhook;
  const objectMatches =
    selects(objectSelector, input.object?.metadata.labels) ||
    (input.oldObject !== undefined && selects(objectSelector, input.oldObject.metadata.labels));
  if (!objectMatches) return false;
  if (!input.type.namespaced || input.namespace === undefined) return true;
  const nsType = store.type("", "v1", "namespaces");
  const namespace =
    nsType && store.list(nsType, undefined).find((n) => n.metadata.name === input.namespace);
  return selects(namespaceSelector, namespace?.metadata.labels);
}

function reviewOf(input: AdmissionInput, uid: string): Record<string, unknown> {
  const { type } = input;
  const kind = { group: type.group, version: type.version, kind: type.kind };
  const resource = { group: type.group, version: type.version, resource: type.plural };
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind,
      resource,
      ...(input.subresource === undefined ? {} : { subResource: input.subresource }),
      requestKind: kind,
      requestResource: resource,
      ...(input.subresource === undefined ? {} : { requestSubResource: input.subresource }),
      name: input.name,
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      operation: input.operation,
      userInfo: { username: "fake-kubernetes-user", groups: ["system:authenticated"] },
      object:
        input.object === undefined
          ? null
          : { ...input.object, apiVersion: groupVersion(type), kind: type.kind },
      oldObject:
        input.oldObject === undefined
          ? null
          : { ...input.oldObject, apiVersion: groupVersion(type), kind: type.kind },
      dryRun: input.dryRun,
      options: optionsOf(input),
    },
  };
}

// The request's options as kube-apiserver passes them to admission: a patch
// is an update (UpdateOptions), an apply that creates a create.
function optionsOf(input: AdmissionInput): Record<string, unknown> {
  const kind =
    input.operation === "CREATE"
      ? "CreateOptions"
      : input.operation === "DELETE"
        ? "DeleteOptions"
        : "UpdateOptions";
  return {
    kind,
    apiVersion: "meta.k8s.io/v1",
    ...(input.dryRun ? { dryRun: ["All"] } : {}),
  };
}

function endpointOf(hook: Hook, routing: WebhookRouting): string {
  const config = isPlainObject(hook.webhook.clientConfig) ? hook.webhook.clientConfig : {};
  if (typeof config.url === "string") return config.url;
  const service = isPlainObject(config.service) ? config.service : {};
  const key = `${String(service.namespace ?? "")}/${String(service.name ?? "")}`;
  const base = routing.services?.[key];
  if (base === undefined)
    throw new Error(`service "${key}" not found (give its URL in webhooks.services)`);
  const path = typeof service.path === "string" ? service.path : "/";
  return `${base.replace(/\/$/, "")}${path}`;
}

function caOf(hook: Hook, routing: WebhookRouting): string | undefined {
  const config = isPlainObject(hook.webhook.clientConfig) ? hook.webhook.clientConfig : {};
  if (typeof config.caBundle === "string" && config.caBundle !== "") {
    return Buffer.from(config.caBundle, "base64").toString("utf8");
  }
  return routing.ca;
}

function post(
  url: string,
  body: string,
  ca: string | undefined,
  timeoutMs: number,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (!url.startsWith("https://")) {
      reject(new Error(`webhook URL must use https: ${url}`));
      return;
    }
    const call = httpsRequest(
      url,
      {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        ...(ca === undefined ? {} : { ca }),
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          if ((response.statusCode ?? 0) >= 300) {
            reject(new Error(`the server responded with status ${response.statusCode}`));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          } catch {
            reject(new Error("the response is not JSON"));
          }
        });
      },
    );
    call.on("timeout", () => call.destroy(new Error("context deadline exceeded")));
    call.on("error", reject);
    call.end(body);
  });
}

/** What one webhook answered: allowed with warnings, or a denial. */
type Verdict = { allowed: true; warnings: string[] } | { allowed: false; error: KubeApiError };

function verdictOf(hook: Hook, answer: unknown, uid: string): Verdict {
  const response =
    isPlainObject(answer) && isPlainObject(answer.response) ? answer.response : undefined;
  if (response === undefined) throw new Error("the response has no AdmissionReview response");
  if (response.uid !== uid)
    throw new Error(`expected response.uid="${uid}", got "${String(response.uid)}"`);
  const warnings = list(response.warnings).filter((w): w is string => typeof w === "string");
  if (response.allowed === true) return { allowed: true, warnings };
  // k8s.io/apiserver webhook/errors ToStatusErr: a code below 400 is 400;
  // the message is the webhook's message, else its reason, else none.
  const status = isPlainObject(response.status) ? response.status : {};
  const reason = (typeof status.reason === "string" ? status.reason : "") as StatusReason;
  const message =
    typeof status.message === "string" && status.message !== ""
      ? `: ${status.message}`
      : (reason as string) !== ""
        ? `: ${reason}`
        : " without explanation";
  const code = typeof status.code === "number" && status.code >= 400 ? status.code : 400;
  const details = isPlainObject(status.details) ? (status.details as StatusDetails) : undefined;
  return {
    allowed: false,
    error: new KubeApiError(
      code,
      reason,
      `admission webhook "${hook.name}" denied the request${message}`,
      details,
    ),
  };
}

/** Calls every applicable webhook; returns their warnings or throws the first denial (or a call failure under failurePolicy Fail). */
export async function admit(
  store: ObjectStore,
  hooks: readonly Hook[],
  input: AdmissionInput,
  routing: WebhookRouting,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const hook of hooks.filter((h) => hookApplies(store, h, input))) {
    const uid = randomUUID();
    const seconds =
      typeof hook.webhook.timeoutSeconds === "number" ? hook.webhook.timeoutSeconds : 10;
    let verdict: Verdict;
    try {
      const endpoint = endpointOf(hook, routing);
      const answer = await post(
        endpoint,
        JSON.stringify(reviewOf(input, uid)),
        caOf(hook, routing),
        seconds * 1000,
      );
      verdict = verdictOf(hook, answer, uid);
    } catch (error) {
      if (hook.webhook.failurePolicy === "Ignore") continue;
      const why = error instanceof Error ? error.message : "unknown error";
      throw new KubeApiError(
        500,
        "InternalError",
        `Internal error occurred: failed calling webhook "${hook.name}": ${why}`,
      );
    }
    if (!verdict.allowed) throw verdict.error;
    warnings.push(...verdict.warnings);
  }
  return warnings;
}
