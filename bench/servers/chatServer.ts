/**
 * This project's server as `npm start` builds it (memory backends), with the per-user send rate
 * and the room admission window raised so the benchmark measures fan-out, not those policies.
 * Its two rooms are created through the operator service before any client comes.
 *
 * The shard scenario (bench/shardScenario.ts) runs it on Redis instead: BENCH_REDIS_URL (the
 * bench's private redis-server), BENCH_SHARD_THRESHOLD (CHAT_SHARD_THRESHOLD), PORT and
 * CHAT_PUBLIC_ADDRESS known before it starts (seats on a relay name its process), and
 * BENCH_CREATE_ROOMS=0 on every process but the first, so the rooms are owned by the first.
 */
import { createChatServer } from "../../src/standalone/server";
import { createRooms } from "../../src/service/rooms";
import { benchPort, serveControl } from "./control";
import { installTrace } from "./trace";

async function main(): Promise<void> {
  const trace = installTrace();
  const redisUrl = process.env.BENCH_REDIS_URL;
  const cluster = redisUrl
    ? { redisUrl, shardThreshold: Number(process.env.BENCH_SHARD_THRESHOLD ?? 0), publicAddress: process.env.CHAT_PUBLIC_ADDRESS }
    : {};
  // the highest values the config schema accepts (src/schemas/config.ts): a per-user rate above the
  // bench's own send rate (a burst sends as fast as one connection can, far below 10,000/s here)
  const server = createChatServer({ port: benchPort(), sendRatePerSecond: 10_000, admissionWindow: 1_000_000, ...cluster });
  const port = await server.listen();
  // the rooms exist before the clients come, as a live room exists before its audience storms in
  if (process.env.BENCH_CREATE_ROOMS !== "0")
    await createRooms(server.ctx, [
      { roomId: "bench", name: "bench" },
      { roomId: "storm", name: "storm" },
    ]);
  serveControl({ port, rooms: { fanout: "bench", members: "storm" } }, () => server.shutdown(), trace);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
