import { afterEach, describe, expect, it } from "vitest";
import { conditionOf, crObject, startWorld, type World } from "./harness.js";

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("smoke", () => {
  it("creates the VVP deployment of a CR and reports Healthy", async () => {
    world = await startWorld();
    const { kube, vvp } = world;
    await world.start();
    kube.apply(crObject("a"));
    await kube
      .waitFor(
        () =>
          conditionOf(kube.get("vvpdeployments", "my-deploy-namespace", "a"), "Healthy")?.status ===
          "True",
        5000,
      )
      .catch((e) => {
        console.log(
          JSON.stringify(kube.get("vvpdeployments", "my-deploy-namespace", "a"), null, 1),
        );
        console.log(world?.logs.join("\n"));
        throw e;
      });
    expect(vvp.deployments()).toHaveLength(1);
    console.log(
      kube
        .requests()
        .map((r) => `${r.method} ${r.path} ${r.status} ${r.contentType ?? ""}`)
        .join("\n"),
    );
  });
});
