import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InvalidObservationError,
  observationFieldErrors,
  reconcile,
  settle,
} from "../../src/reconcile/index.js";
import { allSucceeded, inputFor, steadyWorld, type World } from "../support/builders.js";
import { hostileReplacement } from "../support/hostile.js";
import { pathsUnder, replacedAt } from "../support/json-paths.js";
import { propertyParameters } from "../support/property.js";

const worlds: World[] = [
  steadyWorld("PATCH"),
  steadyWorld("PUT"),
  steadyWorld("PATCH", { savepointNonce: 1, restartNonce: 1 }),
];

describe("a malformed observation", () => {
  it("is refused with an InvalidObservationError naming the field, never another error (property)", () => {
    const inputs = worlds.map((world) => inputFor(world));
    fc.assert(
      fc.property(
        hostileReplacement(
          inputs.map((input) => input.observed),
          (observed) => pathsUnder(observed).filter((path) => path.length > 0),
        ),
        ({ index, replaced: observed }) => {
          const changed = { ...(inputs[index] as (typeof inputs)[number]), observed };
          let plan: ReturnType<typeof reconcile>;
          try {
            plan = reconcile(changed);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidObservationError);
            const fields = (error as InvalidObservationError).errors.map((e) => e.field);
            expect(fields.length).toBeGreaterThan(0);
            for (const field of fields) expect(field.startsWith("observed.")).toBe(true);
            return;
          }
          settle(changed, plan, allSucceeded(plan));
        },
      ),
      propertyParameters,
    );
  });

  it("names each field and the expected type, never the value", () => {
    const input = inputFor(steadyWorld("PATCH"));
    const secret = "s3cr3t-token-value";
    let observed = replacedAt(input.observed, ["deployment", "spec", "state"], { toString: [] });
    observed = replacedAt(observed, ["deployment", "metadata", "id"], 7);
    observed = replacedAt(
      observed,
      ["deployment", "spec", "template", "spec", "parallelism"],
      secret,
    );
    const attempt = () => reconcile({ ...input, observed });
    expect(attempt).toThrow(InvalidObservationError);
    try {
      attempt();
    } catch (error) {
      const invalid = error as InvalidObservationError;
      expect(invalid.errors.map((e) => e.field).sort()).toEqual([
        "observed.deployment.metadata.id",
        "observed.deployment.spec.state",
        "observed.deployment.spec.template.spec.parallelism",
      ]);
      expect(invalid.message).toContain("observed.deployment.spec.state");
      expect(JSON.stringify(invalid.errors)).not.toContain(secret);
      expect(invalid.message).not.toContain(secret);
    }
  });

  it("is refused by settle as well", () => {
    const input = inputFor(steadyWorld("PUT"));
    const plan = reconcile(input);
    const observed = replacedAt(input.observed, ["mapping", "deploymentId"], 42);
    expect(() => settle({ ...input, observed }, plan, [])).toThrow(InvalidObservationError);
  });

  it("requires the deployment and mapping keys: null means none, a missing key is a host error", () => {
    const input = inputFor(steadyWorld("PATCH"));
    expect(observationFieldErrors({ mapping: null }).map((e) => e.field)).toEqual([
      "observed.deployment",
    ]);
    expect(observationFieldErrors({ ...input.observed, autopilot: { mode: "ON" } }).length).toBe(2);
    expect(observationFieldErrors({ ...input.observed, savepoints: {} })[0]?.field).toBe(
      "observed.savepoints",
    );
  });

  it("passes fields and states the SDK does not model, so a newer VVP is still read", () => {
    const input = inputFor(steadyWorld("PATCH"));
    let observed = replacedAt(input.observed, ["deployment", "status", "state"], "CANCELLING");
    observed = replacedAt(observed, ["deployment", "spec", "futureField"], { any: [1, "x"] });
    expect(observationFieldErrors(observed)).toEqual([]);
    expect(() => reconcile({ ...input, observed })).not.toThrow();
  });
});
