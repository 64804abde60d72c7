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

/** Kills every process a test file started (afterAll safety net). */
export async function stopAllProcesses(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}

/** Empties one Redis database, so a cluster test starts with no rooms or state of another run. */
export async function flushRedisDb(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

/** REDIS_URL with its database index replaced: each cluster suite works in a database of its own. */
export function redisDbUrl(base: string, db: number): string {
  const url = new URL(base);
  url.pathname = `/${db}`;
  return url.toString();
}
