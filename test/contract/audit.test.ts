/**
 * The audit log contract, on both stores: entries come back newest first and filtered, copies not
 * shared objects, and retention drops the oldest entries by count and by age.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createMemoryStore } from "../../src/store/memory";
import { createRedisStore } from "../../src/store/redis";
import type { AuditEntry, AuditLogStore, AuditRetention, ChatStore } from "../../src/store/types";
import { deleteKeys, describeWithRedis, REDIS_URL } from "../helpers/redis";

const RUN_PREFIX = `chattest:audit:${randomUUID().slice(0, 8)}:`;
let counter = 0;

type Factory = (retention: AuditRetention, clock: () => number) => ChatStore;

const entry = (at: number, action: string, roomIds: string[] = [], userIds: string[] = []): AuditEntry => ({
  at,
  actor: "operator",
  action,
  roomIds,
  userIds,
  result: 200,
  detail: "",
});

function describeAuditLog(name: string, factory: Factory): void {
  describe(`${name} audit log`, () => {
    const stores: ChatStore[] = [];
    let now = Date.now();
    const clock = (): number => now;
    const open = (retention: AuditRetention = { maxEntries: 1000, maxAgeMs: 3_600_000 }): AuditLogStore => {
      const store = factory(retention, clock);
      stores.push(store);
      if (!store.audit) throw new Error(`${name} store has no audit log`);
      return store.audit;
    };
    beforeEach(() => {
      now = Date.now();
    });
    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
    });

    test("entries come back newest first, filtered by room, user and time, at most `limit`", async () => {
      const log = open();
      await log.append(entry(now - 3000, "/chatroom/user/block/add.json", ["r1"], ["u1", "u2"]));
      await log.append(entry(now - 2000, "/chatroom/destroy.json", ["r2"]));
      await log.append(entry(now - 1000, "member.removed", ["r1"], ["u2"]));

      const actions = async (query: Parameters<AuditLogStore["query"]>[0]): Promise<string[]> =>
        (await log.query(query)).map((e) => e.action);
      expect(await actions({ limit: 10 })).toEqual(["member.removed", "/chatroom/destroy.json", "/chatroom/user/block/add.json"]);
      expect(await actions({ limit: 2 })).toEqual(["member.removed", "/chatroom/destroy.json"]);
      expect(await actions({ roomId: "r1", limit: 10 })).toEqual(["member.removed", "/chatroom/user/block/add.json"]);
      expect(await actions({ userId: "u1", limit: 10 })).toEqual(["/chatroom/user/block/add.json"]);
      expect(await actions({ since: now - 2500, limit: 10 })).toEqual(["member.removed", "/chatroom/destroy.json"]);
      expect(await actions({ until: now - 2500, limit: 10 })).toEqual(["/chatroom/user/block/add.json"]);
      expect(await actions({ roomId: "r3", limit: 10 })).toEqual([]);
    });

    test("an entry is kept as it was appended: the caller's later changes do not reach it", async () => {
      const log = open();
      const mine = entry(now, "/chatroom/user/kick.json", ["r1"], ["u1"]);
      await log.append(mine);
      mine.userIds.push("u9");
      const stored = (await log.query({ limit: 1 })).at(0);
      expect(stored).toEqual(entry(now, "/chatroom/user/kick.json", ["r1"], ["u1"]));
      stored!.roomIds.push("r9");
      expect((await log.query({ limit: 1 })).at(0)!.roomIds).toEqual(["r1"]);
    });

    test("retention keeps the newest maxEntries", async () => {
      const log = open({ maxEntries: 3, maxAgeMs: 3_600_000 });
      for (let i = 1; i <= 5; i++) await log.append(entry(now, `a${i}`));
      expect((await log.query({ limit: 10 })).map((e) => e.action)).toEqual(["a5", "a4", "a3"]);
    });

    test("retention forgets entries older than maxAgeMs", async () => {
      const log = open({ maxEntries: 100, maxAgeMs: 60_000 });
      await log.append(entry(now, "old"));
      now += 61_000;
      await log.append(entry(now, "new"));
      expect((await log.query({ limit: 10 })).map((e) => e.action)).toEqual(["new"]);
    });

    test("a retention it cannot keep is refused", () => {
      expect(() => open({ maxEntries: 0, maxAgeMs: 1000 })).toThrow(/maxEntries must be a positive integer, got 0/);
      expect(() => open({ maxEntries: 10, maxAgeMs: -1 })).toThrow(/maxAgeMs must be a positive number, got -1/);
    });
  });
}

describeAuditLog("memory", (auditRetention, clock) => createMemoryStore({ auditRetention, clock }));

describeWithRedis("Redis", () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deleteKeys(admin, RUN_PREFIX);
    await admin.quit();
  });
  describeAuditLog("redis", (auditRetention, clock) =>
    createRedisStore({ url: REDIS_URL, prefix: `${RUN_PREFIX}${++counter}:`, auditRetention, clock }),
  );
});
