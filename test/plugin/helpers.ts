/**
 * Helpers for the plugin suites: a studio's own `defineServer` on an ephemeral port, the SDK
 * rooms a test opened (left again in afterAll), refusals as `{ code, message }`, and the chat
 * router's operator API under the prefix the studio mounted it at.
 */
import type { Server } from "@colyseus/core";
import type { Room as SdkRoom } from "@colyseus/sdk";
import type { Chatrooms } from "../../src/index";
import { signedPost, type FormParams, type OperatorCredentials, type OperatorReply } from "../helpers/operator";

/** Where the suites mount `chat.router()` (`app.use("/chat-admin", chat.router())`). */
export const ADMIN_PREFIX = "/chat-admin";

/** Starts `server` on a free port (port 0) and resolves with the port it got. */
export async function listenOnFreePort(server: Server): Promise<number> {
  await server.listen(0);
  const address = server.transport.server?.address();
  if (typeof address !== "object" || address === null) throw new Error("the transport has no TCP address");
  return address.port;
}

/** A studio's server of one test file, listening on a free port. */
export interface PluginServer {
  server: Server;
  port: number;
  httpUrl: string;
  wsUrl: string;
  /** Leaves every tracked SDK room, shuts the server down and closes the chatrooms. */
  stop(): Promise<void>;
}

/** Listens with `server` (built by the test with defineServer) and closes `chats` when stopped. */
export async function servePlugin(server: Server, chats: readonly Chatrooms[]): Promise<PluginServer> {
  const port = await listenOnFreePort(server);
  return {
    server,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    async stop() {
      await leaveTracked();
      await server.gracefullyShutdown(false);
      await Promise.all(chats.map((chat) => chat.close()));
    },
  };
}

const tracked = new Set<SdkRoom>();

/**
 * Remembers an SDK room until it leaves, so {@link leaveTracked} can leave it if a test did not.
 * Room messages the test registers no handler for are ignored (the SDK would warn of each).
 */
export function track<R extends SdkRoom>(room: R): R {
  tracked.add(room);
  room.onMessage("*", () => undefined);
  room.onLeave(() => tracked.delete(room));
  return room;
}

/** Awaits an SDK join and tracks the room it resolves with. */
export async function opened<R extends SdkRoom>(join: Promise<R>): Promise<R> {
  return track(await join);
}

/** Leaves every tracked room still open (consented leaves, so the server sees LEFT). */
export async function leaveTracked(): Promise<void> {
  const rooms = [...tracked];
  tracked.clear();
  await Promise.all(rooms.filter((room) => (room.connection as SdkRoom["connection"] | undefined)?.isOpen).map((room) => room.leave(true)));
}

/** What a rejected call carried. */
export interface Refusal {
  code: number;
  message: string;
  name: string;
}

/** The error `call` rejects with; fails the test when it resolves (and leaves the room it got). */
export async function refusal(call: Promise<unknown>): Promise<Refusal> {
  let value: unknown;
  try {
    value = await call;
  } catch (e) {
    const err = e as Partial<Refusal>;
    return { code: err.code as number, message: String(err.message), name: String(err.name) };
  }
  const room = value as Partial<SdkRoom> | undefined;
  if (room && typeof room.leave === "function") await room.leave(true);
  throw new Error(`expected the call to be refused, it resolved${room?.roomId ? ` (room ${room.roomId})` : ""}`);
}

/** POSTs a form to the chat router's operator API (signed when `creds` are given). */
export function operatorPost(
  httpUrl: string,
  path: string,
  params: FormParams,
  creds?: OperatorCredentials,
  prefix = ADMIN_PREFIX,
): Promise<OperatorReply> {
  return signedPost(httpUrl + prefix, path, params, creds);
}

/** POSTs to the operator API and fails unless it answers code 200. */
export async function operatorOk(
  httpUrl: string,
  path: string,
  params: FormParams,
  creds?: OperatorCredentials,
  prefix = ADMIN_PREFIX,
): Promise<OperatorReply["body"]> {
  const reply = await operatorPost(httpUrl, path, params, creds, prefix);
  if (reply.body?.code !== 200) throw new Error(`${path} answered ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/**
 * Resolves once the SDK room's first state has arrived (the server completed the join). Call it
 * right after the join resolves: the state is one round-trip behind the join.
 */
export function firstState(room: SdkRoom): Promise<void> {
  return new Promise((resolve) => room.onStateChange.once(() => resolve()));
}
