/**
 * Membership as members see it, through @colyseus/testing as a studio's own tests would: the SDK's
 * joinOrCreate on the `chatroom` type, the server-side room from `getRoomById`, patches awaited.
 * "Nothing was sent" is proved with a sentinel: member events go out in order, so once a later
 * event has arrived, an earlier one would have too.
 */
import type { Room } from "@colyseus/sdk";
import type { ChatRoom } from "../../rooms/ChatRoom";
import { ServerMessage, type MembersChangedPayload } from "../../src/protocol";
import { collect, dropConnection, useServer, waitFor } from "../helpers/server";

const t = useServer({ reconnectWindowS: 5 });

function names(events: MembersChangedPayload[]): string[] {
  return events.flatMap((e) => e.members.map((m) => m.userId));
}

/**
 * Joins `roomId` as `userId` with the SDK's own call; resolves once the first state is in.
 * `listen` registers handlers as soon as the room exists, before any member event can arrive.
 */
async function join(roomId: string, userId: string, listen?: (room: Room) => void): Promise<Room> {
  const room = await t.colyseus.sdk.joinOrCreate("chatroom", { roomId, userId });
  listen?.(room);
  room.onMessage("*", () => undefined);
  if (!room.state?.roomId) await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
  return room;
}

function serverRoom(roomId: string): ChatRoom {
  return t.colyseus.getRoomById(roomId) as unknown as ChatRoom;
}

/** An observer that has heard its own join, with what it hears from then on. */
async function observe(roomId: string): Promise<{ room: Room; joined: MembersChangedPayload[]; left: MembersChangedPayload[] }> {
  let joined: MembersChangedPayload[] = [];
  let left: MembersChangedPayload[] = [];
  const room = await join(roomId, "obs", (r) => {
    joined = collect<MembersChangedPayload>(r, ServerMessage.MEMBERS_JOINED);
    left = collect<MembersChangedPayload>(r, ServerMessage.MEMBERS_LEFT);
  });
  await waitFor(() => names(joined).includes("obs"), 2000, "the observer's own join");
  joined.length = 0;
  return { room, joined, left };
}

/** A member joins and leaves; resolves once the observer heard it leave (every earlier event is in by then). */
async function sentinel(roomId: string, left: MembersChangedPayload[]): Promise<void> {
  const room = await join(roomId, "sentinel");
  await room.leave();
  await waitFor(() => names(left).includes("sentinel"), 2000, "the sentinel's leave");
}

test("two connections of one user are one member; joined/left fire for the first in and the last out", async () => {
  const { room: observer, joined, left } = await observe("md");
  const phone = await join("md", "alice");
  const laptop = await join("md", "alice");
  const room = serverRoom("md");
  await waitFor(() => names(joined).includes("alice"), 2000, "alice's join");
  expect(room.info().memberCount).toBe(2);
  expect(room.info().members.find((m) => m.userId === "alice")).toMatchObject({ devices: 2, online: true });

  await phone.leave();
  await waitFor(() => room.state.members.get("alice")?.devices === 1, 2000, "one device left");
  await sentinel("md", left);
  expect(names(left)).toEqual(["sentinel"]);

  await laptop.leave();
  await waitFor(() => names(left).includes("alice"), 2000, "alice's leave");
  expect(left.find((e) => e.members.some((m) => m.userId === "alice"))?.reasons).toEqual({ alice: 0 });
  expect(names(joined).filter((id) => id === "alice")).toEqual(["alice"]);
  await observer.leave();
});

test("several joins within one patch interval reach members as one list", async () => {
  const { room: observer, joined } = await observe("batch");
  const rooms = await Promise.all(["b1", "b2", "b3", "b4"].map((userId) => join("batch", userId)));
  await waitFor(() => names(joined).length === 4, 2000, "four joins");
  expect(joined.length).toBeLessThan(4);
  expect(new Set(names(joined))).toEqual(new Set(["b1", "b2", "b3", "b4"]));
  await Promise.all([...rooms, observer].map((r) => r.leave()));
});

test("the schema state carries id, name, createdAt, count and members to a plain SDK client", async () => {
  const before = Date.now();
  const room = await t.colyseus.sdk.create("chatroom", { roomId: "st", roomName: "State room", userId: "alice", userName: "Alice" });
  room.onMessage("*", () => undefined);
  await waitFor(() => room.state?.members?.size === 1, 2000, "state");
  const state = room.state as {
    roomId: string;
    roomName: string;
    createdAt: number;
    memberCount: number;
    members: Map<string, { userName: string; online: boolean; devices: number }>;
  };
  expect(state).toMatchObject({ roomId: "st", roomName: "State room", memberCount: 1 });
  expect(state.createdAt).toBeGreaterThanOrEqual(before - 5);
  expect(state.createdAt).toBeLessThanOrEqual(Date.now());
  expect(state.members.get("alice")).toMatchObject({ userName: "Alice", online: true, devices: 1 });
  await room.leave();
});

test("a drop and a reconnect inside the window restore the member with no events to others", async () => {
  const { room: observer, joined, left } = await observe("rc");
  const alice = await join("rc", "alice");
  await waitFor(() => names(joined).includes("alice"), 2000, "alice's join");
  joined.length = 0;
  const server = serverRoom("rc");
  let reconnected = false;
  alice.onReconnect(() => (reconnected = true));

  await dropConnection(alice, true);
  await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
  expect(server.info().memberCount).toBe(2);
  await waitFor(() => reconnected, 5000, "SDK reconnect");
  await waitFor(() => server.state.members.get("alice")?.online === true, 3000, "alice online again");
  await sentinel("rc", left);
  expect(names(joined)).toEqual(["sentinel"]);
  expect(names(left)).toEqual(["sentinel"]);
  await Promise.all([alice.leave(), observer.leave()]);
});
