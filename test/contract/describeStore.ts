/**
 * The one contract suite of {@link ChatStore}: every backend must pass it unchanged. Times are
 * wall-clock based (`Date.now()` plus offsets) because the Redis store gives keys a Redis expiry.
 */
import type { ChatStore } from "../../src/store/types";
import { describeHistoryContract } from "./describeHistory";
import { waitFor } from "../helpers/wait";

/** Collects bus payloads and lets a test await the n-th one (fails after `timeoutMs`). */
export class Inbox {
  readonly received: unknown[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];

  readonly handler = (payload: unknown): void => {
    this.received.push(payload);
    this.waiters = this.waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
  };

  /** Resolves once `n` payloads have arrived in total. */
  async waitFor(n: number, timeoutMs = 3000): Promise<unknown[]> {
    if (this.received.length < n) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} bus messages within ${timeoutMs} ms, got ${this.received.length}`)),
          timeoutMs,
        );
        this.waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    return this.received;
  }
}

/** Members sorted, so `list()` (which promises no order) can be compared. */
const sorted = <T extends { member: string }>(entries: T[]): T[] => [...entries].sort((a, b) => a.member.localeCompare(b.member));

/**
 * Defines the contract tests of a store backend. `factory` is called once per test and must give
 * an empty store isolated from other tests (e.g. by a unique key prefix); `teardown` (optional)
 * runs after each test, before the store is closed.
 */
export function describeStore(
  name: string,
  factory: () => Promise<ChatStore> | ChatStore,
  teardown?: (store: ChatStore) => Promise<void> | void,
): void {
  describe(`ChatStore contract: ${name}`, () => {
    let store: ChatStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await teardown?.(store);
      await store.close();
    });

    describe("sets", () => {
      const now = (): number => Date.now();

      test("add then has: present members true, absent members and other scopes false", async () => {
        await store.sets.add("bans", ["alice", "bob"], null);
        expect(await store.sets.has("bans", "alice", now())).toBe(true);
        expect(await store.sets.has("bans", "carol", now())).toBe(false);
        expect(await store.sets.has("mutes", "alice", now())).toBe(false);
      });

      test("remove returns how many were present and unexpired, and they are gone", async () => {
        await store.sets.add("s", ["a", "b"], null);
        await store.sets.add("s", ["old"], now() - 1000);
        expect(await store.sets.remove("s", ["a", "old", "nobody"])).toBe(1);
        expect(await store.sets.has("s", "a", now())).toBe(false);
        expect(await store.sets.remove("s", ["a"])).toBe(0);
        expect(await store.sets.remove("s", [])).toBe(0);
        expect(await store.sets.list("s", now())).toEqual([{ member: "b", expiresAt: null }]);
      });

      test("list and count give the unexpired entries with their expiry", async () => {
        const t = now() + 60_000;
        await store.sets.add("s", ["b", "a"], t);
        await store.sets.add("s", ["c"], null);
        await store.sets.add("s", ["gone"], now() - 1);
        expect(sorted(await store.sets.list("s", now()))).toEqual([
          { member: "a", expiresAt: t },
          { member: "b", expiresAt: t },
          { member: "c", expiresAt: null },
        ]);
        expect(await store.sets.count("s", now())).toBe(3);
        expect(await store.sets.list("empty", now())).toEqual([]);
        expect(await store.sets.count("empty", now())).toBe(0);
      });

      test("clear deletes one whole scope and nothing else", async () => {
        await store.sets.add("s1", ["a", "b"], null);
        await store.sets.add("s2", ["a"], null);
        await store.sets.clear("s1");
        expect(await store.sets.count("s1", now())).toBe(0);
        expect(await store.sets.has("s2", "a", now())).toBe(true);
        await store.sets.clear("never-existed");
      });

      test("a member expires exactly at expiresAt: present at expiresAt-1, absent at expiresAt", async () => {
        const t = now() + 30_000;
        await store.sets.add("s", ["m"], t);
        expect(await store.sets.has("s", "m", t - 1)).toBe(true);
        expect(await store.sets.has("s", "m", t)).toBe(false);
        expect(await store.sets.hasMany("s", ["m"], t - 1)).toEqual([true]);
        expect(await store.sets.hasMany("s", ["m"], t)).toEqual([false]);
        expect(await store.sets.list("s", t - 1)).toEqual([{ member: "m", expiresAt: t }]);
        expect(await store.sets.list("s", t)).toEqual([]);
        expect(await store.sets.count("s", t - 1)).toBe(1);
        expect(await store.sets.count("s", t)).toBe(0);
      });

      test("re-adding replaces the expiry, both later and earlier", async () => {
        const t = now() + 30_000;
        await store.sets.add("s", ["m"], t);
        await store.sets.add("s", ["m"], t + 5000);
        expect(await store.sets.has("s", "m", t + 4999)).toBe(true);
        await store.sets.add("s", ["m"], t - 5000);
        expect(await store.sets.has("s", "m", t - 5000)).toBe(false);
        await store.sets.add("s", ["m"], null);
        expect(await store.sets.list("s", t)).toEqual([{ member: "m", expiresAt: null }]);
      });

      test("null expiry never expires", async () => {
        await store.sets.add("s", ["m"], null);
        const farFuture = now() + 100 * 365 * 24 * 3600 * 1000;
        expect(await store.sets.has("s", "m", farFuture)).toBe(true);
        expect(await store.sets.count("s", farFuture)).toBe(1);
      });

      test("hasMany answers in the order asked, duplicates included", async () => {
        await store.sets.add("s", ["a", "b"], null);
        expect(await store.sets.hasMany("s", ["b", "x", "a", "b"], now())).toEqual([true, false, true, true]);
        expect(await store.sets.hasMany("s", [], now())).toEqual([]);
        expect(await store.sets.hasMany("nope", ["a"], now())).toEqual([false]);
      });

      test("adding no members is a no-op; members and scopes may hold any characters", async () => {
        await store.sets.add("s", [], null);
        expect(await store.sets.count("s", now())).toBe(0);
        const odd = ["user:1", "ü ñ 😀", "*?[]", ""];
        await store.sets.add("room:42/bans*", odd, null);
        expect(await store.sets.hasMany("room:42/bans*", odd, now())).toEqual([true, true, true, true]);
        expect(await store.sets.has("room:42/bans", "user:1", now())).toBe(false);
      });
    });

    describeHistoryContract(() => store);

    describe("claims", () => {
      test("the first claimant wins; a second claimant is refused; re-claiming one's own is true", async () => {
        expect(await store.claims.holder("room-1")).toBeUndefined();
        expect(await store.claims.claim("room-1", "p1", 60_000)).toBe(true);
        expect(await store.claims.claim("room-1", "p2", 60_000)).toBe(false);
        expect(await store.claims.claim("room-1", "p1", 60_000)).toBe(true);
        expect(await store.claims.holder("room-1")).toBe("p1");
        expect(await store.claims.claim("room-2", "p2", 60_000)).toBe(true);
      });

      test("only the holder can release; after release another can claim", async () => {
        await store.claims.claim("room-1", "p1", 60_000);
        expect(await store.claims.release("room-1", "p2")).toBe(false);
        expect(await store.claims.holder("room-1")).toBe("p1");
        expect(await store.claims.release("room-1", "p1")).toBe(true);
        expect(await store.claims.holder("room-1")).toBeUndefined();
        expect(await store.claims.release("room-1", "p1")).toBe(false);
        expect(await store.claims.claim("room-1", "p2", 60_000)).toBe(true);
        expect(await store.claims.holder("room-1")).toBe("p2");
      });

      test("a claim not renewed expires after its TTL; renew keeps it and reports names no longer held", async () => {
        // "kept" is claimed first, so without the renewal it would lapse no later than "short"
        expect(await store.claims.claim("kept", "p1", 500)).toBe(true);
        expect(await store.claims.claim("short", "p1", 500)).toBe(true);
        expect(await store.claims.renew(["kept", "short-never-held"], "p1", 2000)).toEqual(["short-never-held"]);
        // the TTL runs in real time (Redis' own): wait for the lapse itself, bounded
        await waitFor(async () => (await store.claims.holder("short")) === undefined, 3000, "the unrenewed claim to lapse", 25);
        expect(await store.claims.holder("kept")).toBe("p1");
        expect(await store.claims.claim("short", "p2", 60_000)).toBe(true);
        expect(await store.claims.renew(["short", "kept"], "p1", 400)).toEqual(["short"]);
        expect(await store.claims.holder("short")).toBe("p2");
      });

      test("20 concurrent claims: exactly one wins and holds the name", async () => {
        const owners = Array.from({ length: 20 }, (_, i) => `p${i}`);
        const results = await Promise.all(owners.map((owner) => store.claims.claim("contested", owner, 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.claims.holder("contested")).toBe(owners[results.indexOf(true)]);
      });
    });

    describe("bus", () => {
      test("a subscriber receives a JSON copy: later mutation of the published object is not seen", async () => {
        const inbox = new Inbox();
        await store.bus.subscribe("t", inbox.handler);
        const sent = { text: "hi", n: 1, nested: { list: [1, 2] }, when: new Date(0), gone: undefined };
        const publishing = store.bus.publish("t", sent);
        sent.text = "changed";
        sent.nested.list.push(3);
        await publishing;
        const [got] = await inbox.waitFor(1);
        expect(got).toEqual({ text: "hi", n: 1, nested: { list: [1, 2] }, when: "1970-01-01T00:00:00.000Z" });
        expect(got).not.toBe(sent);
      });

      test("delivery is asynchronous: never inside publish", async () => {
        const inbox = new Inbox();
        await store.bus.subscribe("t", inbox.handler);
        const publishing = store.bus.publish("t", 1);
        expect(inbox.received).toEqual([]);
        await publishing;
        await inbox.waitFor(1);
      });

      test("messages on one topic arrive in publish order", async () => {
        const inbox = new Inbox();
        await store.bus.subscribe("t", inbox.handler);
        for (let i = 0; i < 10; i++) await store.bus.publish("t", i);
        expect(await inbox.waitFor(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });

      test("two subscribers on one topic both receive, each its own copy", async () => {
        const a = new Inbox();
        const b = new Inbox();
        await store.bus.subscribe("t", (payload) => {
          a.handler(payload);
          (payload as { n: number }).n = 99;
        });
        await store.bus.subscribe("t", b.handler);
        await store.bus.publish("t", { n: 1 });
        expect(await a.waitFor(1)).toEqual([{ n: 99 }]);
        expect(await b.waitFor(1)).toEqual([{ n: 1 }]);
      });

      test("unsubscribe stops delivery to that handler only", async () => {
        const gone = new Inbox();
        const stays = new Inbox();
        const unsubscribe = await store.bus.subscribe("t", gone.handler);
        await store.bus.subscribe("t", stays.handler);
        await store.bus.publish("t", "first");
        await gone.waitFor(1);
        await unsubscribe();
        await unsubscribe();
        await store.bus.publish("t", "second");
        expect(await stays.waitFor(2)).toEqual(["first", "second"]);
        expect(gone.received).toEqual(["first"]);
      });

      test("the same function subscribed twice is two subscriptions", async () => {
        const inbox = new Inbox();
        const first = await store.bus.subscribe("t", inbox.handler);
        await store.bus.subscribe("t", inbox.handler);
        await store.bus.publish("t", "x");
        expect(await inbox.waitFor(2)).toEqual(["x", "x"]);
        await first();
        await store.bus.publish("t", "y");
        expect(await inbox.waitFor(3)).toEqual(["x", "x", "y"]);
      });

      test("after the last handler of a topic leaves, a new subscriber still receives", async () => {
        const unsubscribe = await store.bus.subscribe("t", () => undefined);
        await unsubscribe();
        const inbox = new Inbox();
        await store.bus.subscribe("t", inbox.handler);
        await store.bus.publish("t", "again");
        expect(await inbox.waitFor(1)).toEqual(["again"]);
      });

      test("topics are independent", async () => {
        const one = new Inbox();
        const two = new Inbox();
        await store.bus.subscribe("one", one.handler);
        await store.bus.subscribe("two", two.handler);
        await store.bus.publish("one", "for one");
        await store.bus.publish("two", "for two");
        await Promise.all([one.waitFor(1), two.waitFor(1)]);
        await store.bus.publish("two", "again two");
        await two.waitFor(2);
        expect(one.received).toEqual(["for one"]);
        expect(two.received).toEqual(["for two", "again two"]);
      });

      test("publishing a payload that is not JSON-serializable rejects", async () => {
        await expect(store.bus.publish("t", undefined)).rejects.toThrow(TypeError);
        await expect(store.bus.publish("t", { big: 1n })).rejects.toThrow(TypeError);
      });

      test("a throwing handler does not keep the others from receiving", async () => {
        const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
        try {
          const inbox = new Inbox();
          await store.bus.subscribe("t", () => {
            throw new Error("handler bug");
          });
          await store.bus.subscribe("t", inbox.handler);
          await store.bus.publish("t", 1);
          await store.bus.publish("t", 2);
          expect(await inbox.waitFor(2)).toEqual([1, 2]);
          expect(errors).toHaveBeenCalled();
        } finally {
          errors.mockRestore();
        }
      });
    });
  });
}
