// `npm run validate -- PATH... [options]` is `vvpctl validate PATH... [options]`:
// the CLI (src/cli) reads files, directories and stdin and prints every
// finding as file:line:col. Exit codes: 0 valid, 1 findings, 2 usage or input.
import { main } from "../src/cli/main.js";

await main(["validate", ...process.argv.slice(2)]);
