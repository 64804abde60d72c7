/**
 * The store contract on a real Redis at REDIS_URL, plus what only Redis can show: several store
 * instances (standing in for processes) sharing data and bus, key hygiene, and recovery after
 * the server drops the connections. Skipped (or, with CI set, failed) when no Redis answers.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createRedisStore } from "../../src/store/redis";
import type { ChatStore } from "../../src/store/types";
import { deleteKeys, describeWithRedis, keysUnder, REDIS_URL } from "../helpers/redis";
import { waitFor } from "../helpers/wait";
import { message } from "./describeHistory";
import { describeStore, Inbox } from "./describeStore";

const RUN_PREFIX = `chattest:${randomUUID().slice(0, 8)}:`;
let counter = 0;
const nextPrefix = (): string => `${RUN_PREFIX}${++counter}:`;

describeWithRedis("Redis store", () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(admin, RUN_PREFIX);
    await admin.quit();
  });

  const prefixes = new WeakMap<ChatStore, string>();
  describeStore(
    "redis",
    () => {
      const prefix = nextPrefix();
      const store = createRedisStore({ url: REDIS_URL, prefix });
      prefixes.set(store, prefix);
      return store;
    },
    async (store) => deleteKeys(admin, prefixes.get(store) ?? RUN_PREFIX),
  );

  describe("across instances (processes)", () => {
    let prefix: string;
    let stores: ChatStore[];
    beforeEach(() => {
      prefix = nextPrefix();
      stores = [];
    });
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await deleteKeys(admin, prefix);
    });
    const open = (options: { prefix?: string; name?: string } = {}): ChatStore => {
      const store = createRedisStore({ url: REDIS_URL, prefix: options.prefix ?? prefix, name: options.name });
      stores.push(store);
      return store;
    };

    test("two instances with one prefix share sets, claims and the bus", async () => {
      const [a, b] = [open(), open()];
      await a.sets.add("bans", ["alice"], Date.now() + 60_000);
      expect(await b.sets.has("bans", "alice", Date.now())).toBe(true);
      expect(await a.claims.claim("room-1", "process-a", 60_000)).toBe(true);
      expect(await b.claims.claim("room-1", "process-b", 60_000)).toBe(false);
      expect(await b.claims.holder("room-1")).toBe("process-a");
      expect(await b.claims.release("room-1", "process-b")).toBe(false);

      const inB = new Inbox();
      const inA = new Inbox();
      await b.bus.subscribe("room-1", inB.handler);
      await a.bus.subscribe("room-1", inA.handler);
      await a.bus.publish("room-1", { from: "a" });
      expect(await inB.waitFor(1)).toEqual([{ from: "a" }]);
      expect(await inA.waitFor(1)).toEqual([{ from: "a" }]);
    });

    test("concurrent claims from 20 instances: exactly one wins", async () => {
      const many = Array.from({ length: 20 }, () => open());
      const results = await Promise.all(many.map((s, i) => s.claims.claim("contested", `p${i}`, 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test("different prefixes share nothing", async () => {
      const a = open();
      const other = open({ prefix: nextPrefix() });
      await a.sets.add("s", ["m"], null);
      await a.claims.claim("room", "p1", 60_000);
      expect(await other.sets.has("s", "m", Date.now())).toBe(false);
      expect(await other.claims.claim("room", "p2", 60_000)).toBe(true);
      const inOther = new Inbox();
      const inA = new Inbox();
      await other.bus.subscribe("t", inOther.handler);
      await a.bus.subscribe("t", inA.handler);
      await a.bus.publish("t", "a only");
      await other.bus.publish("t", "other only");
      expect(await inA.waitFor(1)).toEqual(["a only"]);
      expect(await inOther.waitFor(1)).toEqual(["other only"]);
    });

    test("every key is under the prefix; a scope key expires a minute after its last entry", async () => {
      const store = open();
      const t = Date.now() + 10_000;
      await store.sets.add("timed", ["m"], t);
      await store.sets.add("forever", ["m"], t);
      await store.sets.add("forever", ["n"], null);
      await store.claims.claim("room", "p1", 60_000);
      const keys = (await keysUnder(admin, `${prefix}*`)).sort();
      expect(keys).toEqual([`${prefix}claim:room`, `${prefix}set:forever`, `${prefix}set:timed`]);
      expect(await admin.pexpiretime(`${prefix}set:timed`)).toBe(t + 60_000);
      expect(await admin.pttl(`${prefix}set:forever`)).toBe(-1);
    });

    test("two instances with one prefix share history: appends, seq, recall and clear", async () => {
      const [a, b] = [open(), open()];
      for (const seq of [1, 2, 3]) await a.history.append("room-1", message(seq), 10);
      expect(await b.history.query("room-1", { limit: 10, direction: "forward" })).toEqual([1, 2, 3].map((seq) => message(seq)));
      expect(await b.history.lastSeq("room-1")).toBe(3);
      await expect(b.history.append("room-1", message(3), 10)).rejects.toThrow(RangeError);
      await b.history.append("room-1", message(4), 10);
      expect(await a.history.remove("room-1", "m4")).toEqual(message(4));
      expect(await b.history.remove("room-1", "m4")).toBeUndefined();
      expect(await a.history.lastSeq("room-1")).toBe(4);
      await b.history.clear("room-1");
      expect(await a.history.query("room-1", { limit: 10, direction: "backward" })).toEqual([]);
      expect(await a.history.lastSeq("room-1")).toBe(0);
    });

    test("the seq check is atomic: of 10 instances appending the same seq, exactly one succeeds", async () => {
      const many = Array.from({ length: 10 }, () => open());
      const results = await Promise.allSettled(
        many.map((s, i) => s.history.append("room-1", { ...message(1), messageID: `from-${i}` }, 10)),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await many[0]?.history.query("room-1", { limit: 10, direction: "forward" })).toHaveLength(1);
    });

    test("history keys: three per room under the prefix, no expiry, ids trimmed with messages", async () => {
      const store = open();
      for (const seq of [1, 2, 3, 4, 5]) await store.history.append("room-1", message(seq), 2);
      await store.history.remove("room-1", "m5");
      const base = `${prefix}history:`;
      expect((await keysUnder(admin, `${prefix}*`)).sort()).toEqual([`${base}ids:room-1`, `${base}msgs:room-1`, `${base}seq:room-1`]);
      expect(await admin.hgetall(`${base}ids:room-1`)).toEqual({ m4: "4" });
      expect(await admin.zcard(`${base}msgs:room-1`)).toBe(1);
      expect(await admin.get(`${base}seq:room-1`)).toBe("5");
      for (const kind of ["ids", "msgs", "seq"]) expect(await admin.pttl(`${base}${kind}:room-1`)).toBe(-1);
      await store.history.clear("room-1");
      expect(await keysUnder(admin, `${prefix}*`)).toEqual([]);
    });

    test("after Redis drops both connections, commands and subscriptions recover", async () => {
      const name = `chattest-${randomUUID().slice(0, 8)}`;
      const store = open({ name });
      const publisher = open();
      const inbox = new Inbox();
      await store.bus.subscribe("t", inbox.handler);
      await store.sets.add("s", ["m"], null);

      const clients = (await admin.client("LIST")) as string;
      const ids = clients
        .split("\n")
        .filter((line) => line.includes(` name=${name}:`))
        .map((line) => /id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
      expect(ids).toHaveLength(2);
      for (const id of ids) await admin.client("KILL", "ID", id);

      expect(await store.sets.has("s", "m", Date.now())).toBe(true);
      // the subscriber resubscribes on its new connection a moment after the kill: publish until one arrives
      const arrived = async () => {
        await publisher.bus.publish("t", "after reconnect");
        return inbox.received.length > 0;
      };
      await waitFor(arrived, 5000, "a notice after the reconnect", 50);
      expect(inbox.received[0]).toBe("after reconnect");
    });
  });
});
