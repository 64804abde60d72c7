import { matchMaker } from "@colyseus/core";
import { ErrorCode, ExitReason } from "../../src/client";
import { useServer, waitFor } from "../helpers/server";
import { chatClient, rejection, reset, roomExists, serverMembers } from "./helpers";

const MAX_ROOMS = 6;
const t = useServer({ maxRooms: MAX_ROOMS });

async function roomCount(): Promise<number> {
  return (await matchMaker.query({ name: "chatroom" })).length;
}

describe("switchRoom, following the ZIM flowchart", () => {
  test("target exists: connecting/activeSwitch, connected/success (target), disconnected/success (source); the source is left only after the target joined", async () => {
    const { chat: alice, seen } = chatClient(t, "alice");
    const { chat: bob, seen: bobSeen } = chatClient(t, "bob");
    const { chat: carol, seen: carolSeen } = chatClient(t, "carol");
    await bob.enterRoom({ roomID: "s1-from" });
    await carol.enterRoom({ roomID: "s1-to", roomName: "Target" });
    await alice.joinRoom("s1-from");
    await waitFor(() => bobSeen.joined.length === 1, 2000, "bob hears alice");
    reset(seen);
    reset(bobSeen);

    const membersWhenConnected: string[][] = [];
    alice.on("roomStateChanged", (roomID, state) => {
      if (roomID === "s1-to" && state === "connected") membersWhenConnected.push(serverMembers("s1-from"), serverMembers("s1-to"));
    });
    const info = await alice.switchRoom("s1-from", { roomID: "s1-to", roomName: "ignored" }, false);

    expect(seen.states).toEqual(["s1-to connecting/activeSwitch", "s1-to connected/success", "s1-from disconnected/success"]);
    expect(seen.exits).toEqual([`s1-from:${ExitReason.LEFT}`]);
    expect(membersWhenConnected).toEqual([
      ["alice", "bob"],
      ["alice", "carol"],
    ]);
    expect(info).toMatchObject({ roomID: "s1-to", roomName: "Target", memberCount: 2 });
    expect(alice.rooms.map((r) => r.roomID)).toEqual(["s1-to"]);
    expect(serverMembers("s1-from")).toEqual(["bob"]);
    await waitFor(() => carolSeen.joined.includes("s1-to:alice") && bobSeen.left.length === 1, 2000, "the members' events");
    expect(carolSeen.joined).toEqual(["s1-to:alice"]);
    // the switching client reports LEFT (ZIM), the others see that it was a switch
    expect(bobSeen.left).toEqual([`s1-from:alice:${ExitReason.SWITCHED}`]);
    await Promise.all([alice, bob, carol].map((c) => c.leaveAllRoom()));
  });

  test("target missing, creation on: the target is created with the switch's name, same event sequence", async () => {
    const { chat: alice, seen } = chatClient(t, "alice");
    const { chat: bob, seen: bobSeen } = chatClient(t, "bob");
    await bob.enterRoom({ roomID: "s2-from" });
    await alice.joinRoom("s2-from");
    reset(seen);
    const info = await alice.switchRoom("s2-from", { roomID: "s2-new", roomName: "Fresh" }, true, { roomDestroyDelayTime: 0 });
    expect(seen.states).toEqual(["s2-new connecting/activeSwitch", "s2-new connected/success", "s2-from disconnected/success"]);
    expect(info).toMatchObject({
      roomID: "s2-new",
      roomName: "Fresh",
      memberCount: 1,
      members: [expect.objectContaining({ userId: "alice" })],
    });
    await waitFor(() => bobSeen.left.length === 1, 2000, "bob hears alice leave");
    expect(bobSeen.left).toEqual([`s2-from:alice:${ExitReason.SWITCHED}`]);
    await Promise.all([alice, bob].map((c) => c.leaveAllRoom()));
  });

  test("target missing, creation on, alone in the source: the source is destroyed after the switch", async () => {
    const { chat: alice } = chatClient(t, "alice");
    await alice.enterRoom({ roomID: "s3-from" });
    expect(roomExists("s3-from")).toBe(true);
    const info = await alice.switchRoom("s3-from", { roomID: "s3-to" }, true);
    expect(info).toMatchObject({ roomID: "s3-to", memberCount: 1 });
    expect(alice.rooms.map((r) => r.roomID)).toEqual(["s3-to"]);
    await waitFor(() => !roomExists("s3-from"), 3000, "the empty source to be destroyed");
    expect(roomExists("s3-to")).toBe(true);
    await alice.leaveAllRoom();
  });

  test("target missing, creation off: disconnected/switchFailed with ROOM_NOT_EXIST; the source is kept and nobody hears anything", async () => {
    const { chat: alice, seen } = chatClient(t, "alice");
    const { chat: bob, seen: bobSeen } = chatClient(t, "bob");
    await bob.enterRoom({ roomID: "s4-from" });
    await alice.joinRoom("s4-from");
    await waitFor(() => bobSeen.joined.length === 1, 2000, "bob hears alice");
    reset(seen);
    reset(bobSeen);
    expect(await rejection(alice.switchRoom("s4-from", { roomID: "s4-missing" }, false))).toMatchObject({ code: ErrorCode.ROOM_NOT_EXIST });
    expect(seen.states).toEqual(["s4-missing connecting/activeSwitch", "s4-missing disconnected/switchFailed"]);
    expect(seen.exits).toEqual([]);
    expect(alice.rooms.map((r) => r.roomID)).toEqual(["s4-from"]);
    expect(serverMembers("s4-from")).toEqual(["alice", "bob"]);
    expect(roomExists("s4-missing")).toBe(false);
    // member events go out in order: once bob hears carol come and go, a leave of alice's would have come before
    const { chat: carol } = chatClient(t, "carol");
    await carol.enterRoom({ roomID: "s4-from" });
    await carol.leaveAllRoom();
    await waitFor(() => bobSeen.left.some((l) => l.startsWith("s4-from:carol:")), 2000, "bob hears carol leave");
    expect(bobSeen.left).toEqual([`s4-from:carol:${ExitReason.LEFT}`]);
    await Promise.all([alice, bob].map((c) => c.leaveAllRoom()));
  });

  test("target missing, creation on, room limit reached: disconnected/switchFailed with ROOM_COUNT_LIMIT; the source is kept", async () => {
    // rooms of earlier tests close asynchronously: start from none, so the count below is exact
    await waitFor(async () => (await roomCount()) === 0, 5000, "earlier rooms to close");
    const { chat: alice, seen } = chatClient(t, "alice");
    await alice.enterRoom({ roomID: "s5-from" });
    const { chat: filler } = chatClient(t, "filler");
    for (let i = 0; (await roomCount()) < MAX_ROOMS; i++) await filler.enterRoom({ roomID: `s5-fill${i}` });
    reset(seen);
    expect(await rejection(alice.switchRoom("s5-from", { roomID: "s5-over" }, true))).toMatchObject({ code: ErrorCode.ROOM_COUNT_LIMIT });
    expect(seen.states).toEqual(["s5-over connecting/activeSwitch", "s5-over disconnected/switchFailed"]);
    expect(alice.rooms.map((r) => r.roomID)).toEqual(["s5-from"]);
    expect(serverMembers("s5-from")).toEqual(["alice"]);

    // the limit gives createRoom a clear error too
    const { chat: bob, seen: bobSeen } = chatClient(t, "bob");
    expect(await rejection(bob.createRoom({ roomID: "s5-create" }))).toMatchObject({ code: ErrorCode.ROOM_COUNT_LIMIT });
    expect(bobSeen.states).toEqual(["s5-create connecting/activeCreate", "s5-create disconnected/createFailed"]);
    await Promise.all([alice, filler].map((c) => c.leaveAllRoom()));
    await waitFor(async () => (await roomCount()) === 0, 3000, "the rooms to close, freeing the limit");
  });

  test("target already joined by this client: the same event sequence, with no second connection to the target", async () => {
    const { chat: alice, seen } = chatClient(t, "alice");
    await alice.enterRoom({ roomID: "s7-from" });
    await alice.enterRoom({ roomID: "s7-to" });
    reset(seen);
    const info = await alice.switchRoom("s7-from", { roomID: "s7-to" }, false);
    expect(seen.states).toEqual(["s7-to connecting/activeSwitch", "s7-to connected/success", "s7-from disconnected/success"]);
    expect(info.members).toEqual([expect.objectContaining({ userId: "alice", devices: 1 })]);
    expect(alice.rooms.map((r) => r.roomID)).toEqual(["s7-to"]);
    await alice.leaveAllRoom();
  });

  test("switching from a room this client is not in rejects with NOT_IN_ROOM and emits nothing; switching to the same room is refused", async () => {
    const { chat: alice, seen } = chatClient(t, "alice");
    expect(await rejection(alice.switchRoom("s6-none", { roomID: "s6-to" }, true))).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
    await alice.enterRoom({ roomID: "s6-from" });
    reset(seen);
    expect(await rejection(alice.switchRoom("s6-from", { roomID: "s6-from" }, true))).toMatchObject({ code: ErrorCode.ILLEGAL_ARGUMENT });
    expect(seen.states).toEqual([]);
    expect(roomExists("s6-to")).toBe(false);
    await alice.leaveAllRoom();
  });
});
