import { Client, type Room } from "@colyseus/sdk";
// the TestServer module alone: the package index also loads @colyseus/tools (dotenv, process handlers)
import { ColyseusTestServer } from "@colyseus/testing/TestServer";
import { createChatServer, type ChatServer, type ChatServerOptions } from "../../src/standalone/server";
import { ENTER_PATH, type EnterRequest, type ErrorBody } from "../../src/protocol";

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

/** Error raised by {@link sdkEnter} with the server's error code. */
export class EnterError extends Error {
  constructor(public readonly code: number, message: string) {
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

/** Resolves when `predicate` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the close code when the SDK room leaves. */
export function leaveCode(room: Room): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The server-side ChatRoom instance for `roomId` on this process. */
export async function localRoom(roomId: string): Promise<import("../../rooms/ChatRoom").ChatRoom> {
  const { matchMaker } = await import("@colyseus/core");
  const room = matchMaker.getLocalRoomById(roomId);
  if (!room) throw new Error(`no local room ${roomId}`);
  return room as unknown as import("../../rooms/ChatRoom").ChatRoom;
}

/**
 * Simulates a network loss for one SDK room: the server terminates the socket (close 1006).
 * With `reconnect` false the SDK does not come back, so the server's window runs out.
 */
export async function dropConnection(room: Room, reconnect: boolean): Promise<void> {
  room.reconnection.minUptime = 0;
  room.reconnection.enabled = reconnect;
  const server = await localRoom(room.roomId);
  const client = server.clients.getById(room.sessionId);
  if (!client) throw new Error(`no server client ${room.sessionId}`);
  (client.ref as unknown as { terminate(): void }).terminate();
}

/** Collects every message of `type` an SDK room receives. */
export function collect<T = unknown>(room: Room, type: string): T[] {
  const received: T[] = [];
  room.onMessage(type, (payload: T) => received.push(payload));
  return received;
}
