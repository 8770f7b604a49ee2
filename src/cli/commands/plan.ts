import { Command, Option } from "commander";
import type { CommandContext } from "../context.js";

/** The options of `vvpctl plan`. */
export interface PlanFlags {
  observed?: string;
  vvp?: string;
  tokenFile?: string;
  instanceId?: string;
  output: "text" | "json";
}

/** `vvpctl plan FILE`: the operator's plan for a CR, offline or against a live VVP (read-only). */
export function planCommand(context: CommandContext): Command {
  return new Command("plan")
    .description(
      "show what the operator would do for a CR now and why: actions with bodies, diff, nonces, conditions",
    )
    .argument("<file>", "one VvpDeployment (YAML or JSON), or - for stdin")
    .option(
      "--observed <file>",
      "VVP's deployment as GET returns it (default: none, not created yet)",
    )
    .option("--vvp <url>", "read the deployment from this VVP (read-only: no write is ever sent)")
    .option("--token-file <file>", "file holding the VVP API token for --vvp")
    .option("--instance-id <id>", "the operator's instanceId (default: the CR's owner label)")
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["text", "json"])
        .default("text"),
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 plan shown, 1 the CR is invalid, 2 usage, input or VVP read error.",
    )
    .action(async (file: string, flags: PlanFlags) => {
      // Loaded on use: validate and krm need neither the VVP client nor the executor.
      const { runPlan } = await import("../plan-run.js");
      await runPlan(file, flags, context);
    });
}
