import { createMemoryStore } from "../../src/store/memory";
import { describeStore } from "./describeStore";

describeStore("memory", () => createMemoryStore());

describe("memory store specifics", () => {
  test("remove judges expiry by the injected clock", async () => {
    let clock = 1_000;
    const store = createMemoryStore({ clock: () => clock });
    await store.sets.add("s", ["a", "b"], 2_000);
    clock = 2_000;
    expect(await store.sets.remove("s", ["a"])).toBe(0);
    clock = 1_999;
    expect(await store.sets.remove("s", ["b"])).toBe(1);
    await store.close();
  });

  test("two memory stores share nothing", async () => {
    const one = createMemoryStore();
    const two = createMemoryStore();
    await one.claims.claim("room", "p1", 60_000);
    expect(await two.claims.claim("room", "p2", 60_000)).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });
});
