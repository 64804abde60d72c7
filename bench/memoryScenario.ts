/**
 * Memory per connected member: server RSS (after a full GC) with `members` idle clients in one
 * room, minus the RSS before any client connected, divided by `members`. Chat clients are room
 * members; plain Colyseus clients join its broadcast-only room; ws and Socket.IO clients join
 * their room without a member list.
 */
import { sleep } from "./lib/clock";
import { Processes } from "./lib/procs";
import type { SystemName } from "./lib/protocol";
import { connectClients } from "./fanoutScenario";

/** The figures of one memory run. */
export interface MemoryResult {
  system: SystemName;
  members: number;
  rssKbPerMember: number;
  heapKbPerMember: number;
  /** Growth of the V8 heap committed (heapTotal: used + free pages, the young generation's semi-spaces included). */
  heapCommittedKbPerMember: number;
  /** Growth of process.memoryUsage().external (Buffers and other off-heap memory V8 knows of). */
  externalKbPerMember: number;
  baseRssMb: number;
}

/** Runs the memory scenario against a fresh server of `system`. */
export async function runMemory(system: SystemName, members: number): Promise<MemoryResult> {
  const procs = new Processes();
  try {
    const server = await procs.server(system);
    // one client first, so the room exists and first-use allocations are in the baseline
    await connectClients(procs, server, server.rooms.fanout, "recv", 2, "warm", 1);
    await sleep(1000);
    const before = await server.stats(true);
    await connectClients(procs, server, server.rooms.fanout, "recv", members, "idle", 50);
    await sleep(3000);
    const after = await server.stats(true);
    if (process.env.BENCH_VERBOSE) {
      console.log(JSON.stringify({ before, after }));
      await sleep(Number(process.env.BENCH_SETTLE_S ?? 0) * 1000);
      console.log(JSON.stringify({ before, after: await server.stats(false) }));
      console.log(JSON.stringify({ before, after: await server.stats(true) }));
    }
    return {
      system,
      members,
      rssKbPerMember: (after.rss - before.rss) / 1024 / members,
      heapKbPerMember: (after.heapUsed - before.heapUsed) / 1024 / members,
      heapCommittedKbPerMember: (after.heapTotal - before.heapTotal) / 1024 / members,
      externalKbPerMember: (after.external - before.external) / 1024 / members,
      baseRssMb: before.rss / 1e6,
    };
  } finally {
    await procs.stopAll();
  }
}
