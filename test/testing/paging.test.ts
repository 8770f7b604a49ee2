// A paged list of a large namespace: the pages put together are the list,
// in key order, the selector applied; remainingItemCount is exact without a
// selector; and a page copies the objects up to its end, not the namespace
// (a fleet's list was quadratic when every page copied every object).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type FakeKubernetes, startFakeKubernetes } from "../../src/testing/index.js";
import { ObjectStore } from "../../src/testing/store.js";
import { clientsFor } from "./helpers.js";

let kube: FakeKubernetes;
let api: ReturnType<typeof clientsFor>;
const COUNT = 300;
const name = (index: number) => `cm-${String(index).padStart(4, "0")}`;

beforeAll(async () => {
  kube = await startFakeKubernetes({ namespaces: ["big", "other"] });
  api = clientsFor(kube);
  for (let index = 0; index < COUNT; index += 1) {
    kube.apply({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: name(index), namespace: "big", labels: { even: String(index % 2 === 0) } },
    });
  }
});
afterAll(() => kube.close());

async function all(labelSelector: string | undefined, limit: number) {
  const names: string[] = [];
  const remaining: (number | undefined)[] = [];
  let token: string | undefined;
  do {
    const page = await api.core.listNamespacedConfigMap({
      namespace: "big",
      limit,
      ...(labelSelector === undefined ? {} : { labelSelector }),
      ...(token === undefined ? {} : { _continue: token }),
    });
    names.push(...page.items.map((item) => item.metadata?.name ?? ""));
    remaining.push(page.metadata?.remainingItemCount);
    token = page.metadata?._continue || undefined;
  } while (token !== undefined);
  return { names, remaining };
}

describe("paged lists", () => {
  it("put together, the pages are the list in key order, the selector applied", async () => {
    const every = Array.from({ length: COUNT }, (_, index) => name(index));
    const unselected = await all(undefined, 70);
    expect(unselected.names).toEqual(every);
    // 300 in pages of 70: 230, 160, 90, 20 left after the first four; the last page has none.
    expect(unselected.remaining).toEqual([230, 160, 90, 20, undefined]);
    const even = await all("even=true", 40);
    expect(even.names).toEqual(every.filter((_, index) => index % 2 === 0));
    expect(even.remaining.every((count) => count === undefined)).toBe(true);
    // Exactly a page's worth: no continue token after it.
    expect((await all("even=false", 150)).remaining).toEqual([undefined]);
  });

  it("a page copies the objects up to its end, not the whole namespace", async () => {
    const views = vi.spyOn(ObjectStore.prototype, "viewOf");
    try {
      const first = await api.core.listNamespacedConfigMap({ namespace: "big", limit: 5 });
      expect(first.items).toHaveLength(5);
      // The page and the one object that shows there is more.
      expect(views.mock.calls.length).toBe(6);
      views.mockClear();
      await api.core.listNamespacedConfigMap({
        namespace: "big",
        limit: 5,
        _continue: first.metadata?._continue ?? "",
      });
      expect(views.mock.calls.length).toBe(6);
    } finally {
      views.mockRestore();
    }
  });
});
