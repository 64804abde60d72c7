/**
 * Child processes of a benchmark run: one server and its client workers. Every wait has a
 * deadline, and {@link Processes.stopAll} ends every child this run started (also on errors).
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import type { ServerCommand, ServerReady, ServerStats, ServerTrace, SystemName, WorkerCommand, WorkerReport } from "./protocol";

const SERVER_FILES: Readonly<Record<SystemName, string>> = {
  chat: "chatServer.ts",
  "socket.io": "socketioServer.ts",
  ws: "wsServer.ts",
  colyseus: "colyseusServer.ts",
};

/** A message queue over one child's IPC channel with deadline-bounded waits. */
class Channel<In extends { type: string }> {
  private readonly inbox: In[] = [];
  private waiter: (() => void) | undefined;
  private exited: string | undefined;

  constructor(
    readonly child: ChildProcess,
    private readonly label: string,
  ) {
    child.on("message", (message: In) => {
      this.inbox.push(message);
      this.waiter?.();
    });
    child.on("exit", (code, signal) => {
      this.exited = `${label} exited (code ${code}, signal ${signal})`;
      this.waiter?.();
    });
  }

  /** The next message of `type` (earlier ones of other types are dropped, except `error`, which throws). */
  async next<T extends In["type"]>(type: T, timeoutMs: number): Promise<Extract<In, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.inbox.length > 0) {
        const message = this.inbox.shift()!;
        if (message.type === type) return message as Extract<In, { type: T }>;
        if (message.type === "error") throw new Error(`${this.label}: ${(message as unknown as { message: string }).message}`);
      }
      if (this.exited) throw new Error(this.exited);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.label}: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }
}

/**
 * The node flags `npm start` runs the chat server with (package.json scripts.start, e.g. its
 * young-generation size), so the benchmark measures chat as shipped: this project's, or those of
 * the copy whose bench/ folder is `benchDir` (an A/B probe of two versions runs each as shipped).
 */
export function shippedFlags(benchDir = join(__dirname, "..")): string[] {
  const pkg = JSON.parse(readFileSync(join(benchDir, "..", "package.json"), "utf8")) as { scripts: { start: string } };
  const words = pkg.scripts.start.split(/\s+/);
  return words.filter((word, i) => word.startsWith("--") && word !== "--import" && words[i - 1] !== "--import");
}

/**
 * Node flags of a server: BENCH_SERVER_FLAGS, when set, for every server alike ("none" = Node's
 * defaults for all); otherwise chat's shipped flags and none for the peers.
 */
function serverFlags(file: string, benchDir: string): string[] {
  const forAll = process.env.BENCH_SERVER_FLAGS?.trim();
  if (forAll) return forAll === "none" ? [] : forAll.split(/\s+/);
  return file === join("servers", SERVER_FILES.chat) ? shippedFlags(benchDir) : [];
}

/**
 * BENCH_CLIENT_NICE=<0..19>: the niceness of the receiving client workers (not the sender), so the
 * server gets the CPU first, as if its clients ran on other machines. Unset: everyone equal.
 */
export function clientNice(): number | undefined {
  const raw = process.env.BENCH_CLIENT_NICE?.trim();
  if (!raw) return undefined;
  const nice = Number(raw);
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new Error(`BENCH_CLIENT_NICE must be an integer 0..19, got ${raw}`);
  return nice;
}

/** A running benchmark server. */
export interface BenchServer {
  readonly system: SystemName;
  readonly port: number;
  readonly rooms: ServerReady["rooms"];
  /** CPU and memory now; after a full GC when `gc`. */
  stats(gc?: boolean): Promise<ServerStats>;
  /** BENCH_TRACE's stage timings since the last call (no stages when the server keeps none). */
  trace(): Promise<ServerTrace>;
}

/** A running client worker. */
export interface BenchWorker {
  command(command: WorkerCommand): void;
  next<T extends WorkerReport["type"]>(type: T, timeoutMs: number): Promise<Extract<WorkerReport, { type: T }>>;
}

/** The children of one scenario. */
export class Processes {
  private readonly children: ChildProcess[] = [];
  /** What asks each child to stop: `exit` for servers, `close` for workers. */
  private readonly stopMessages = new Map<ChildProcess, ServerCommand | WorkerCommand>();

  private spawn(
    file: string,
    env: Record<string, string>,
    stop: ServerCommand | WorkerCommand,
    benchDir = join(__dirname, ".."),
  ): ChildProcess {
    const child = fork(join(benchDir, file), [], {
      // BENCH_CPU_PROF=<dir>: every child (servers and client workers) writes a V8 CPU profile there when it exits
      // BENCH_SERVER_FLAGS="--trace-gc ...": the node flags of every server (see serverFlags); their stdout is shown
      execArgv: [
        "--import",
        "tsx",
        "--expose-gc",
        ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
        // client workers: without Node's global WebSocket (undici) the @colyseus/sdk falls back to
        // the `ws` package, which socket.io-client and the ws peer use too, so every system's
        // clients read with the same WebSocket implementation (undici's costs ~40% more CPU here)
        ...(file.startsWith("servers") ? serverFlags(file, benchDir) : ["--no-experimental-websocket"]),
      ],
      serialization: "advanced",
      env: { ...process.env, ...env },
      stdio: [
        "ignore",
        process.env.BENCH_SERVER_FLAGS?.includes("--trace") && file.startsWith("servers") ? "inherit" : "ignore",
        "inherit",
        "ipc",
      ],
    });
    this.children.push(child);
    this.stopMessages.set(child, stop);
    return child;
  }

  /**
   * Starts `system`'s server on a free loopback port; from another copy of the project's bench/
   * folder when `benchDir` is given (bench/probe.ts: A/B runs of two versions of the code).
   * `env` adds to (or overrides) the server's environment: the shard scenario's Redis and port.
   */
  async server(system: SystemName, benchDir?: string, env: Record<string, string> = {}): Promise<BenchServer> {
    const child = this.spawn(
      join("servers", SERVER_FILES[system]),
      { PORT: "0", NODE_ENV: "production", ...env },
      { cmd: "exit" },
      benchDir,
    );
    const channel = new Channel<ServerReady | ServerStats | ServerTrace | { type: "error"; message: string }>(child, `${system} server`);
    const ready = await channel.next("listening", 60_000);
    return {
      system,
      port: ready.port,
      rooms: ready.rooms,
      async stats(gc = false) {
        child.send({ cmd: "stats", gc } satisfies ServerCommand);
        return channel.next("stats", 30_000);
      },
      async trace() {
        child.send({ cmd: "trace" } satisfies ServerCommand);
        return channel.next("trace", 30_000);
      },
    };
  }

  /** Starts a client worker for `server`, in `room`, connecting as `role`. */
  worker(server: BenchServer, room: string, role: "recv" | "send" | "member" | "talk"): BenchWorker {
    const child = this.spawn(
      join("clients", "worker.ts"),
      { SYSTEM: server.system, PORT: String(server.port), ROOM: room, ROLE: role },
      { cmd: "close" },
    );
    const nice = clientNice();
    if (nice !== undefined && role !== "send" && child.pid !== undefined) setPriority(child.pid, nice);
    const channel = new Channel<WorkerReport>(child, `${server.system} ${role} worker`);
    return {
      command: (command) => child.send(command),
      next: (type, timeoutMs) => channel.next(type, timeoutMs),
    };
  }

  /** Ends every child: asks politely, then kills what is left after 3 s. */
  async stopAll(): Promise<void> {
    const alive = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      alive.map(
        (child) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              child.kill("SIGKILL");
              resolve();
            }, 3000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            if (child.connected) child.send(this.stopMessages.get(child)!);
            else child.kill("SIGTERM");
          }),
      ),
    );
    this.children.length = 0;
    this.stopMessages.clear();
  }
}

/** Fails early, with the fix, when this process may not open `needed` file descriptors. */
export function assertFileLimit(needed: number): void {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const match = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(limits);
  const soft = !match || match[1] === "unlimited" ? Infinity : Number(match[1]);
  if (soft < needed)
    throw new Error(`this benchmark needs ${needed} open files per process but ulimit -n is ${soft}: run \`ulimit -n ${needed}\` first`);
}
