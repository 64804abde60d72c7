/**
 * The package as a studio gets it: `npm pack` (prepack builds dist/), the tarball installed into a
 * fresh project next to the studio's own @colyseus/core, schema, sdk, ws-transport and express,
 * then plain Node 24 (no TypeScript loader) and a bundler use it:
 * - both entries load with require() and with import;
 * - exactly one @colyseus/core (a second copy would mean two matchmakers);
 * - `colyseus-chatrooms/client` loads no server code, in Node and in an esbuild browser bundle;
 * - the studio scenario: its own room type and a ChatRoom subclass on one defineServer, the chat
 *   router on its Express app, an SDK client in both rooms, a hook's refusal reaching the sender.
 *
 * Optional peers (@colyseus/redis-driver, @colyseus/redis-presence) are deliberately NOT installed:
 * a studio without Redis must not need them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";

const REPO = path.resolve(__dirname, "..", "..");
const PACKAGE = "colyseus-chatrooms";
/** The studio's own copies, at the versions this repository is tested with. */
const STUDIO_PACKAGES = ["@colyseus/core", "@colyseus/schema", "@colyseus/sdk", "@colyseus/ws-transport", "express"] as const;

const SETUP_TIMEOUT_MS = 180_000;
const SCRIPT_TIMEOUT_MS = 45_000;

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Children still running, killed (by their process group id) in afterAll if a test gave up on them. */
const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL"); // detached: the child leads its own group (npm's children too)
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/**
 * jest's environment without what would change how the children behave: NODE_OPTIONS (jest's
 * --experimental-vm-modules), and the per-invocation variables of the `npm`/`npx` that started
 * jest (npm_config_local_prefix would point npm in the temporary project back at this repository).
 * Node 24 (jest's own binary) comes first on PATH, for npm and its scripts.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const dropped = (key: string) =>
    key === "NODE_OPTIONS" || key === "INIT_CWD" || /^npm_(package_|lifecycle_|command$|config_local_prefix$)/i.test(key);
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !dropped(key)));
  env.PATH = [path.dirname(process.execPath), env.PATH ?? ""].join(path.delimiter);
  return env;
}

/** Runs a command to its end or for at most `timeoutMs` (then kills its process group). */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    running.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${command} ${args.join(" ")} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      running.delete(child);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Like {@link run}, but a non-zero exit is an error showing the output. */
async function runOk(command: string, args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  const result = await run(command, args, cwd, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
  return result;
}

/** Runs a script of the studio project with plain Node 24: no loader, no NODE_OPTIONS. */
function node(script: string): Promise<RunResult> {
  return run(process.execPath, [script], studio, SCRIPT_TIMEOUT_MS);
}

/** The last stdout line starting with `prefix`, parsed as JSON after it. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape the script printed
function reported<T>(result: RunResult, prefix: string): T {
  const line = result.stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(prefix));
  if (line === undefined)
    throw new Error(`no "${prefix}" line (exit ${result.code ?? result.signal})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return JSON.parse(line.slice(prefix.length)) as T;
}

/** Expects a script to have exited 0; else fails showing its output. */
function expectExit0(result: RunResult): void {
  if (result.code !== 0) throw new Error(`exit ${result.code ?? result.signal}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
}

function installedVersion(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPO, "node_modules", name, "package.json"), "utf8")) as { version: string };
  return manifest.version;
}

// --- the studio's scripts -----------------------------------------------------------------------

/** Which @colyseus/core each side resolves: the studio's and the one the package's own files get. */
const RESOLVE_CJS = `
const { createRequire } = require("node:module");
const path = require("node:path");
const pkgDir = path.dirname(require.resolve("${PACKAGE}/package.json"));
const fromPackage = createRequire(path.join(pkgDir, "dist", "src", "index.js"));
const fromRooms = createRequire(path.join(pkgDir, "dist", "rooms", "ChatRoom.js"));
console.log("RESOLVE " + JSON.stringify({
  studio: require.resolve("@colyseus/core"),
  package: fromPackage.resolve("@colyseus/core"),
  rooms: fromRooms.resolve("@colyseus/core"),
  schemaStudio: require.resolve("@colyseus/schema"),
  schemaPackage: fromPackage.resolve("@colyseus/schema"),
}));
`;

/** Every module file the client entry loads (require and import alike, through Node 24's sync hooks). */
const CLIENT_ONLY_CJS = `
const { registerHooks } = require("node:module");
const loaded = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    loaded.add(result.url);
    return result;
  },
});
const client = require("${PACKAGE}/client");
console.log("CLIENT " + JSON.stringify({ exports: Object.keys(client).sort(), loaded: [...loaded] }));
`;

/** What constructing the coalescing transport warns: nothing when the installed Colyseus is the verified one. */
const TRANSPORT_WARNINGS = `
function transportWarnings(construct) {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.join(" "));
  try { construct(); } finally { console.warn = warn; }
  return warnings;
}
`;

const CJS =
  TRANSPORT_WARNINGS +
  `
const server = require("${PACKAGE}");
const client = require("${PACKAGE}/client");
console.log("CJS " + JSON.stringify({
  createChatrooms: typeof server.createChatrooms,
  ChatRoom: typeof server.ChatRoom,
  ChatError: typeof server.ChatError,
  ExitReason: typeof server.ExitReason,
  createChatServer: typeof server.createChatServer,
  ChatClient: typeof client.ChatClient,
  coalescingWarnings: transportWarnings(() => new server.CoalescingTransport()),
}));
`;

const ESM =
  `
import { createChatrooms, ChatRoom, ChatError, ExitReason, createChatServer, CoalescingTransport } from "${PACKAGE}";
import { ChatClient } from "${PACKAGE}/client";
console.log("ESM " + JSON.stringify({
  createChatrooms: typeof createChatrooms,
  ChatRoom: typeof ChatRoom,
  ChatError: typeof ChatError,
  ExitReason: typeof ExitReason,
  createChatServer: typeof createChatServer,
  ChatClient: typeof ChatClient,
  coalescingWarnings: transportWarnings(() => new CoalescingTransport()),
}));
` + TRANSPORT_WARNINGS;

/** The studio scenario: its own room and a chat type on one server, a plain SDK client in both. */
const SMOKE = `
import { defineServer, defineRoom, Room } from "@colyseus/core";
import { createChatrooms, ChatRoom, ChatError } from "${PACKAGE}";
import { Client } from "@colyseus/sdk";

setTimeout(() => { console.error("smoke: still running after 30 s"); process.exit(2); }, 30_000).unref();
const bounded = (what, promise, ms = 10_000) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + ": nothing within " + ms + " ms")), ms).unref())]);

class BattleRoom extends Room {
  onCreate() {
    this.onMessage("move", (client, payload) => client.send("moved", payload));
  }
}

class GameChat extends ChatRoom {
  onBeforeMessage(member, message) {
    if (/cheat/.test(message.content)) throw new ChatError(30001, "no cheating talk");
    return message;
  }
}

const chat = createChatrooms({});
const server = defineServer({
  rooms: { battle: defineRoom(BattleRoom), chat: chat.defineRoom(GameChat) },
  express: (app) => { app.use("/chat-admin", chat.router()); },
  greet: false,
});

await bounded("listen", server.listen(0));
const address = server.transport.server?.address();
const port = typeof address === "object" && address ? address.port : undefined;
if (!port) throw new Error("no bound port: " + JSON.stringify(address));

const client = new Client("http://127.0.0.1:" + port);

const battle = await bounded("join battle", client.joinOrCreate("battle"));
const moved = new Promise((resolve) => battle.onMessage("moved", resolve));
battle.send("move", { x: 1, y: 2 });
const echo = await bounded("moved", moved);

const room = await bounded("join chat", client.joinOrCreate("chat", { roomId: "lobby", userId: "u1", userName: "Ann" }));
room.onMessage("*", () => {});
const reply = await bounded("sendMessage hello", room.request("sendMessage", { type: "text", content: "hello" }));
let refusal;
try {
  await bounded("sendMessage cheat", room.request("sendMessage", { type: "text", content: "cheat" }));
  refusal = { resolved: true };
} catch (e) {
  refusal = { name: e?.name, message: e?.message, reason: e?.reason };
}

await bounded("leave battle", battle.leave());
await bounded("leave chat", room.leave());
await bounded("shutdown", server.gracefullyShutdown(false));
await bounded("chat.close", chat.close());
console.log("SMOKE OK " + JSON.stringify({ port, echo, seq: reply?.seq, content: reply?.content, refusal }));
`;

// ------------------------------------------------------------------------------------------------

let tmp: string;
let studio: string;
let pkgDir: string;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24)
    throw new Error(
      `run this test with Node 24 (npx jest / npm scripts use node_modules/.bin/node); this is Node ${process.versions.node}`,
    );

  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "chatrooms-pack-"));
  const packDir = path.join(tmp, "pack");
  studio = path.join(tmp, "studio");
  fs.mkdirSync(packDir);
  fs.mkdirSync(studio);

  // npm pack runs prepack (npm run build), so the tarball always has fresh JS
  timings.pack = (await runOk("npm", ["pack", "--pack-destination", packDir], REPO, 120_000)).ms;
  const tarballs = fs.readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
  expect(tarballs).toHaveLength(1);

  fs.writeFileSync(
    path.join(studio, "package.json"),
    JSON.stringify({ name: "studio-smoke", version: "1.0.0", private: true }, null, 2) + "\n",
  );
  const specs = STUDIO_PACKAGES.map((name) => `${name}@${installedVersion(name)}`);
  const install = [
    "install",
    "--prefer-offline",
    "--no-audit",
    "--no-fund",
    "--ignore-scripts",
    path.join(packDir, tarballs[0]!),
    ...specs,
  ];
  timings.install = (await runOk("npm", install, studio, 150_000)).ms;
  pkgDir = path.join(studio, "node_modules", PACKAGE);

  fs.writeFileSync(path.join(studio, "resolve.cjs"), RESOLVE_CJS);
  fs.writeFileSync(path.join(studio, "client-only.cjs"), CLIENT_ONLY_CJS);
  fs.writeFileSync(path.join(studio, "cjs.cjs"), CJS);
  fs.writeFileSync(path.join(studio, "esm.mjs"), ESM);
  fs.writeFileSync(path.join(studio, "smoke.mjs"), SMOKE);
  fs.writeFileSync(path.join(studio, "client-entry.mjs"), `export * from "${PACKAGE}/client";\n`);
}, SETUP_TIMEOUT_MS);

afterAll(() => {
  for (const child of running) killGroup(child);
  running.clear();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`pack test timings (ms): ${JSON.stringify(timings)}`);
});

test("the tarball holds the built JavaScript and declarations of both entries, not the TypeScript sources", () => {
  for (const file of [
    "dist/src/index.js",
    "dist/src/index.d.ts",
    "dist/src/client/index.js",
    "dist/src/client/index.d.ts",
    "dist/rooms/ChatRoom.js",
    "README.md",
  ]) {
    expect({ file, exists: fs.existsSync(path.join(pkgDir, file)) }).toEqual({ file, exists: true });
  }
  for (const dir of ["src", "rooms", "test", "client-demo", "bench"]) {
    expect({ dir, exists: fs.existsSync(path.join(pkgDir, dir)) }).toEqual({ dir, exists: false });
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  expect(Object.keys(manifest.dependencies ?? {})).not.toEqual(expect.arrayContaining(["@colyseus/core"]));
  expect(manifest.peerDependencies).toMatchObject({ "@colyseus/core": expect.any(String), "@colyseus/schema": expect.any(String) });
});

test("exactly one @colyseus/core: the package uses the studio's copy", async () => {
  expect(fs.existsSync(path.join(pkgDir, "node_modules", "@colyseus", "core"))).toBe(false);
  expect(fs.existsSync(path.join(pkgDir, "node_modules", "@colyseus", "schema"))).toBe(false);
  const result = await node("resolve.cjs");
  expectExit0(result);
  const r = reported<{ studio: string; package: string; rooms: string; schemaStudio: string; schemaPackage: string }>(result, "RESOLVE ");
  expect(r.package).toBe(r.studio);
  expect(r.rooms).toBe(r.studio);
  expect(r.schemaPackage).toBe(r.schemaStudio);
  expect(r.studio.startsWith(path.join(studio, "node_modules", "@colyseus", "core") + path.sep)).toBe(true);
}, 60_000);

test("plain Node: colyseus-chatrooms/client loads no server code", async () => {
  const result = await node("client-only.cjs");
  expectExit0(result);
  const r = reported<{ exports: string[]; loaded: string[] }>(result, "CLIENT ");
  expect(r.exports).toEqual(expect.arrayContaining(["ChatClient", "ChatClientError", "ErrorCode", "ExitReason"]));
  expect(r.loaded.some((url) => url.includes("/dist/src/client/index.js"))).toBe(true);
  const server = r.loaded.filter((url) =>
    /@colyseus\/core|\/dist\/rooms\/|\/express\/|\/ioredis\/|\/dist\/src\/(plugin|service|store|http|standalone|transport)\//.test(url),
  );
  expect(server).toEqual([]);
}, 60_000);

/** What both entries export, as `typeof` of each name (the scripts print it). */
const ENTRY_EXPORTS = {
  createChatrooms: "function",
  ChatRoom: "function",
  ChatError: "function",
  ExitReason: "object",
  createChatServer: "function",
  ChatClient: "function",
  // the installed (latest 0.18) Colyseus is the one the transport's copied code was verified with
  coalescingWarnings: [],
};

test.each([
  ["CommonJS: require() of both entries", "cjs.cjs", "CJS "],
  ["ESM: import of both entries (named exports)", "esm.mjs", "ESM "],
])(
  "plain Node, %s",
  async (_what, script, prefix) => {
    const result = await node(script);
    expectExit0(result);
    expect(reported(result, prefix)).toEqual(ENTRY_EXPORTS);
  },
  60_000,
);

test("the studio scenario: its own room and a ChatRoom subclass on one server, an SDK client in both", async () => {
  const result = await node("smoke.mjs");
  timings.smoke = result.ms;
  expectExit0(result);
  const r = reported<{
    port: number;
    echo: unknown;
    seq: unknown;
    content: unknown;
    refusal: { name?: string; reason?: { code?: unknown; message?: unknown } };
  }>(result, "SMOKE OK ");
  expect(r.port).toBeGreaterThan(0);
  expect(r.echo).toEqual({ x: 1, y: 2 });
  expect(r.seq).toBe(1);
  expect(r.content).toBe("hello");
  expect(r.refusal.reason).toEqual({ code: 30001, message: "no cheating talk" });
}, 60_000);

test("a bundler: esbuild's browser bundle of colyseus-chatrooms/client holds no server code", async () => {
  const started = Date.now();
  const result = await build({
    entryPoints: ["client-entry.mjs"],
    absWorkingDir: studio,
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  timings.bundle = Date.now() - started;
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.some((p) => p.endsWith(`${PACKAGE}/dist/src/client/index.js`))).toBe(true);
  expect(inputs.filter((p) => /@colyseus\/core|\/rooms\/|express|ioredis/.test(p))).toEqual([]);
}, 60_000);
