import { Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { addKubeOptions, type KubeOptionValues } from "./kube-options.js";

/** The options of `vvpctl get`. */
export interface GetFlags extends KubeOptionValues {
  allNamespaces?: boolean;
  output?: "wide" | "yaml" | "json" | "name";
  filename: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `kubectl vvp get [NAME]`: the `kubectl get vvpdeployments` table, from the cluster or from files (-f). */
export function getCommand(context: CommandContext): Command {
  const command = new Command("get")
    .description(
      "list VvpDeployments with the CRD's printer columns, from the cluster (client-node) or from files (-f)",
    )
    .argument("[name]", "one VvpDeployment by name");
  addKubeOptions(command)
    .option("-A, --all-namespaces", "list the VvpDeployments of every namespace")
    .addOption(
      new Option(
        "-o, --output <format>",
        "wide adds the sub-condition columns; yaml and json print the objects; name prints kind/name",
      ).choices(["wide", "yaml", "json", "name"]),
    )
    .option(
      "-f, --filename <path>",
      "read the CRs from a file, a directory or - for stdin instead of the cluster (repeatable)",
      collect,
      [],
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 listed, 1 not found, 2 usage, input or cluster error.\nThe cluster is read through @kubernetes/client-node (npm install @kubernetes/client-node@^1.4.0).",
    )
    .action(async (name: string | undefined, flags: GetFlags) => {
      const { runGet } = await import("../get-run.js");
      await runGet(name, flags, context);
    });
  return command;
}
