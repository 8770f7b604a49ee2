export {};

// `npm run generate`: rewrites every generated file from its source of truth.
// CI runs it and fails when the checked-in files differ.
const steps: Array<[string, () => Promise<void>]> = [];

for (const [name, step] of steps) {
  await step();
  console.log(`generated ${name}`);
}
