// The floor of `vvpctl validate FILE`'s cold start: node, the YAML parser and
// parsing FILE into plain values — what any tool reading the file must do.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const path = process.argv[2];
if (path !== undefined) {
  for (const document of parseAllDocuments(readFileSync(path, "utf8"))) document.toJS();
}
