import { Client } from "@colyseus/sdk";
import { ServerMessage, type MembersChangedPayload } from "../../src/protocol";
import { startServer, sdkEnter, waitFor, sleep, localRoom, dropConnection, collect, type TestServer } from "../helpers/server";

let t: TestServer;
beforeAll(async () => {
  t = await startServer({ reconnectWindowS: 5 });
});
afterAll(async () => {
  await t.server.shutdown();
});

function names(events: MembersChangedPayload[]): string[] {
  return events.flatMap((e) => e.members.map((m) => m.userId));
}

test("two connections of one user are one member; joined/left fire for the first in and the last out", async () => {
  const observer = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "md", userId: "obs" });
  const joined = collect<MembersChangedPayload>(observer, ServerMessage.MEMBERS_JOINED);
  await sleep(150); // every member hears every join, its own too: let the observer's own pass
  joined.length = 0;
  const left = collect<MembersChangedPayload>(observer, ServerMessage.MEMBERS_LEFT);
  const phone = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "md", userId: "alice" });
  const laptop = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "md", userId: "alice" });
  const room = await localRoom("md");
  await waitFor(() => names(joined).length === 1, 2000, "alice's join");
  expect(room.info().memberCount).toBe(2);
  expect(room.info().members.find((m) => m.userId === "alice")).toMatchObject({ devices: 2, online: true });

  await phone.leave();
  await sleep(150);
  expect(names(left)).toEqual([]);
  expect(room.state.members.get("alice")?.devices).toBe(1);

  await laptop.leave();
  await waitFor(() => names(left).length === 1, 2000, "alice's leave");
  expect(left[0].reasons).toEqual({ alice: 0 });
  expect(names(joined)).toEqual(["alice"]);
  await observer.leave();
});

test("several joins within one patch interval reach members as one list", async () => {
  const observer = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "batch", userId: "obs" });
  const joined = collect<MembersChangedPayload>(observer, ServerMessage.MEMBERS_JOINED);
  await sleep(100); // the observer's own join event is flushed first
  joined.length = 0;
  const client = new Client(t.httpUrl);
  const rooms = await Promise.all(["b1", "b2", "b3", "b4"].map((userId) => sdkEnter(t.httpUrl, { mode: "join", roomId: "batch", userId }, client)));
  await waitFor(() => names(joined).length === 4, 2000, "four joins");
  expect(joined.length).toBeLessThan(4);
  expect(new Set(names(joined))).toEqual(new Set(["b1", "b2", "b3", "b4"]));
  await Promise.all([...rooms, observer].map((r) => r.leave()));
});

test("the schema state carries id, name, createdAt, count and members to a plain SDK client", async () => {
  const before = Date.now();
  const room = await sdkEnter(t.httpUrl, { mode: "create", roomId: "st", roomName: "State room", userId: "alice", userName: "Alice" });
  await waitFor(() => room.state?.members?.size === 1, 2000, "state");
  const state = room.state as { roomId: string; roomName: string; createdAt: number; memberCount: number; members: Map<string, { userName: string; online: boolean; devices: number }> };
  expect(state).toMatchObject({ roomId: "st", roomName: "State room", memberCount: 1 });
  expect(state.createdAt).toBeGreaterThanOrEqual(before - 5);
  expect(state.members.get("alice")).toMatchObject({ userName: "Alice", online: true, devices: 1 });
  await room.leave();
});

test("a drop and a reconnect inside the window restore the member with no events to others", async () => {
  const observer = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rc", userId: "obs" });
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rc", userId: "alice" });
  await sleep(100);
  const joined = collect<MembersChangedPayload>(observer, ServerMessage.MEMBERS_JOINED);
  const left = collect<MembersChangedPayload>(observer, ServerMessage.MEMBERS_LEFT);
  const server = await localRoom("rc");
  let reconnected = false;
  alice.onReconnect(() => (reconnected = true));

  await dropConnection(alice, true);
  await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
  expect(server.info().memberCount).toBe(2);
  await waitFor(() => reconnected, 5000, "SDK reconnect");
  await waitFor(() => server.state.members.get("alice")?.online === true, 3000, "alice online again");
  await sleep(100);
  expect(joined).toEqual([]);
  expect(left).toEqual([]);
  await Promise.all([alice.leave(), observer.leave()]);
});
