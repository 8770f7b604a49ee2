// LocalSubjectAccessReview (authorization.k8s.io/v1) for the fake API server:
// POST /apis/authorization.k8s.io/v1/namespaces/{ns}/localsubjectaccessreviews
// answers whether a user may act on a resource in that namespace. The fake has
// no RBAC: a test gives an authorizer (default: allow everything), and the
// request is checked as kube-apiserver checks it (the namespace of the
// attributes must be the path's or empty; a user or a group is required).

import { isPlainObject } from "./objects.js";
import { KubeApiError } from "./status.js";

/** What a LocalSubjectAccessReview asks about, with the namespace of its path. */
export interface AccessReviewAttributes {
  user: string;
  groups: string[];
  uid: string;
  extra: Record<string, string[]>;
  namespace: string;
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  name: string;
}

/** An authorizer's verdict: allowed or not, with an optional reason (denied: refused outright). */
export type AccessReviewVerdict = boolean | { allowed: boolean; denied?: boolean; reason?: string };

/** Decides LocalSubjectAccessReviews in tests. */
export type Authorizer = (attributes: AccessReviewAttributes) => AccessReviewVerdict;

const PATH =
  /^\/apis\/authorization\.k8s\.io\/v1\/namespaces\/([^/]+)\/localsubjectaccessreviews\/?$/;

/** The namespace of a LocalSubjectAccessReview path, or undefined for any other path. */
export function accessReviewNamespace(pathname: string): string | undefined {
  const match = PATH.exec(pathname);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

/** The created LocalSubjectAccessReview (with its status), or a KubeApiError as kube-apiserver answers. */
export function reviewAccess(
  method: string,
  namespace: string,
  body: unknown,
  authorizer: Authorizer | undefined,
): unknown {
  if (method !== "POST") {
    throw new KubeApiError(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource`,
    );
  }
  if (!isPlainObject(body) || !isPlainObject(body.spec)) {
    throw invalid(
      "spec.resourceAttributes",
      "resourceAttributes or nonResourceAttributes required",
    );
  }
  const spec = body.spec;
  const attributes = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  if (attributes === undefined) {
    throw invalid("spec.resourceAttributes", "resourceAttributes required for a local review");
  }
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const asked = text(attributes.namespace);
  if (asked !== "" && asked !== namespace) {
    throw invalid(
      "spec.resourceAttributes.namespace",
      `must match metadata.namespace (${JSON.stringify(namespace)})`,
    );
  }
  const user = text(spec.user);
  const groups = Array.isArray(spec.groups)
    ? spec.groups.filter((group): group is string => typeof group === "string")
    : [];
  if (user === "" && groups.length === 0) {
    throw invalid("spec.user", "at least one of user or group must be specified");
  }
  const extra: Record<string, string[]> = {};
  if (isPlainObject(spec.extra)) {
    for (const [key, values] of Object.entries(spec.extra)) {
      if (Array.isArray(values)) extra[key] = values.filter((v) => typeof v === "string");
    }
  }
  const verdict = (authorizer ?? allowAll)({
    user,
    groups,
    uid: text(spec.uid),
    extra,
    namespace,
    verb: text(attributes.verb),
    group: text(attributes.group),
    version: text(attributes.version),
    resource: text(attributes.resource),
    subresource: text(attributes.subresource),
    name: text(attributes.name),
  });
  const status =
    typeof verdict === "boolean"
      ? { allowed: verdict }
      : {
          allowed: verdict.allowed,
          ...(verdict.denied === true ? { denied: true } : {}),
          ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
        };
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "LocalSubjectAccessReview",
    metadata: { ...metadata, namespace, creationTimestamp: null },
    spec: { ...spec, resourceAttributes: { ...attributes, namespace } },
    status,
  };
}

const allowAll: Authorizer = () => ({
  allowed: true,
  reason: "the fake API server has no authorizer",
});

function invalid(field: string, message: string): KubeApiError {
  return new KubeApiError(
    422,
    "Invalid",
    `LocalSubjectAccessReview.authorization.k8s.io "" is invalid: ${field}: Invalid value: ${message}`,
  );
}
