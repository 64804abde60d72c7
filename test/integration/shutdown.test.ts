import { spawn } from "node:child_process";
import path from "node:path";
import { CloseCodeOf, ExitReason } from "../../src/core/exitReasons";
import { startServer, sdkEnter, leaveCode } from "../helpers/server";

test("server.shutdown() with members inside closes them with SHUTDOWN (4001) and finishes", async () => {
  const t = await startServer();
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "s1", userId: "alice" });
  const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "s2", userId: "bob" });
  const codes = Promise.all([leaveCode(alice), leaveCode(bob)]);
  const started = Date.now();
  await t.server.shutdown();
  expect(Date.now() - started).toBeLessThan(3000);
  expect(await codes).toEqual([CloseCodeOf[ExitReason.SHUTDOWN], CloseCodeOf[ExitReason.SHUTDOWN]]);
});

test("`npm start` serves /, /__healthcheck and rooms, and exits on SIGTERM within seconds with a member inside", async () => {
  const root = path.resolve(__dirname, "..", "..");
  const child = spawn(process.execPath, ["--import", "tsx", "src/standalone/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", REDIS_URL: "", NODE_OPTIONS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 15000);
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match.at(1)!.replace("localhost", "127.0.0.1"));
        }
      });
    });
    expect(await (await fetch(url + "/__healthcheck")).text()).toBe("OK");
    expect(await (await fetch(url + "/")).text()).toContain("<html");
    const alice = await sdkEnter(url, { mode: "enter", roomId: "main1", userId: "alice" });
    const code = leaveCode(alice);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    const started = Date.now();
    child.kill("SIGTERM");
    expect(await code).toBe(CloseCodeOf[ExitReason.SHUTDOWN]);
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
  } finally {
    child.kill("SIGKILL");
  }
});
