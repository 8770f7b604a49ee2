// The shipped editor JSON Schema (what `vvpctl`'s users and editors check
// against) and the library agree on unknown fields: where the schema closes an
// object, the library reports an error; where it leaves the VVP body open,
// the library at most warns.
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { buildJsonSchema } from "../../src/crd/index.js";
import { parseVvpDeployment } from "../../src/models/index.js";
import { validateVvpDeployment } from "../../src/validation/index.js";
import { exampleCr } from "../support/examples.js";
import { withValue } from "./support/edit.js";

const ajv = new Ajv2020({ allErrors: true, strict: false });
const check = ajv.compile(buildJsonSchema() as object);
const options = { instanceId: "my-operator", apiKeyValidation: false };

type Json = Record<string, unknown>;

/** The PUT example with `path` set to 1, its missing parents created (status is not in the example). */
function withField(path: string): Json {
  const keys = path.split(".");
  const cr = withValue(exampleCr("PUT") as unknown as Json, ["status"], {});
  let node = cr;
  for (const key of keys.slice(0, -1)) node = node[key] as Json;
  node[keys[keys.length - 1] ?? ""] = 1;
  return cr;
}

describe("unknown fields: the JSON Schema and the library agree", () => {
  it.each(["typo", "metadata.lables", "spec.savepointNonse", "status.deploymentID"])(
    "%s is refused by both",
    (path) => {
      const cr = withField(path);
      expect(check(cr)).toBe(false);
      expect(parseVvpDeployment(cr).ok).toBe(false);
      expect(validateVvpDeployment(cr, options).errors.map((error) => error.field)).toContain(path);
    },
  );

  it.each([
    "spec.deployment.spec.template.spec.parallelizm",
    "spec.deployment.spec.template.spec.someFutureField",
    "spec.deployment.metadata.lables",
  ])("%s passes both (the VVP body is open)", (path) => {
    const cr = withField(path);
    expect(check(cr)).toBe(true);
    expect(parseVvpDeployment(cr).ok).toBe(true);
    expect(validateVvpDeployment(cr, options).allowed).toBe(true);
  });
});
