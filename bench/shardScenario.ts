/**
 * One live room spread over processes (issue 13): the chat server on a private redis-server, once
 * as 1 process (CHAT_SHARD_THRESHOLD=0: the room stays on its owner) and once as 2 processes,
 * where the owner holds half of the receivers and one relay shard on the other process holds the
 * other half. Measures what fan-out measures (deliveries/s, latency, server CPU per delivery,
 * summed over the server processes) and what the relay costs: each process's CPU per message, and
 * the Redis commands and bytes per message (INFO commandstats and stats before and after).
 */
import { Redis } from "ioredis";
import { freePort, startPrivateRedis } from "../test/helpers/cluster";
import { connectClients, round, type FanoutResult } from "./fanoutScenario";
import { nowUs, sleep } from "./lib/clock";
import { Processes, type BenchServer, type BenchWorker } from "./lib/procs";
import type { ServerStats } from "./lib/protocol";
import { concat, median, quantile } from "./lib/stats";
import { readRedisCounters, type RedisCounters } from "./lib/redisCounters";

/** How long the idle CPU of the processes is measured, after the joins. */
const IDLE_MS = 3000;

/** The burst and the paced part of one run. */
export interface ShardModes {
  burst: { messages: number; rounds: number };
  paced: { rate: number; seconds: number };
}

/** The figures of one part (burst or paced) of one run. */
export interface ShardFigures extends FanoutResult {
  processes: number;
  /** CPU µs per message of each server process (the owner first). */
  cpuUsPerMessage: number[];
  /** The same without each process's idle CPU over the measured rounds (see idleCpuMsPerS). */
  netCpuUsPerMessage: number[];
  /** CPU ms per second each process spends with its members connected and no message sent (heartbeats, presence, watches). */
  idleCpuMsPerS: number[];
  /** Redis commands per message (every command but INFO), and PUBLISHes alone. */
  redisCommandsPerMessage: number;
  publishesPerMessage: number;
  /** Bytes per message into and out of the redis-server (all its connections). */
  redisInBytesPerMessage: number;
  redisOutBytesPerMessage: number;
  /** Connections seated per Colyseus room of the chatroom (the owner first). */
  seated: number[];
}

interface Snapshot {
  atUs: number;
  cpuUs: number[];
  redis: RedisCounters;
}

/**
 * The server processes as one BenchServer for {@link round}: stats() sums their CPU, and keeps
 * every process's CPU and the Redis counters of that moment, so a round's deltas can be split.
 */
class Cluster {
  readonly snapshots: Snapshot[] = [];

  constructor(
    readonly servers: BenchServer[],
    private readonly admin: Redis,
  ) {}

  get entry(): BenchServer {
    const [first] = this.servers;
    if (!first) throw new Error("no server process");
    return first;
  }

  asServer(): BenchServer {
    const entry = this.entry;
    return {
      system: entry.system,
      port: entry.port,
      rooms: entry.rooms,
      stats: async (): Promise<ServerStats> => {
        const atUs = nowUs();
        const [all, redis] = await Promise.all([Promise.all(this.servers.map((s) => s.stats())), readRedisCounters(this.admin)]);
        this.snapshots.push({ atUs, cpuUs: all.map((s) => s.cpuUs), redis });
        const [first] = all;
        if (!first) throw new Error("no server stats");
        return { ...first, cpuUs: all.reduce((n, s) => n + s.cpuUs, 0) };
      },
      trace: () => entry.trace(),
    };
  }

  /** Every process's CPU time now (µs), and when it was asked (µs). */
  async cpuNow(): Promise<{ atUs: number; cpuUs: number[] }> {
    const atUs = nowUs();
    return { atUs, cpuUs: (await Promise.all(this.servers.map((s) => s.stats()))).map((s) => s.cpuUs) };
  }

  /** Per-process CPU, Redis deltas and time measured over the last `rounds` rounds (each round took two snapshots). */
  lastRounds(rounds: number): { cpuUs: number[]; redis: RedisCounters; windowUs: number } {
    let windowUs = 0;
    const cpuUs = this.servers.map(() => 0);
    const redis: RedisCounters = { commands: 0, publishes: 0, inBytes: 0, outBytes: 0, infoReplyBytes: 0 };
    const taken = this.snapshots.slice(-2 * rounds);
    for (let i = 0; i + 1 < taken.length; i += 2) {
      const [before, after] = [taken[i]!, taken[i + 1]!];
      windowUs += after.atUs - before.atUs;
      after.cpuUs.forEach((us, k) => (cpuUs[k]! += us - before.cpuUs[k]!));
      redis.commands += after.redis.commands - before.redis.commands;
      redis.publishes += after.redis.publishes - before.redis.publishes;
      redis.inBytes += after.redis.inBytes - before.redis.inBytes;
      // the first INFO's reply is written after it read the counters: not the room's traffic
      redis.outBytes += after.redis.outBytes - before.redis.outBytes - before.redis.infoReplyBytes;
    }
    return { cpuUs, redis, windowUs };
  }
}

/** Connections per Colyseus room of `roomId` (its owner room first, then its relays), from Colyseus' listings in Redis. */
async function seating(admin: Redis, roomId: string): Promise<{ seated: number[]; processes: number }> {
  const listings = (await admin.hvals("roomcaches")).map(
    (json) => JSON.parse(json) as { roomId: string; clients: number; processId: string },
  );
  const owner = listings.filter((l) => l.roomId === roomId);
  const relays = listings.filter((l) => l.roomId.startsWith(`${roomId}_relay_`));
  const parts = [...owner, ...relays];
  return { seated: parts.map((l) => l.clients), processes: new Set(parts.map((l) => l.processId)).size };
}

/**
 * One run on `processes` server processes (1 or 2) sharing a fresh private redis-server:
 * `receivers` receivers and one sender in room `bench`, a burst part, then a paced part.
 */
export async function runShard(
  processes: 1 | 2,
  receivers: number,
  modes: ShardModes,
): Promise<{ burst: ShardFigures; paced: ShardFigures }> {
  const redis = await startPrivateRedis({ persistence: false });
  const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const procs = new Processes();
  try {
    // the owner keeps the sender and the first half of the receivers; the second half fills one relay
    const half = Math.ceil(receivers / 2);
    const threshold = processes === 1 ? 0 : half + 1;
    const start = async (createRooms: boolean) => {
      const port = await freePort();
      return procs.server("chat", undefined, {
        PORT: String(port),
        CHAT_PUBLIC_ADDRESS: `127.0.0.1:${port}`,
        BENCH_REDIS_URL: redis.url,
        BENCH_SHARD_THRESHOLD: String(threshold),
        BENCH_CREATE_ROOMS: createRooms ? "1" : "0",
      });
    };
    // the second process starts once the room exists, so the first owns it
    const servers = [await start(true)];
    if (processes === 2) servers.push(await start(false));
    const cluster = new Cluster(servers, admin);
    const server = cluster.asServer();
    const room = server.rooms.fanout;
    const sender = procs.worker(server, room, "send");
    sender.command({ cmd: "connect", count: 1, prefix: "sender", concurrency: 1 });
    const connected = await sender.next("connected", 30_000);
    if (connected.failed > 0) throw new Error(`the sender failed to connect: ${connected.firstError}`);
    // in two steps: every enter of the second step sees the owner full (its listing counts the first step)
    const workers: BenchWorker[] = [
      ...(await connectClients(procs, server, room, "recv", half, "a", 50)),
      ...(await connectClients(procs, server, room, "recv", receivers - half, "b", 50)),
    ];
    await sleep(1000);
    const seats = await seating(admin, room);
    const expectedParts = processes === 1 ? [receivers + 1] : [half + 1, receivers - half];
    if (seats.processes !== processes || seats.seated.join() !== expectedParts.join())
      throw new Error(`seating is ${seats.seated.join(" + ")} over ${seats.processes} processes; expected ${expectedParts.join(" + ")}`);
    // what each process spends with nothing sent, to tell a message's cost from the idle one
    const idleFrom = await cluster.cpuNow();
    await sleep(IDLE_MS);
    const idleTo = await cluster.cpuNow();
    const idleCpuUsPerUs = idleTo.cpuUs.map((us, k) => (us - idleFrom.cpuUs[k]!) / (idleTo.atUs - idleFrom.atUs));

    const part = async (messages: number, rate: number, rounds: number): Promise<ShardFigures> => {
      // a warm-up, not counted (JIT, first-use allocations; a relay's first frames)
      await round(server, workers, sender, rate > 0 ? rate : Math.min(50, messages), rate);
      const results = [];
      for (let i = 0; i < rounds; i++) results.push(await round(server, workers, sender, messages, rate));
      const { cpuUs, redis: counters, windowUs } = cluster.lastRounds(rounds);
      const sent = messages * rounds;
      const latencies = concat(results.map((r) => r.latencies));
      return {
        system: "chat",
        receivers,
        mode: rate > 0 ? `paced ${rate}/s` : "burst",
        messages,
        processes,
        deliveriesPerS: median(results.map((r) => (receivers * messages) / (r.durationUs / 1e6))),
        p50Ms: quantile(latencies, 0.5) / 1000,
        p99Ms: quantile(latencies, 0.99) / 1000,
        cpuUsPerDelivery: cpuUs.reduce((n, us) => n + us, 0) / (receivers * sent),
        clientCpuUsPerDelivery: results.reduce((n, r) => n + r.clientCpuUs, 0) / (receivers * sent),
        refused: results.reduce((n, r) => n + r.sent.refused, 0),
        cpuUsPerMessage: cpuUs.map((us) => us / sent),
        netCpuUsPerMessage: cpuUs.map((us, k) => (us - idleCpuUsPerUs[k]! * windowUs) / sent),
        idleCpuMsPerS: idleCpuUsPerUs.map((rate) => rate * 1000),
        redisCommandsPerMessage: counters.commands / sent,
        publishesPerMessage: counters.publishes / sent,
        redisInBytesPerMessage: counters.inBytes / sent,
        redisOutBytesPerMessage: counters.outBytes / sent,
        seated: seats.seated,
      };
    };
    const burst = await part(modes.burst.messages, 0, modes.burst.rounds);
    const paced = await part(Math.round(modes.paced.rate * modes.paced.seconds), modes.paced.rate, 1);
    return { burst, paced };
  } finally {
    await procs.stopAll();
    admin.disconnect();
    await redis.dispose();
  }
}
