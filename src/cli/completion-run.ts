// Shell completion with @bomb.sh/tab: the command tree (subcommands, flags,
// flag choices) comes from the commander program; the names of
// VvpDeployments for get, status, savepoint and restart come from the
// cluster the command line points at (-n, --context, --kubeconfig).
import t from "@bomb.sh/tab";
import tab from "@bomb.sh/tab/commander";
import type { Command } from "commander";
import type { CommandContext } from "./context.js";
import { connect, listContexts } from "./kube.js";
import { buildProgram } from "./program.js";

/** Commands whose NAME argument is a VvpDeployment of the cluster. */
const NAMED = ["get", "status", "savepoint", "restart"] as const;

/** The script to source in a shell; it calls `NAME complete -- …` on every TAB. */
export async function printCompletionScript(
  shell: string,
  name: string,
  context: CommandContext,
): Promise<void> {
  registerTree(context, name, []);
  // kubectl's plugin name has a space; the script is for the vvpctl executable.
  const program = name === "kubectl vvp" ? "vvpctl" : name;
  captured(context, () => t.setup(program, program, shell));
}

/** Answers one completion request: the words after the program name, the last being completed. */
export async function complete(
  args: readonly string[],
  name: string,
  context: CommandContext,
): Promise<void> {
  const names = await clusterNames(args, context);
  const contexts = args.at(-2) === "--context" ? await contextNames(args, context) : [];
  registerTree(context, name, names, contexts);
  captured(context, () => t.parse([...args]));
}

function registerTree(
  context: CommandContext,
  name: string,
  names: readonly string[],
  contexts: readonly string[] = [],
): void {
  // A program of its own: the adapter adds its own `complete` command to the
  // program it is given, so ours (the same protocol) make way there.
  const program = buildProgram(context, name);
  const commands = program.commands as Command[];
  for (let index = commands.length - 1; index >= 0; index--) {
    const command = commands[index]?.name();
    if (command === "complete") commands.splice(index, 1);
  }
  const root = tab(program);
  for (const command of NAMED) {
    const argument = root.commands.get(command)?.arguments.get("name");
    if (argument !== undefined) {
      argument.handler = (add) => {
        for (const item of names) add(item, "VvpDeployment");
      };
    }
    const option = root.commands.get(command)?.options.get("context");
    if (option !== undefined) {
      option.handler = (add) => {
        for (const item of contexts) add(item, "kubeconfig context");
      };
    }
  }
}

/** The context names of the kubeconfig the words (or KUBECONFIG) select; none when it cannot be read. */
async function contextNames(args: readonly string[], context: CommandContext): Promise<string[]> {
  const index = args.indexOf("--kubeconfig");
  const file = index === -1 ? undefined : args[index + 1];
  try {
    return await listContexts(file, context.io);
  } catch {
    return [];
  }
}

/** The VvpDeployment names of the namespace the words select; none when the cluster cannot be read. */
async function clusterNames(args: readonly string[], context: CommandContext): Promise<string[]> {
  const [command, ...rest] = args;
  if (!NAMED.includes(command as (typeof NAMED)[number])) return [];
  const flags: { namespace?: string; context?: string; kubeconfig?: string } = {};
  // Only the words before the one being completed.
  const words = rest.slice(0, -1);
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? "";
    const [flag, inline] =
      word.startsWith("--") && word.includes("=") ? word.split(/=(.*)/s) : [word, undefined];
    const value = inline ?? words[index + 1];
    const key =
      flag === "-n" || flag === "--namespace"
        ? "namespace"
        : flag === "--context"
          ? "context"
          : flag === "--kubeconfig"
            ? "kubeconfig"
            : undefined;
    if (key === undefined || value === undefined) continue;
    flags[key] = value;
    if (inline === undefined) index++;
  }
  try {
    const cluster = await connect(flags, context.io, command ?? "get");
    const items = await cluster.list(cluster.namespace);
    return items.map((item) => item.metadata.name).sort();
  } catch {
    // Completion never prints an error: no names then.
    return [];
  }
}

/** Runs the library (which writes with console.log) with its lines going to the CLI's stdout. */
function captured(context: CommandContext, body: () => void): void {
  const original = console.log;
  console.log = (...parts: unknown[]) => context.io.stdout(`${parts.map(String).join(" ")}\n`);
  try {
    body();
  } finally {
    console.log = original;
  }
}
