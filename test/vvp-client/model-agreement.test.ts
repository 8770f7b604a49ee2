import { describe, expectTypeOf, it } from "vitest";
import type {
  DeploymentBody,
  VvpDeploymentObject,
  VvpDeploymentObjectSchema,
} from "../../src/models/index.js";
import type { Deployment } from "../../src/vvp-client/index.js";

// These assertions are checked by the TypeScript compiler (`npm run typecheck`,
// and by compiles-clean.test.ts, which compiles this file): the zod models of
// src/models and the types generated from openapi/vvp-appmanager.yaml must
// agree on every field both have, so a body the core builds can be sent as is
// and an answer the client returns can be observed as is.

type Generated = Deployment;
type Meta<T extends { metadata?: unknown }> = NonNullable<T["metadata"]>;
type Spec<T extends { spec?: unknown }> = NonNullable<T["spec"]>;
type Template<T extends { spec?: unknown }> = NonNullable<
  NonNullable<Spec<T> extends { template?: infer U } ? U : never>
>;
type TemplateSpec<T extends { spec?: unknown }> = NonNullable<
  Template<T> extends { spec?: infer U } ? U : never
>;
type Status<T extends { status?: unknown }> = NonNullable<T["status"]>;
type Running<T extends { status?: unknown }> = NonNullable<
  Status<T> extends { running?: infer U } ? U : never
>;

describe("zod models and generated VVP types", () => {
  it("agree on metadata", () => {
    type Z = Meta<VvpDeploymentObject>;
    type G = Meta<Generated>;
    expectTypeOf<Z["name"]>().toEqualTypeOf<G["name"]>();
    expectTypeOf<Z["namespace"]>().toEqualTypeOf<G["namespace"]>();
    expectTypeOf<Z["id"]>().toEqualTypeOf<G["id"]>();
    expectTypeOf<NonNullable<Z["labels"]>>().toEqualTypeOf<NonNullable<G["labels"]>>();
    expectTypeOf<NonNullable<Z["annotations"]>>().toEqualTypeOf<NonNullable<G["annotations"]>>();
    expectTypeOf<Z["resourceVersion"]>().toEqualTypeOf<G["resourceVersion"]>();
    expectTypeOf<Z["createdAt"]>().toEqualTypeOf<G["createdAt"]>();
    expectTypeOf<Z["modifiedAt"]>().toEqualTypeOf<G["modifiedAt"]>();
    // The CR body requires name and namespace; their types are the same.
    expectTypeOf<Meta<DeploymentBody>["name"]>().toEqualTypeOf<NonNullable<G["name"]>>();
    expectTypeOf<Meta<DeploymentBody>["namespace"]>().toEqualTypeOf<NonNullable<G["namespace"]>>();
  });

  it("agree on spec", () => {
    type Z = Spec<VvpDeploymentObject>;
    type G = Spec<Generated>;
    expectTypeOf<Z["state"]>().toEqualTypeOf<G["state"]>();
    expectTypeOf<Z["deploymentTargetName"]>().toEqualTypeOf<G["deploymentTargetName"]>();
    expectTypeOf<Z["maxSavepointCreationAttempts"]>().toEqualTypeOf<
      G["maxSavepointCreationAttempts"]
    >();
    expectTypeOf<Z["maxJobCreationAttempts"]>().toEqualTypeOf<G["maxJobCreationAttempts"]>();
    expectTypeOf<Z["jobFailureExpirationTime"]>().toEqualTypeOf<G["jobFailureExpirationTime"]>();
    expectTypeOf<NonNullable<Z["upgradeStrategy"]>["kind"]>().toEqualTypeOf<
      NonNullable<G["upgradeStrategy"]>["kind"]
    >();
    expectTypeOf<NonNullable<Z["restoreStrategy"]>["allowNonRestoredState"]>().toEqualTypeOf<
      NonNullable<G["restoreStrategy"]>["allowNonRestoredState"]
    >();
    expectTypeOf<Spec<DeploymentBody>["deploymentTargetName"]>().toEqualTypeOf<
      NonNullable<G["deploymentTargetName"]>
    >();
  });

  it("agree on the template", () => {
    type Z = TemplateSpec<VvpDeploymentObject>;
    type G = TemplateSpec<Generated>;
    expectTypeOf<Z["engineVersionName"]>().toEqualTypeOf<G["engineVersionName"]>();
    expectTypeOf<Z["parallelism"]>().toEqualTypeOf<G["parallelism"]>();
    expectTypeOf<Z["numberOfTaskManagers"]>().toEqualTypeOf<G["numberOfTaskManagers"]>();
    expectTypeOf<NonNullable<Z["flinkConfiguration"]>>().toEqualTypeOf<
      NonNullable<G["flinkConfiguration"]>
    >();
    type ZLogging = NonNullable<Z["logging"]>;
    type GLogging = NonNullable<G["logging"]>;
    expectTypeOf<ZLogging["loggingProfile"]>().toEqualTypeOf<GLogging["loggingProfile"]>();
    expectTypeOf<NonNullable<ZLogging["log4jLoggers"]>>().toEqualTypeOf<
      NonNullable<GLogging["log4jLoggers"]>
    >();
    expectTypeOf<ZLogging["log4j2ConfigurationTemplate"]>().toEqualTypeOf<
      GLogging["log4j2ConfigurationTemplate"]
    >();
    type ZPolicy = NonNullable<ZLogging["logReservePolicy"]>;
    type GPolicy = NonNullable<GLogging["logReservePolicy"]>;
    expectTypeOf<ZPolicy["openHistory"]>().toEqualTypeOf<GPolicy["openHistory"]>();
    expectTypeOf<ZPolicy["expirationDays"]>().toEqualTypeOf<GPolicy["expirationDays"]>();
    type ZResource = NonNullable<Z["resources"]>[string];
    type GResource = NonNullable<G["resources"]>[string];
    expectTypeOf<ZResource["cpu"]>().toEqualTypeOf<GResource["cpu"]>();
    expectTypeOf<ZResource["memory"]>().toEqualTypeOf<GResource["memory"]>();
    expectTypeOf<
      NonNullable<NonNullable<Template<VvpDeploymentObject>["metadata"]>["annotations"]>
    >().toEqualTypeOf<NonNullable<NonNullable<Template<Generated>["metadata"]>["annotations"]>>();
    expectTypeOf<TemplateSpec<DeploymentBody>["engineVersionName"]>().toEqualTypeOf<
      NonNullable<G["engineVersionName"]>
    >();
  });

  it("agree on the artifact kinds and their fields", () => {
    type Z = NonNullable<TemplateSpec<VvpDeploymentObject>["artifact"]>;
    type G = NonNullable<TemplateSpec<Generated>["artifact"]>;
    expectTypeOf<Z["kind"]>().toEqualTypeOf<G["kind"]>();
    type ZJar = Extract<Z, { kind: "JAR" }>;
    type GJar = Extract<G, { kind: "JAR" }>;
    expectTypeOf<ZJar["jarUri"]>().toEqualTypeOf<GJar["jarUri"]>();
    expectTypeOf<ZJar["entryClass"]>().toEqualTypeOf<GJar["entryClass"]>();
    expectTypeOf<ZJar["mainArgs"]>().toEqualTypeOf<GJar["mainArgs"]>();
    expectTypeOf<ZJar["additionalDependencies"]>().toEqualTypeOf<GJar["additionalDependencies"]>();
    type ZSql = Extract<Z, { kind: "SQLSCRIPT" }>;
    type GSql = Extract<G, { kind: "SQLSCRIPT" }>;
    expectTypeOf<ZSql["sqlScript"]>().toEqualTypeOf<GSql["sqlScript"]>();
    type ZPython = Extract<Z, { kind: "PYTHON" }>;
    type GPython = Extract<G, { kind: "PYTHON" }>;
    expectTypeOf<ZPython["pythonArtifactUri"]>().toEqualTypeOf<GPython["pythonArtifactUri"]>();
    expectTypeOf<ZPython["entryModule"]>().toEqualTypeOf<GPython["entryModule"]>();
    expectTypeOf<ZPython["additionalPythonLibraries"]>().toEqualTypeOf<
      GPython["additionalPythonLibraries"]
    >();
    expectTypeOf<ZPython["additionalPythonArchives"]>().toEqualTypeOf<
      GPython["additionalPythonArchives"]
    >();
  });

  it("agree on status", () => {
    expectTypeOf<Status<VvpDeploymentObject>["state"]>().toEqualTypeOf<
      Status<Generated>["state"]
    >();
    expectTypeOf<Running<VvpDeploymentObject>["jobId"]>().toEqualTypeOf<
      Running<Generated>["jobId"]
    >();
    expectTypeOf<Running<VvpDeploymentObject>["transitionTime"]>().toEqualTypeOf<
      Running<Generated>["transitionTime"]
    >();
  });

  it("let a CR's body be sent and an answer be observed without casts", () => {
    expectTypeOf<DeploymentBody>().toExtend<Generated>();
    expectTypeOf<VvpDeploymentObject>().toExtend<Generated>();
    expectTypeOf<Generated>().toExtend<VvpDeploymentObject>();
    // The zod schema's output is the same type the client returns.
    expectTypeOf<ReturnType<(typeof VvpDeploymentObjectSchema)["parse"]>>().toExtend<Generated>();
  });
});
