// The contract suite's one list of places the fake still differs from
// kube-apiserver (differences.ts) is the one docs/testing.md shows.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DIFFERENCES } from "./differences.js";

const DOCS = readFileSync(new URL("../../docs/testing.md", import.meta.url), "utf8");

describe("where the fake still differs from kube-apiserver", () => {
  const section = DOCS.split("## Where it still differs")[1]?.split("\n## ")[0] ?? "";

  it("docs/testing.md has the section", () => {
    expect(section).not.toBe("");
  });

  it.each(DIFFERENCES.map((d) => [d.topic, d.detail]))("%s is listed there", (topic, detail) => {
    expect(section).toContain(`**${topic}**: ${detail}`);
  });
});
