import type { Command } from "commander";

/** kubectl's connection flags, as every cluster command takes them. */
export interface KubeOptionValues {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
}

/** Adds -n/--namespace, --context and --kubeconfig (kubectl's spelling) to a command. */
export function addKubeOptions(command: Command): Command {
  return command
    .option("-n, --namespace <namespace>", "the namespace (default: the context's, else default)")
    .option("--context <name>", "the kubeconfig context to use")
    .option("--kubeconfig <file>", "the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)");
}
