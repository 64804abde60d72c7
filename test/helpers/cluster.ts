import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { Redis } from "ioredis";

const ROOT = path.resolve(__dirname, "..", "..");
// tsx as a loader keeps the server in this one process, so a signal reaches the server itself.
const TSX_LOADER = ["--import", "tsx"];

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** One `npm start` process of the chat server. */
export interface ServerProcess {
  port: number;
  httpUrl: string;
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  /** Sends a signal and resolves when the process has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ServerProcess>();

/** Starts `src/standalone/main.ts` as its own process on a free port, with CHAT_PUBLIC_ADDRESS set to it. */
export async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...TSX_LOADER, "src/standalone/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: "", PORT: String(port), CHAT_PUBLIC_ADDRESS: `127.0.0.1:${port}`, ...env },
  });
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const proc: ServerProcess = {
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    child,
    output: () => log,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      running.delete(proc);
    },
  };
  running.add(proc);
  const deadline = Date.now() + 20_000;
  while (!/listening on/.test(log)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await proc.stop("SIGKILL");
      throw new Error(`server process did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

/**
 * True when each of `procs` has logged, since `marks` (the lengths of their output then), that a
 * reconnect attempt to Redis failed (src/store/redis.ts watchRedisConnection): each has seen the
 * outage and is retrying.
 */
export function sawRedisDown(procs: readonly ServerProcess[], marks: readonly number[]): boolean {
  return procs.every((p, i) => /reconnecting \(logged once until it is back\)/.test(p.output().slice(marks[i])));
}

/**
 * True when Colyseus' process registry in Redis (`roomcount`: each process's room count, written
 * at most once a second) lists `processes` processes and agrees with the room listings
 * (`roomcaches`): the next new room is then placed on the process that really has the fewest.
 */
export async function registryAgrees(admin: Redis, processes: number): Promise<boolean> {
  const [counts, listings] = await Promise.all([admin.hgetall("roomcount"), admin.hvals("roomcaches")]);
  const listed = new Map<string, number>();
  for (const json of listings) {
    const { processId } = JSON.parse(json) as { processId: string };
    listed.set(processId, (listed.get(processId) ?? 0) + 1);
  }
  const registered = Object.entries(counts);
  return (
    registered.length === processes &&
    [...listed.keys()].every((id) => id in counts) &&
    registered.every(([id, value]) => Number(value.split(",")[0]) === (listed.get(id) ?? 0))
  );
}

/** Kills every process a test file started (afterAll safety net). */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}

/** REDIS_URL with its database index replaced (a database of the suite's own on a shared Redis). */
export function redisDbUrl(base: string, db: number): string {
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}

/** A redis-server of a test's own, on an ephemeral port of 127.0.0.1 (never the shared Redis). */
export interface PrivateRedis {
  port: number;
  url: string;
  /** pid of the running redis-server (changes on restart). */
  pid(): number | undefined;
  /** Stops it (SIGKILL by default: nothing is saved on the way out) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port (and, with persistence, the same directory). */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * Starts `redis-server` on a free port: without persistence (`--save "" --appendonly no`: a
 * restart loses everything), or with `appendonly` in a temporary directory (`persistence: true`,
 * fsync on every write: a restart keeps everything). Stopped by its pid, never by name.
 */
export async function startPrivateRedis(options: { persistence: boolean }): Promise<PrivateRedis> {
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(path.join(tmpdir(), "chat-redis-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--protected-mode", "yes"];
  args.push(...(options.persistence ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]));
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<void> = Promise.resolve();
  const start = async (): Promise<void> => {
    const proc = spawn("redis-server", args, { stdio: "ignore" });
    child = proc;
    exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(port, "127.0.0.1", {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 500,
      });
      probe.on("error", () => undefined);
      const ok = await probe
        .connect()
        .then(() => probe.ping())
        .then(
          (r: string) => r === "PONG",
          () => false,
        );
      probe.disconnect();
      if (ok) return;
      if (proc.exitCode !== null || Date.now() > deadline) {
        if (proc.exitCode === null) proc.kill("SIGKILL");
        throw new Error(`redis-server did not start on port ${port}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async (signal: NodeJS.Signals = "SIGKILL"): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: () => child?.pid,
    stop,
    start,
    async dispose() {
      await stop("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private redis-server for the enclosing describe block: started in beforeAll, and in afterAll
 * every `npm start` process is stopped before it is disposed. Returns its getter.
 */
export function usePrivateRedis(options: { persistence: boolean }): () => PrivateRedis {
  let redis: PrivateRedis | undefined;
  beforeAll(async () => {
    redis = await startPrivateRedis(options);
  }, 20_000);
  afterAll(async () => {
    await stopAllProcesses();
    await redis?.dispose();
  });
  return () => {
    if (!redis) throw new Error("the private redis-server has not started");
    return redis;
  };
}

/** The environment of an `npm start` process on `redis`, signing operator calls with `creds`. */
export function clusterEnv(redis: PrivateRedis, creds: { appKey: string; appSecret: string }): Record<string, string> {
  return { REDIS_URL: redis.url, CHAT_APP_KEY: creds.appKey, CHAT_APP_SECRET: creds.appSecret };
}
