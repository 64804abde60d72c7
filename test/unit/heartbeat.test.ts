/**
 * The coalescing transport's heartbeat (src/transport/heartbeat): the interval's slices cover every
 * socket once; over real sockets, each socket is pinged once per interval at times spread over the
 * interval (not all in one turn), and a socket that never answers is terminated after the
 * configured number of unanswered pings while one that answers stays.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { CoalescingTransport } from "../../src/transport/CoalescingTransport";
import { HEARTBEAT_SLICES, sliceBounds, watchPongs, type HeartbeatSocket } from "../../src/transport/heartbeat";

test("the slices of an interval cover every socket exactly once, their sizes differing by at most one", () => {
  for (const count of [0, 1, 7, 29, 30, 31, 500, 2001]) {
    const seen = new Array<number>(count).fill(0);
    const sizes: number[] = [];
    for (let slice = 0; slice < HEARTBEAT_SLICES; slice++) {
      const [start, end] = sliceBounds(count, HEARTBEAT_SLICES, slice);
      sizes.push(end - start);
      for (let i = start; i < end; i++) seen[i] = (seen[i] ?? 0) + 1;
    }
    expect(seen.every((n) => n === 1)).toBe(true);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  }
});

/** The transport with its connection handling left out but the pong watch: the sockets stay open and only the heartbeat acts on them. */
class HeartbeatOnly extends CoalescingTransport {
  protected override async onConnection(rawClient: HeartbeatSocket): Promise<void> {
    // no room, no latency-probe timer
    watchPongs(rawClient);
  }
}

const INTERVAL_MS = 600;
let server: Server;
let transport: HeartbeatOnly;
let url: string;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  server = createServer();
  transport = new HeartbeatOnly({ server, pingInterval: INTERVAL_MS, pingMaxRetries: 2 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  transport.shutdown();
  await new Promise((resolve) => server.once("close", resolve));
});

async function connect(options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const socket = new WebSocket(url, options);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return socket;
}

test("each socket is pinged once per interval, and the sockets' pings are spread over the interval", async () => {
  const count = HEARTBEAT_SLICES;
  const clients = await Promise.all(Array.from({ length: count }, () => connect()));
  // the first ping each socket gets: at most one interval after they all connected
  const firstPings = await Promise.all(
    clients.map((c) => new Promise<number>((resolve) => c.once("ping", () => resolve(performance.now())))),
  );
  // the stock heartbeat pings them all in one timer callback (a spread of ~1 ms); sliced, one slice
  // of the interval apart at least (timers only fire late, so load widens the spread, never narrows it)
  expect(Math.max(...firstPings) - Math.min(...firstPings)).toBeGreaterThanOrEqual(INTERVAL_MS / 3);
  // one ping per socket per interval: over the next two intervals, each socket gets 2 (3 at a boundary)
  const counts = clients.map(() => 0);
  clients.forEach((c, i) => c.on("ping", () => (counts[i] = (counts[i] ?? 0) + 1)));
  await new Promise((resolve) => setTimeout(resolve, 2 * INTERVAL_MS));
  for (const n of counts) {
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(3);
  }
  expect(clients.every((c) => c.readyState === WebSocket.OPEN)).toBe(true);
});

test("a socket that never answers a ping is terminated after the unanswered pings allowed; one that answers stays", async () => {
  const answering = await connect();
  const silent = await connect({ autoPong: false });
  const pings = { silent: 0 };
  silent.on("ping", () => pings.silent++);
  await new Promise<void>((resolve) => silent.once("close", () => resolve()));
  // pingMaxRetries = 2: two pings unanswered, terminated at the third interval
  expect(pings.silent).toBe(2);
  expect(answering.readyState).toBe(WebSocket.OPEN);
});
