/**
 * What the A/B tools (bench/probe.ts, bench/idle.ts) share: their common options, the peers
 * option, the variants (chat of another copy of the code as A, this tree as B, then the peers) and
 * the interleaved runs, so both read and run alike.
 */
import { assertFileLimit } from "./procs";
import { ALL_SYSTEMS, type SystemName } from "./protocol";

/** The command-line options both tools take (node:util parseArgs form); each adds its own. */
export const AB_OPTIONS = {
  a: { type: "string" },
  peers: { type: "string" },
  runs: { type: "string" },
  receivers: { type: "string" },
  seconds: { type: "string" },
} as const;

/**
 * The values of {@link AB_OPTIONS}' integers: `--runs` (1..15, 3), `--receivers` (1..5000, 500)
 * and `--seconds` (1..120, `defaultSeconds`); checks the process's file limit for the receivers.
 */
export function abSettings(
  values: { runs?: string; receivers?: string; seconds?: string },
  defaultSeconds: number,
): { runs: number; receivers: number; seconds: number } {
  const runs = integer("runs", values.runs, 3, 1, 15);
  const receivers = integer("receivers", values.receivers, 500, 1, 5000);
  const seconds = integer("seconds", values.seconds, defaultSeconds, 1, 120);
  assertFileLimit(Math.max(2048, receivers * 3));
  return { runs, receivers, seconds };
}

/** One system to run: chat of this tree, chat of another copy (`benchDir`), or a peer. */
export interface Variant {
  label: string;
  system: SystemName;
  benchDir?: string;
}

/** An integer option `--name` in min..max, `fallback` when absent; throws naming the option and its range. */
export function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer ${min}..${max}, got ${raw}`);
  return value;
}

/** The variants: chat A (the copy at `a`, when given), chat B (this tree), then `--peers` (comma-separated, `defaultPeers` when absent). */
export function variants(a: string | undefined, peersOption: string | undefined, defaultPeers: string): Variant[] {
  const peers = (peersOption ?? defaultPeers).split(",").filter(Boolean);
  const unknown = peers.filter((p) => !(ALL_SYSTEMS as readonly string[]).includes(p) || p === "chat");
  if (unknown.length > 0) throw new Error(`--peers: unknown peer(s) ${unknown.join(", ")}; choose from ws, socket.io, colyseus`);
  return [
    ...(a ? [{ label: `chat A (${a})`, system: "chat" as const, benchDir: a }] : []),
    { label: a ? "chat B (this tree)" : "chat", system: "chat" },
    ...peers.map((p) => ({ label: p, system: p as SystemName })),
  ];
}

/** Runs every variant `runs` times, interleaved (run 1 of each, then run 2...), printing each result; resolves with every result per variant. */
export async function interleaved<R>(
  list: readonly Variant[],
  runs: number,
  once: (variant: Variant) => Promise<R>,
  describe: (result: R) => string,
): Promise<Map<Variant, R[]>> {
  const results = new Map<Variant, R[]>(list.map((v) => [v, []]));
  for (let i = 0; i < runs; i++) {
    for (const v of list) {
      const result = await once(v);
      results.get(v)?.push(result);
      console.log(`run ${i + 1}/${runs} ${v.label}: ${describe(result)}`);
    }
  }
  return results;
}
