import { Client, type Room } from "@colyseus/sdk";
// the TestServer module alone: the package index also loads @colyseus/tools (dotenv, process handlers)
import { ColyseusTestServer } from "@colyseus/testing/TestServer";
import { createChatServer, type ChatServer, type ChatServerOptions } from "../../src/standalone/server";
import { ENTER_PATH, type EnterRequest, type ErrorBody } from "../../src/protocol";
import type { ChatEventMap, ChatEvents } from "../../src/service/events";

/** A chat server listening on an ephemeral port, for one test file (Colyseus' matchmaker is per process). */
export interface TestServer {
  server: ChatServer;
  port: number;
  httpUrl: string;
  /**
   * @colyseus/testing's view of the server, as a studio's tests use it (`sdk`, `getRoomById`,
   * `connectTo`). Built here rather than by `boot()`, which listens on 2568 whatever port it is given.
   */
  colyseus: ColyseusTestServer;
}

export async function startServer(options: ChatServerOptions = {}): Promise<TestServer> {
  const server = createChatServer({ port: 0, ...options });
  const port = await server.listen();
  // ColyseusTestServer points its SDK and HTTP client at the server's `port` field
  (server.colyseus as unknown as { port: number }).port = port;
  return { server, port, httpUrl: `http://127.0.0.1:${port}`, colyseus: new ColyseusTestServer(server.colyseus) };
}

/** A {@link TestServer} of {@link useServer}, which also leaves the SDK rooms it tracks before it stops. */
export interface UsedServer extends TestServer {
  /** Remembers an SDK room to leave (consented) before the server shuts down; returns it. */
  track<R extends Room>(room: R): R;
}

/** What {@link useServer} does around the shutdown besides leaving the tracked rooms. */
export interface UseServerHooks {
  /** Runs in afterAll before the tracked rooms leave and the server shuts down (e.g. other clients leave). */
  beforeShutdown?: () => unknown;
}

/**
 * One chat server for the enclosing describe block (or file): started with `options` in beforeAll
 * (a function of them is called then, after the hooks declared before: for options that depend on
 * what those set up); in afterAll `hooks.beforeShutdown` runs, the tracked SDK rooms leave and the
 * server shuts down. The handle's fields are readable inside tests and hooks only.
 */
export function useServer(options: ChatServerOptions | (() => ChatServerOptions) = {}, hooks: UseServerHooks = {}): UsedServer {
  let started: TestServer | undefined;
  const tracked = new Set<Room>();
  beforeAll(async () => {
    started = await startServer(typeof options === "function" ? options() : options);
  });
  afterAll(async () => {
    try {
      await hooks.beforeShutdown?.();
    } finally {
      // a room the server already closed (dismissed, kicked) has left: leave() would wait forever
      const open = [...tracked].filter((room) => room.connection.isOpen);
      await Promise.all(open.map((room) => room.leave().catch(() => undefined)));
      tracked.clear();
      await started?.server.shutdown();
    }
  });
  const get = (): TestServer => {
    if (!started) throw new Error("the test server is not started yet (use it inside tests and hooks)");
    return started;
  };
  return {
    get server() {
      return get().server;
    },
    get port() {
      return get().port;
    },
    get httpUrl() {
      return get().httpUrl;
    },
    get colyseus() {
      return get().colyseus;
    },
    track(room) {
      tracked.add(room);
      return room;
    },
  };
}

/** Error raised by {@link sdkEnter} with the server's error code. */
export class EnterError extends Error {
  constructor(
    public readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Posts an enter request; resolves with the seat or throws EnterError with the server's code. */
export async function requestSeat(httpUrl: string, request: Partial<EnterRequest>): Promise<unknown> {
  const res = await fetch(httpUrl + ENTER_PATH, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as { seat?: unknown } & Partial<ErrorBody>;
  if (!res.ok || body.code !== undefined) throw new EnterError(body.code ?? res.status, body.message ?? "enter failed");
  return body.seat;
}

/** Enters a room the way a plain @colyseus/sdk client does (README "Plain @colyseus/sdk clients"). */
export async function sdkEnter(httpUrl: string, request: Partial<EnterRequest>, client = new Client(httpUrl)): Promise<Room> {
  const seat = await requestSeat(httpUrl, request);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const room = await client.consumeSeatReservation(seat as any);
  // The first state arrives once the server has completed the join (only then can a drop be held).
  await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
  return room;
}

export { untilElapsed, waitFor, within } from "./wait";

/**
 * The first `event` of `chat.events` whose payload satisfies `matches`, as a promise; rejects after
 * `timeoutMs`. Call it before the action that causes the event.
 */
export function nextEvent<K extends keyof ChatEventMap>(
  events: ChatEvents,
  event: K,
  matches: (payload: ChatEventMap[K][0]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<ChatEventMap[K][0]> {
  return new Promise((resolve, reject) => {
    const listener = (payload: ChatEventMap[K][0]) => {
      if (!matches(payload)) return;
      done();
      resolve(payload);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for chat event ${event}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      (events.off as (name: K, fn: typeof listener) => void)(event, listener);
    };
    (events.on as (name: K, fn: typeof listener) => void)(event, listener);
  });
}

/** What {@link busNotices} waits for. */
export interface BusNotices {
  /** Resolves once the notices were delivered to every subscriber and the turn that did so is over. */
  readonly applied: Promise<void>;
}

/**
 * Waits for the next `count` notices on bus `topic` of an in-memory store (subscribe first, then
 * act, then await `applied`). The memory bus hands a notice to every subscriber in one turn and the
 * rooms refresh from the memory store with promises only, so once that turn is over the rooms have
 * applied the change: a barrier for "the rooms know" instead of a guessed sleep.
 */
export async function busNotices(server: ChatServer, topic: string, count = 1, timeoutMs = 3000): Promise<BusNotices> {
  let seen = 0;
  let delivered!: () => void;
  const all = new Promise<void>((resolve) => (delivered = resolve));
  const unsubscribe = await server.ctx.store.bus.subscribe(topic, () => {
    if (++seen === count) delivered();
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} notice(s) on ${topic}`)), timeoutMs);
  });
  const applied = Promise.race([all, timeout])
    .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
    .finally(() => {
      clearTimeout(timer);
      return unsubscribe();
    });
  return { applied };
}

/**
 * How long a room's rule timers (destroy policy, offline kick-out) wait at most before checking
 * again (ChatRoom's MAX_TIMER_MS): a check that is due runs within this long.
 */
export const ROOM_RECHECK_MS = 1000;

/**
 * Resolves once `ms` of wall-clock time have passed and the clock of local room `roomId` has run
 * every timer due within `ms` from now (a timer of its own, set after them, fires after them; the
 * room clock ticks every 16 ms and may fire a tick early, hence the wall-clock half): after
 * `roomRechecked(id)` the room has checked its destroy and kick-out rules against the current time
 * at least once. A barrier for "nothing happened" assertions, instead of a guessed sleep.
 */
export async function roomRechecked(roomId: string, ms = ROOM_RECHECK_MS): Promise<void> {
  const room = await localRoom(roomId);
  await Promise.all([
    new Promise<void>((resolve) => room.clock.setTimeout(() => resolve(), ms + 1)),
    new Promise<void>((resolve) => setTimeout(resolve, ms + 1)),
  ]);
}

/** Resolves with the close code when the SDK room leaves. */
export function leaveCode(room: Room): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server-side ChatRoom instance for `roomId` on this process. */
export async function localRoom(roomId: string): Promise<import("../../rooms/ChatRoom").ChatRoom> {
  const { matchMaker } = await import("@colyseus/core");
  const room = matchMaker.getLocalRoomById(roomId) as unknown as import("../../rooms/ChatRoom").ChatRoom | undefined;
  if (!room) throw new Error(`no local room ${roomId}`);
  return room;
}

/**
 * Simulates a network loss for one SDK room: the server terminates the socket (close 1006).
 * With `reconnect` false the SDK does not come back, so the server's window runs out.
 */
export async function dropConnection(room: Room, reconnect: boolean): Promise<void> {
  room.reconnection.minUptime = 0;
  room.reconnection.enabled = reconnect;
  const server = await localRoom(room.roomId);
  const client = server.clients.get(room.sessionId);
  if (!client) throw new Error(`no server client ${room.sessionId}`);
  (client.ref as unknown as { terminate(): void }).terminate();
}

/** Collects every message of `type` an SDK room receives. */
export function collect<T = unknown>(room: Room, type: string): T[] {
  const received: T[] = [];
  room.onMessage(type, (payload: T) => received.push(payload));
  return received;
}
