import { Command } from "commander";
import type { CommandContext } from "../context.js";

/** `vvpctl krm`: the KRM validation function (definition; the work is loaded when it runs). */
export function krmCommand(context: CommandContext): Command {
  return new Command("krm")
    .description(
      "KRM function: read a config.kubernetes.io/v1 ResourceList on stdin, validate its VvpDeployments, write it back with results",
    )
    .addHelpText(
      "after",
      '\nfunctionConfig: a ConfigMap with data { instanceId, namespaces: "a,b", apiKeyValidation: "false" }.\nExit codes: 0 no error result, 1 an error result, 2 the input is not a ResourceList.',
    )
    .argument(
      "[config]",
      "a functionConfig file (kustomize's legacy exec plugins pass one; stdin is then a stream of documents)",
    )
    .action(async (configPath: string | undefined) => {
      const { runKrm } = await import("../krm-run.js");
      await runKrm(configPath, context);
    });
}
