/**
 * IPC messages between the bench orchestrator and its child processes (servers and client
 * workers). Times are microseconds of the system-wide monotonic clock ({@link nowUs}), so they
 * compare across processes on one machine.
 */

/** The systems a benchmark compares. */
export type SystemName = "chat" | "socket.io" | "ws" | "colyseus";

/** Every system, in report order. */
export const ALL_SYSTEMS: readonly SystemName[] = ["chat", "socket.io", "ws", "colyseus"];

/** The systems this run compares: all, or BENCH_SYSTEMS=chat,ws for a diagnostic run (not saved). */
export const SYSTEMS: readonly SystemName[] = process.env.BENCH_SYSTEMS
  ? ALL_SYSTEMS.filter((s) => process.env.BENCH_SYSTEMS!.split(",").includes(s))
  : ALL_SYSTEMS;

/** What a server reports once it listens. */
export interface ServerReady {
  type: "listening";
  port: number;
  /** Room ids the server prepared: `fanout` (broadcast only) and `members` (with a member list). */
  rooms: { fanout: string; members: string };
}

/** A server's resource usage at one moment. */
export interface ServerStats {
  type: "stats";
  /** process.cpuUsage() user + system, microseconds. */
  cpuUs: number;
  rss: number;
  heapUsed: number;
  /** V8 heap committed (all spaces, including the young generation's semi-spaces). */
  heapTotal: number;
  /** Committed bytes per V8 heap space (diagnosis). */
  spaces?: Record<string, number>;
  /** process.memoryUsage().external and .arrayBuffers (Buffers live outside the JS heap). */
  external: number;
  arrayBuffers: number;
  /** Open TCP connections the server holds (HTTP keep-alive + WebSocket), when the server can tell. */
  connections?: number;
}

/** BENCH_TRACE=1: per stage of a message's way through the chat server, µs since its send (quantiles over the messages traced). */
export interface ServerTrace {
  type: "trace";
  stages: { stage: string; count: number; p50Us: number; p99Us: number }[];
}

/** Orchestrator -> server. */
export type ServerCommand = { cmd: "stats"; gc?: boolean } | { cmd: "trace" } | { cmd: "exit" };

/** Orchestrator -> client worker. */
export type WorkerCommand =
  /**
   * Connect `count` clients named `${prefix}${i}`, at most `concurrency` at a time; with `roomSize`,
   * client i enters room `${roomPrefix}${floor(i / roomSize)}` instead of the worker's ROOM.
   */
  | { cmd: "connect"; count: number; prefix: string; concurrency: number; roomSize?: number; roomPrefix?: string }
  /** Reset counters, answer `armed`; then answer `received` once every client has `messages` messages. */
  | { cmd: "expect"; messages: number }
  /** Answer `armed` at once, then `members` once every client sees `count` members with min(count, cap) listed. */
  | { cmd: "expectMembers"; count: number; cap: number }
  /**
   * Send `messages` from each of this worker's first `senders` clients (default 1, 0 = every client);
   * `rate` messages/s per client, 0 = as fast as possible; the senders' schedules are staggered evenly.
   */
  | { cmd: "send"; messages: number; rate: number; senders?: number }
  /** Answer `status`: how far the current expectation got. */
  | { cmd: "status" }
  | { cmd: "close" };

/** Client worker -> orchestrator. */
export type WorkerReport =
  | { type: "connected"; connected: number; failed: number; firstError?: string }
  /** `cpuUs` here and in `received` and `members`: the worker's process.cpuUsage() user + system, µs (its clients' CPU in between). */
  | { type: "armed"; cpuUs: number }
  | { type: "received"; lastUs: number; latenciesUs: Float64Array; wrong: number; cpuUs: number }
  | { type: "members"; atUs: number; cpuUs: number }
  | { type: "sent"; firstUs: number; lastUs: number; refused: number }
  | { type: "status"; peers: number; complete: number; minReceived: number; expected: number }
  | { type: "closed" }
  | { type: "error"; message: string };
