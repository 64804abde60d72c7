/**
 * A client worker process: holds many connections of one system and obeys the orchestrator
 * (lib/protocol WorkerCommand). Env: SYSTEM, PORT, ROOM, ROLE (recv | send | member).
 * Every wait is bounded by the orchestrator, which kills a worker that does not answer.
 */
import { nowUs, sleep, stampOf, stampedContent } from "../lib/clock";
import type { SystemName, WorkerCommand, WorkerReport } from "../lib/protocol";
import { DRIVERS, type Connection, type Role } from "./drivers";

const system = process.env.SYSTEM as SystemName;
const role = (process.env.ROLE ?? "recv") as Role;
const target = { port: Number(process.env.PORT), roomId: process.env.ROOM ?? "bench" };
const driver = DRIVERS[system];

const report = (message: WorkerReport) => process.send?.(message);
const cpuNowUs = () => {
  const cpu = process.cpuUsage();
  return cpu.user + cpu.system;
};

interface Peer {
  connection?: Connection;
  received: number;
  members: number;
  listed: number;
  membersDone: boolean;
}

const peers: Peer[] = [];
let expected = 0;
let complete = 0;
let latencies = new Float64Array(1024);
let latencyCount = 0;
let wrong = 0;
let armed = false;
let memberTarget: { count: number; cap: number } | undefined;
let membersComplete = 0;

function record(peer: Peer, contents: string[]): void {
  if (!armed) return;
  const at = nowUs();
  for (const content of contents) {
    const sent = stampOf(content);
    if (!Number.isFinite(sent)) {
      wrong++;
      continue;
    }
    if (latencyCount === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[latencyCount++] = at - sent;
    peer.received++;
    if (peer.received === expected) {
      complete++;
      if (complete === peers.length) {
        armed = false;
        report({ type: "received", lastUs: at, latenciesUs: latencies.slice(0, latencyCount), wrong, cpuUs: cpuNowUs() });
      }
    }
  }
}

function onMembers(peer: Peer, count: number, listed: number): void {
  peer.members = count;
  peer.listed = listed;
  const goal = memberTarget;
  if (!goal || peer.membersDone) return;
  if (count === goal.count && listed === Math.min(goal.count, goal.cap)) {
    peer.membersDone = true;
    membersComplete++;
    if (membersComplete === peers.length) report({ type: "members", atUs: nowUs(), cpuUs: cpuNowUs() });
  }
}

async function connectAll(count: number, prefix: string, concurrency: number, rooms?: { size: number; prefix: string }): Promise<void> {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const start = peers.length;
  for (let i = 0; i < count; i++) peers.push({ received: 0, members: 0, listed: 0, membersDone: false });
  const lane = async () => {
    while (next < count) {
      const i = next++;
      const peer = peers.at(start + i);
      if (!peer) throw new Error(`no peer ${start + i}`); // pushed above
      try {
        const at = rooms ? { ...target, roomId: `${rooms.prefix}${Math.floor(i / rooms.size)}` } : target;
        peer.connection = await driver(at, `${prefix}${i}`, role, {
          onContents: (contents) => record(peer, contents),
          onMembers: (n, listed) => onMembers(peer, n, listed),
        });
      } catch (e) {
        failed++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  report({ type: "connected", connected: count - failed, failed, firstError });
}

async function sendAll(messages: number, rate: number, senders: number): Promise<void> {
  const connections = peers.slice(0, senders === 0 ? peers.length : senders).map((p) => p.connection);
  if (connections.length === 0) throw new Error("no sender connection");
  let refused = 0;
  const firstUs = nowUs();
  const pending: Promise<void>[] = [];
  const sendFrom = async (sender: Connection | undefined, k: number) => {
    if (!sender) throw new Error(`sender ${k} did not connect`);
    // the senders' schedules are staggered evenly over one period
    const offsetUs = rate > 0 ? (k * 1e6) / rate / connections.length : 0;
    for (let i = 0; i < messages; i++) {
      if (rate > 0) {
        const due = firstUs + offsetUs + (i * 1e6) / rate;
        const wait = (due - nowUs()) / 1000;
        if (wait > 0) await sleep(wait);
      }
      pending.push(
        sender.send(stampedContent(i), i).catch(() => {
          refused++;
        }),
      );
    }
  };
  await Promise.all(connections.map(sendFrom));
  const lastUs = nowUs();
  await Promise.all(pending);
  report({ type: "sent", firstUs, lastUs, refused });
}

process.on("message", (command: WorkerCommand) => {
  const run = async () => {
    switch (command.cmd) {
      case "connect":
        return connectAll(
          command.count,
          command.prefix,
          command.concurrency,
          command.roomSize ? { size: command.roomSize, prefix: command.roomPrefix ?? "room" } : undefined,
        );
      case "expect":
        expected = command.messages;
        complete = 0;
        latencyCount = 0;
        wrong = 0;
        for (const peer of peers) peer.received = 0;
        armed = true;
        report({ type: "armed", cpuUs: cpuNowUs() });
        return;
      case "expectMembers":
        memberTarget = { count: command.count, cap: command.cap };
        membersComplete = 0;
        report({ type: "armed", cpuUs: cpuNowUs() });
        for (const peer of peers) {
          peer.membersDone = false;
          onMembers(peer, peer.members, peer.listed);
        }
        return;
      case "send":
        return sendAll(command.messages, command.rate, command.senders ?? 1);
      case "status":
        report({ type: "status", peers: peers.length, complete, minReceived: Math.min(...peers.map((p) => p.received)), expected });
        return;
      case "close":
        await Promise.all(peers.map(async (p) => p.connection?.close().catch(() => undefined)));
        report({ type: "closed" });
        setTimeout(() => process.exit(0), 200);
        return;
    }
  };
  run().catch((e: unknown) => report({ type: "error", message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
});
process.on("disconnect", () => process.exit(0));
