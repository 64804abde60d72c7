/**
 * One client connection per system, each through that system's own client library: the
 * @colyseus/sdk (chat, plain Colyseus), socket.io-client, and `ws`. A connection reports the
 * message contents it receives and, in member rooms, how many members it sees.
 */
import { Client as SdkClient, type Room } from "@colyseus/sdk";
import { io } from "socket.io-client";
import WebSocket from "ws";
import type { RoomMessage } from "../../src/protocol";
import type { SystemName } from "../lib/protocol";
import type { MembersDelta, MembersSnapshot } from "../servers/membersPeer";

/** Where a driver connects. */
export interface Target {
  port: number;
  /** The room of this scenario (chat: its id; plain Colyseus: the prepared room id). */
  roomId: string;
}

/** What a connection reports. */
export interface ConnectionEvents {
  /** Message contents, in arrival order. */
  onContents(contents: string[]): void;
  /** Members this connection knows of: the exact count and how many it holds in its list. */
  onMembers(count: number, listed: number): void;
}

/** One open connection. */
export interface Connection {
  /** Sends one message with this content; resolves when the server accepted it (chat) or at once. */
  send(content: string, seq: number): Promise<void>;
  close(): Promise<void>;
}

/** How a connection enters: `recv` listens to the broadcast, `send` only sends, `member` joins a member room, `talk` listens and sends. */
export type Role = "recv" | "send" | "member" | "talk";

/** Opens one connection of `system`. */
export type Driver = (target: Target, name: string, role: Role, events: ConnectionEvents) => Promise<Connection>;

/** The message envelope the peers relay; the same shape and size as a chat RoomMessage. */
function envelope(content: string, seq: number, sender: string): RoomMessage {
  return { messageID: "m" + seq.toString(36).padStart(20, "0"), seq, timestamp: Date.now(), senderUserID: sender, type: "text", content };
}

interface MembersView {
  memberCount?: number;
  members?: { size: number };
}

const sdkClients = new Map<number, SdkClient>();
const sdkOf = (port: number): SdkClient => {
  let client = sdkClients.get(port);
  if (!client) sdkClients.set(port, (client = new SdkClient(`http://127.0.0.1:${port}`)));
  return client;
};

function watchSdkRoom(room: Room, events: ConnectionEvents): void {
  room.reconnection.enabled = false;
  room.onMessage("*", () => undefined);
  room.onStateChange((state: MembersView | undefined) => {
    const listed = state?.members?.size ?? 0;
    events.onMembers(state?.memberCount ?? listed, listed);
  });
}

const chat: Driver = async ({ port, roomId }, name, role, events) => {
  const res = await fetch(`http://127.0.0.1:${port}/chat/enter`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: "enter", roomId, roomName: roomId, userId: name }),
  });
  const body = (await res.json()) as { seat?: unknown; code?: number; message?: string };
  if (!body.seat) throw new Error(`enter refused: ${body.code} ${body.message}`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const room = await sdkOf(port).consumeSeatReservation(body.seat as any);
  room.onMessage("roomMessages", (messages: RoomMessage[]) => {
    if (role !== "send") events.onContents(messages.map((m) => m.content));
  });
  watchSdkRoom(room, events);
  return {
    async send(content) {
      await room.request("sendMessage", { type: "text", content });
    },
    async close() {
      await room.leave(true).catch(() => undefined);
    },
  };
};

const colyseus: Driver = async ({ port, roomId }, name, role, events) => {
  const room = await sdkOf(port).joinById(roomId, { name });
  room.onMessage("msg", (message: RoomMessage) => events.onContents([message.content]));
  watchSdkRoom(room, events);
  return {
    async send(content, seq) {
      room.send("msg", envelope(content, seq, name));
    },
    async close() {
      await room.leave(true).catch(() => undefined);
    },
  };
};

/** Applies a peer's member snapshot or delta to a member set. */
function applyMembers(names: Set<string>, update: MembersSnapshot | MembersDelta): void {
  if (update.kind === "members") {
    for (const n of update.names) names.add(n);
  } else {
    for (const n of update.joined) names.add(n);
    for (const n of update.left) names.delete(n);
  }
}

const socketio: Driver = async ({ port, roomId }, name, role, events) => {
  const socket = io(`http://127.0.0.1:${port}`, { transports: ["websocket"], reconnection: false, forceNew: true, timeout: 60_000 });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  const names = new Set<string>();
  socket.on("msg", (message: RoomMessage) => events.onContents([message.content]));
  socket.on("members", (update: MembersSnapshot | MembersDelta) => {
    applyMembers(names, update);
    events.onMembers(names.size, names.size);
  });
  if (role !== "send")
    await new Promise<void>((resolve) => socket.emit("join", role === "member" ? name : undefined, roomId, () => resolve()));
  return {
    async send(content, seq) {
      socket.emit("msg", envelope(content, seq, name), roomId);
    },
    async close() {
      socket.disconnect();
    },
  };
};

const ws: Driver = async ({ port, roomId }, name, role, events) => {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?role=${role}&name=${encodeURIComponent(name)}&room=${encodeURIComponent(roomId)}`, {
    perMessageDeflate: false,
  });
  const names = new Set<string>();
  socket.on("message", (data: Buffer) => {
    const parsed = JSON.parse(data.toString()) as RoomMessage | MembersSnapshot | MembersDelta;
    if ("content" in parsed) {
      events.onContents([parsed.content]);
    } else {
      applyMembers(names, parsed);
      events.onMembers(names.size, names.size);
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    async send(content, seq) {
      socket.send(JSON.stringify(envelope(content, seq, name)));
    },
    async close() {
      socket.close();
    },
  };
};

/** The driver of each system. */
export const DRIVERS: Readonly<Record<SystemName, Driver>> = { chat, colyseus, "socket.io": socketio, ws };
