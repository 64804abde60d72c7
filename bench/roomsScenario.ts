/**
 * Many small rooms: `rooms` rooms of `size` members, every member sending `rate` messages/s to its
 * room for `seconds` (after one second of warm-up at that rate), each member receiving every
 * message of its room (its own included). Measures deliveries/s, send-to-receive latency p50/p99
 * and the server's CPU microseconds per delivery, as the fan-out does.
 */
import { sleep } from "./lib/clock";
import { Processes, type BenchServer, type BenchWorker } from "./lib/procs";
import type { SystemName } from "./lib/protocol";
import { concat, cpuBetween, quantile } from "./lib/stats";
import { discardTrace, printTrace, workersFor, type FanoutResult } from "./fanoutScenario";

/** Connects the members: whole rooms per worker, room ids unique per worker. */
async function connectRooms(procs: Processes, server: BenchServer, rooms: number, size: number): Promise<BenchWorker[]> {
  const n = Math.min(rooms, workersFor(rooms * size));
  const workers = Array.from({ length: n }, () => procs.worker(server, server.rooms.fanout, "talk"));
  workers.forEach((w, i) => {
    const roomsHere = Math.floor(rooms / n) + (i < rooms % n ? 1 : 0);
    w.command({ cmd: "connect", count: roomsHere * size, prefix: `m${i}_`, concurrency: 50, roomSize: size, roomPrefix: `room${i}_` });
  });
  for (const w of workers) {
    const done = await w.next("connected", 300_000);
    if (done.failed > 0) throw new Error(`${server.system}: ${done.failed} clients failed to connect: ${done.firstError}`);
  }
  return workers;
}

async function round(server: BenchServer, workers: BenchWorker[], size: number, messages: number, rate: number) {
  const before = await server.stats();
  for (const w of workers) w.command({ cmd: "expect", messages: messages * size });
  const armed = await Promise.all(workers.map((w) => w.next("armed", 30_000)));
  for (const w of workers) w.command({ cmd: "send", messages, rate, senders: 0 });
  const timeout = 60_000 + (messages / rate) * 1000;
  const sent = await Promise.all(workers.map((w) => w.next("sent", timeout)));
  const received = await Promise.all(workers.map((w) => w.next("received", timeout))).catch(async (e: unknown) => {
    const status = await Promise.all(workers.map((w) => (w.command({ cmd: "status" }), w.next("status", 5000).catch(() => undefined))));
    throw new Error(`${server.system}: ${e instanceof Error ? e.message : String(e)}; workers: ${JSON.stringify(status)}`);
  });
  const after = await server.stats();
  return {
    firstUs: Math.min(...sent.map((s) => s.firstUs)),
    lastUs: Math.max(...received.map((r) => r.lastUs)),
    refused: sent.reduce((n, s) => n + s.refused, 0),
    cpuUs: after.cpuUs - before.cpuUs,
    clientCpuUs: cpuBetween(armed, received),
    latencies: concat(received.map((r) => r.latenciesUs)),
  };
}

/** Runs the many-rooms scenario against a fresh server of `system`. */
export async function runRooms(system: SystemName, rooms: number, size: number, rate: number, seconds: number): Promise<FanoutResult> {
  const procs = new Processes();
  try {
    const server = await procs.server(system);
    const workers = await connectRooms(procs, server, rooms, size);
    await sleep(1000);
    // warm-up, not counted
    await round(server, workers, size, rate, rate);
    await discardTrace(server);
    const messages = Math.round(rate * seconds);
    const r = await round(server, workers, size, messages, rate);
    await printTrace(server);
    const deliveries = rooms * size * size * messages;
    return {
      system,
      receivers: rooms * size,
      mode: `${rooms} rooms x ${size}, ${rate}/s per member`,
      messages: rooms * size * messages,
      deliveriesPerS: deliveries / ((r.lastUs - r.firstUs) / 1e6),
      p50Ms: quantile(r.latencies, 0.5) / 1000,
      p99Ms: quantile(r.latencies, 0.99) / 1000,
      cpuUsPerDelivery: r.cpuUs / deliveries,
      // these clients also send (every member talks): their CPU covers sending as well as reading
      clientCpuUsPerDelivery: r.clientCpuUs / deliveries,
      refused: r.refused,
    };
  } finally {
    await procs.stopAll();
  }
}
