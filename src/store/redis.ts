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
 *
 * Recovery (section at the end of this file): `<prefix>record:<name>` (HASH, a room's accepted
 * state, `records`), `<prefix>epoch` (marks the data, so a reconnect can tell whether Redis lost
 * it, `recovery`), and for a minute after a loss `<prefix>restoring`, `<prefix>tomb:<scope>` and
 * `<prefix>cleared:<scope>` (removals since the loss, which write-backs must not undo). Claim
 * owners that announced themselves listen on channel `<prefix>alive:<owner>` while they live.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { RoomMessage } from "../protocol";
import { isLive, PRUNE_GRACE_MS, type StoreClockOptions } from "./expiry";
import { checkRetention, DEFAULT_AUDIT_RETENTION } from "./audit";
import { LuaScript } from "./luaScript";
import { RedisAuditLog } from "./redisAudit";
import { checkAppend, checkQuery, hasTimeBounds, selectHistory, seqNotIncreasing } from "./history";
import { deliver, encodePayload, reportToConsole, type BusErrorReporter, type BusHandler } from "./payload";
import type {
  AuditRetention,
  ChatBus,
  ChatStore,
  ClaimStore,
  ExpiringEntry,
  ExpiringSetStore,
  HistoryQuery,
  HistoryStore,
  RecordStore,
  StoreConnectionChange,
  StoreRecovery,
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
  /** How much audit trail to keep [100,000 entries, 30 days]. */
  auditRetention?: AuditRetention;
  /** Told of every error a connection reports ("store" or "store-subscriber"), e.g. `metrics.redisError`. */
  onConnectionError?: (connection: string) => void;
}

/**
 * Creates a Redis store with its own two connections. Returns at once; the connections open in
 * the background and commands wait for them. `expiresAt`/`now` must be wall-clock ms epochs (a
 * scope's key is given a Redis expiry one minute after its last entry expires).
 */
export function createRedisStore(options: RedisStoreOptions): ChatStore {
  const prefix = options.prefix ?? "chat:";
  const name = options.name ?? "chat-store";
  // checked before any connection opens, so a refused option leaves nothing behind
  const auditRetention = checkRetention(options.auditRetention ?? DEFAULT_AUDIT_RETENTION);
  const commands = new Redis(options.url, { connectionName: `${name}:commands` });
  // Lazy: a store that never subscribes never opens its second connection.
  const subscriber = new Redis(options.url, { connectionName: `${name}:subscriber`, lazyConnect: true });
  watchRedisConnection(commands, "store commands", options.url, () => options.onConnectionError?.("store"));
  watchRedisConnection(subscriber, "store subscriber", options.url, () => options.onConnectionError?.("store-subscriber"));
  const bus = new RedisBus(commands, subscriber, prefix, options.onHandlerError ?? reportToConsole);
  const recovery = new RedisRecovery(commands, prefix);
  return {
    sets: new RedisSets(commands, prefix, options.clock ?? Date.now),
    claims: new RedisClaims(commands, prefix, subscriber, recovery),
    bus,
    history: new RedisHistory(commands, prefix),
    records: new RedisRecords(commands, prefix),
    audit: new RedisAuditLog(commands, prefix, auditRetention, options.clock ?? Date.now),
    recovery,
    close: async () => {
      bus.close();
      recovery.close();
      await Promise.all([quit(commands), quit(subscriber)]);
    },
  };
}

/** ARGV: score, prune cutoff, grace, members... Adds, prunes, then sets the key's own expiry. */
const ADD = new LuaScript(`
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

/**
 * KEYS: set, epoch, restoring, tomb. ARGV: now, window ms, members... Removes members; returns how
 * many were unexpired at `now`. Since a data loss (no epoch yet, or its restore window open) it
 * also remembers them in `tomb`, so write-backs do not put them back (see {@link RedisRecovery}).
 */
const REMOVE = new LuaScript(`
local live = 0
local remember = redis.call('EXISTS', KEYS[2]) == 0 or redis.call('EXISTS', KEYS[3]) == 1
for i = 3, #ARGV do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and (score == 'inf' or tonumber(score) > tonumber(ARGV[1])) then live = live + 1 end
  redis.call('ZREM', KEYS[1], ARGV[i])
  if remember then redis.call('ZADD', KEYS[4], ARGV[1], ARGV[i]) end
end
if remember then redis.call('PEXPIRE', KEYS[4], ARGV[2]) end
return live`);

/** ARGV: owner, ttl ms. Extends each KEY `owner` holds; returns the indexes (1-based) of keys it does not hold. */
const RENEW = new LuaScript(`
local lost = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) else lost[#lost + 1] = i end
end
return lost`);

/** ARGV: owner. Deletes the claim only if `owner` holds it. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * KEYS: msgs, ids, seq. ARGV: seq, message JSON, messageID, keep. Appends unless seq is not above
 * the last seq, then trims to the newest `keep` (dropping their ids). Returns {1} or {0, lastSeq}.
 */
const APPEND = new LuaScript(`
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
const RECALL = new LuaScript(`
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
    const keys = [this.key(scope), ...recoveryKeys(this.prefix), `${this.prefix}tomb:${scope}`];
    return Number(await REMOVE.run(this.redis, keys, [this.clock(), RESTORE_WINDOW_MS, ...members]));
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
    // member, score, member, score, ...
    let member: string | undefined;
    for (const item of flat) {
      if (member === undefined) {
        member = item;
      } else {
        entries.push({ member, expiresAt: parseScore(item) });
        member = undefined;
      }
    }
    return entries;
  }

  async count(scope: string, now: number): Promise<number> {
    return this.redis.zcount(this.key(scope), `(${now}`, "+inf");
  }

  async clear(scope: string): Promise<void> {
    const keys = [this.key(scope), ...recoveryKeys(this.prefix), `${this.prefix}cleared:${scope}`];
    await CLEAR.run(this.redis, keys, [this.clock(), RESTORE_WINDOW_MS]);
  }

  async restore(scope: string, entries: readonly ExpiringEntry[]): Promise<number> {
    const now = this.clock();
    const live = entries.filter((e) => isLive(e.expiresAt, now));
    if (live.length === 0) return 0;
    const keys = [this.key(scope), `${this.prefix}tomb:${scope}`, `${this.prefix}cleared:${scope}`];
    const pairs = live.flatMap((e) => [e.member, e.expiresAt === null ? "+inf" : String(e.expiresAt)]);
    return Number(await RESTORE.run(this.redis, keys, [PRUNE_GRACE_MS, ...pairs]));
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
    /** The connection whose subscriptions show an announced owner alive (the bus's). */
    private readonly subscriber: Redis,
    private readonly connection: { reconnectedAt(): number },
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
    const lost = new Set(
      (await RENEW.run(
        this.redis,
        names.map((n) => this.key(n)),
        [owner, String(ttlMs)],
      )) as number[],
    );
    // the script answers the 1-based positions of the lost names, in order
    return names.filter((_, i) => lost.has(i + 1));
  }

  async release(name: string, owner: string): Promise<boolean> {
    return Number(await RELEASE.run(this.redis, [this.key(name)], [owner])) === 1;
  }

  async holder(name: string): Promise<string | undefined> {
    return (await this.redis.get(this.key(name))) ?? undefined;
  }

  // Liveness of announced owners: see the recovery section at the end of this file.

  async announce(owner: string): Promise<string> {
    const value = `${ANNOUNCED}${owner}`;
    // ioredis subscribes again after every reconnect; the bus ignores messages on this channel
    await this.subscriber.subscribe(aliveChannel(this.prefix, value));
    return value;
  }

  async isAlive(owner: string): Promise<boolean> {
    const reply = (await this.redis.pubsub("NUMSUB", aliveChannel(this.prefix, owner))) as [string, unknown];
    return Number(reply[1]) > 0;
  }

  async takeOver(name: string, deadOwner: string, owner: string, ttlMs: number): Promise<boolean> {
    const args = [deadOwner, owner, ttlMs, aliveChannel(this.prefix, deadOwner), ANNOUNCED];
    return Number(await TAKE_OVER.run(this.redis, [this.key(name)], args)) === 1;
  }

  reconnectedAt(): number {
    return this.connection.reconnectedAt();
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
    ])) as unknown[];
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

/** Where a URL points, without its password (ioredis URLs may carry `redis://:secret@host`). */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * Logs an ioredis connection once per change of state instead of once per reconnect attempt
 * (ioredis retries every 50..2000 ms, and without an "error" listener prints "[ioredis] Unhandled
 * error event" with a stack for each): one warning when it goes down (the first error after it was
 * up, or before it ever was), one line when it is back. Also what keeps an unhandled "error"
 * event from being printed at all. `onError`, when given, is told of every error (the Redis-errors
 * metric counts them all, not only the logged ones). Returns a function that removes the listeners.
 */
export function watchRedisConnection(redis: Redis, role: string, url: string, onError?: () => void): () => void {
  let down = false;
  const where = `Redis (${role}, ${redactUrl(url)})`;
  const onConnectionError = (error: Error): void => {
    onError?.();
    if (down) return;
    down = true;
    console.warn(`${where}: ${error.message}; reconnecting (logged once until it is back)`);
  };
  const onReady = (): void => {
    if (!down) return;
    down = false;
    console.warn(`${where}: connected again`);
  };
  redis.on("error", onConnectionError);
  redis.on("ready", onReady);
  return () => {
    redis.off("error", onConnectionError);
    redis.off("ready", onReady);
  };
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

// ---------------------------------------------------------------------------------------------
// Recovery: what lets processes put back what they hold after Redis lost its data, and tell a
// crashed claim holder from a live one. Used by src/service/restore.ts, ClaimKeeper and
// rooms/roomSnapshot.ts; every key and channel is under the prefix.
// ---------------------------------------------------------------------------------------------

/** How long after a data loss removals are remembered, so write-backs do not undo them. */
const RESTORE_WINDOW_MS = 60_000;

/** Prefix of the claim values of owners that announced themselves ({@link RedisClaims.announce}). */
const ANNOUNCED = "live:";

const aliveChannel = (prefix: string, owner: string): string => `${prefix}alive:${owner}`;
/** The epoch marker and the restore window, the keys every removal checks. */
const recoveryKeys = (prefix: string): [epoch: string, restoring: string] => [`${prefix}epoch`, `${prefix}restoring`];

/** KEYS: set, epoch, restoring, cleared. ARGV: now, window ms. Deletes the scope; since a data loss, remembers that it was cleared. */
const CLEAR = new LuaScript(`
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
end
return 1`);

/**
 * KEYS: set, tomb, cleared. ARGV: grace, then member, score pairs. Adds each member that is
 * neither present nor removed since the loss (and nothing when the scope was cleared since);
 * then sets the key's expiry as ADD does. Returns how many were added.
 */
const RESTORE = new LuaScript(`
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local added = 0
for i = 2, #ARGV, 2 do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i]) and not redis.call('ZSCORE', KEYS[2], ARGV[i]) then
    redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i])
    added = added + 1
  end
end
local top = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #top == 0 then return added end
local last = tonumber(top[2])
if top[2] == 'inf' or last == nil or last == math.huge then
  redis.call('PERSIST', KEYS[1])
else
  redis.call('PEXPIREAT', KEYS[1], string.format('%d', last + tonumber(ARGV[1])))
end
return added`);

/**
 * KEYS: epoch, restoring. ARGV: new epoch id, window ms. Returns the data's epoch; when there is
 * none (Redis lost its data, or nobody marked it yet) sets ARGV[1] and opens the restore window.
 */
const EPOCH = new LuaScript(`
local epoch = redis.call('GET', KEYS[1])
if epoch then return epoch end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
return ARGV[1]`);

/**
 * KEYS: claim. ARGV: dead owner, new owner, ttl ms, the dead owner's alive channel, announced
 * prefix. Hands the claim over only while the dead owner still holds it, announced itself, and
 * nobody listens on its alive channel (its connection is gone).
 */
const TAKE_OVER = new LuaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if string.sub(ARGV[1], 1, string.len(ARGV[5])) ~= ARGV[5] then return 0 end
local listening = redis.call('PUBSUB', 'NUMSUB', ARGV[4])
if tonumber(listening[2]) > 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`);

/**
 * KEYS: record, claim. ARGV: fence owner ('' = no fence), expiresAt ('' = none), number of set
 * pairs, the pairs, then the fields to delete. Returns 0 when fenced off (the claim is not the
 * owner's), else 1.
 */
const RECORD_UPDATE = new LuaScript(`
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
local n = tonumber(ARGV[3])
if n > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + 2 * n)) end
if 4 + 2 * n <= #ARGV then redis.call('HDEL', KEYS[1], unpack(ARGV, 4 + 2 * n, #ARGV)) end
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[2] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
end
return 1`);

class RedisRecords implements RecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(name: string): string {
    return `${this.prefix}record:${name}`;
  }

  async update(
    name: string,
    set: Readonly<Record<string, string>>,
    deleted: readonly string[],
    expiresAt: number | null,
    fence?: { claim: string; owner: string },
  ): Promise<boolean> {
    const pairs = Object.entries(set).flat();
    const args = [fence?.owner ?? "", expiresAt === null ? "" : String(Math.ceil(expiresAt)), pairs.length / 2, ...pairs, ...deleted];
    const keys = [this.key(name), `${this.prefix}claim:${fence?.claim ?? name}`];
    return Number(await RECORD_UPDATE.run(this.redis, keys, args)) === 1;
  }

  async read(name: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.key(name));
  }

  async expire(name: string, expiresAt: number | null): Promise<void> {
    if (expiresAt === null) await this.redis.persist(this.key(name));
    else await this.redis.pexpireat(this.key(name), Math.ceil(expiresAt));
  }

  async delete(name: string): Promise<void> {
    await this.redis.del(this.key(name));
  }
}

/**
 * Tells the store's users when its command connection drops and comes back, and whether Redis
 * lost its data meanwhile. The first {@link watch} marks the data with an epoch (`<prefix>epoch`,
 * no expiry); after each reconnect the epoch is read again: gone or different means the data was
 * lost (a restart without persistence, a flush), and the first process to see it marks the new
 * data and opens a one-minute restore window in which every removal is remembered (REMOVE, CLEAR),
 * so a write-back never undoes an operator's lift made after the loss.
 */
class RedisRecovery implements StoreRecovery {
  private epoch: string | undefined;
  private marking: Promise<void> | undefined;
  private readonly listeners = new Set<(change: StoreConnectionChange) => void>();
  private lastReconnect = 0;
  private dropped = false;
  /** Counts connections: a reconnect's epoch check is dropped when the connection went again meanwhile. */
  private generation = 0;
  private down = false;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.on("ready", () => {
      if (this.dropped) this.lastReconnect = Date.now();
      if (this.down) void this.checkAfterReconnect(this.generation);
    });
    redis.on("close", () => {
      this.generation++;
      if (!this.closed) this.dropped = true;
      if (this.epoch === undefined || this.down || this.closed) return;
      this.down = true;
      this.emit({ state: "down" });
    });
  }

  reconnectedAt(): number {
    return this.lastReconnect;
  }

  async watch(listener: (change: StoreConnectionChange) => void): Promise<() => void> {
    this.listeners.add(listener);
    this.marking ??= this.readEpoch().then((epoch) => {
      this.epoch = epoch;
    });
    try {
      await this.marking;
    } catch (e) {
      this.marking = undefined;
      this.listeners.delete(listener);
      throw e;
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
  }

  private async readEpoch(): Promise<string> {
    return String(await EPOCH.run(this.redis, recoveryKeys(this.prefix), [randomUUID(), RESTORE_WINDOW_MS]));
  }

  private async checkAfterReconnect(generation: number): Promise<void> {
    let epoch: string;
    try {
      epoch = await this.readEpoch();
    } catch {
      return; // the connection went again: the next "ready" checks
    }
    if (generation !== this.generation || this.closed) return;
    const lost = epoch !== this.epoch;
    this.epoch = epoch;
    this.down = false;
    this.emit({ state: "up", lost });
  }

  private emit(change: StoreConnectionChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (e) {
        console.error("store recovery listener failed:", e);
      }
    }
  }
}
