import { describe, expect, it } from "vitest";
import { InvalidObservationError } from "../../src/reconcile/index.js";
import { isTransient, isVvpApiError, VvpApiError } from "../../src/vvp-client/index.js";

// A host that loads the package both as ESM and as CJS holds two copies of
// each class; a second module instance (a distinct query) plays the other copy.
async function otherCopies() {
  // A computed specifier, since TypeScript resolves no query; the type is the module's own.
  const errorsModule = "../../src/vvp-client/errors.ts";
  const guardModule = "../../src/reconcile/observation-guard.ts";
  const errors = (await import(
    /* @vite-ignore */ `${errorsModule}?other-copy`
  )) as typeof import("../../src/vvp-client/errors.js");
  const guard = (await import(
    /* @vite-ignore */ `${guardModule}?other-copy`
  )) as typeof import("../../src/reconcile/observation-guard.js");
  return {
    VvpApiErrorCopy: errors.VvpApiError,
    InvalidObservationErrorCopy: guard.InvalidObservationError,
  };
}

const fields = {
  kind: "http",
  status: 503,
  method: "GET",
  path: "/x",
  message: "GET /x: 503",
} as const;

describe("errors of another copy of the package", () => {
  it("are really other classes in this test", async () => {
    const { VvpApiErrorCopy, InvalidObservationErrorCopy } = await otherCopies();
    expect(VvpApiErrorCopy).not.toBe(VvpApiError);
    expect(InvalidObservationErrorCopy).not.toBe(InvalidObservationError);
  });

  it("are still instances, both ways, so hosts can tell them apart from other errors", async () => {
    const { VvpApiErrorCopy, InvalidObservationErrorCopy } = await otherCopies();
    const foreignApiError = new VvpApiErrorCopy(fields);
    expect(foreignApiError).toBeInstanceOf(VvpApiError);
    expect(new VvpApiError(fields)).toBeInstanceOf(VvpApiErrorCopy);
    expect(isVvpApiError(foreignApiError)).toBe(true);
    expect(isTransient(foreignApiError)).toBe(true);
    const foreignObservation = new InvalidObservationErrorCopy([]);
    expect(foreignObservation).toBeInstanceOf(InvalidObservationError);
    expect(new InvalidObservationError([])).toBeInstanceOf(InvalidObservationErrorCopy);
  });

  it("are not confused with each other or with plain errors", () => {
    for (const other of [new Error("x"), { name: "VvpApiError" }, null, "VvpApiError"]) {
      expect(other instanceof VvpApiError).toBe(false);
      expect(other instanceof InvalidObservationError).toBe(false);
    }
    expect(new InvalidObservationError([]) instanceof VvpApiError).toBe(false);
    expect(new VvpApiError(fields) instanceof InvalidObservationError).toBe(false);
    // The brand is not enumerable: spreads, logs and snapshots do not carry it.
    const error = new VvpApiError(fields);
    for (const symbol of Object.getOwnPropertySymbols(error)) {
      expect(Object.getOwnPropertyDescriptor(error, symbol)?.enumerable).toBe(false);
    }
  });
});
