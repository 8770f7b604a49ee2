import { Argument, Command } from "commander";
import type { CommandContext } from "../context.js";

/** `vvpctl completion bash|zsh|fish`: the shell script (from @bomb.sh/tab). */
export function completionCommand(context: CommandContext, name: string): Command {
  return new Command("completion")
    .description("print the shell completion script: source <(vvpctl completion bash)")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"]))
    .addHelpText(
      "after",
      "\nbash: source <(vvpctl completion bash)   zsh: source <(vvpctl completion zsh)\nfish: vvpctl completion fish | source\nkubectl vvp completes through kubectl's own completion (kubectl ≥ 1.26) with the\nkubectl_complete-vvp executable this package installs beside kubectl-vvp.",
    )
    .action(async (shell: string) => {
      const { printCompletionScript } = await import("../completion-run.js");
      await printCompletionScript(shell, name, context);
    });
}

/** `vvpctl complete -- ARGS…`: the completion protocol (Cobra's: lines `value\\tdescription`, then `:directive`). */
export function completeCommand(context: CommandContext, name: string): Command {
  return new Command("complete")
    .description("answer a shell completion request")
    .argument("[args...]", "the command line being completed")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (args: string[]) => {
      const { complete } = await import("../completion-run.js");
      await complete(args, name, context);
    });
}
