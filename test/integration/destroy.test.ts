import { matchMaker } from "@colyseus/core";
import { ExitReason, CloseCodeOf } from "../../src/core/exitReasons";
import { createRoom } from "../../src/service/entry";
import { Scope } from "../../src/service/scopes";
import { nextEvent, roomRechecked, sdkEnter, useServer, waitFor, leaveCode } from "../helpers/server";

/**
 * The rooms' clock runs `offset` ms ahead of real time, so an hour passes in one assignment. A
 * room checks its destroy rules at least once a second (ROOM_RECHECK_MS): `roomRechecked(id)` is
 * the barrier after which a rule that was due has been applied.
 */
let offset = 0;
const now = () => Date.now() + offset;
const MINUTE = 60_000;

const t = useServer({ now, inactivityMin: 60, destroyDelayS: 0 });
beforeEach(() => {
  offset = 0;
});

const exists = async (roomId: string) => (await t.server.ctx.directory.find(roomId)) !== undefined;
/** Resolves when room `roomId` is destroyed (its roomDestroyed event), with the reason. */
const destroyed = (roomId: string, timeoutMs?: number) =>
  nextEvent(t.server.chat.events, "roomDestroyed", (e) => e.roomId === roomId, timeoutMs);

test("an empty room is destroyed at once with the default delay of 0 s", async () => {
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "d0", userId: "alice" });
  const gone = destroyed("d0", 2000);
  await room.leave();
  expect((await gone).reason).toBe(ExitReason.EXPIRED);
  await waitFor(async () => !(await exists("d0")), 2000, "room d0 destroyed");
});

test("a room's own destroy delay keeps it empty for that long, and a join in between saves it", async () => {
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "d2", userId: "alice", config: { roomDestroyDelayTime: 2 } });
  await room.leave();
  await roomRechecked("d2"); // checked about 1 s after the leave: inside the 2 s
  expect(await exists("d2")).toBe(true);
  const again = await sdkEnter(t.httpUrl, { mode: "join", roomId: "d2", userId: "bob" });
  offset += 2000; // past the 2 s since the leave: only the join keeps the room
  await roomRechecked("d2");
  expect(await exists("d2")).toBe(true);
  const gone = destroyed("d2", 4000);
  await again.leave();
  const leftAt = Date.now();
  expect((await gone).reason).toBe(ExitReason.EXPIRED);
  expect(Date.now() - leftAt).toBeGreaterThanOrEqual(1900);
  await waitFor(async () => !(await exists("d2")), 2000, "room d2 unlisted");
});

test("an out-of-range destroy delay is refused and makes no room", async () => {
  const res = await fetch(t.httpUrl + "/chat/enter", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: "create", roomId: "dbad", userId: "alice", config: { roomDestroyDelayTime: 10801 } }),
  });
  const body = await res.json();
  expect(body.code).toBe(1002);
  expect(body.message).toMatch(/roomDestroyDelayTime.*10800/);
  expect(await exists("dbad")).toBe(false);
});

test("inactivity expiry: members exit with EXPIRED after 60 min without join, leave or message", async () => {
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "idle", userId: "alice" });
  const code = leaveCode(alice);
  offset = 59 * MINUTE;
  await roomRechecked("idle");
  expect(await exists("idle")).toBe(true);
  offset = 60 * MINUTE + 1000;
  expect(await code).toBe(CloseCodeOf[ExitReason.EXPIRED]);
  expect(await exists("idle")).toBe(false);
});

test("a join resets inactivity", async () => {
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "reset", userId: "alice" });
  offset = 50 * MINUTE;
  const bob = await sdkEnter(t.httpUrl, { mode: "join", roomId: "reset", userId: "bob" });
  offset = 100 * MINUTE; // 100 min after creation, 50 after the join
  await roomRechecked("reset");
  expect(await exists("reset")).toBe(true);
  const codes = Promise.all([leaveCode(alice), leaveCode(bob)]);
  offset = 111 * MINUTE;
  expect(await codes).toEqual([CloseCodeOf[ExitReason.EXPIRED], CloseCodeOf[ExitReason.EXPIRED]]);
});

test("a keep-alive room is never auto-destroyed", async () => {
  await t.server.ctx.store.sets.add(Scope.keepAlive, ["kept"], null);
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "kept", userId: "alice" });
  offset = 7 * 24 * 60 * MINUTE;
  await roomRechecked("kept");
  expect(await exists("kept")).toBe(true);
  await alice.leave();
  await roomRechecked("kept");
  expect(await exists("kept")).toBe(true);
  const room = matchMaker.getLocalRoomById("kept");
  await room.disconnect();
});

test("a room created without members lives until the inactivity rule", async () => {
  await createRoom(t.server.ctx, { roomId: "apiroom", roomName: "API room" });
  await roomRechecked("apiroom");
  expect(await exists("apiroom")).toBe(true);
  const gone = destroyed("apiroom", 3000);
  offset = 61 * MINUTE;
  expect((await gone).reason).toBe(ExitReason.EXPIRED);
  await waitFor(async () => !(await exists("apiroom")), 3000, "apiroom unlisted");
});
