/**
 * `npm run bench [-- <scenario>...]`: every scenario (or the ones named: fanout500, fanout2000,
 * paced, senders, rooms, joins, joins5000, memory, shard4000), saved to bench/RESULTS.md; ends with the
 * `fanout:` line when the 500-receiver burst ran. BENCH_PACED_SECONDS shortens the paced, senders
 * and rooms scenarios (default 10 s; a shorter run is saved all the same, its description says so).
 */
import { assertFileLimit } from "./lib/procs";
import { fanout, fanoutLine, joins, memory, rooms, shard } from "./scenarios";

/**
 * Runs per system of each fan-out scenario, burst and paced (a paced p99 and a burst's throughput
 * move from run to run on shared cores; the median is reported, every run listed); BENCH_RUNS overrides.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const ALL = ["fanout500", "fanout2000", "paced", "senders", "rooms", "joins", "joins5000", "memory", "shard4000"] as const;

/** Seconds of each paced run (BENCH_PACED_SECONDS, default 10). */
function pacedSeconds(): number {
  const raw = process.env.BENCH_PACED_SECONDS?.trim();
  if (!raw) return 10;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 600)
    throw new Error(`BENCH_PACED_SECONDS must be an integer 1..600, got ${raw}`);
  return seconds;
}

async function main(): Promise<void> {
  assertFileLimit(12_000);
  if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 15) throw new Error(`BENCH_RUNS must be an integer 1..15, got ${RUNS}`);
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(ALL as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}; choose from ${ALL.join(", ")}`);
  const run = new Set(asked.length > 0 ? asked : ALL);
  let line: string | undefined;
  if (run.has("fanout500"))
    line = fanoutLine(await fanout("fanout-500", "Fan-out, burst, 500 receivers", 500, { kind: "burst", messages: 200, rounds: 3 }, RUNS));
  if (run.has("fanout2000"))
    await fanout("fanout-2000", "Fan-out, burst, 2,000 receivers", 2000, { kind: "burst", messages: 100, rounds: 3 }, RUNS);
  const seconds = pacedSeconds();
  if (run.has("paced")) {
    await fanout("paced-20", "Fan-out, paced 20 messages/s, 500 receivers", 500, { kind: "paced", rate: 20, seconds }, RUNS);
    await fanout("paced-100", "Fan-out, paced 100 messages/s, 500 receivers", 500, { kind: "paced", rate: 100, seconds }, RUNS);
  }
  if (run.has("senders")) {
    await fanout(
      "senders-10x10",
      "Several senders, 10 senders x 10 messages/s, 500 receivers",
      500,
      { kind: "paced", rate: 10, seconds, senders: 10 },
      RUNS,
    );
  }
  if (run.has("rooms")) await rooms(200, 10, 1, seconds, RUNS);
  if (run.has("joins")) await joins(1000, 120_000);
  if (run.has("joins5000")) await joins(5000, 240_000);
  if (run.has("memory")) await memory(2000);
  // BENCH_SHARD_RECEIVERS: a smaller room for a short look (saved under its own id)
  if (run.has("shard4000"))
    await shard(
      Number(process.env.BENCH_SHARD_RECEIVERS ?? 4000),
      { burst: { messages: 100, rounds: 3 }, paced: { rate: 20, seconds } },
      RUNS,
    );
  if (line) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
