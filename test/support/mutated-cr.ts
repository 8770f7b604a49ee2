// CRs near the seed's examples: up to four mutations, each at a path that
// exists in an example (or one key below it), deleting it or putting a
// hostile value there. Shared by the validation and the CRD properties.
import fc from "fast-check";
import { allPaths, example, type Json } from "../validation/objects.js";
import { hostileValue } from "./hostile.js";

const DELETE = Symbol("delete");
const EXAMPLES = { PATCH: example("PATCH"), PUT: example("PUT") };
const PATHS = { PATCH: allPaths(EXAMPLES.PATCH), PUT: allPaths(EXAMPLES.PUT) };

/** A mutated example CR with `minMutations` to 4 mutations. */
export function mutatedCrArb(minMutations: number): fc.Arbitrary<Json> {
  return fc
    .constantFrom("PATCH" as const, "PUT" as const)
    .chain((mode) => {
      const mutation = fc.record({
        path: fc.constantFrom(...PATHS[mode]),
        extraKey: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
        value: fc.oneof(fc.constant<typeof DELETE>(DELETE), hostileValue),
      });
      return fc.tuple(
        fc.constant(mode),
        fc.array(mutation, { minLength: minMutations, maxLength: 4 }),
      );
    })
    .map(([mode, mutations]) => {
      const cr = structuredClone(EXAMPLES[mode]);
      for (const { path, extraKey, value } of mutations) {
        const full = extraKey === undefined ? path : [...path, extraKey];
        let parent: unknown = cr;
        for (const key of full.slice(0, -1)) {
          parent =
            typeof parent === "object" && parent !== null
              ? (parent as Json)[key as string]
              : undefined;
        }
        if (typeof parent !== "object" || parent === null) continue;
        const last = full[full.length - 1] as string;
        if (value === DELETE) delete (parent as Json)[last];
        else (parent as Json)[last] = value;
      }
      return cr;
    });
}
