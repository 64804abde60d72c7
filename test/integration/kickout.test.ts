import { ClientRequest, ServerMessage, type MembersChangedPayload } from "../../src/protocol";
import { ExitReason } from "../../src/core/exitReasons";
import { Scope, Topic } from "../../src/service/scopes";
import {
  sdkEnter,
  waitFor,
  localRoom,
  dropConnection,
  collect,
  nextEvent,
  roomRechecked,
  useServer,
  ROOM_RECHECK_MS,
} from "../helpers/server";
import type { Room } from "@colyseus/sdk";

async function send(room: Room, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await room.request(ClientRequest.SEND, { type: "text", content: `m${i}`, priority: "high" });
}

describe("RongCloud mode (window 1 s)", () => {
  const t = useServer({ reconnectWindowS: 1, kickoutMode: "rongcloud", sendRatePerSecond: 1000 });

  test("an offline member survives 30 messages inside the window and is kicked by the 31st", async () => {
    const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rc31", userId: "bob" });
    const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rc31", userId: "alice" });
    const left = collect<MembersChangedPayload>(bob, ServerMessage.MEMBERS_LEFT);
    const server = await localRoom("rc31");
    await dropConnection(alice, false);
    await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
    await send(bob, 30);
    expect(server.state.members.has("alice")).toBe(true);
    await send(bob, 1);
    await waitFor(() => left.length > 0, 2000, "alice's removal");
    expect(left[0]).toEqual({
      members: [expect.objectContaining({ userId: "alice" })],
      reasons: { alice: ExitReason.OFFLINE },
      count: 1,
      memberCount: 1,
    });
    expect(server.state.members.has("alice")).toBe(false);
    await bob.leave();
  });

  test("after the window, a silent room keeps the offline member; the next message kicks it", async () => {
    const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rclate", userId: "bob" });
    const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rclate", userId: "alice" });
    const server = await localRoom("rclate");
    await dropConnection(alice, false);
    await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
    // the 1 s window is over, and any timer the room had then has run
    await roomRechecked("rclate");
    expect(server.state.members.has("alice")).toBe(true);
    await send(bob, 1);
    await waitFor(() => !server.state.members.has("alice"), 2000, "alice's removal");
    await bob.leave();
  });

  test("a protected user is never kicked", async () => {
    await t.server.ctx.store.sets.add(Scope.protectedUsers("rcprot"), ["alice"], null);
    const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rcprot", userId: "bob" });
    const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "rcprot", userId: "alice" });
    const server = await localRoom("rcprot");
    await dropConnection(alice, false);
    await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
    await send(bob, 31);
    await roomRechecked("rcprot"); // the window is over: the next message would kick an unprotected member
    const left: string[] = [];
    const onLeft = ({ roomId, userId }: { roomId: string; userId: string }) => {
      if (roomId === "rcprot") left.push(userId);
    };
    t.server.chat.events.on("memberLeft", onLeft);
    // a room message applies the rule before the sender's request is answered
    await send(bob, 1);
    t.server.chat.events.off("memberLeft", onLeft);
    expect(left).toEqual([]);
    expect(server.state.members.get("alice")?.online).toBe(false);
    await t.server.ctx.store.bus.publish(Topic.room("rcprot"), { type: "remove", userIds: ["alice"], reason: ExitReason.KICKED });
    await bob.leave();
  });
});

describe("timer mode (window 1 s)", () => {
  const t = useServer({ reconnectWindowS: 1, kickoutMode: "timer" });

  test("an offline member is kicked when the window ends, with no traffic", async () => {
    const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "tm", userId: "bob" });
    const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "tm", userId: "alice" });
    const left = collect<MembersChangedPayload>(bob, ServerMessage.MEMBERS_LEFT);
    const server = await localRoom("tm");
    const kicked = nextEvent(
      t.server.chat.events,
      "memberLeft",
      (e) => e.roomId === "tm" && e.userId === "alice",
      1000 + 2 * ROOM_RECHECK_MS + 1000,
    );
    const droppedAt = Date.now();
    await dropConnection(alice, false);
    await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
    expect((await kicked).reason).toBe(ExitReason.OFFLINE);
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(950);
    await waitFor(() => left.length > 0, 2000, "alice's removal at bob");
    expect(left.at(0)!.reasons).toEqual({ alice: ExitReason.OFFLINE });
    await bob.leave();
  });

  test("a protected user outlives the window", async () => {
    await t.server.ctx.store.sets.add(Scope.protectedUsers("tmprot"), ["alice"], null);
    const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "tmprot", userId: "bob" });
    const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "tmprot", userId: "alice" });
    const server = await localRoom("tmprot");
    await dropConnection(alice, false);
    await waitFor(() => server.state.members.get("alice")?.online === false, 3000, "alice offline");
    await roomRechecked("tmprot"); // the window is over and every timer due by then has run
    expect(server.state.members.get("alice")?.online).toBe(false);
    await bob.leave();
  });
});
