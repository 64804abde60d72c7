/** The benchmark scenarios, each run for every system and saved to RESULTS.md. */
import { describeFanout, runFanout, type FanoutMode, type FanoutResult } from "./fanoutScenario";
import { runJoinStorm } from "./joinScenario";
import { runRooms } from "./roomsScenario";
import { runMemory, type MemoryResult } from "./memoryScenario";
import { runShard, type ShardFigures, type ShardModes } from "./shardScenario";
import { save, type Row, type Scenario } from "./lib/results";
import { SYSTEMS, type SystemName } from "./lib/protocol";
import { median } from "./lib/stats";
import { clientNice, shippedFlags } from "./lib/procs";
import { MEMBER_LIST_CAP } from "../src/protocol";

/** Runs of the memory scenario per system; the median is reported. */
const MEMORY_RUNS = 3;

const log = (text: string) => console.log(text);

const FANOUT_COLUMNS: Scenario["columns"] = [
  { key: "deliveriesPerS", header: "deliveries/s", digits: 0, better: "higher" },
  { key: "p50Ms", header: "p50 ms", digits: 1, better: "lower" },
  { key: "p99Ms", header: "p99 ms", digits: 1, better: "lower" },
  { key: "cpuUsPerDelivery", header: "server CPU µs/delivery", digits: 2, better: "lower" },
  { key: "clientCpuUsPerDelivery", header: "client CPU µs/delivery", digits: 2, better: "lower" },
];

/**
 * Runs a fan-out scenario for every system, `runs` times interleaved (chat, peers, chat, ...), and
 * saves each figure's median per system; returns those rows by system. A paced p99 rests on the
 * worst 1% of deliveries, which on two shared cores moves by several ms from run to run.
 */
export async function fanout(
  id: string,
  title: string,
  receivers: number,
  mode: FanoutMode,
  runs = 1,
  systems: readonly SystemName[] = SYSTEMS,
): Promise<Map<SystemName, FanoutResult>> {
  const senders = mode.kind === "paced" ? (mode.senders ?? 1) : 1;
  const how =
    mode.kind === "burst"
      ? `a burst of ${mode.messages} messages as fast as the sender can, ${mode.rounds} rounds after a warm-up (median round; latency over all rounds)`
      : `${mode.rate} messages/s${senders > 1 ? ` from each sender (staggered evenly, ${mode.rate * senders}/s in all)` : ""} for ${mode.seconds} s after a 1 s warm-up at that rate`;
  const who = senders > 1 ? `${receivers} receivers and ${senders} senders` : `${receivers} receivers and one sender`;
  return compare(
    id,
    title,
    `One room, ${who}, ~100-byte messages: ${how}. Deliveries/s = receivers x messages / (first send to last receive); latency = send to receive (monotonic clock shared by the processes); CPU = the server process's user+system time per delivery; client CPU = the receiving clients' worker processes' user+system time per delivery (what each client library spends to read a message).`,
    runs,
    systems,
    (system) => runFanout(system, receivers, mode),
  );
}

/** Many small rooms, every member sending: for every system that has rooms by id (not plain Colyseus, whose broadcast room is one). */
export async function rooms(rooms: number, size: number, rate: number, seconds: number, runs: number): Promise<void> {
  const systems = SYSTEMS.filter((system) => system !== "colyseus");
  await compare(
    `rooms-${rooms}x${size}`,
    `Many small rooms, ${rooms} rooms of ${size} members, ${rate} message/s per member`,
    `${rooms} rooms of ${size} members; every member sends ${rate} ~100-byte message/s to its room (schedules staggered evenly) for ${seconds} s after a 1 s warm-up, and receives every message of its room, its own included (${rooms * size * rate} messages/s in, ${rooms * size * size * rate} deliveries/s out). Latency = send to receive; CPU = the server's user+system time per delivery; client CPU = the members' worker processes' per delivery (they send too). Plain Colyseus is left out (its peer has one broadcast room).`,
    runs,
    systems,
    (system) => runRooms(system, rooms, size, rate, seconds),
  );
}

/**
 * Runs `runOne` for every system, `runs` times interleaved (chat, peers, chat, ...), and saves each
 * figure's median per system, with every run's p50 and p99 (the spread) in the row's note.
 */
async function compare(
  id: string,
  title: string,
  description: string,
  runs: number,
  systems: readonly SystemName[],
  runOne: (system: SystemName) => Promise<FanoutResult>,
): Promise<Map<SystemName, FanoutResult>> {
  // BENCH_CLIENT_NICE: receivers run at that niceness (the server first); saved as a section of its own
  const nice = clientNice();
  if (nice !== undefined) {
    id = `${id} nice=${nice}`;
    title = `${title}, receivers at nice ${nice}`;
  }
  const all = new Map<SystemName, FanoutResult[]>(systems.map((system) => [system, []]));
  for (let i = 0; i < runs; i++) {
    for (const system of systems) {
      log(`${id}: ${system}${runs > 1 ? ` (run ${i + 1} of ${runs})` : ""} ...`);
      const result = await runOne(system);
      log(`  ${describeFanout(result)}`);
      all.get(system)!.push(result);
    }
  }
  const results = new Map<SystemName, FanoutResult>();
  for (const [system, list] of all) results.set(system, medianResult(list));
  const niced =
    nice !== undefined
      ? ` The receiving workers run at nice ${nice}, so the server gets the CPU before its clients, as if they ran on other machines (the senders run at normal priority).`
      : "";
  const burst = results.values().next().value?.mode === "burst";
  const repeat =
    runs > 1
      ? ` Each system runs ${runs} times, interleaved; every figure is the median of its runs, and each run's ${burst ? "deliveries/s" : "p50 and p99"} are listed (the spread).`
      : "";
  log(
    save({
      id,
      title,
      description: `${description}${repeat}${niced}`,
      columns: FANOUT_COLUMNS,
      rows: systems.map((system) => {
        const r = results.get(system)!;
        const list = all.get(system)!;
        const each = (pick: (x: FanoutResult) => number) => list.map((x) => pick(x).toFixed(1)).join(", ");
        const notes = [
          runs === 1
            ? ""
            : burst
              ? `runs: ${list.map((x) => Math.round(x.deliveriesPerS).toLocaleString("en-US")).join(", ")} deliveries/s`
              : `runs: p50 ${each((x) => x.p50Ms)} ms; p99 ${each((x) => x.p99Ms)} ms`,
          r.refused ? `(${r.refused} sends refused)` : "",
        ];
        return { ...r, note: notes.filter(Boolean).join(" ") || undefined };
      }),
    }),
  );
  return results;
}

/** Per figure, the median over runs of one system (refusals summed). */
function medianResult(list: FanoutResult[]): FanoutResult {
  const mid = (pick: (r: FanoutResult) => number) => median(list.map(pick));
  const first = list.at(0);
  if (!first) throw new Error("no fanout runs to take the median of");
  return {
    ...first,
    deliveriesPerS: mid((r) => r.deliveriesPerS),
    p50Ms: mid((r) => r.p50Ms),
    p99Ms: mid((r) => r.p99Ms),
    cpuUsPerDelivery: mid((r) => r.cpuUsPerDelivery),
    clientCpuUsPerDelivery: mid((r) => r.clientCpuUsPerDelivery),
    refused: list.reduce((n, r) => n + r.refused, 0),
  };
}

/** The `fanout:` summary line of `npm run bench:fanout`. */
export function fanoutLine(results: Map<SystemName, FanoutResult>): string {
  const rate = (s: SystemName) => Math.round(results.get(s)?.deliveriesPerS ?? NaN);
  return `fanout: chat ${rate("chat")}, socket.io ${rate("socket.io")}, ws ${rate("ws")}, chat/socket.io ${(rate("chat") / rate("socket.io")).toFixed(2)}`;
}

/** Join storms of `members` for every system. */
export async function joins(members: number, limitMs: number): Promise<void> {
  const rows: Row[] = [];
  for (const system of SYSTEMS) {
    log(`joins-${members}: ${system} ...`);
    const r = await runJoinStorm(system, members, system === "chat" ? MEMBER_LIST_CAP : Infinity, limitMs);
    log(
      `  connected ${r.connectedMs.toFixed(0)} ms, full list ${r.fullListMs.toFixed(0)} ms, RSS ${r.rssMb.toFixed(0)} MB, CPU per join: server ${r.serverCpuMsPerJoin.toFixed(2)} ms, clients ${r.clientCpuMsPerJoin.toFixed(2)} ms${r.note ? ` (${r.note})` : ""}`,
    );
    rows.push({ ...r });
  }
  log(
    save({
      id: `joins-${members}`,
      title: `Join storm, ${members.toLocaleString("en-US")} members`,
      description: `${members} clients enter one room at once (400 join attempts in flight at any time; chat's room is created before the storm). "full list" = every client sees the exact member count and holds the member list (chat: the first ${MEMBER_LIST_CAP} members, the synchronized cap; peers: everyone). Peers send the full list to a joiner and batch join notices per 50 ms like chat; plain Colyseus keeps every member in a synchronized map. CPU per join = user+system time from the start to the full list, of the server and of every client worker summed (server and clients share the machine's cores, so the time follows their sum).`,
      columns: [
        { key: "connectedMs", header: "all connected ms", digits: 0, better: "lower" },
        { key: "fullListMs", header: "all have full list ms", digits: 0, better: "lower" },
        { key: "rssMb", header: "server RSS MB", digits: 0, better: "lower" },
        { key: "serverCpuMsPerJoin", header: "server CPU ms/join", digits: 2, better: "lower" },
        { key: "clientCpuMsPerJoin", header: "client CPU ms/join", digits: 2, better: "lower" },
      ],
      rows,
    }),
  );
}

/** Memory per idle member at `members` for every system. */
export async function memory(members: number): Promise<void> {
  // BENCH_SERVER_FLAGS (e.g. --max-semi-space-size=2, or none) runs every server with the same node flags; saved as its own section
  const flags = process.env.BENCH_SERVER_FLAGS?.trim();
  const how = !flags
    ? `Each server as shipped: chat with the node flags of \`npm start\` (\`${shippedFlags().join(" ")}\`), the peers on Node's defaults.`
    : flags === "none"
      ? "Every server on Node's defaults (chat without the flags of `npm start`)."
      : `Every server run with \`${flags}\`.`;
  // RSS after a storm varies by a few KB per member from run to run (how far V8 grew its heap
  // spaces): MEMORY_RUNS runs per system, interleaved, and the median one is reported
  const runs = new Map<SystemName, MemoryResult[]>(SYSTEMS.map((system) => [system, []]));
  for (let i = 0; i < MEMORY_RUNS; i++) {
    for (const system of SYSTEMS) {
      log(`memory-${members}: ${system} (run ${i + 1} of ${MEMORY_RUNS}) ...`);
      const r = await runMemory(system, members);
      log(
        `  ${r.rssKbPerMember.toFixed(1)} KB RSS / member, ${r.heapKbPerMember.toFixed(1)} KB heap / member, ${r.externalKbPerMember.toFixed(1)} KB external / member`,
      );
      runs.get(system)!.push(r);
    }
  }
  const rows: Row[] = SYSTEMS.map((system) => {
    const sorted = [...runs.get(system)!].sort((a, b) => a.rssKbPerMember - b.rssKbPerMember);
    const range = `RSS over ${sorted.length} runs: ${sorted.map((r) => r.rssKbPerMember.toFixed(1)).join(", ")} KB`;
    const middle = sorted.at(Math.floor(sorted.length / 2));
    if (!middle) throw new Error(`no memory runs of ${system}`);
    return { ...middle, note: range };
  });
  log(
    save({
      id: `memory-${members}${flags ? " " + flags : ""}`,
      title: `Memory per connected member, ${members.toLocaleString("en-US")} members${!flags ? ", as shipped" : flags === "none" ? ", every server on Node's defaults" : `, every server run with \`${flags}\``}`,
      description: `Median of ${MEMORY_RUNS} runs per system (interleaved): server RSS after a full GC with ${members} idle clients in one room, minus the RSS before they connected, per client (heap used and V8 heap committed the same way; "external" = Buffers and other memory V8 accounts outside its heap). Chat clients are members (member state included); plain Colyseus uses its broadcast-only room. ${how}`,
      columns: [
        { key: "rssKbPerMember", header: "RSS KB/member", digits: 1, better: "lower" },
        { key: "heapKbPerMember", header: "heap KB/member", digits: 1, better: "lower" },
        { key: "heapCommittedKbPerMember", header: "V8 heap committed KB/member", digits: 1, better: "lower" },
        { key: "externalKbPerMember", header: "external KB/member", digits: 1, better: "lower" },
        { key: "baseRssMb", header: "base RSS MB", digits: 0, better: "lower" },
      ],
      rows,
    }),
  );
}

/**
 * One live room of `receivers` over 2 processes against the same room on 1 process (issue 13),
 * `runs` pairs (1 process, then 2, back to back); each figure is the median over the runs, the
 * 2-process and per-relay figures taken against the 1-process run of the same pair. Saved as
 * four sections: burst and paced totals, burst and paced per-relay costs.
 */
export async function shard(receivers: number, modes: ShardModes, runs: number): Promise<void> {
  const pairs: { one: Awaited<ReturnType<typeof runShard>>; two: Awaited<ReturnType<typeof runShard>> }[] = [];
  for (let i = 0; i < runs; i++) {
    const results = [];
    for (const processes of [1, 2] as const) {
      log(`shard-${receivers}: ${processes} process${processes > 1 ? "es" : ""}${runs > 1 ? ` (run ${i + 1} of ${runs})` : ""} ...`);
      const r = await runShard(processes, receivers, modes);
      for (const f of [r.burst, r.paced])
        log(
          `  ${f.mode}: ${Math.round(f.deliveriesPerS)} deliveries/s, p50 ${f.p50Ms.toFixed(1)} ms, p99 ${f.p99Ms.toFixed(1)} ms, ${f.cpuUsPerDelivery.toFixed(3)} CPU µs/delivery (per process µs/message: ${f.cpuUsPerMessage.map((us) => us.toFixed(0)).join(", ")}, net of idle ${f.netCpuUsPerMessage.map((us) => us.toFixed(0)).join(", ")}; idle ${f.idleCpuMsPerS.map((ms) => ms.toFixed(1)).join(", ")} ms/s), Redis ${f.redisCommandsPerMessage.toFixed(2)} cmds, ${f.publishesPerMessage.toFixed(2)} publishes, ${f.redisInBytesPerMessage.toFixed(0)} B in, ${f.redisOutBytesPerMessage.toFixed(0)} B out per message; seated ${f.seated.join(" + ")}${f.refused ? `, ${f.refused} refused` : ""}`,
        );
      results.push(r);
    }
    const [one, two] = results;
    if (!one || !two) throw new Error("a shard run is missing");
    pairs.push({ one, two });
  }
  const size = receivers.toLocaleString("en-US");
  const setup = `One room, ${size} receivers and one sender, ~100-byte messages, the chat server on a private redis-server (history, presence and matchmaking on Redis in both). 1 process: CHAT_SHARD_THRESHOLD=0, every member on the room's owner. 2 processes: CHAT_SHARD_THRESHOLD=${Math.ceil(receivers / 2) + 1}; the sender and the first ${Math.ceil(receivers / 2).toLocaleString("en-US")} receivers sit on the owner, the rest on one relay shard on the other process (the owner publishes each turn's batch once on Redis, the relay fans it out). Each run starts a fresh redis-server and fresh processes. ${runs} run${runs > 1 ? "s" : ""} per setup (1 process, then 2, back to back); every figure is the median over runs.`;
  for (const kind of ["burst", "paced"] as const) {
    const how =
      kind === "burst"
        ? `a burst of ${modes.burst.messages} messages as fast as the sender can, ${modes.burst.rounds} rounds after a warm-up (median round; latency over all rounds)`
        : `${modes.paced.rate} messages/s for ${modes.paced.seconds} s after a 1 s warm-up at that rate`;
    const id = `shard-${receivers}-${kind === "burst" ? "burst" : `paced${modes.paced.rate}`}`;
    const of = (pick: (f: ShardFigures, pair: "one" | "two") => number, which: "one" | "two") =>
      median(pairs.map((p) => pick(p[which][kind], which)));
    const perPair = (pick: (one: ShardFigures, two: ShardFigures) => number) => median(pairs.map((p) => pick(p.one[kind], p.two[kind])));
    // the per-relay figures are net of each process's idle CPU (heartbeats, presence, watches), which no message causes
    const net = (f: ShardFigures, part: number) => f.netCpuUsPerMessage[part] ?? NaN;
    const total = (f: ShardFigures) => f.netCpuUsPerMessage.reduce((n, us) => n + us, 0);
    const idle = (f: ShardFigures) => f.idleCpuMsPerS.reduce((n, ms) => n + ms, 0);
    const share = (one: ShardFigures, two: ShardFigures, part: number) => total(one) * ((two.seated[part] ?? 0) / (one.seated[0] ?? 1));
    const loads = pairs.map((p) => p.two[kind].seated.join(" + ")).join("; ");
    log(
      save({
        id,
        title: `One live room over 2 processes vs 1, ${kind === "burst" ? "burst" : `paced ${modes.paced.rate} messages/s`}, ${size} receivers`,
        description: `${setup} Sends: ${how}. Deliveries/s = receivers x messages / (first send to last receive); latency = send to receive; CPU = user+system time of every server process, summed, per delivery (target of issue 13: 2 processes <= 1.3x of 1).`,
        columns: [
          { key: "dps1", header: "1 process deliveries/s", digits: 0, better: "higher" },
          { key: "dps2", header: "2 processes deliveries/s", digits: 0, better: "higher" },
          { key: "p50_1", header: "1 process p50 ms", digits: 1, better: "lower" },
          { key: "p50_2", header: "2 processes p50 ms", digits: 1, better: "lower" },
          { key: "p99_1", header: "1 process p99 ms", digits: 1, better: "lower" },
          { key: "p99_2", header: "2 processes p99 ms", digits: 1, better: "lower" },
          { key: "cpu1", header: "1 process CPU µs/delivery", digits: 3, better: "lower" },
          { key: "cpu2", header: "2 processes CPU µs/delivery", digits: 3, better: "lower" },
          { key: "cpuRatio", header: "CPU 2 ÷ 1", digits: 2, better: "lower" },
        ],
        rows: [
          {
            system: "chat",
            dps1: of((f) => f.deliveriesPerS, "one"),
            dps2: of((f) => f.deliveriesPerS, "two"),
            p50_1: of((f) => f.p50Ms, "one"),
            p50_2: of((f) => f.p50Ms, "two"),
            p99_1: of((f) => f.p99Ms, "one"),
            p99_2: of((f) => f.p99Ms, "two"),
            cpu1: of((f) => f.cpuUsPerDelivery, "one"),
            cpu2: of((f) => f.cpuUsPerDelivery, "two"),
            cpuRatio: perPair((one, two) => two.cpuUsPerDelivery / one.cpuUsPerDelivery),
            note:
              runs > 1
                ? `runs: CPU 2 ÷ 1 ${pairs.map((p) => (p.two[kind].cpuUsPerDelivery / p.one[kind].cpuUsPerDelivery).toFixed(2)).join(", ")}`
                : undefined,
          },
        ],
      }),
    );
    log(
      save({
        id: `${id}-relay`,
        title: `What a relay shard costs, ${kind === "burst" ? "burst" : `paced ${modes.paced.rate} messages/s`}, ${size} receivers`,
        description: `From the runs of the section above, per message sent (the 2-process run against the 1-process run of its pair). CPU figures are net of each process's idle CPU (measured for 3 s after the joins with nothing sent: heartbeats, presence, watches; shown in the last two columns, ms of CPU per second summed over processes). "extra" = owner + relay process - 1 process: all the CPU the relay adds. The estimates split it: owner per relay = owner - (1-process CPU x the owner's share of the connections), relay's own = relay process - (1-process CPU x its share); they rest on the 1-process cost per connection, so read them as approximate. Redis figures count every command (INFO left out) and every byte of the redis-server's connections over the measured rounds, idle traffic (presence, claims) included; "added" = 2 processes - 1 process. Seated (owner + relay): ${loads}.`,
        columns: [
          { key: "one", header: "1 process CPU µs/msg", digits: 0, better: "lower" },
          { key: "owner", header: "owner CPU µs/msg", digits: 0, better: "lower" },
          { key: "relay", header: "relay process CPU µs/msg", digits: 0, better: "lower" },
          { key: "extra", header: "extra CPU µs/msg", digits: 0, better: "lower" },
          { key: "ownerPerRelay", header: "owner per relay µs/msg (est.)", digits: 0, better: "lower" },
          { key: "relayOwn", header: "relay's own µs/msg (est.)", digits: 0, better: "lower" },
          { key: "cmds", header: "Redis cmds/msg added", digits: 2, better: "lower" },
          { key: "publishes", header: "PUBLISH/msg", digits: 2, better: "lower" },
          { key: "inBytes", header: "Redis bytes in/msg added", digits: 0, better: "lower" },
          { key: "outBytes", header: "Redis bytes out/msg added", digits: 0, better: "lower" },
          { key: "idle1", header: "1 process idle CPU ms/s", digits: 1, better: "lower" },
          { key: "idle2", header: "2 processes idle CPU ms/s", digits: 1, better: "lower" },
        ],
        rows: [
          {
            system: "chat",
            one: of((f) => total(f), "one"),
            owner: of((f) => net(f, 0), "two"),
            relay: of((f) => net(f, 1), "two"),
            extra: perPair((one, two) => total(two) - total(one)),
            ownerPerRelay: perPair((one, two) => net(two, 0) - share(one, two, 0)),
            relayOwn: perPair((one, two) => net(two, 1) - share(one, two, 1)),
            cmds: perPair((one, two) => two.redisCommandsPerMessage - one.redisCommandsPerMessage),
            publishes: of((f) => f.publishesPerMessage, "two"),
            inBytes: perPair((one, two) => two.redisInBytesPerMessage - one.redisInBytesPerMessage),
            outBytes: perPair((one, two) => two.redisOutBytesPerMessage - one.redisOutBytesPerMessage),
            idle1: of((f) => idle(f), "one"),
            idle2: of((f) => idle(f), "two"),
            note: `1 process: ${of((f) => f.redisCommandsPerMessage, "one").toFixed(2)} Redis cmds, ${of((f) => f.redisInBytesPerMessage, "one").toFixed(0)} B in, ${of((f) => f.redisOutBytesPerMessage, "one").toFixed(0)} B out per message`,
          },
        ],
      }),
    );
  }
}
