import { matchMaker, type IRoomCache, type MatchMakerDriver, type Presence, type SortOptions } from "@colyseus/core";
import type { Redis as RedisClient } from "ioredis";
import { createRequire } from "node:module";
import type { ChatConfig } from "../config";
import { RECONNECT_QUIET_MS } from "../service/claimKeeper";
import { watchRedisConnection } from "../store/redis";

/** How often a Redis-backed process looks for dead peers and removes their room listings. */
const PEER_SWEEP_MS = 3000;
/** A reconnect's re-publishing gives up (and says so) after this long. */
const REPUBLISH_TIMEOUT_MS = 10_000;
const ROOM_COUNT_KEY = "roomcount"; // Colyseus' registry of processes (Stats.ts)
const processChannel = (processId: string): string => `p:${processId}`; // Colyseus' per-process IPC channel
/** A driver's findOne answer when no room matches: undefined, which the driver interface declares as a room. */
const NO_ROOM = undefined as unknown as IRoomCache;

/** Colyseus' matchmaking backends of the standalone server: in memory (one process) or on Redis (a cluster). */
export interface Backends {
  presence: Presence | undefined;
  driver: MatchMakerDriver | undefined;
  /** Starts background duties once the server listens (the peer sweep on Redis). */
  start(): void;
  /** Stops them and closes the connections this module opened. */
  stop(): Promise<void>;
}

/**
 * Which of `processIds` are alive: this process, and every process whose IPC channel
 * (`p:<processId>`) has a subscriber. Redis drops a process's subscriptions the moment its
 * connection closes, which the kernel does as soon as the process dies (SIGKILL, OOM, crash), so
 * this sees a death at once; a GC pause or a busy event loop keeps the connection, so it never
 * mistakes one for a death. A machine that vanishes without closing its sockets still looks alive
 * until Redis' `tcp-keepalive` notices (README "Reliability").
 */
async function aliveProcesses(redis: RedisClient, processIds: readonly string[]): Promise<Set<string>> {
  const alive = new Set<string>();
  const others = [...new Set(processIds)].filter((id) => {
    if (id !== matchMaker.processId) return true;
    alive.add(id);
    return false;
  });
  if (others.length === 0) return alive;
  const reply = (await redis.pubsub("NUMSUB", ...others.map(processChannel))) as (string | number)[];
  for (let i = 0; i + 1 < reply.length; i += 2) {
    if (Number(reply[i + 1]) > 0) alive.add(String(reply[i]).slice(2));
  }
  return alive;
}

/**
 * Runs `republish` after each reconnect of `redis` (its "ready" after a "close"), bounded and
 * logged, one at a time. Returns a function that stops it.
 */
function onReconnect(redis: RedisClient, what: string, republish: () => Promise<string>): () => void {
  let dropped = false;
  let running: Promise<void> = Promise.resolve();
  const onClose = (): void => {
    dropped = true;
  };
  const onReady = (): void => {
    if (!dropped) return;
    dropped = false;
    running = running.then(async () => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`gave up after ${REPUBLISH_TIMEOUT_MS} ms`)), REPUBLISH_TIMEOUT_MS);
      });
      try {
        const done = await Promise.race([republish(), timeout]);
        console.warn(`Redis (${what}) reconnected: ${done} in ${Date.now() - started} ms`);
      } catch (e) {
        console.error(`Redis (${what}) reconnected, but putting back ${what} failed:`, e instanceof Error ? e.message : e);
      } finally {
        clearTimeout(timer);
      }
    });
  };
  redis.on("close", onClose);
  redis.on("ready", onReady);
  return () => {
    redis.off("close", onClose);
    redis.off("ready", onReady);
  };
}

/**
 * Memory: LocalPresence and LocalDriver. Redis (`config.redisUrl`): RedisPresence and
 * RedisDriver on connections of this module's own, so that
 * - room listings and room placement skip processes that are dead by {@link aliveProcesses}: an
 *   entry or operator call for a room whose process died finds no room (and creates it again, or
 *   answers ROOM_NOT_EXIST) instead of waiting 2 s for an IPC timeout and failing with 500;
 * - after a reconnect (a Redis restart) the process puts back its own room listings
 *   (`matchMaker.restoreMissingRoomCaches`) and its registration (`roomcount`, `stats.persist`);
 * - every {@link PEER_SWEEP_MS} it asks Colyseus to health-check the processes whose channel is
 *   gone, which removes their listings and registration for good (Colyseus itself only does this
 *   when a process starts or a seat reservation fails).
 */
export function createBackends(config: ChatConfig, onRedisError?: (connection: string) => void): Backends {
  const url = config.redisUrl;
  if (!url) return { presence: undefined, driver: undefined, start: () => undefined, stop: async () => undefined };
  // optional peers, loaded only when Redis is configured (a studio without Redis does not install them)
  const load = createRequire(__filename);
  const { Redis } = load("ioredis") as typeof import("ioredis");
  const { RedisDriver } = load("@colyseus/redis-driver") as typeof import("@colyseus/redis-driver");
  const { RedisPresence } = load("@colyseus/redis-presence") as typeof import("@colyseus/redis-presence");

  const driverRedis = new Redis(url, { connectionName: "colyseus:driver" });
  const presenceRedis = new Redis(url, { connectionName: "colyseus:presence" });
  const unwatch = [watchRedisConnection(driverRedis, "room listings", url, () => onRedisError?.("colyseus-driver"))];
  // counted only: Colyseus' presence reports its own connection's state
  const countPresenceError = (): void => onRedisError?.("colyseus-presence");
  presenceRedis.on("error", countPresenceError);
  unwatch.push(() => presenceRedis.off("error", countPresenceError));
  // when the presence connection last came back after a drop (0: never dropped)
  let presenceReconnectedAt = 0;
  let presenceDropped = false;
  presenceRedis.on("close", () => (presenceDropped = true));
  presenceRedis.on("ready", () => {
    if (presenceDropped) presenceReconnectedAt = Date.now();
  });

  class LiveDriver extends RedisDriver {
    override async query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache[]> {
      const rooms = await super.query(conditions, sortOptions);
      if (rooms.length === 0) return rooms;
      const alive = await aliveProcesses(
        presenceRedis,
        rooms.map((r) => r.processId),
      );
      return rooms.filter((r) => alive.has(r.processId));
    }

    /**
     * The driver's own pick, when its process is alive; otherwise (rare: a process just died) the
     * first live one in the same order. Checking only the pick keeps a join at one liveness look-up.
     */
    override async findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache> {
      // declared as a room, but undefined when none matches
      const room = (await super.findOne(conditions, sortOptions)) as IRoomCache | undefined;
      if (!room) return NO_ROOM;
      if ((await aliveProcesses(presenceRedis, [room.processId])).has(room.processId)) return room;
      if (conditions.roomId !== undefined) return NO_ROOM;
      return (await this.query(conditions, sortOptions)).at(0) ?? NO_ROOM;
    }
  }

  class LivePresence extends RedisPresence {
    /** Colyseus places new rooms on the processes of `roomcount`: only the live ones. */
    override async hgetall(key: string): Promise<Record<string, string>> {
      const all = await super.hgetall(key);
      if (key !== ROOM_COUNT_KEY) return all;
      const alive = await aliveProcesses(presenceRedis, Object.keys(all));
      return Object.fromEntries(Object.entries(all).filter(([processId]) => alive.has(processId)));
    }
  }

  unwatch.push(
    onReconnect(driverRedis, "room listings", async () => {
      const before = await driverRedis.hlen("roomcaches");
      await matchMaker.restoreMissingRoomCaches();
      const after = await driverRedis.hlen("roomcaches");
      return `room listings checked, ${Math.max(0, after - before)} put back`;
    }),
    onReconnect(presenceRedis, "process registration", async () => {
      await matchMaker.stats.persist(true);
      return `process ${matchMaker.processId} registered again`;
    }),
  );

  let sweep: NodeJS.Timeout | undefined;
  let sweeping = false;
  /** The sweep under way: its health checks time out on timers that must not outlive the presence. */
  let inFlight: Promise<void> | undefined;
  const sweepDeadPeers = async (): Promise<void> => {
    if (Date.now() - presenceReconnectedAt < RECONNECT_QUIET_MS) return;
    const registered = Object.keys(await presenceRedis.hgetall(ROOM_COUNT_KEY));
    const alive = await aliveProcesses(presenceRedis, registered);
    await Promise.all(registered.filter((id) => !alive.has(id)).map((id) => matchMaker.healthCheckProcessId(id)));
  };
  return {
    presence: new LivePresence(presenceRedis),
    driver: new LiveDriver(driverRedis),
    start() {
      sweep = setInterval(() => {
        if (sweeping || presenceRedis.status !== "ready") return;
        sweeping = true;
        inFlight = sweepDeadPeers()
          .catch((e: unknown) => console.error("peer sweep failed:", e instanceof Error ? e.message : e))
          .finally(() => (sweeping = false));
      }, PEER_SWEEP_MS).unref();
    },
    async stop() {
      clearInterval(sweep);
      for (const off of unwatch) off();
      await inFlight;
    },
  };
}
