import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_HEADER, renderClientTypes } from "../../scripts/generate-client.js";

const GENERATED = new URL("../../src/vvp-client/generated/vvp-appmanager.ts", import.meta.url);

describe("src/vvp-client/generated/vvp-appmanager.ts", () => {
  it("is what npm run generate makes from openapi/vvp-appmanager.yaml (run it after editing the YAML)", async () => {
    const checkedIn = readFileSync(GENERATED, "utf8");
    expect(checkedIn.split("\n")[0]).toBe(GENERATED_HEADER);
    expect(checkedIn === (await renderClientTypes())).toBe(true);
  });

  it("renders the same text every time", async () => {
    expect(await renderClientTypes()).toBe(await renderClientTypes());
  });
});
