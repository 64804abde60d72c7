/**
 * Fan-out: one room, N receivers and one sender, M messages of ~100 B, in a burst (as fast as the
 * sender can) or paced. Measures deliveries/s (N x M over first send to last receive),
 * send-to-receive latency p50/p99, and the server's CPU microseconds per delivery.
 */
import { sleep } from "./lib/clock";
import { Processes, type BenchServer, type BenchWorker } from "./lib/procs";
import type { SystemName } from "./lib/protocol";
import { concat, cpuBetween, median, quantile } from "./lib/stats";

/**
 * A burst of `messages`, repeated `rounds` times (plus one warm-up), or `rate` messages/s for
 * `seconds` (after one second of warm-up at that rate) from each of `senders` (default 1) senders.
 */
export type FanoutMode =
  { kind: "burst"; messages: number; rounds: number } | { kind: "paced"; rate: number; seconds: number; senders?: number };

/** The figures of one fan-out run. */
export interface FanoutResult {
  system: SystemName;
  receivers: number;
  mode: string;
  messages: number;
  deliveriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerDelivery: number;
  /**
   * The receiving clients' CPU per delivery (their worker processes' user+system time from arming
   * to the last message, summed): what each system's client library spends to read a message.
   */
  clientCpuUsPerDelivery: number;
  /** Sends the server refused (chat: admission/rate; should be 0). */
  refused: number;
}

/** One fan-out result on a line, as the runs print it. */
export function describeFanout(r: FanoutResult): string {
  return `${Math.round(r.deliveriesPerS)} deliveries/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, ${r.cpuUsPerDelivery.toFixed(2)} CPU µs/delivery (clients ${r.clientCpuUsPerDelivery.toFixed(2)})${r.refused ? `, ${r.refused} refused` : ""}`;
}

/** Receiver workers for `receivers` clients: at least 2, one per 500 clients. */
export const workersFor = (clients: number): number => Math.max(2, Math.ceil(clients / 500));

/** Connects `count` clients over `workers` worker processes; throws when any failed. */
export async function connectClients(
  procs: Processes,
  server: BenchServer,
  room: string,
  role: "recv" | "member",
  count: number,
  prefix: string,
  concurrency: number,
): Promise<BenchWorker[]> {
  const n = workersFor(count);
  const workers = Array.from({ length: n }, () => procs.worker(server, room, role));
  workers.forEach((w, i) =>
    w.command({ cmd: "connect", count: Math.floor(count / n) + (i < count % n ? 1 : 0), prefix: `${prefix}${i}_`, concurrency }),
  );
  for (const w of workers) {
    const done = await w.next("connected", 300_000);
    if (done.failed > 0) throw new Error(`${server.system}: ${done.failed} clients failed to connect: ${done.firstError}`);
  }
  return workers;
}

/**
 * One measured round: every receiver armed, `messages` sent, every receiver done; the server's CPU
 * over the round from two `server.stats()` calls (the shard scenario sums its processes there).
 */
export async function round(
  server: BenchServer,
  receivers: BenchWorker[],
  sender: BenchWorker,
  messages: number,
  rate: number,
  senders = 1,
) {
  const before = await server.stats();
  for (const w of receivers) w.command({ cmd: "expect", messages: messages * senders });
  // the sender starts once every receiver counts: a busy worker may read its IPC late, after the first messages
  const armed = await Promise.all(receivers.map((w) => w.next("armed", 30_000)));
  sender.command({ cmd: "send", messages, rate, senders });
  const timeout = 60_000 + (rate > 0 ? (messages / rate) * 1000 : 0);
  const sent = await sender.next("sent", timeout);
  const received = await Promise.all(receivers.map((w) => w.next("received", timeout))).catch(async (e: unknown) => {
    const status = await Promise.all(receivers.map((w) => (w.command({ cmd: "status" }), w.next("status", 5000).catch(() => undefined))));
    throw new Error(`${server.system}: ${e instanceof Error ? e.message : String(e)}; workers: ${JSON.stringify(status)}`);
  });
  const after = await server.stats();
  const lastUs = Math.max(...received.map((r) => r.lastUs));
  return {
    sent,
    durationUs: lastUs - sent.firstUs,
    cpuUs: after.cpuUs - before.cpuUs,
    clientCpuUs: cpuBetween(armed, received),
    latencies: concat(received.map((r) => r.latenciesUs)),
  };
}

/**
 * BENCH_TRACE=1: prints where the chat server's time went for the messages of the run (the
 * server times each stage, bench/servers/trace.ts); nothing for the peers, nothing otherwise.
 */
export async function printTrace(server: BenchServer): Promise<void> {
  if (process.env.BENCH_TRACE !== "1" || server.system !== "chat") return;
  const trace = await server.trace();
  const rows = trace.stages.map(
    (s) => `  ${s.stage.padEnd(44)} p50 ${(s.p50Us / 1000).toFixed(2)} ms  p99 ${(s.p99Us / 1000).toFixed(2)} ms  (${s.count})`,
  );
  console.log(["  trace (time since the send, per stage):", ...rows].join("\n"));
}

/** BENCH_TRACE=1: drops the stage timings taken so far (the warm-up's), so the printed ones are the measured rounds'. */
export async function discardTrace(server: BenchServer): Promise<void> {
  if (process.env.BENCH_TRACE === "1" && server.system === "chat") await server.trace();
}

/** Runs one fan-out scenario against a fresh server of `system` (from another copy's bench/ folder when `benchDir` is given). */
export async function runFanout(system: SystemName, receivers: number, mode: FanoutMode, benchDir?: string): Promise<FanoutResult> {
  const procs = new Processes();
  try {
    const server = await procs.server(system, benchDir);
    const workers = await connectClients(procs, server, server.rooms.fanout, "recv", receivers, "r", 50);
    const senders = mode.kind === "paced" ? (mode.senders ?? 1) : 1;
    const sender = procs.worker(server, server.rooms.fanout, "send");
    sender.command({ cmd: "connect", count: senders, prefix: "sender", concurrency: senders });
    await sender.next("connected", 30_000);
    await sleep(1000);
    const rounds = mode.kind === "burst" ? mode.rounds : 1;
    const messages = mode.kind === "burst" ? mode.messages : Math.round(mode.rate * mode.seconds);
    const rate = mode.kind === "burst" ? 0 : mode.rate;
    // a warm-up, not counted: steady state is what is measured (first sends pay for JIT and first-use allocations)
    if (mode.kind === "burst") await round(server, workers, sender, Math.min(50, messages), 0);
    else await round(server, workers, sender, mode.rate, mode.rate, senders);
    await discardTrace(server);
    const results = [];
    for (let i = 0; i < rounds; i++) results.push(await round(server, workers, sender, messages, rate, senders));
    await printTrace(server);
    const deliveries = receivers * messages * senders;
    const latencies = concat(results.map((r) => r.latencies));
    return {
      system,
      receivers,
      mode: mode.kind === "burst" ? "burst" : `paced ${mode.rate}/s${senders > 1 ? ` x ${senders} senders` : ""}`,
      messages: messages * senders,
      deliveriesPerS: median(results.map((r) => deliveries / (r.durationUs / 1e6))),
      p50Ms: quantile(latencies, 0.5) / 1000,
      p99Ms: quantile(latencies, 0.99) / 1000,
      cpuUsPerDelivery: results.reduce((n, r) => n + r.cpuUs, 0) / (deliveries * rounds),
      clientCpuUsPerDelivery: results.reduce((n, r) => n + r.clientCpuUs, 0) / (deliveries * rounds),
      refused: results.reduce((n, r) => n + r.sent.refused, 0),
    };
  } finally {
    await procs.stopAll();
  }
}
