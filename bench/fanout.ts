/**
 * `npm run bench:fanout`: burst fan-out at 500 receivers for chat and every peer, saved to
 * RESULTS.md; ends with the one `fanout:` line.
 */
import { assertFileLimit } from "./lib/procs";
import { fanout, fanoutLine } from "./scenarios";

async function main(): Promise<void> {
  assertFileLimit(2048);
  const results = await fanout("fanout-500", "Fan-out, burst, 500 receivers", 500, { kind: "burst", messages: 200, rounds: 3 });
  console.log(fanoutLine(results));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
