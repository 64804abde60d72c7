/**
 * A/B probe: one paced (or burst) fan-out, the chat server of two versions of the code run
 * interleaved in the same conditions, with peers for scale; printed, never saved.
 *
 *   npx tsx bench/probe.ts --a /tmp/base/bench [--rate 100] [--seconds 5] [--runs 3] [--receivers 500] [--senders 1] [--peers ws,socket.io]
 *
 * `--a` is the bench/ folder of another copy of the project (A); this tree is B. A copy of an earlier
 * commit: `git archive <commit> | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/node_modules`
 * (the copy's bench chat server must start: see its sendRatePerSecond). Without `--a`, B alone runs
 * against the peers. `--rate 0` is a burst of `--messages` (default 200), 3 rounds. Every run is
 * listed with the median per variant, so the spread shows: on a shared machine, decide by A/B
 * pairs of the same run, not by figures from different times.
 */
import { parseArgs } from "node:util";
import { describeFanout, runFanout, type FanoutMode, type FanoutResult } from "./fanoutScenario";
import { AB_OPTIONS, abSettings, integer, interleaved, variants } from "./lib/abRuns";
import { median } from "./lib/stats";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { ...AB_OPTIONS, rate: { type: "string" }, messages: { type: "string" }, senders: { type: "string" } },
  });
  const { runs, receivers, seconds } = abSettings(values, 5);
  const rate = integer("rate", values.rate, 100, 0, 10_000);
  const senders = integer("senders", values.senders, 1, 1, 100);
  const messages = integer("messages", values.messages, 200, 1, 10_000);
  const mode: FanoutMode = rate === 0 ? { kind: "burst", messages, rounds: 3 } : { kind: "paced", rate, seconds, senders };
  const results = await interleaved(
    variants(values.a, values.peers, "ws,socket.io"),
    runs,
    (v) => runFanout(v.system, receivers, mode, v.benchDir),
    describeFanout,
  );
  console.log(
    `\nmedians over ${runs} runs (${receivers} receivers, ${rate === 0 ? `burst of ${messages}` : `${rate}/s x ${senders} sender(s), ${seconds} s`}):`,
  );
  for (const [v, list] of results) {
    const mid = (pick: (r: FanoutResult) => number) => median(list.map(pick));
    console.log(
      `  ${v.label}: ${Math.round(mid((r) => r.deliveriesPerS))} deliveries/s, p50 ${mid((r) => r.p50Ms).toFixed(1)} ms, p99 ${mid((r) => r.p99Ms).toFixed(1)} ms (runs ${list.map((r) => r.p99Ms.toFixed(1)).join(", ")}), ${mid((r) => r.cpuUsPerDelivery).toFixed(2)} CPU µs/delivery (clients ${mid((r) => r.clientCpuUsPerDelivery).toFixed(2)})`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
