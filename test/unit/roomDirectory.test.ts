/**
 * The room directory over a fake matchmaker: which listings are this instance's chat rooms, which
 * type the operator API creates, and typed room calls (ROOM_NOT_EXIST, failures as ChatErrors).
 */
import { ChatError, ErrorCode } from "../../src/core/errors";
import { queryAttributes, setAttributes } from "../../src/service/attributes";
import type { ChatContext } from "../../src/service/context";
import { messageStats } from "../../src/service/messages";
import { roomInfo } from "../../src/service/rooms";
import { chatHandler, fakeContext, FakeMatchmaker, listing, otherHandler } from "./fakeMatchmaker";

/** The ChatError a promise rejects with (fails the test when it resolves or rejects otherwise). */
async function chatErrorOf(promise: Promise<unknown>): Promise<ChatError> {
  const e = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(e instanceof ChatError)) throw new Error(`expected a ChatError, got ${String(e)}`);
  return e;
}

describe("RoomDirectory", () => {
  let mm: FakeMatchmaker;
  let ctx: ChatContext;
  beforeEach(() => {
    mm = new FakeMatchmaker();
    mm.handlers.chatroom = chatHandler();
    mm.handlers.battle = otherHandler();
    mm.handlers.foreignChat = chatHandler("another-instance");
    ctx = fakeContext(mm);
  });
  afterEach(async () => {
    ctx.claims.stop();
    await ctx.store.close();
  });

  test("a type is a chat type only when its class is bound to this instance", () => {
    expect(ctx.directory.roomTypes()).toEqual(["chatroom"]);
    expect(ctx.directory.isChatType("chatroom")).toBe(true);
    expect(ctx.directory.isChatType("battle")).toBe(false);
    expect(ctx.directory.isChatType("foreignChat")).toBe(false);
  });

  test("lookup tells this instance's chat room from a room of another type holding the id", async () => {
    mm.listings.set("lobby", listing("lobby", "chatroom"));
    mm.listings.set("match", listing("match", "battle"));
    mm.listings.set("theirs", listing("theirs", "foreignChat"));
    expect(await ctx.directory.lookup("lobby")).toEqual({ chatRoom: mm.listings.get("lobby") });
    expect(await ctx.directory.lookup("match")).toEqual({ otherType: "battle" });
    expect(await ctx.directory.lookup("theirs")).toEqual({ otherType: "foreignChat" });
    expect(await ctx.directory.lookup("nothing")).toEqual({});
    expect(await ctx.directory.find("lobby")).toBe(mm.listings.get("lobby"));
    expect(await ctx.directory.find("match")).toBeUndefined();
    expect((await ctx.directory.listAll()).map((l) => l.roomId)).toEqual(["lobby"]);
  });

  test("the operator room type is `chatroom` when registered, else the first chat type", () => {
    expect(ctx.directory.operatorRoomType()).toBe("chatroom");
    const other = new FakeMatchmaker();
    other.handlers.battle = otherHandler();
    other.handlers.teamChat = chatHandler();
    other.handlers.guildChat = chatHandler();
    expect(fakeContext(other).directory.operatorRoomType()).toBe("teamChat");
  });

  test("operatorRoomType throws INTERNAL naming the fix when no chat type, or not the preferred one, is registered", () => {
    const empty = new FakeMatchmaker();
    empty.handlers.battle = otherHandler();
    expect(() => fakeContext(empty).directory.operatorRoomType()).toThrow(
      expect.objectContaining({ code: ErrorCode.INTERNAL, message: expect.stringContaining("no chat room type is registered") }),
    );
    expect(() => fakeContext(mm, { preferredType: "battle" }).directory.operatorRoomType()).toThrow(
      expect.objectContaining({
        code: ErrorCode.INTERNAL,
        message: 'operatorRoomType "battle" is not registered with chat.defineRoom(...); registered: chatroom',
      }),
    );
    expect(fakeContext(mm, { preferredType: "chatroom" }).directory.operatorRoomType()).toBe("chatroom");
  });

  test("appOnAuth is the bound class's own, and nothing for unknown names (even Object's own keys)", () => {
    const onAuth = () => true;
    mm.handlers.guarded = chatHandler(undefined, onAuth);
    expect(ctx.directory.appOnAuth("guarded")).toBe(onAuth);
    expect(ctx.directory.appOnAuth("chatroom")).toBeUndefined();
    expect(ctx.directory.appOnAuth("missing")).toBeUndefined();
    expect(ctx.directory.appOnAuth("constructor")).toBeUndefined();
  });

  describe("room calls", () => {
    beforeEach(() => {
      mm.listings.set("lobby", listing("lobby", "chatroom"));
    });

    test("an unlisted room (or one of another type) is ROOM_NOT_EXIST at once, without a remote call", async () => {
      mm.listings.set("match", listing("match", "battle"));
      for (const roomId of ["nowhere", "match"]) {
        const e = await chatErrorOf(ctx.directory.room(roomId).operatorMessageStats());
        expect({ code: e.code, message: e.message }).toEqual({
          code: ErrorCode.ROOM_NOT_EXIST,
          message: `chatroom ${roomId} does not exist`,
        });
      }
      expect(mm.remoteCalls).toEqual([]);
    });

    test("calls the interface's method by name with its arguments and unwraps an ok Outcome", async () => {
      mm.answer = () => ({ ok: true, value: ["a", "b"] });
      await expect(setAttributes(ctx, "lobby", "owner", { a: "1", b: "2" }, { autoDelete: true, isForce: false })).resolves.toEqual([
        "a",
        "b",
      ]);
      expect(mm.remoteCalls).toEqual([
        { roomId: "lobby", method: "operatorSetAttributes", args: ["owner", { a: "1", b: "2" }, true, false], timeoutMs: undefined },
      ]);
    });

    test("a failed Outcome becomes the room's ChatError with its code and message", async () => {
      mm.answer = () => ({ ok: false, code: ErrorCode.ATTRIBUTE_NOT_OWNER, message: "key a belongs to someone else" });
      const e = await chatErrorOf(setAttributes(ctx, "lobby", "owner", { a: "1" }, { autoDelete: false, isForce: false }));
      expect({ code: e.code, message: e.message }).toEqual({
        code: ErrorCode.ATTRIBUTE_NOT_OWNER,
        message: "key a belongs to someone else",
      });
    });

    test("a listed room that does not answer is ROOM_NOT_EXIST; an answer that is no Outcome is INTERNAL", async () => {
      mm.answer = () => Promise.reject(new Error("remote room (lobby) timed out"));
      expect((await chatErrorOf(messageStats(ctx, "lobby"))).code).toBe(ErrorCode.ROOM_NOT_EXIST);
      mm.answer = () => "garbage";
      const e = await chatErrorOf(messageStats(ctx, "lobby"));
      expect({ code: e.code, message: e.message }).toEqual({
        code: ErrorCode.INTERNAL,
        message: "room lobby gave no answer to operatorMessageStats",
      });
    });

    test("info answers a plain value (no Outcome) and waits at most 2 s", async () => {
      const info = { roomID: "lobby", roomName: "Lobby", createdAt: 5, memberCount: 0, members: [] };
      mm.answer = () => info;
      await expect(roomInfo(ctx, "lobby")).resolves.toEqual(info);
      expect(mm.remoteCalls).toEqual([{ roomId: "lobby", method: "info", args: [], timeoutMs: 2000 }]);
    });

    test("queryAttributes keeps only the keys asked for", async () => {
      const entry = { value: "1", userId: "u", updateTime: 1, version: 1, autoDelete: false };
      mm.answer = () => ({ ok: true, value: { a: entry, b: { ...entry, value: "2" } } });
      await expect(queryAttributes(ctx, "lobby", ["a", "missing"])).resolves.toEqual({ a: entry });
    });
  });
});
