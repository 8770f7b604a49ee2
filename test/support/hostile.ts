import fc from "fast-check";
import { type Path, replacedAt } from "./json-paths.js";

/**
 * JSON values, plus the shapes that break careless code more often than
 * random JSON finds them: objects whose keys shadow Object.prototype members
 * (`{ "toString": [] }` makes a template literal throw), numbers where strings
 * belong and the reverse, empty containers.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue() },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        toString: fc.jsonValue(),
        valueOf: fc.jsonValue(),
        constructor: fc.jsonValue(),
        hasOwnProperty: fc.jsonValue(),
        toJSON: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      "",
      "RUNNING",
      -1,
      0,
      1.5,
      Number.MAX_SAFE_INTEGER,
      true,
      null,
      [],
      {},
      [null],
      "2025-03-01T12:00:00Z",
    ),
  },
);

/** One of `roots` with one node, picked among `pathsOf(root)`, replaced by a hostile value. */
export interface HostileReplacement<T> {
  /** Which of the roots was changed. */
  index: number;
  path: Path;
  /** A deep copy of the root with the node replaced. */
  replaced: T;
}

/** Replacements of one node of one of `roots` by a hostile value (shrinks like its parts). */
export function hostileReplacement<T>(
  roots: readonly T[],
  pathsOf: (root: T) => readonly Path[],
): fc.Arbitrary<HostileReplacement<T>> {
  return fc
    .tuple(fc.nat({ max: roots.length - 1 }), fc.nat(), hostileValue)
    .map(([index, pick, value]) => {
      const root = roots[index] as T;
      const paths = pathsOf(root);
      const path = paths[pick % paths.length] as Path;
      return { index, path, replaced: replacedAt(root, path, value) };
    });
}
