// `npm run validate -- FILE... [--instance-id ID] [--namespaces a,b] [--no-api-key]`:
// runs the admission rules on CR files before `kubectl apply`, printing every
// field error with its path. Exits 1 when any file is denied.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readYaml } from "../src/models/parse.js";
import { validateVvpDeployment } from "../src/validation/index.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "instance-id": { type: "string", default: "my-operator" },
    namespaces: { type: "string" },
    "no-api-key": { type: "boolean", default: false },
  },
});

if (positionals.length === 0) {
  console.error(
    "usage: npm run validate -- FILE... [--instance-id ID] [--namespaces a,b] [--no-api-key]",
  );
  process.exit(2);
}

let denied = 0;
for (const file of positionals) {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    console.log(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    denied += 1;
    continue;
  }
  const read = readYaml(text);
  const result = read.ok
    ? validateVvpDeployment(read.value, {
        instanceId: values["instance-id"] ?? "my-operator",
        ...(values.namespaces === undefined
          ? {}
          : { watchedNamespaces: values.namespaces.split(",").map((name) => name.trim()) }),
        apiKeyValidation: !values["no-api-key"],
      })
    : { allowed: false, errors: read.errors, warnings: [] };
  console.log(`${file}: ${result.allowed ? "valid" : "invalid"}`);
  for (const error of result.errors) {
    console.log(`  ${error.field}: ${error.message} (${error.reason})`);
  }
  for (const warning of result.warnings) console.log(`  warning: ${warning}`);
  if (!result.allowed) denied += 1;
}
process.exitCode = denied === 0 ? 0 : 1;
