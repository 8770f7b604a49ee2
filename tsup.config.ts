import { defineConfig } from "tsup";

// Two configs build in parallel, so neither cleans dist/: `npm run build` empties it first.

const shared = {
  // The simulator locates openapi/ from import.meta.url, also in the CJS build.
  shims: true,
  sourcemap: true,
  target: "node20",
  splitting: false,
} as const;

export default defineConfig([
  {
    ...shared,
    entry: {
      index: "src/index.ts",
      simulator: "src/simulator/index.ts",
      kubernetes: "src/kubernetes/index.ts",
      testing: "src/testing/index.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
  },
  {
    // The executables: ESM only, the shebang of each entry kept. Split, so the
    // operator's dynamic imports stay lazy: --help and a missing optional
    // peer (client-node) are answered in one line, not by a failed import.
    ...shared,
    entry: { cli: "src/cli/main.ts", operator: "src/operator/main.ts" },
    format: ["esm"],
    splitting: true,
    // Bundled into the executables' chunks: loading zod's and yaml's ~200
    // module files one by one was most of `vvpctl validate`'s start-up.
    noExternal: ["zod", "yaml"],
    // yaml's Node build is CommonJS and requires node builtins: give the ESM chunks a require.
    banner: {
      js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);',
    },
  },
]);
