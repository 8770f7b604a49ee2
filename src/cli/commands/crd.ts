import { Command } from "commander";
import type { CommandContext } from "../context.js";

/** `vvpctl crd`: the generated CustomResourceDefinition, as `crds/` holds it. */
export function crdCommand(context: CommandContext): Command {
  return new Command("crd")
    .description(
      "print the VvpDeployment CustomResourceDefinition (YAML), e.g. | kubectl apply -f -",
    )
    .action(async () => {
      const { renderCrdYaml } = await import("../../crd/index.js");
      context.io.stdout(renderCrdYaml());
    });
}

/** `vvpctl schema`: the editor JSON Schema, as `schema/` holds it. */
export function schemaCommand(context: CommandContext): Command {
  return new Command("schema")
    .description("print the JSON Schema (draft 2020-12) of the VvpDeployment for editors")
    .action(async () => {
      const { renderJsonSchema } = await import("../../crd/index.js");
      context.io.stdout(renderJsonSchema());
    });
}
