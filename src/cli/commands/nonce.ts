import { Command } from "commander";
import type { CommandContext } from "../context.js";
import { addKubeOptions, type KubeOptionValues } from "./kube-options.js";

/** The options of `savepoint` and `restart`. */
export interface NonceFlags extends KubeOptionValues {
  wait?: boolean;
  timeout: string;
  /** How often --wait reads the CR (ms; hidden, for tests). */
  pollInterval: string;
}

/** Which nonce a command sets. */
export type NonceKind = "savepoint" | "restart";

/** `kubectl vvp savepoint NAME` / `kubectl vvp restart NAME`: a fresh nonce by merge patch. */
export function nonceCommand(kind: NonceKind, context: CommandContext): Command {
  const field = kind === "savepoint" ? "savepointNonce" : "restartNonce";
  const command = new Command(kind)
    .description(
      kind === "savepoint"
        ? "take a savepoint of the running job: sets spec.savepointNonce to a fresh value (replaces kubectl patch)"
        : "restart the running job: sets spec.restartNonce to a fresh value (replaces kubectl patch)",
    )
    .argument("<name>", "the VvpDeployment");
  addKubeOptions(command)
    .option(
      "--wait",
      "wait until the operator processed the nonce (submitted) or blocked it, and print which",
    )
    .option("--timeout <duration>", "how long --wait waits (e.g. 30s, 5m)", "5m")
    .option("--poll-interval <ms>", "how often --wait reads the CR, in ms", "1000")
    .addHelpText(
      "after",
      `\nThe patch is a JSON merge patch of spec.${field} carrying metadata.resourceVersion, so it\nnever overwrites a newer edit (a conflict is read again and retried).\nExit codes: 0 set (with --wait: processed), 1 blocked, not found or timed out, 2 usage or cluster error.`,
    )
    .action(async (name: string, flags: NonceFlags) => {
      const { runNonce } = await import("../nonce-run.js");
      await runNonce(kind, name, flags, context);
    });
  return command;
}

/** `kubectl vvp status NAME`: the conditions in plain words, with the reference's action, and the last Events. */
export function statusCommand(context: CommandContext): Command {
  const command = new Command("status")
    .description(
      "explain a VvpDeployment's conditions in plain words with what to do, its nonces, and its last Events",
    )
    .argument("<name>", "the VvpDeployment");
  addKubeOptions(command)
    .option("--events <count>", "how many of the last Events to show", "10")
    .action(async (name: string, flags: KubeOptionValues & { events: string }) => {
      const { runStatus } = await import("../status-run.js");
      await runStatus(name, flags, context);
    });
  return command;
}
