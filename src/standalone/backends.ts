import { matchMaker, type MatchMakerDriver, type Presence } from "@colyseus/core";
import type { ChatConfig } from "../config";

/** How often a Redis-backed process looks for dead peers and removes their room listings. */
export const PEER_SWEEP_MS = 3000;

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
 * Memory: LocalPresence and LocalDriver. Redis (`config.redisUrl`): RedisPresence and
 * RedisDriver, plus a sweep every
 * {@link PEER_SWEEP_MS} that asks Colyseus to health-check processes whose presence channel is gone
 * and drop their listings, so a crashed process's rooms vanish within seconds (Colyseus itself only
 * does this when a process starts or a seat reservation fails).
 */
export function createBackends(config: ChatConfig): Backends {
  const url = config.redisUrl;
  if (!url) return { presence: undefined, driver: undefined, start: () => undefined, stop: async () => undefined };
  // optional peers, loaded only when Redis is configured (a studio without Redis does not install them)
  const { RedisDriver } = require("@colyseus/redis-driver") as typeof import("@colyseus/redis-driver");
  const { RedisPresence } = require("@colyseus/redis-presence") as typeof import("@colyseus/redis-presence");
  let sweep: NodeJS.Timeout | undefined;
  let sweeping = false;
  return {
    presence: new RedisPresence(url),
    driver: new RedisDriver(url),
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
    },
  };
}
