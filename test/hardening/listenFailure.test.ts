/**
 * `PORT=<a busy port> npm start` used to print EADDRINUSE (with a stack) and hang forever:
 * Colyseus' listen() never settles when the port cannot be bound. It must exit non-zero with one
 * clear line.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Holds a TCP port on 127.0.0.1 (where `npm start` listens in open development mode). */
function holdPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

test("npm start on a port in use exits 1 within seconds with one line naming the port and EADDRINUSE, and no stack", async () => {
  const held = await holdPort();
  const port = (held.address() as { port: number }).port;
  const child = spawn(process.execPath, ["--import", "tsx", "src/standalone/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), REDIS_URL: "", CHAT_APP_SECRET: "", NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  let timer: NodeJS.Timeout | undefined;
  try {
    const started = Date.now();
    const code = await new Promise<number | null | "timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), 15_000);
      child.on("exit", (c) => resolve(c));
    });
    expect({ code, output }).toEqual({ code: 1, output: expect.any(String) });
    // "within seconds", under the 15 s the wait allows (it exits in about one; a hang would be 'timeout')
    expect(Date.now() - started).toBeLessThan(10_000);
    const lines = output.split("\n").filter((l) => l.trim() !== "");
    expect(lines).toEqual([expect.stringMatching(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`))]);
  } finally {
    clearTimeout(timer);
    child.kill("SIGKILL");
    held.close();
  }
});
