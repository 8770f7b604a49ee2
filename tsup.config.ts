import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", simulator: "src/simulator/index.ts" },
  // The simulator locates openapi/ from import.meta.url, also in the CJS build.
  shims: true,
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  splitting: false,
});
