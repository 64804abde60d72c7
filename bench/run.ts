/**
 * `npm run bench [-- <scenario>...]`: every scenario (or the ones named: fanout500, fanout2000,
 * paced, joins, joins5000, memory), saved to bench/RESULTS.md; ends with the `fanout:` line when
 * the 500-receiver burst ran.
 */
import { assertFileLimit } from "./lib/procs";
import { fanout, fanoutLine, joins, memory } from "./scenarios";

/** Runs per system of each paced scenario (their p99 moves from run to run; the median is reported). */
const PACED_RUNS = 3;

const ALL = ["fanout500", "fanout2000", "paced", "joins", "joins5000", "memory"] as const;

async function main(): Promise<void> {
  assertFileLimit(12_000);
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !(ALL as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(", ")}; choose from ${ALL.join(", ")}`);
  const run = new Set(asked.length > 0 ? asked : ALL);
  let line: string | undefined;
  if (run.has("fanout500"))
    line = fanoutLine(await fanout("fanout-500", "Fan-out, burst, 500 receivers", 500, { kind: "burst", messages: 200, rounds: 3 }));
  if (run.has("fanout2000"))
    await fanout("fanout-2000", "Fan-out, burst, 2,000 receivers", 2000, { kind: "burst", messages: 100, rounds: 3 });
  if (run.has("paced")) {
    await fanout("paced-20", "Fan-out, paced 20 messages/s, 500 receivers", 500, { kind: "paced", rate: 20, seconds: 10 }, PACED_RUNS);
    await fanout("paced-100", "Fan-out, paced 100 messages/s, 500 receivers", 500, { kind: "paced", rate: 100, seconds: 10 }, PACED_RUNS);
  }
  if (run.has("joins")) await joins(1000, 120_000);
  if (run.has("joins5000")) await joins(5000, 240_000);
  if (run.has("memory")) await memory(2000);
  if (line) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
