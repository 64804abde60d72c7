/**
 * Benchmark results: every scenario's figures are kept in bench/results.json (by scenario id,
 * newest run wins) and rendered into bench/RESULTS.md, each figure with chat's ratio to the peers.
 */
import { cpus } from "node:os";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ALL_SYSTEMS, type SystemName } from "./protocol";

/** One row: a system's figures, by column name. */
export type Row = { system: SystemName } & Record<string, number | string | undefined>;

/** One scenario's results. */
export interface Scenario {
  id: string;
  title: string;
  /** What was measured and how. */
  description: string;
  /** Columns to show: key in the row, header, digits; `better` says which way is good (for ratios). */
  columns: { key: string; header: string; digits: number; better: "higher" | "lower" }[];
  rows: Row[];
  machine: string;
  date: string;
}

const JSON_PATH = join(__dirname, "..", "results.json");
const MD_PATH = join(__dirname, "..", "RESULTS.md");

/** nproc, CPU model and Node version of this machine. */
export function machine(): string {
  const list = cpus();
  return `${list.length} CPUs (${list[0]?.model.trim() ?? "unknown"}), Node ${process.version}, ${process.platform} ${process.arch}`;
}

function load(): Record<string, Scenario> {
  return existsSync(JSON_PATH) ? (JSON.parse(readFileSync(JSON_PATH, "utf8")) as Record<string, Scenario>) : {};
}

// a figure that was not a finite number is saved to results.json as null (JSON has no NaN): "n/a" either way
const fmt = (value: number | string | null | undefined, digits: number): string =>
  value === null
    ? "n/a"
    : typeof value === "number"
      ? Number.isFinite(value)
        ? value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
        : "n/a"
      : (value ?? "");

/** chat's figure over a peer's, as "2.31x"; n/a when either is missing or not positive (a growth measured as 0 or less has no meaningful ratio). */
function ratio(chat: unknown, peer: unknown): string {
  return typeof chat === "number" && typeof peer === "number" && Number.isFinite(chat) && chat > 0 && Number.isFinite(peer) && peer > 0
    ? `${(chat / peer).toFixed(2)}x`
    : "n/a";
}

function render(scenario: Scenario): string {
  const bySystem = new Map(scenario.rows.map((r) => [r.system, r]));
  const systems = ALL_SYSTEMS.filter((s) => bySystem.has(s));
  const lines = [`## ${scenario.title}`, "", scenario.description, "", `Run ${scenario.date} on ${scenario.machine}.`, ""];
  lines.push(`| system | ${scenario.columns.map((c) => c.header).join(" | ")} |`, `|---|${scenario.columns.map(() => "---:").join("|")}|`);
  for (const s of systems) {
    const row = bySystem.get(s)!;
    lines.push(`| ${s} | ${scenario.columns.map((c) => fmt(row[c.key], c.digits)).join(" | ")} |${row.note ? ` ${row.note}` : ""}`);
  }
  const chat = bySystem.get("chat");
  const peers = systems.filter((s) => s !== "chat");
  if (chat && peers.length > 0) {
    lines.push("", `| chat ÷ peer | ${peers.join(" | ")} |`, `|---|${peers.map(() => "---:").join("|")}|`);
    for (const c of scenario.columns) {
      lines.push(`| ${c.header} (${c.better} is better) | ${peers.map((p) => ratio(chat[c.key], bySystem.get(p)![c.key])).join(" | ")} |`);
    }
  }
  return lines.join("\n") + "\n";
}

/** Stores `scenario` (replacing an earlier run of the same id) and rewrites RESULTS.md; returns its Markdown. */
export function save(scenario: Omit<Scenario, "machine" | "date">): string {
  const all = load();
  // a diagnostic run of some systems only (BENCH_SYSTEMS) is printed, never saved
  if (process.env.BENCH_SYSTEMS) return render({ ...scenario, machine: machine(), date: "not saved (BENCH_SYSTEMS)" });
  const stored: Scenario = { ...scenario, machine: machine(), date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC" };
  all[scenario.id] = stored;
  writeFileSync(JSON_PATH, JSON.stringify(all, null, 2) + "\n");
  writeMarkdown(all);
  return render(stored);
}

/** Renders bench/results.json into bench/RESULTS.md again (after a change to the rendering). */
export function rewriteMarkdown(): void {
  writeMarkdown(load());
}

function writeMarkdown(all: Record<string, Scenario>): void {
  const order = [
    "fanout-500",
    "fanout-2000",
    "paced-20",
    "paced-100",
    "senders-10x10",
    "rooms-200x10",
    "joins-1000",
    "joins-5000",
    "memory-2000",
  ];
  const scenarios = Object.entries(all)
    .sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99))
    .map(([, scenario]) => scenario);
  const header = [
    "# Benchmark results",
    "",
    "Written by `npm run bench` / `npm run bench:fanout` (see README, Benchmarks). Servers and clients",
    "run in separate processes on 127.0.0.1; every figure is chat's own and, in the second table of",
    "each section, chat's figure divided by each peer's.",
    "",
  ].join("\n");
  writeFileSync(MD_PATH, header + "\n" + scenarios.map((scenario) => render(scenario)).join("\n") + handWrittenNotes());
}

/** Marks where the hand-written notes of RESULTS.md begin; rewriting the figures keeps them. */
const NOTES_MARKER = "<!-- Notes below are written by hand: npm run bench keeps them. -->";

/** The hand-written part of the current RESULTS.md, from its marker on ("" when there is none). */
function handWrittenNotes(): string {
  if (!existsSync(MD_PATH)) return "";
  const current = readFileSync(MD_PATH, "utf8");
  const at = current.indexOf(NOTES_MARKER);
  return at < 0 ? "" : "\n" + current.slice(at);
}
