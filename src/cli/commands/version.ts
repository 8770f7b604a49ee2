import { Command, Option } from "commander";
import type { CommandContext } from "../context.js";

/** `vvpctl version` / `kubectl vvp version`: the package version (and Node's). */
export function versionCommand(context: CommandContext, name: string, version: string): Command {
  return new Command("version")
    .description("print the version of vvpctl (kubectl vvp) and of Node.js")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]))
    .action((flags: { output?: "text" | "json" }) => {
      if (flags.output === "json") {
        context.io.stdout(
          `${JSON.stringify({ name, version, node: process.version, package: "vvp-deployment-sdk" }, null, 2)}\n`,
        );
      } else {
        context.io.stdout(`${name} ${version} (vvp-deployment-sdk, node ${process.version})\n`);
      }
    });
}
