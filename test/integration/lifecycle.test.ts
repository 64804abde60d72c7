import { EnterError, requestSeat, sdkEnter, useServer } from "../helpers/server";
import { ErrorCode } from "../../src/core/errors";

const t = useServer({ maxRoomsPerUser: 3, maxRooms: 20 });

async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EnterError) return e.code;
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("create / join / enter", () => {
  test("create makes the room, a second create of the id fails with ROOM_ALREADY_EXISTS", async () => {
    const room = await sdkEnter(t.httpUrl, { mode: "create", roomId: "c1", roomName: "C one", userId: "alice" });
    expect(room.roomId).toBe("c1");
    expect(await codeOf(requestSeat(t.httpUrl, { mode: "create", roomId: "c1", userId: "bob" }))).toBe(ErrorCode.ROOM_ALREADY_EXISTS);
    await room.leave();
  });

  test("join fails with ROOM_NOT_EXIST when the id does not exist, and succeeds when it does", async () => {
    expect(await codeOf(requestSeat(t.httpUrl, { mode: "join", roomId: "nope", userId: "bob" }))).toBe(ErrorCode.ROOM_NOT_EXIST);
    const a = await sdkEnter(t.httpUrl, { mode: "create", roomId: "j1", userId: "alice" });
    const b = await sdkEnter(t.httpUrl, { mode: "join", roomId: "j1", userId: "bob" });
    expect(b.roomId).toBe("j1");
    await b.leave();
    await a.leave();
  });

  test("ten concurrent enters of one id make exactly one room with ten members", async () => {
    const rooms = await Promise.all(
      Array.from({ length: 10 }, (_, i) => sdkEnter(t.httpUrl, { mode: "enter", roomId: "storm", userId: `u${i}` })),
    );
    expect(new Set(rooms.map((r) => r.roomId))).toEqual(new Set(["storm"]));
    const { matchMaker } = await import("@colyseus/core");
    const listings = await matchMaker.query({ name: "chatroom", roomId: "storm" });
    expect(listings).toHaveLength(1);
    const room = matchMaker.getLocalRoomById("storm") as unknown as { info(): { memberCount: number } };
    expect(room.info().memberCount).toBe(10);
    await Promise.all(rooms.map((r) => r.leave()));
  });

  test.each([
    ["empty", ""],
    ["too long", "x".repeat(65)],
    ["non-ASCII", "房间"],
    ["slash", "a/b"],
  ])("an illegal room id (%s) is refused with ILLEGAL_ARGUMENT", async (_what, roomId) => {
    expect(await codeOf(requestSeat(t.httpUrl, { mode: "enter", roomId, userId: "alice" }))).toBe(ErrorCode.ILLEGAL_ARGUMENT);
  });

  test("a 64-character id is accepted", async () => {
    const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "a".repeat(64), userId: "alice" });
    expect(room.roomId).toBe("a".repeat(64));
    await room.leave();
  });

  test("rooms-per-user limit gives JOINED_ROOMS_LIMIT on the fourth room", async () => {
    const rooms = [];
    for (const id of ["p1", "p2", "p3"]) rooms.push(await sdkEnter(t.httpUrl, { mode: "enter", roomId: id, userId: "carol" }));
    expect(await codeOf(requestSeat(t.httpUrl, { mode: "enter", roomId: "p4", userId: "carol" }))).toBe(ErrorCode.JOINED_ROOMS_LIMIT);
    await rooms.at(0)!.leave();
    const again = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "p4", userId: "carol" });
    await Promise.all([again.leave(), rooms.at(1)!.leave(), rooms.at(2)!.leave()]);
  });

  test("a bad body names the field", async () => {
    const res = await fetch(t.httpUrl + "/chat/enter", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "fly", roomId: "x", userId: "u" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: ErrorCode.PARAMETER, message: expect.stringContaining("mode") });
  });
});
