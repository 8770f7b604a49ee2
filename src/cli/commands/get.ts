import { Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { renderTable } from "../get.js";
import { readInputs } from "../inputs.js";
import { findingLine } from "../output.js";

/** `vvpctl get FILE…|-`: the kubectl table of CRs read from YAML. */
export function getCommand(context: CommandContext): Command {
  return new Command("get")
    .description(
      "print the `kubectl get vvpdeployments` table for CRs given as YAML (e.g. kubectl get -o yaml)",
    )
    .argument("<paths...>", "files, directories or - for stdin")
    .addOption(
      new Option("-o, --output <format>", "wide adds the sub-condition columns").choices(["wide"]),
    )
    .action(async (paths: string[], flags: { output?: "wide" }) => {
      const { io } = context;
      const inputs = await readInputs(paths, io);
      for (const problem of inputs.problems) {
        io.stderr(
          `${findingLine(problem.name, { severity: "error", field: "<root>", message: problem.problem, reason: "InputError" })}\n`,
        );
      }
      let invalid = false;
      const table = renderTable({
        sources: inputs.sources,
        wide: flags.output === "wide",
        now: io.now().toISOString(),
        onSyntaxError: (name, position, message) => {
          invalid = true;
          io.stderr(
            `${findingLine(name, { severity: "error", field: "<root>", message: `not valid YAML: ${message}`, reason: "InvalidYAML", position })}\n`,
          );
        },
      });
      if (table === undefined) io.stderr("No resources found.\n");
      else io.stdout(table);
      if (inputs.problems.length > 0 || invalid) context.exit(2);
    });
}
