/**
 * Idle cost: the server CPU per second with 500 receivers connected to one room and no message
 * sent (heartbeat, timers, the room's patch clock, metrics sampling). A paced fan-out pays it on
 * top of its deliveries: at 20 messages/s to 500 receivers, 10 ms of CPU a second is 1 µs per
 * delivery. It is measured over a quiet window, so it moves far less with the machine's load
 * than a paced run's CPU per delivery. Printed, never saved.
 *
 *   npx tsx bench/idle.ts [--a /tmp/base/bench] [--seconds 8] [--runs 3] [--receivers 500] [--peers ws]
 *
 * `--a` is the bench/ folder of another copy of the project (A, as in bench/probe.ts); this tree is
 * B. Variants run interleaved, every run is listed, then the median per variant.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { AB_OPTIONS, abSettings, interleaved, variants, type Variant } from "./lib/abRuns";
import { sleep } from "./lib/clock";
import { Processes } from "./lib/procs";
import { median } from "./lib/stats";
import { connectClients } from "./fanoutScenario";

/** The 1-minute load average (2 cores: above 2, processes wait for a CPU). */
const load = (): string => readFileSync("/proc/loadavg", "utf8").split(" ")[0] ?? "?";

/** Server CPU ms per second over `seconds` with `receivers` idle clients, after 2 s of settling. */
async function idleOnce(variant: Variant, receivers: number, seconds: number): Promise<number> {
  const procs = new Processes();
  try {
    const server = await procs.server(variant.system, variant.benchDir);
    await connectClients(procs, server, server.rooms.fanout, "recv", receivers, "r", 50);
    // the join storm's own work (GC, patches, timers it set) settles first
    await sleep(2000);
    const before = await server.stats();
    await sleep(seconds * 1000);
    const after = await server.stats();
    return (after.cpuUs - before.cpuUs) / 1000 / seconds;
  } finally {
    await procs.stopAll();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: AB_OPTIONS });
  const { runs, receivers, seconds } = abSettings(values, 8);
  const results = await interleaved(
    variants(values.a, values.peers, "ws"),
    runs,
    (v) => idleOnce(v, receivers, seconds),
    (ms) => `${ms.toFixed(1)} ms CPU/s idle (load ${load()})`,
  );
  console.log(`medians over ${runs} runs (${receivers} idle receivers, ${seconds} s):`);
  for (const [v, list] of results) {
    console.log(`  ${v.label}: ${median(list).toFixed(1)} ms CPU/s (runs ${list.map((x) => x.toFixed(1)).join(", ")})`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
