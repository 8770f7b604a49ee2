import { describe, expect, it } from "vitest";
import { SAVEPOINT_NONCE_ANNOTATION } from "../../src/models/index.js";
import { savepointTriggered, type VvpSavepoint } from "../../src/nonces/index.js";
import { UID } from "../support/builders.js";

const request = { nonce: 1, generation: 4, writtenGeneration: 3 };
const proving: VvpSavepoint = {
  metadata: { annotations: { [SAVEPOINT_NONCE_ANNOTATION]: `${UID}/1/4` } },
};

describe("savepoint evidence from a malformed savepoint list", () => {
  it("entries that are not savepoints prove nothing and do not hide a real one", () => {
    const junk = [
      null,
      3,
      "x",
      {},
      { metadata: null },
      { metadata: { annotations: null } },
      { metadata: { annotations: { [SAVEPOINT_NONCE_ANNOTATION]: 7 } } },
    ] as unknown as VvpSavepoint[];
    expect(savepointTriggered(junk, UID, request)).toBe(false);
    expect(savepointTriggered([...junk, proving], UID, request)).toBe(true);
  });
});
