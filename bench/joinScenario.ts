/**
 * Join storm: `members` clients enter one room as fast as they can ({@link IN_FLIGHT} join attempts
 * in flight at any time, spread over the client processes). Measures the time until every client has
 * connected, and until every client has the full member list: the exact member count, and
 * min(count, cap) members listed (cap = this system's synchronized list cap; Infinity for peers).
 */
import { nowUs } from "./lib/clock";
import { Processes } from "./lib/procs";
import type { SystemName } from "./lib/protocol";
import { cpuBetween } from "./lib/stats";
import { workersFor } from "./fanoutScenario";

/** Join attempts in flight at once over all client processes (more only overflows the listen backlog). */
export const IN_FLIGHT = 400;

/** The figures of one join storm. */
export interface JoinResult {
  system: SystemName;
  members: number;
  /** ms until the last client connected. */
  connectedMs: number;
  /** ms until every client had the full member list; NaN when it did not within the time limit. */
  fullListMs: number;
  /** Server RSS once everyone is in, MB. */
  rssMb: number;
  /** The server's CPU from the start of the storm to the full list, per join, ms. */
  serverCpuMsPerJoin: number;
  /** The clients' CPU (every worker process, summed) over the same window, per join, ms. */
  clientCpuMsPerJoin: number;
  note?: string;
}

/** Runs one join storm against a fresh server of `system`, giving up after `limitMs`. */
export async function runJoinStorm(system: SystemName, members: number, cap: number, limitMs: number): Promise<JoinResult> {
  const procs = new Processes();
  try {
    const server = await procs.server(system);
    const n = workersFor(members);
    const workers = Array.from({ length: n }, () => procs.worker(server, server.rooms.members, "member"));
    // give the workers time to load before the clock starts
    await new Promise((resolve) => setTimeout(resolve, 3000));
    workers.forEach((w) => w.command({ cmd: "expectMembers", count: members, cap }));
    const armed = await Promise.all(workers.map((w) => w.next("armed", 30_000)));
    const before = await server.stats();
    const start = nowUs();
    workers.forEach((w, i) => {
      w.command({
        cmd: "connect",
        count: Math.floor(members / n) + (i < members % n ? 1 : 0),
        prefix: `m${i}_`,
        concurrency: Math.ceil(IN_FLIGHT / n),
      });
    });
    let connectedMs = 0;
    let failed = 0;
    let firstError: string | undefined;
    for (const w of workers) {
      const done = await w.next("connected", limitMs);
      failed += done.failed;
      firstError ??= done.firstError;
      connectedMs = Math.max(connectedMs, (nowUs() - start) / 1000);
    }
    let fullListMs = NaN;
    let note: string | undefined;
    if (failed > 0) {
      // a failed storm is a result too: recorded, not thrown
      const stats = await server.stats(true);
      return {
        system,
        members,
        connectedMs: NaN,
        fullListMs,
        rssMb: stats.rss / 1e6,
        serverCpuMsPerJoin: NaN,
        clientCpuMsPerJoin: NaN,
        note: `${failed} of ${members} clients failed to join (${firstError})`,
      };
    }
    let serverCpuMsPerJoin = NaN;
    let clientCpuMsPerJoin = NaN;
    try {
      const left = Math.max(1000, limitMs - connectedMs);
      const reports = await Promise.all(workers.map((w) => w.next("members", left)));
      fullListMs = (Math.max(...reports.map((r) => r.atUs)) - start) / 1000;
      const after = await server.stats();
      serverCpuMsPerJoin = (after.cpuUs - before.cpuUs) / 1000 / members;
      clientCpuMsPerJoin = cpuBetween(armed, reports) / 1000 / members;
    } catch {
      note = `full member list not reached within ${Math.round(limitMs / 1000)} s`;
    }
    const stats = await server.stats(true);
    return { system, members, connectedMs, fullListMs, rssMb: stats.rss / 1e6, serverCpuMsPerJoin, clientCpuMsPerJoin, note };
  } finally {
    await procs.stopAll();
  }
}
