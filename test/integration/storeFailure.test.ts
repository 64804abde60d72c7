import { createMemoryStore } from "../../src/store/memory";
import type { ChatStore, ExpiringSetStore } from "../../src/store/types";
import { Topic } from "../../src/service/scopes";
import { sdkEnter, useServer, waitFor } from "../helpers/server";

/** A memory store whose scoped sets fail while `failing` is set, as an unreachable Redis would. */
function flakyStore(): { store: ChatStore; failing: { on: boolean } } {
  const store = createMemoryStore();
  const failing = { on: false };
  const sets = new Proxy(store.sets, {
    get(target, key: keyof ExpiringSetStore) {
      return (...args: unknown[]) =>
        failing.on
          ? Promise.reject(new Error("store unreachable"))
          : (target[key] as (...args: unknown[]) => Promise<unknown>).apply(target, args);
    },
  });
  return { store: { ...store, sets }, failing };
}

const flaky = flakyStore();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

// hooks run in the order they are declared: listening before the server starts, until after it stopped
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
const t = useServer({ store: flaky.store }, { beforeShutdown: () => (flaky.failing.on = false) });
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
});

test("store failures in the room's background work are logged, never unhandled, and the room keeps serving", async () => {
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "flaky", userId: "alice" });
  const bob = await sdkEnter(t.httpUrl, { mode: "join", roomId: "flaky", userId: "bob" });
  const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
  flaky.failing.on = true;
  for (const type of ["moderation", "policy", "lists"] as const) await t.server.ctx.store.bus.publish(Topic.room("flaky"), { type });
  await bob.leave(); // unindexing bob's rooms fails in the background
  // one logged failure each: the moderation, policy and lists reloads, and the unindexing
  await waitFor(() => errors.mock.calls.length >= 4, 3000, "the four background failures to be logged");
  // a rejection nobody handled is reported once the turn that left it is over
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
  errors.mockRestore();
  flaky.failing.on = false;
  const info = await alice.request<unknown, { members: { userId: string }[] }>("info");
  expect(info.members.map((m) => m.userId)).toEqual(["alice"]);
  await alice.leave();
});
