import { ClaimKeeper, RECLAIM_WAIT_MS } from "../../src/service/claimKeeper";
import { createMemoryStore } from "../../src/store/memory";

/** Lets `ms` of fake time pass: the keeper's renewal timer fires and the store's TTLs run out on it. */
const elapse = (ms: number) => jest.advanceTimersByTimeAsync(ms);

describe("ClaimKeeper", () => {
  let store: ReturnType<typeof createMemoryStore>;
  let keeper: ClaimKeeper;
  beforeEach(() => {
    jest.useFakeTimers();
    store = createMemoryStore();
    keeper = new ClaimKeeper(store.claims, "p1", 150);
  });
  afterEach(async () => {
    keeper.stop();
    await store.close();
    jest.useRealTimers();
  });

  test("renews its claims before they lapse, and refuses a second claim of a name it holds", async () => {
    expect(await keeper.claim("room")).toBe(true);
    expect(await keeper.claim("room")).toBe(false);
    await elapse(400); // well past the 150 ms TTL: only the renewals keep it
    expect(await store.claims.holder("room")).toBe("p1");
  });

  test("takes back a claim that vanished without a new holder (a Redis restart without persistence)", async () => {
    await keeper.claim("room");
    await store.claims.release("room", "p1");
    expect(await store.claims.holder("room")).toBeUndefined();
    await elapse(120);
    expect(await store.claims.holder("room")).toBe("p1");
  });

  test("leaves a claim another owner took, and forgets a released one", async () => {
    await keeper.claim("taken");
    await keeper.claim("freed");
    await store.claims.release("taken", "p1");
    expect(await store.claims.claim("taken", "p2", 60_000)).toBe(true);
    await keeper.release("freed");
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    await elapse(120);
    expect(await store.claims.holder("taken")).toBe("p2");
    expect(await store.claims.holder("freed")).toBeUndefined();
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("taken"));
    errors.mockRestore();
  });

  test("a new claim right after the store reconnected waits until the holders had time to take their ids back", async () => {
    // the store reconnected now, after losing its data: "room" is free in it, but another process's room still lives
    const reconnectedAt = Date.now();
    const claims = Object.assign(Object.create(store.claims) as typeof store.claims, { reconnectedAt: () => reconnectedAt });
    const fresh = new ClaimKeeper(claims, "p2", 150);
    let settled: boolean | undefined;
    void fresh.claim("room").then((ok) => (settled = ok));
    await elapse(RECLAIM_WAIT_MS / 2);
    expect(settled).toBeUndefined();
    // the holder takes its id back inside the wait
    expect(await store.claims.claim("room", "p1", 60_000)).toBe(true);
    await elapse(RECLAIM_WAIT_MS / 2);
    expect(settled).toBe(false);
    expect(await store.claims.holder("room")).toBe("p1");
    // once the wait is over, a claim is tried at once
    expect(await fresh.claim("other")).toBe(true);
    fresh.stop();
  });
});
