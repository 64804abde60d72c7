/**
 * The entry route's decisions over a fake matchmaker and the in-memory store: create or join by
 * the room's existence, ids held by other types, bans, and the bounded seat-reservation retry.
 */
import { ServerError } from "@colyseus/core";
import { ChatError, ErrorCode } from "../../src/core/errors";
import type { EnterMode } from "../../src/protocol";
import type { ChatContext } from "../../src/service/context";
import { enter, FILTER_KEY, type EntryRequest } from "../../src/service/entry";
import { Scope } from "../../src/service/scopes";
import { chatHandler, fakeContext, FakeMatchmaker, listing, otherHandler } from "./fakeMatchmaker";

const request = (mode: EnterMode, roomId = "lobby", userId = "u1"): EntryRequest & { mode: EnterMode } => ({
  mode,
  roomId,
  roomName: roomId,
  userId,
  userName: userId,
  token: undefined,
  config: {},
  switchedFrom: undefined,
});

/** What Colyseus' SeatReservationError says when a listed room does not take the seat. */
const seatRefused = (roomId: string) => new Error(`room ${roomId} is no longer available.`);

async function chatErrorOf(promise: Promise<unknown>): Promise<ChatError> {
  const e = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(e instanceof ChatError)) throw new Error(`expected a ChatError, got ${String(e)}`);
  return e;
}

describe("enter", () => {
  let mm: FakeMatchmaker;
  let ctx: ChatContext;
  beforeEach(() => {
    mm = new FakeMatchmaker();
    mm.handlers.chatroom = chatHandler();
    mm.handlers.battle = otherHandler();
    ctx = fakeContext(mm);
  });
  afterEach(async () => {
    ctx.claims.stop();
    await ctx.store.close();
    jest.useRealTimers();
  });

  test("creates a missing room of the operator type, filtered by its id, and seats the admitted user in it", async () => {
    const seat = await enter(ctx, request("enter"));
    expect(mm.created).toEqual([
      { roomType: "chatroom", options: { roomId: "lobby", roomName: "lobby", userId: "u1", config: {}, [FILTER_KEY]: "lobby" } },
    ]);
    expect(mm.seats).toEqual([
      {
        listing: mm.listings.get("lobby"),
        options: { roomId: "lobby", userId: "u1", userName: "u1" },
        auth: { chatAdmitted: true, userId: "u1", userName: "u1" },
      },
    ]);
    expect(seat.roomId).toBe("lobby");
  });

  test("joins a live room without creating one (enter and join)", async () => {
    mm.listings.set("lobby", listing("lobby", "chatroom"));
    await enter(ctx, request("enter"));
    await enter(ctx, request("join", "lobby", "u2"));
    expect(mm.created).toEqual([]);
    expect(mm.seats.map((s) => s.listing)).toEqual([mm.listings.get("lobby"), mm.listings.get("lobby")]);
  });

  test("create refuses a live room with ROOM_ALREADY_EXISTS; join refuses a missing one with ROOM_NOT_EXIST", async () => {
    mm.listings.set("lobby", listing("lobby", "chatroom"));
    expect((await chatErrorOf(enter(ctx, request("create")))).code).toBe(ErrorCode.ROOM_ALREADY_EXISTS);
    expect((await chatErrorOf(enter(ctx, request("join", "elsewhere")))).code).toBe(ErrorCode.ROOM_NOT_EXIST);
    expect(mm.created).toEqual([]);
    expect(mm.seats).toEqual([]);
  });

  test("an id held by a room of another type is ROOM_ALREADY_EXISTS naming that type, and nothing is created", async () => {
    mm.listings.set("match", listing("match", "battle"));
    const e = await chatErrorOf(enter(ctx, request("enter", "match")));
    expect(e.code).toBe(ErrorCode.ROOM_ALREADY_EXISTS);
    expect(e.message).toContain("taken by a room of type battle");
    expect(mm.created).toEqual([]);
  });

  test("a banned user is refused with BANNED before any room is created or seat reserved", async () => {
    await ctx.store.sets.add(Scope.banned("lobby"), ["u1"], null);
    const e = await chatErrorOf(enter(ctx, request("enter")));
    expect({ code: e.code, message: e.message }).toEqual({ code: ErrorCode.BANNED, message: "user u1 is banned from room lobby" });
    expect(mm.created).toEqual([]);
    expect(mm.seats).toEqual([]);
  });

  test("a creator that lost the race for the id (claimed elsewhere) joins the room once it is listed", async () => {
    jest.useFakeTimers();
    await ctx.store.claims.claim("lobby", "another-process", 60_000);
    mm.onCreate = () => Promise.reject(new Error("room lobby already exists (on another process)"));
    const entered = enter(ctx, request("enter"));
    await jest.advanceTimersByTimeAsync(100);
    mm.listings.set("lobby", listing("lobby", "chatroom"));
    await jest.advanceTimersByTimeAsync(100);
    await expect(entered).resolves.toMatchObject({ roomId: "lobby" });
    expect(mm.seats).toHaveLength(1);
  });

  describe("seat reservation", () => {
    beforeEach(() => {
      jest.useFakeTimers();
      mm.listings.set("lobby", listing("lobby", "chatroom"));
    });

    test("a refused seat is asked for again, with growing pauses, in the room listed under the id now", async () => {
      const fresh = listing("lobby", "chatroom");
      let refusals = 2;
      mm.onReserve = async (room) => {
        if (refusals-- > 0) {
          mm.listings.set("lobby", fresh);
          throw seatRefused(room.roomId);
        }
        return { name: room.name, roomId: room.roomId, sessionId: "s" };
      };
      const entered = enter(ctx, request("join"));
      await jest.advanceTimersByTimeAsync(49);
      expect(mm.seats).toHaveLength(1); // the first pause is 50 ms
      await jest.advanceTimersByTimeAsync(1 + 100);
      await expect(entered).resolves.toEqual({ name: "chatroom", roomId: "lobby", sessionId: "s" });
      expect(mm.seats).toHaveLength(3);
      expect(mm.seats.at(2)!.listing).toBe(fresh);
    });

    test("gives up after 5 tries with ROOM_NOT_EXIST saying to try again", async () => {
      mm.onReserve = (room) => Promise.reject(seatRefused(room.roomId));
      const entered = chatErrorOf(enter(ctx, request("join")));
      await jest.advanceTimersByTimeAsync(50 * (1 + 2 + 3 + 4));
      const e = await entered;
      expect(e.code).toBe(ErrorCode.ROOM_NOT_EXIST);
      expect(e.message).toContain("try again");
      expect(mm.seats).toHaveLength(5);
    });

    test("stops asking when the room is no longer listed", async () => {
      mm.onReserve = (room) => {
        mm.listings.delete("lobby");
        return Promise.reject(seatRefused(room.roomId));
      };
      const entered = chatErrorOf(enter(ctx, request("join")));
      await jest.advanceTimersByTimeAsync(50);
      expect((await entered).code).toBe(ErrorCode.ROOM_NOT_EXIST);
      expect(mm.seats).toHaveLength(1);
    });

    test("a refusal by the room's rules is not retried and keeps its code", async () => {
      mm.onReserve = () => Promise.reject(new ServerError(403, "[23409] user u1 is banned from room lobby"));
      const e = await chatErrorOf(enter(ctx, request("join")));
      expect(e.code).toBe(ErrorCode.BANNED);
      expect(mm.seats).toHaveLength(1);
    });
  });
});
