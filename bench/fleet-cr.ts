// The CR every controller bench fills its fleets with.

const OWNER = "ververica.platform/owner";

/** CR `cr-<index>` in PATCH mode, owned by `owner`; its VVP deployment lives in the VVP namespace named as its Kubernetes namespace. */
export function fleetCr(
  namespace: string,
  index: number,
  owner = "my-operator",
): Record<string, unknown> {
  return {
    apiVersion: "ververica.platform/v1",
    kind: "VvpDeployment",
    metadata: {
      name: `cr-${index}`,
      namespace,
      labels: { [OWNER]: owner },
      annotations: { apikeySecretName: "my-vvp-apikey" },
    },
    spec: {
      syncingMode: "PATCH",
      deployment: {
        metadata: { name: `cr-${index}`, namespace },
        spec: {
          state: "CANCELLED",
          deploymentTargetName: "default",
          template: {
            spec: {
              artifact: { kind: "JAR", jarUri: "s3://my-bucket/artifacts/MyJob.jar" },
              engineVersionName: "vera-4.1-flink-1.20",
              parallelism: 1,
            },
          },
        },
      },
    },
  };
}
