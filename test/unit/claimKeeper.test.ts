import { ClaimKeeper } from "../../src/service/claimKeeper";
import { createMemoryStore } from "../../src/store/memory";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("ClaimKeeper", () => {
  let store: ReturnType<typeof createMemoryStore>;
  let keeper: ClaimKeeper;
  beforeEach(() => {
    store = createMemoryStore();
    keeper = new ClaimKeeper(store.claims, "p1", 150);
  });
  afterEach(async () => {
    keeper.stop();
    await store.close();
  });

  test("renews its claims before they lapse, and refuses a second claim of a name it holds", async () => {
    expect(await keeper.claim("room")).toBe(true);
    expect(await keeper.claim("room")).toBe(false);
    await sleep(400);
    expect(await store.claims.holder("room")).toBe("p1");
  });

  test("takes back a claim that vanished without a new holder (a Redis restart without persistence)", async () => {
    await keeper.claim("room");
    await store.claims.release("room", "p1");
    expect(await store.claims.holder("room")).toBeUndefined();
    await sleep(120);
    expect(await store.claims.holder("room")).toBe("p1");
  });

  test("leaves a claim another owner took, and forgets a released one", async () => {
    await keeper.claim("taken");
    await keeper.claim("freed");
    await store.claims.release("taken", "p1");
    expect(await store.claims.claim("taken", "p2", 60_000)).toBe(true);
    await keeper.release("freed");
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    await sleep(120);
    expect(await store.claims.holder("taken")).toBe("p2");
    expect(await store.claims.holder("freed")).toBeUndefined();
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("taken"));
    errors.mockRestore();
  });
});
