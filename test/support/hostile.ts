import fc from "fast-check";

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
