import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  DEFAULT_RETRY_OPTIONS,
  isTransient,
  parseRetryAfter,
  VvpApiError,
  type VvpApiErrorKind,
} from "../../src/vvp-client/index.js";
import { propertyParameters } from "../support/property.js";

describe("backoffDelay", () => {
  it("stays in [ceiling/2, ceiling] with ceiling = min(max, base * 2^(retry-1))", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (retry, baseDelayMs, maxDelayMs, draw) => {
          const options = { attempts: 3, baseDelayMs, maxDelayMs };
          const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
          const delay = backoffDelay(retry, options, () => draw);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
          expect(delay).toBeLessThanOrEqual(Math.ceil(ceiling));
          expect(delay).toBeLessThanOrEqual(maxDelayMs);
        },
      ),
      propertyParameters,
    );
  });

  it("grows with the retry number for the same draw, until the cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((retry) =>
      backoffDelay(retry, DEFAULT_RETRY_OPTIONS, () => 0),
    );
    expect(delays).toEqual([125, 250, 500, 1000, 2000, 2500, 2500]);
  });

  it("clamps a jitter source that leaves [0, 1)", () => {
    expect(backoffDelay(1, DEFAULT_RETRY_OPTIONS, () => 7)).toBe(250);
    expect(backoffDelay(1, DEFAULT_RETRY_OPTIONS, () => -1)).toBe(125);
  });
});

describe("parseRetryAfter", () => {
  const now = () => Date.parse("2025-01-01T00:00:00Z");

  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now)).toBe(0);
  });

  it("ignores what it cannot read", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});

describe("isTransient", () => {
  const error = (kind: VvpApiErrorKind, status?: number) =>
    new VvpApiError({ kind, status, method: "GET", path: "/", message: "x" });

  it("is true for 5xx, 429, timeouts, network errors and token failures", () => {
    expect(
      [
        error("http", 500),
        error("http", 503),
        error("http", 429),
        error("timeout"),
        error("network"),
        error("token"),
      ].map(isTransient),
    ).toEqual([true, true, true, true, true, true]);
  });

  it("is false for other 4xx and for anything that is not a VvpApiError", () => {
    expect(
      [error("http", 400), error("http", 404), error("http", 409), new Error("x"), "503"].map(
        isTransient,
      ),
    ).toEqual([false, false, false, false, false]);
  });
});
