// An admission.k8s.io/v1 AdmissionReview for a VvpDeployment, as the API
// server sends it to the webhook, with a fresh uid per review.

/** The requesting user, as the API server authenticated them. */
export interface ReviewUserInfo {
  username: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** Where the reviewed CR lives, who asks, and the object before an UPDATE. */
export interface ReviewOptions {
  namespace?: string;
  name?: string;
  userInfo?: ReviewUserInfo;
  oldObject?: unknown;
}

let counter = 0;

/** A review of `object` for `operation`, defaulting to the example CR's namespace and name. */
export function admissionReview(
  operation: "CREATE" | "UPDATE",
  object: unknown,
  options: ReviewOptions = {},
) {
  counter++;
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `uid-${counter}`,
      kind: { group: "ververica.platform", version: "v1", kind: "VvpDeployment" },
      resource: { group: "ververica.platform", version: "v1", resource: "vvpdeployments" },
      operation,
      namespace: options.namespace ?? "my-deploy-namespace",
      name: options.name ?? "my-deployment",
      ...(options.userInfo === undefined ? {} : { userInfo: options.userInfo }),
      object,
      ...(options.oldObject === undefined ? {} : { oldObject: options.oldObject }),
    },
  };
}
