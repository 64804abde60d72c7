import { matchMaker, type MatchMakerDriver, type Presence } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { RedisPresence } from "@colyseus/redis-presence";
import { Redis } from "ioredis";
import type { ChatConfig } from "./config";
import { createMemoryStore } from "./store/memory";
import { createRedisStore } from "./store/redis";
import type { ChatStore } from "./store/types";

/** How often a Redis-backed process looks for dead peers and removes their room listings. */
export const PEER_SWEEP_MS = 3000;

/** Where a server keeps its state: all in memory (one process) or all on Redis (a cluster). */
export interface Backends {
  store: ChatStore;
  presence: Presence | undefined;
  driver: MatchMakerDriver | undefined;
  /** Client for the operator API's shared rate-limit counters (Redis only). */
  rateLimitRedis: Redis | undefined;
  /** Starts background duties once the server listens (the peer sweep on Redis). */
  start(): void;
  /** Stops them and closes the connections this module opened. */
  stop(): Promise<void>;
}

/**
 * Memory: LocalPresence, LocalDriver and the memory store. Redis (`config.redisUrl`): RedisPresence,
 * RedisDriver, the Redis store and shared rate-limit counters, plus a sweep every
 * {@link PEER_SWEEP_MS} that asks Colyseus to health-check processes whose presence channel is gone
 * and drop their listings, so a crashed process's rooms vanish within seconds (Colyseus itself only
 * does this when a process starts or a seat reservation fails).
 */
export function createBackends(config: ChatConfig, givenStore?: ChatStore): Backends {
  const url = config.redisUrl;
  if (!url) {
    const store = givenStore ?? createMemoryStore();
    return { store, presence: undefined, driver: undefined, rateLimitRedis: undefined, start: () => undefined, stop: () => store.close() };
  }
  const store = givenStore ?? createRedisStore({ url });
  const rateLimitRedis = new Redis(url, { lazyConnect: false, enableOfflineQueue: true });
  let sweep: NodeJS.Timeout | undefined;
  let sweeping = false;
  return {
    store,
    presence: new RedisPresence(url),
    driver: new RedisDriver(url),
    rateLimitRedis,
    start() {
      sweep = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        matchMaker
          .healthCheckAllProcesses()
          .catch((e: unknown) => console.error("peer sweep failed:", e instanceof Error ? e.message : e))
          .finally(() => (sweeping = false));
      }, PEER_SWEEP_MS).unref();
    },
    async stop() {
      clearInterval(sweep);
      await Promise.allSettled([store.close(), rateLimitRedis.quit()]);
    },
  };
}
