import { ClaimWatch, DEAD_AFTER_CHECKS } from "../../src/service/claimWatch";
import type { ClaimStore } from "../../src/store/types";

/** The one claim `live-room`: who holds it, whether the holder's connection lives, whether the store answers. */
interface ClaimState {
  holder: string | undefined;
  alive: boolean;
  down?: boolean;
}

/** A claim store over a {@link ClaimState}, read at every call. */
function store(state: ClaimState): ClaimStore {
  return {
    holder: (name) =>
      state.down ? Promise.reject(new Error("store down")) : Promise.resolve(name === "live-room" ? state.holder : undefined),
    isAlive: () => Promise.resolve(state.alive),
  } as Pick<ClaimStore, "holder" | "isAlive"> as ClaimStore;
}

test(`a claim is dead after ${DEAD_AFTER_CHECKS} dead checks in a row, not after one; a live check starts the count again`, async () => {
  const state: ClaimState = { holder: "p1", alive: false };
  const watch = new ClaimWatch(store(state));
  expect(await watch.isDead("live-room")).toBe(false);
  state.alive = true;
  expect(await watch.isDead("live-room")).toBe(false);
  state.alive = false;
  expect(await watch.isDead("live-room")).toBe(false);
  expect(await watch.isDead("live-room")).toBe(true);
});

test("nobody holding the claim counts as dead; a store that does not answer counts neither way", async () => {
  const state: ClaimState = { holder: undefined, alive: true };
  const watch = new ClaimWatch(store(state));
  expect(await watch.isDead("live-room")).toBe(false);
  state.down = true;
  expect(await watch.isDead("live-room")).toBe(false);
  state.down = false;
  expect(await watch.isDead("live-room")).toBe(true);
});
