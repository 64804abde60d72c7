/**
 * Redis {@link ChatStore}: the store for more than one process.
 *
 * Good for: sharing sets, claims and the bus between every process of a cluster (they only need
 * the same `url` and `prefix`). Sets are ZSETs scored by `expiresAt` (+inf = never); claims are
 * `SET NX PX` (a TTL the owner renews) with a compare-and-delete release; the bus is PUBLISH/SUBSCRIBE with JSON payloads.
 *
 * Cannot: deliver a bus message to a process that is disconnected when it is published (Redis
 * pub/sub is fire-and-forget: after a Redis restart the subscriptions come back, the missed
 * messages do not), or keep data across a restart of a Redis that persists nothing.
 *
 * Connections: two of its own (commands, subscriptions). ioredis reconnects by itself; commands
 * issued meanwhile are queued and retried (failing after ioredis' `maxRetriesPerRequest`, 20
 * reconnect attempts, about 10 s), and subscriptions are re-established on reconnect.
 *
 * Keys: every key and channel starts with `prefix` (default "chat:"): `<prefix>set:<scope>`,
 * `<prefix>claim:<name>`, channel `<prefix>bus:<topic>`, and per room of history
 * `<prefix>history:msgs:<roomId>` (ZSET, message JSON scored by seq), `<prefix>history:ids:<roomId>`
 * (HASH messageID -> seq, for recall) and `<prefix>history:seq:<roomId>` (string, last seq). History
 * keys have no Redis expiry: they live until `history.clear()`. Colyseus' own keys are never touched.
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { RoomMessage } from "../protocol";
import { PRUNE_GRACE_MS, type StoreClockOptions } from "./expiry";
import { checkAppend, checkQuery, hasTimeBounds, selectHistory, seqNotIncreasing } from "./history";
import { deliver, encodePayload, reportToConsole, type BusErrorReporter, type BusHandler } from "./payload";
import type {
  ChatBus,
  ChatStore,
  ClaimStore,
  ExpiringEntry,
  ExpiringSetStore,
  HistoryQuery,
  HistoryStore,
} from "./types";

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions extends StoreClockOptions {
  /** Redis URL, e.g. "redis://127.0.0.1:6379" (ioredis syntax: auth, db and rediss:// work). */
  url: string;
  /** Prefix of every key and channel; stores with the same url and prefix share everything. */
  prefix?: string;
  /** Called when a bus handler throws (the other handlers still run). Default: console.error. */
  onHandlerError?: BusErrorReporter;
  /** CLIENT SETNAME of the two connections: `<name>:commands`, `<name>:subscriber`. Default "chat-store". */
  name?: string;
}

/**
 * Creates a Redis store with its own two connections. Returns at once; the connections open in
 * the background and commands wait for them. `expiresAt`/`now` must be wall-clock ms epochs (a
 * scope's key is given a Redis expiry one minute after its last entry expires).
 */
export function createRedisStore(options: RedisStoreOptions): ChatStore {
  const prefix = options.prefix ?? "chat:";
  const name = options.name ?? "chat-store";
  const commands = new Redis(options.url, { connectionName: `${name}:commands` });
  // Lazy: a store that never subscribes never opens its second connection.
  const subscriber = new Redis(options.url, { connectionName: `${name}:subscriber`, lazyConnect: true });
  logConnectionErrors(commands, "commands", options.url);
  logConnectionErrors(subscriber, "subscriber", options.url);
  const bus = new RedisBus(commands, subscriber, prefix, options.onHandlerError ?? reportToConsole);
  return {
    sets: new RedisSets(commands, prefix, options.clock ?? Date.now),
    claims: new RedisClaims(commands, prefix),
    bus,
    history: new RedisHistory(commands, prefix),
    close: async () => {
      bus.close();
      await Promise.all([quit(commands), quit(subscriber)]);
    },
  };
}

/** A Lua script run by EVALSHA, falling back to EVAL after a Redis restart flushed the cache. */
class Script {
  private readonly sha: string;
  constructor(private readonly body: string) {
    this.sha = createHash("sha1").update(body).digest("hex");
  }
  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(this.body, keys.length, ...keys, ...args);
    }
  }
}

/** ARGV: score, prune cutoff, grace, members... Adds, prunes, then sets the key's own expiry. */
const ADD = new Script(`
for i = 4, #ARGV do redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #top == 0 then return 0 end
local last = tonumber(top[2])
if top[2] == 'inf' or last == nil or last == math.huge then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIREAT', KEYS[1], string.format('%d', last + tonumber(ARGV[3])))
end
return 1`);

/** ARGV: now, members... Removes members; returns how many were unexpired at `now`. */
const REMOVE = new Script(`
local live = 0
for i = 2, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and (score == 'inf' or tonumber(score) > tonumber(ARGV[1])) then live = live + 1 end
  redis.call('ZREM', KEYS[1], ARGV[i])
end
return live`);

/** ARGV: owner, ttl ms. Extends each KEY `owner` holds; returns the indexes (1-based) of keys it does not hold. */
const RENEW = new Script(`
local lost = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) else lost[#lost + 1] = i end
end
return lost`);

/** ARGV: owner. Deletes the claim only if `owner` holds it. */
const RELEASE = new Script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * KEYS: msgs, ids, seq. ARGV: seq, message JSON, messageID, keep. Appends unless seq is not above
 * the last seq, then trims to the newest `keep` (dropping their ids). Returns {1} or {0, lastSeq}.
 */
const APPEND = new Script(`
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
if tonumber(ARGV[1]) <= last then return {0, last} end
redis.call('SET', KEYS[3], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if excess > 0 then
  local old = redis.call('ZRANGE', KEYS[1], 0, excess - 1, 'WITHSCORES')
  for i = 1, #old, 2 do
    local id = cjson.decode(old[i]).messageID
    if tonumber(redis.call('HGET', KEYS[2], id)) == tonumber(old[i + 1]) then redis.call('HDEL', KEYS[2], id) end
  end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
end
return {1}`);

/** KEYS: msgs, ids. ARGV: messageID. Removes the message; returns its JSON, or nil. */
const RECALL = new Script(`
local seq = redis.call('HGET', KEYS[2], ARGV[1])
if not seq then return false end
redis.call('HDEL', KEYS[2], ARGV[1])
local found = redis.call('ZRANGEBYSCORE', KEYS[1], seq, seq)
redis.call('ZREMRANGEBYSCORE', KEYS[1], seq, seq)
return found[1] or false`);

/** Parses a ZSET score reply; +inf is a member that never expires. */
function parseScore(score: string): number | null {
  return /^\+?inf$/i.test(score) ? null : Number(score);
}

class RedisSets implements ExpiringSetStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: () => number,
  ) {}

  private key(scope: string): string {
    return `${this.prefix}set:${scope}`;
  }

  async add(scope: string, members: readonly string[], expiresAt: number | null): Promise<void> {
    if (members.length === 0) return;
    const score = expiresAt === null ? "+inf" : String(expiresAt);
    const cutoff = this.clock() - PRUNE_GRACE_MS;
    await ADD.run(this.redis, [this.key(scope)], [score, cutoff, PRUNE_GRACE_MS, ...members]);
  }

  async remove(scope: string, members: readonly string[]): Promise<number> {
    if (members.length === 0) return 0;
    return Number(await REMOVE.run(this.redis, [this.key(scope)], [this.clock(), ...members]));
  }

  async has(scope: string, member: string, now: number): Promise<boolean> {
    const score = await this.redis.zscore(this.key(scope), member);
    return score !== null && isAfter(score, now);
  }

  async hasMany(scope: string, members: readonly string[], now: number): Promise<boolean[]> {
    if (members.length === 0) return [];
    const scores = await this.redis.zmscore(this.key(scope), ...members);
    return scores.map((score) => score !== null && isAfter(score, now));
  }

  async list(scope: string, now: number): Promise<ExpiringEntry[]> {
    const flat = await this.redis.zrangebyscore(this.key(scope), `(${now}`, "+inf", "WITHSCORES");
    const entries: ExpiringEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      entries.push({ member: flat[i] as string, expiresAt: parseScore(flat[i + 1] as string) });
    }
    return entries;
  }

  async count(scope: string, now: number): Promise<number> {
    return this.redis.zcount(this.key(scope), `(${now}`, "+inf");
  }

  async clear(scope: string): Promise<void> {
    await this.redis.del(this.key(scope));
  }
}

/** True when a score reply is later than `now` (the member is unexpired). */
function isAfter(score: string, now: number): boolean {
  const expiresAt = parseScore(score);
  return expiresAt === null || expiresAt > now;
}

class RedisClaims implements ClaimStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(name: string): string {
    return `${this.prefix}claim:${name}`;
  }

  async claim(name: string, owner: string, ttlMs: number): Promise<boolean> {
    if ((await this.redis.set(this.key(name), owner, "PX", ttlMs, "NX")) === "OK") return true;
    // Claiming again what one already holds succeeds (a retried claim whose reply was lost).
    return (await this.redis.get(this.key(name))) === owner;
  }

  async renew(names: readonly string[], owner: string, ttlMs: number): Promise<string[]> {
    if (names.length === 0) return [];
    const lost = (await RENEW.run(this.redis, names.map((n) => this.key(n)), [owner, String(ttlMs)])) as number[];
    return lost.map((i) => names[i - 1]);
  }

  async release(name: string, owner: string): Promise<boolean> {
    return Number(await RELEASE.run(this.redis, [this.key(name)], [owner])) === 1;
  }

  async holder(name: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(name))) ?? undefined;
  }
}

/** Reads a message this store wrote (trusted JSON, so no validation). */
const parseMessage = (text: string): RoomMessage => JSON.parse(text) as RoomMessage;

class RedisHistory implements HistoryStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keys(roomId: string): [msgs: string, ids: string, seq: string] {
    const base = `${this.prefix}history:`;
    return [`${base}msgs:${roomId}`, `${base}ids:${roomId}`, `${base}seq:${roomId}`];
  }

  async append(roomId: string, message: RoomMessage, keep: number): Promise<void> {
    checkAppend(roomId, message, keep);
    const reply = (await APPEND.run(this.redis, this.keys(roomId), [
      message.seq,
      JSON.stringify(message),
      message.messageID,
      keep,
    ])) as number[];
    if (reply[0] !== 1) throw seqNotIncreasing(roomId, message.seq, Number(reply[1]));
  }

  async query(roomId: string, query: HistoryQuery): Promise<RoomMessage[]> {
    checkQuery(roomId, query);
    if (query.limit === 0) return [];
    const [msgs] = this.keys(roomId);
    const min = query.afterSeq === undefined ? "-inf" : `(${query.afterSeq}`;
    const max = query.beforeSeq === undefined ? "+inf" : `(${query.beforeSeq}`;
    let texts: string[];
    if (hasTimeBounds(query)) {
      // Timestamps are not indexed: fetch the seq range (at most `keep` messages) and filter here.
      texts = await this.redis.zrangebyscore(msgs, min, max);
    } else if (query.direction === "forward") {
      texts = await this.redis.zrangebyscore(msgs, min, max, "LIMIT", 0, query.limit);
    } else {
      texts = (await this.redis.zrevrangebyscore(msgs, max, min, "LIMIT", 0, query.limit)).reverse();
    }
    return selectHistory(texts.map(parseMessage), query);
  }

  async lastSeq(roomId: string): Promise<number> {
    return Number((await this.redis.get(this.keys(roomId)[2])) ?? 0);
  }

  async remove(roomId: string, messageID: string): Promise<RoomMessage | undefined> {
    const [msgs, ids] = this.keys(roomId);
    const text = (await RECALL.run(this.redis, [msgs, ids], [messageID])) as string | null;
    return text === null ? undefined : parseMessage(text);
  }

  async clear(roomId: string): Promise<void> {
    await this.redis.del(...this.keys(roomId));
  }
}

/** One Redis subscription per topic, fanned out to this process' handlers. */
class RedisBus implements ChatBus {
  /** Handlers by channel, and the SUBSCRIBE that must finish before a subscribe() resolves. */
  private readonly channels = new Map<string, { handlers: Set<BusHandler>; ready: Promise<unknown> }>();
  private closed = false;

  constructor(
    private readonly commands: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly onError: BusErrorReporter,
  ) {
    subscriber.on("message", (channel: string, text: string) => {
      const entry = this.channels.get(channel);
      if (entry) deliver(channel.slice(this.prefix.length + 4), text, entry.handlers, this.onError);
    });
  }

  private channel(topic: string): string {
    return `${this.prefix}bus:${topic}`;
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.commands.publish(this.channel(topic), encodePayload(topic, payload));
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error(`ChatBus.subscribe("${topic}"): the store is closed`);
    const channel = this.channel(topic);
    let entry = this.channels.get(channel);
    if (!entry) {
      entry = { handlers: new Set(), ready: this.subscriber.subscribe(channel) };
      this.channels.set(channel, entry);
    }
    const own: BusHandler = (payload) => handler(payload);
    entry.handlers.add(own);
    try {
      await entry.ready;
    } catch (error) {
      entry.handlers.delete(own);
      if (entry.handlers.size === 0 && this.channels.get(channel) === entry) this.channels.delete(channel);
      throw error;
    }
    const subscribed = entry;
    return async () => {
      if (!subscribed.handlers.delete(own) || subscribed.handlers.size > 0) return;
      if (this.channels.get(channel) !== subscribed) return;
      this.channels.delete(channel);
      if (!this.closed) await this.subscriber.unsubscribe(channel);
    };
  }

  close(): void {
    this.closed = true;
    this.channels.clear();
  }
}

/** Logs the first error of each outage, not every reconnect attempt. */
function logConnectionErrors(redis: Redis, role: string, url: string): void {
  let reported = false;
  redis.on("error", (error: Error) => {
    if (reported) return;
    reported = true;
    console.warn(`Redis store (${role}, ${url}): ${error.message}; reconnecting`);
  });
  redis.on("ready", () => {
    reported = false;
  });
}

/** QUIT, or a hard disconnect when the connection is not usable (QUIT would wait for it). */
async function quit(redis: Redis): Promise<void> {
  if (redis.status === "connecting" || redis.status === "connect") {
    // Cut mid-handshake, ioredis leaves a 2 s timer behind that holds the process; let it finish.
    await handshakeSettled(redis, 1000);
  }
  if (redis.status === "ready") {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    redis.disconnect();
  }
}

/** Resolves when the connection is ready or closed, or after `timeoutMs`. */
function handshakeSettled(redis: Redis, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off("ready", done).off("close", done).off("end", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once("ready", done).once("close", done).once("end", done);
  });
}
