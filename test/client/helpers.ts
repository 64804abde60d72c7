import { matchMaker, type Room } from "@colyseus/core";
import { ChatClient, type ChatClientOptions, type ExitReason, type RoomEvent, type RoomState } from "../../src/client";
import type { ChatRoom } from "../../rooms/ChatRoom";
import type { RoomMessage } from "../../src/protocol";
import { waitFor, type TestServer } from "../helpers/server";

/** Everything one ChatClient reported, in order. */
export interface Recorded {
  /** `roomID state/event` strings, e.g. "r1 connecting/activeCreate". */
  states: string[];
  /** `roomID:userId` for each member in each roomMemberJoined. */
  joined: string[];
  /** `roomID:userId:reason` for each member in each roomMemberLeft. */
  left: string[];
  /** `roomID:reason` for each exitRoom. */
  exits: string[];
}

/** A ChatClient for `userId` on the test server, with everything it emits recorded. */
export function chatClient(t: TestServer, userId: string, options: Partial<ChatClientOptions> = {}): { chat: ChatClient; seen: Recorded } {
  const chat = new ChatClient(`ws://127.0.0.1:${t.port}`, { userId, ...options });
  const seen: Recorded = { states: [], joined: [], left: [], exits: [] };
  chat.on("roomStateChanged", (roomID: string, state: RoomState, event: RoomEvent) => seen.states.push(`${roomID} ${state}/${event}`));
  chat.on("roomMemberJoined", (members, roomID) => seen.joined.push(...members.map((m) => `${roomID}:${m.userId}`)));
  chat.on("roomMemberLeft", (members, roomID, reasons) =>
    seen.left.push(...members.map((m) => `${roomID}:${m.userId}:${reasons[m.userId]}`)),
  );
  chat.on("exitRoom", (roomID: string, reason: ExitReason) => seen.exits.push(`${roomID}:${reason}`));
  return { chat, seen };
}

/** Clears what was recorded so far (keeps the arrays, which tests hold on to). */
export function reset(seen: Recorded): void {
  seen.states.length = 0;
  seen.joined.length = 0;
  seen.left.length = 0;
  seen.exits.length = 0;
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<{ code: number; name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; name: string; message: string };
  }
  throw new Error("expected the call to reject");
}

/** userIds the server-side room holds as members (online or not); [] when the room is gone. */
export function serverMembers(roomId: string): string[] {
  const room = matchMaker.getLocalRoomById(roomId) as unknown as { info(): { members: { userId: string }[] } } | undefined;
  return room
    ? room
        .info()
        .members.map((m) => m.userId)
        .sort()
    : [];
}

/** True while a room with this id lives on the test server. */
export function roomExists(roomId: string): boolean {
  // getLocalRoomById is declared to always return a room; it returns undefined for an unknown id
  return (matchMaker.getLocalRoomById(roomId) as Room | undefined) !== undefined;
}

/**
 * Simulates a network loss for `userId` in `roomId`: the server terminates the user's sockets
 * (the client sees close 1006, as on a real network loss).
 */
export function dropConnections(roomId: string, userId: string): void {
  const room = matchMaker.getLocalRoomById(roomId) as Room | undefined;
  if (!room) throw new Error(`no local room ${roomId}`);
  const clients = [...room.clients].filter((c) => (c.userData as { userId?: string } | undefined)?.userId === userId);
  if (clients.length === 0) throw new Error(`no connection of ${userId} in ${roomId}`);
  for (const client of clients) (client.ref as unknown as { terminate(): void }).terminate();
}

/** Every message `chat` delivers for `roomID` from now on, in delivery order (call before entering to see the join history). */
export function receivedMessages(chat: ChatClient, roomID: string): RoomMessage[] {
  const received: RoomMessage[] = [];
  chat.on("roomMessageReceived", (messages, id) => {
    if (id === roomID) received.push(...messages);
  });
  return received;
}

/** The server room's admission counters and last seq (operatorMessageStats). */
export function messageStats(roomId: string): { admitted: number; dropped: number; lastSeq: number } {
  const room = matchMaker.getLocalRoomById(roomId) as unknown as ChatRoom | undefined;
  if (!room) throw new Error(`no local room ${roomId}`);
  const stats = room.operatorMessageStats();
  if (!stats.ok) throw new Error(`operatorMessageStats failed in ${roomId}`);
  return stats.value;
}

/** alice and an observer (bob) in `roomID`, with bob's hearing of alice's join done and both records cleared. */
export async function pair(t: TestServer, roomID: string, aliceOptions: Partial<ChatClientOptions> = {}) {
  const bob = chatClient(t, "bob");
  const alice = chatClient(t, "alice", aliceOptions);
  await bob.chat.enterRoom({ roomID });
  await alice.chat.enterRoom({ roomID });
  await waitFor(() => bob.seen.joined.length === 1, 2000, "bob hears alice");
  reset(alice.seen);
  reset(bob.seen);
  return { alice, bob };
}
