/**
 * LuaScript keeps calls in the connection's order when Redis' script cache is empty (a new or
 * restarted Redis). The store's history append refuses a seq that is not above the last one, so a
 * call overtaken by a later one loses an accepted message (what a kill -9 failover test caught).
 */
import { Redis } from "ioredis";
import { LuaScript } from "../../src/store/luaScript";
import { usePrivateRedis } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";

/** Appends ARGV[1] to a list unless it is not above the last one appended (the history rule). */
const APPEND_IF_INCREASING = new LuaScript(`
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) <= last then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
return 1`);

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describeWithRedisServer("LuaScript on a Redis whose script cache is empty", () => {
  const privateRedis = usePrivateRedis({ persistence: false });
  let admin: Redis;
  let redis: Redis;

  beforeEach(async () => {
    admin = new Redis(privateRedis().url);
    await admin.script("FLUSH");
    // a new connection, as after a restart: the script cache is empty and this socket has sent nothing yet
    redis = new Redis(privateRedis().url);
  });
  afterEach(async () => {
    await Promise.all([redis.quit(), admin.quit()]);
  });

  test("a call made while an earlier one is still unanswered is not overtaken by a later call", async () => {
    const keys = ["order:last", "order:list"];
    // One write: the first call, a PING, a BLPOP that holds the connection until the test lets it go, the second call.
    // Redis answers the first call and the PING, then leaves the second call unread until the BLPOP returns.
    const first = APPEND_IF_INCREASING.run(redis, keys, [1]);
    const pong = redis.ping();
    const gate = redis.blpop("order:gate", 0);
    const second = APPEND_IF_INCREASING.run(redis, keys, [2]);
    // The first call's answer is in: whatever it made the client send has been written before the third call is.
    await pong;
    await nextTurn();
    const third = APPEND_IF_INCREASING.run(redis, keys, [3]);
    await admin.lpush("order:gate", "open");
    await gate;

    expect(await Promise.all([first, second, third])).toEqual([1, 1, 1]);
    expect(await admin.lrange("order:list", 0, -1)).toEqual(["1", "2", "3"]);
  });

  test("the same script runs on two connections, and again after the cache is flushed under a new connection", async () => {
    const keys = ["twice:last", "twice:list"];
    expect(await APPEND_IF_INCREASING.run(admin, keys, [1])).toBe(1);
    expect(await APPEND_IF_INCREASING.run(redis, keys, [2])).toBe(1);
    expect(await APPEND_IF_INCREASING.run(redis, keys, [2])).toBe(0);
    await admin.script("FLUSH");
    const fresh = new Redis(privateRedis().url);
    try {
      expect(await APPEND_IF_INCREASING.run(fresh, keys, [3])).toBe(1);
    } finally {
      await fresh.quit();
    }
    expect(await admin.lrange("twice:list", 0, -1)).toEqual(["1", "2", "3"]);
  });
});
