/**
 * Message endpoints of the operator API (publish, broadcast, recall, and our history and stats
 * extensions), observed by real @colyseus/sdk members.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest, ServerMessage, type RecallNotice, type RoomMessage } from "../../src/protocol";
import { inFreshRateWindow } from "../helpers/fakeDate";
import { enterAs, signedPost, TestClock, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { collect, useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const clock = new TestClock();
const t = useServer({ ...creds, now: clock.now, maxMessageBytes: 1000 });
beforeAll(async () => {
  await post("/chatroom/create.json", {
    "chatroom[p1]": "one",
    "chatroom[p2]": "two",
    "chatroom[h1]": "history",
    "chatroom[rc1]": "recall",
  });
});
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);
async function member(roomId: string, userId: string): Promise<{ room: Room; messages: RoomMessage[] }> {
  const room = t.track(await enterAs(t.httpUrl, roomId, userId, creds));
  const messages: RoomMessage[] = [];
  room.onMessage(ServerMessage.MESSAGES, (batch: RoomMessage[]) => messages.push(...batch));
  return { room, messages };
}
async function expectError(path: string, params: FormParams, code: number, status: number, mentions: string): Promise<void> {
  const reply = await post(path, params);
  expect([reply.status, reply.body.code]).toEqual([status, code]);
  expect(reply.body.errorMessage).toContain(mentions);
}
const text = (content: string, extra: FormParams = {}): FormParams => ({
  fromUserId: "op",
  objectName: "RC:TxtMsg",
  content: JSON.stringify({ content }),
  ...extra,
});

describe("message/chatroom/publish.json", () => {
  test("reaches the members of every target room from a non-member, and answers each room's messageUID", async () => {
    const a = await member("p1", "ann");
    const b = await member("p2", "bob");
    const reply = await post("/message/chatroom/publish.json", { toChatroomId: ["p1", "p2"], ...text("hello") });
    expect(reply.body).toEqual({
      code: 200,
      messageUIDs: [
        { chatroomId: "p1", messageUID: expect.any(String) },
        { chatroomId: "p2", messageUID: expect.any(String) },
      ],
    });
    await waitFor(() => a.messages.length === 1 && b.messages.length === 1, 3000, "both rooms receive");
    expect(a.messages[0]).toEqual({
      messageID: reply.body.messageUIDs[0].messageUID,
      seq: 1,
      timestamp: expect.any(Number),
      senderUserID: "op",
      type: "RC:TxtMsg",
      content: '{"content":"hello"}',
    });
    expect(b.messages.at(0)!.messageID).toBe(reply.body.messageUIDs[1].messageUID);
  });

  test("ignores a mute on the sender, while the same user's own send is refused (23408)", async () => {
    const muted = await member("p1", "max");
    const listener = await member("p1", "liz");
    expect((await post("/chatroom/user/gag/add.json", { chatroomId: "p1", userId: "max", minute: 5 })).body.code).toBe(200);
    await expect(muted.room.request(ClientRequest.SEND, { type: "text", content: "me" })).rejects.toMatchObject({
      reason: { code: ErrorCode.MUTED },
    });
    expect((await post("/message/chatroom/publish.json", { toChatroomId: "p1", ...text("as max", { fromUserId: "max" }) })).body.code).toBe(
      200,
    );
    await waitFor(() => listener.messages.some((m) => m.senderUserID === "max"), 3000, "the operator's message as max");
    await post("/chatroom/user/gag/rollback.json", { chatroomId: "p1", userId: "max" });
  });

  test("an unknown room fails the whole call with 23410 naming it; the live room gets nothing", async () => {
    const c = await member("p2", "cid");
    const reply = await post("/message/chatroom/publish.json", { toChatroomId: ["p2", "ghost"], ...text("never") });
    expect(reply.body).toEqual({ code: ErrorCode.ROOM_NOT_EXIST, errorMessage: expect.stringContaining("ghost") });
    // a later publish to the room is a barrier: the room sends in order, so the refused one would come first
    expect((await post("/message/chatroom/publish.json", { toChatroomId: "p2", ...text("later") })).body.code).toBe(200);
    await waitFor(() => c.messages.length > 0, 3000, "the later message");
    expect(c.messages.map((m) => m.content)).toEqual([JSON.stringify({ content: "later" })]);
  });

  test("accepts the SDKs' extra parameters; refuses bad ones naming the parameter and its limit", async () => {
    const extras = { isPersisted: 1, isIncludeSender: 0, priority: 0, msgRandom: 123 };
    expect((await post("/message/chatroom/publish.json", { toChatroomId: "p1", ...text("x", extras) })).body.code).toBe(200);
    const base = { toChatroomId: "p1", fromUserId: "op", objectName: "RC:TxtMsg", content: "{}" };
    await expectError("/message/chatroom/publish.json", { ...base, fromUserId: "" }, ErrorCode.PARAMETER, 400, "fromUserId is required");
    await expectError(
      "/message/chatroom/publish.json",
      { ...base, toChatroomId: [] },
      ErrorCode.PARAMETER,
      400,
      "toChatroomId is required",
    );
    await expectError("/message/chatroom/publish.json", { ...base, objectName: "" }, ErrorCode.PARAMETER, 400, "objectName is required");
    await expectError("/message/chatroom/publish.json", { ...base, content: "" }, ErrorCode.PARAMETER, 400, "content is required");
    await expectError("/message/chatroom/publish.json", { ...base, objectName: "X".repeat(33) }, ErrorCode.TOO_LONG, 400, "at most 32");
    expect((await post("/message/chatroom/publish.json", { ...base, objectName: "X".repeat(32) })).body.code).toBe(200);
    await expectError(
      "/message/chatroom/publish.json",
      { ...base, content: "é".repeat(501) },
      ErrorCode.TOO_LONG,
      400,
      "1002 bytes: at most 1000",
    );
    expect((await post("/message/chatroom/publish.json", { ...base, content: "é".repeat(500) })).body.code).toBe(200);
    await expectError("/message/chatroom/publish.json", { ...base, isIncludeSender: "maybe" }, ErrorCode.PARAMETER, 400, "isIncludeSender");
    const rooms = Array.from({ length: 101 }, (_, i) => `r${i}`);
    await expectError("/message/chatroom/publish.json", { ...base, toChatroomId: rooms }, ErrorCode.PARAMETER, 400, "at most 100");
  });
});

describe("message/recall.json (conversationType=4)", () => {
  test("removes the message from history and every member receives the recall notice", async () => {
    const a = await member("rc1", "rae");
    const notices = collect<RecallNotice>(a.room, ServerMessage.RECALLED);
    const sent = await post("/message/chatroom/publish.json", { toChatroomId: "rc1", ...text("oops", { fromUserId: "boss" }) });
    const messageUID = sent.body.messageUIDs[0].messageUID as string;
    await waitFor(() => a.messages.length === 1, 3000, "the message");
    const recall = {
      conversationType: 4,
      targetId: "rc1",
      messageUID,
      fromUserId: "boss",
      sentTime: a.messages.at(0)!.timestamp,
      isAdmin: 1,
      isDelete: 0,
      disablePush: "false",
    };
    expect((await post("/message/recall.json", recall)).body).toEqual({ code: 200 });
    await waitFor(() => notices.length === 1, 3000, "the recall notice");
    expect(notices[0]).toEqual({ messageID: messageUID, seq: a.messages.at(0)!.seq, recalledBy: null });
    const history = await post("/chatroom/message/history.json", { chatroomId: "rc1" });
    expect(history.body.messages).toEqual([]);
    await expectError("/message/recall.json", recall, ErrorCode.MESSAGE_NOT_FOUND, 200, messageUID);
  });

  test("recalls a member's own message; fromUserId must be its sender (24011)", async () => {
    const a = await member("rc1", "sal");
    const mine = await a.room.request<unknown, RoomMessage>(ClientRequest.SEND, { type: "text", content: "mine" });
    const inHistory = async () =>
      ((await post("/chatroom/message/history.json", { chatroomId: "rc1" })).body.messages as { messageUID: string }[]).some(
        (m) => m.messageUID === mine.messageID,
      );
    await waitFor(inHistory, 3000, "the message in the room's history");
    const recall = { conversationType: 4, targetId: "rc1", messageUID: mine.messageID };
    await expectError("/message/recall.json", { ...recall, fromUserId: "someone" }, ErrorCode.NOT_MESSAGE_SENDER, 200, "sent by sal");
    expect((await post("/message/recall.json", { ...recall, fromUserId: "sal" })).body).toEqual({ code: 200 });
  });

  test("a room that is no longer live still loses the message from its history", async () => {
    await post("/chatroom/create.json", { "chatroom[gone1]": "gone" });
    const sent = await post("/message/chatroom/publish.json", { toChatroomId: "gone1", ...text("left behind") });
    const messageUID = sent.body.messageUIDs[0].messageUID as string;
    await post("/chatroom/destroy.json", { chatroomId: "gone1" });
    expect((await post("/chatroom/message/history.json", { chatroomId: "gone1" })).body.messages).toHaveLength(1);
    expect((await post("/message/recall.json", { conversationType: 4, targetId: "gone1", messageUID, fromUserId: "op" })).body).toEqual({
      code: 200,
    });
    expect((await post("/chatroom/message/history.json", { chatroomId: "gone1" })).body.messages).toEqual([]);
  });

  test("refuses other conversation types and missing parameters with 1002", async () => {
    const base = { conversationType: 4, targetId: "rc1", messageUID: "m1", fromUserId: "op" };
    await expectError("/message/recall.json", { ...base, conversationType: 1 }, ErrorCode.PARAMETER, 400, "conversationType must be 4");
    await expectError("/message/recall.json", { ...base, conversationType: 3 }, ErrorCode.PARAMETER, 400, "conversationType must be 4");
    await expectError(
      "/message/recall.json",
      { targetId: "rc1", messageUID: "m1", fromUserId: "op" },
      ErrorCode.PARAMETER,
      400,
      "conversationType",
    );
    await expectError("/message/recall.json", { ...base, targetId: "" }, ErrorCode.PARAMETER, 400, "targetId");
    await expectError("/message/recall.json", { ...base, messageUID: "" }, ErrorCode.PARAMETER, 400, "messageUID");
    await expectError("/message/recall.json", { ...base, fromUserId: "" }, ErrorCode.PARAMETER, 400, "fromUserId");
    await expectError("/message/recall.json", { ...base, sentTime: "yesterday" }, ErrorCode.PARAMETER, 400, "sentTime");
  });
});

describe("chatroom/message/history.json (our extension)", () => {
  let sent: { messageUID: string; seq: number; sentTime: number }[] = [];
  beforeAll(async () => {
    for (let i = 1; i <= 6; i++) {
      await post("/message/chatroom/publish.json", { toChatroomId: "h1", ...text(`m${i}`) });
      clock.advance(5); // distinct timestamps
    }
    const all = await post("/chatroom/message/history.json", { chatroomId: "h1", order: 1 });
    sent = all.body.messages;
  });

  test("newest first by default, oldest first with order=1, in RongCloud's field names plus seq", async () => {
    const newest = await post("/chatroom/message/history.json", { chatroomId: "h1", count: 2 });
    expect(newest.body).toEqual({
      code: 200,
      chatroomId: "h1",
      lastSeq: 6,
      messages: [
        {
          messageUID: expect.any(String),
          seq: 6,
          fromUserId: "op",
          objectName: "RC:TxtMsg",
          content: '{"content":"m6"}',
          sentTime: expect.any(Number),
        },
        expect.objectContaining({ seq: 5, content: '{"content":"m5"}' }),
      ],
    });
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    const oldest = await post("/chatroom/message/history.json", { chatroomId: "h1", count: 2, order: 1 });
    expect(oldest.body.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
  });

  test("pages by sequence (afterSeq / beforeSeq) and by time (startTime / endTime)", async () => {
    const seqs = async (params: FormParams) =>
      (await post("/chatroom/message/history.json", { chatroomId: "h1", ...params })).body.messages.map((m: { seq: number }) => m.seq);
    expect(await seqs({ beforeSeq: 5, count: 2 })).toEqual([4, 3]);
    expect(await seqs({ afterSeq: 2, count: 2, order: 1 })).toEqual([3, 4]);
    expect(await seqs({ afterSeq: 2, beforeSeq: 5, order: 1 })).toEqual([3, 4]);
    expect(await seqs({ startTime: sent.at(3)!.sentTime, order: 1 })).toEqual([4, 5, 6]);
    expect(await seqs({ endTime: sent.at(1)!.sentTime })).toEqual([2, 1]);
  });

  test("a room id with no history answers an empty page; limits are refused naming the parameter", async () => {
    expect((await post("/chatroom/message/history.json", { chatroomId: "never-used" })).body).toEqual({
      code: 200,
      chatroomId: "never-used",
      lastSeq: 0,
      messages: [],
    });
    expect((await post("/chatroom/message/history.json", { chatroomId: "h1", count: 50 })).body.messages).toHaveLength(6);
    await expectError(
      "/chatroom/message/history.json",
      { chatroomId: "h1", count: 51 },
      ErrorCode.PARAMETER,
      400,
      "count must be an integer in 1..50",
    );
    await expectError("/chatroom/message/history.json", { chatroomId: "h1", count: 0 }, ErrorCode.PARAMETER, 400, "count");
    await expectError("/chatroom/message/history.json", { chatroomId: "h1", order: 3 }, ErrorCode.PARAMETER, 400, "order");
    await expectError("/chatroom/message/history.json", { chatroomId: "h1", afterSeq: -1 }, ErrorCode.PARAMETER, 400, "afterSeq");
    await expectError("/chatroom/message/history.json", { chatroomId: "h1", startTime: "now" }, ErrorCode.PARAMETER, 400, "startTime");
    await expectError("/chatroom/message/history.json", {}, ErrorCode.PARAMETER, 400, "chatroomId");
  });
});

describe("admission counters (our extension)", () => {
  test("get.json and message/stats.json show messages delivered and dropped; unknown room 23410", async () => {
    await post("/chatroom/create.json", { "chatroom[st1]": "stats" });
    for (let i = 0; i < 3; i++) await post("/message/chatroom/publish.json", { toChatroomId: "st1", ...text(`s${i}`) });
    expect((await post("/chatroom/get.json", { chatroomId: "st1" })).body).toMatchObject({
      chatroomId: "st1",
      messageCount: 3,
      droppedCount: 0,
    });
    expect((await post("/chatroom/message/stats.json", { chatroomId: "st1" })).body).toEqual({
      code: 200,
      chatroomId: "st1",
      messageCount: 3,
      droppedCount: 0,
      lastSeq: 3,
      distributionStopped: false,
    });
    expect((await post("/chatroom/message/stats.json", { chatroomId: "ghost" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
  });
});

describe("message/chatroom/broadcast.json", () => {
  test("refuses bad parameters as publish does", async () => {
    await expectError(
      "/message/chatroom/broadcast.json",
      { objectName: "RC:TxtMsg", content: "{}" },
      ErrorCode.PARAMETER,
      400,
      "fromUserId",
    );
  });

  test("reaches every room; a second call within the second is rate limited (1 per second)", async () => {
    const a = await member("p1", "bea");
    const b = await member("p2", "bo");
    // a fresh second: the refused call above spent the last one's budget
    const [first, again] = await inFreshRateWindow(async () => [
      await post("/message/chatroom/broadcast.json", text("to all")),
      await post("/message/chatroom/broadcast.json", text("again")),
    ]);
    expect(first.body).toEqual({ code: 200 });
    expect([again.status, again.body.code]).toEqual([429, ErrorCode.RATE_LIMITED]);
    await waitFor(
      () => [a, b].every((m) => m.messages.some((x) => x.content === '{"content":"to all"}')),
      3000,
      "both rooms receive the broadcast",
    );
  });
});

describe("publish rate (last: it spends the endpoint's budget)", () => {
  test("each target room counts: 60 rooms twice in one second is over the 100 messages/s budget", async () => {
    const rooms = Array.from({ length: 60 }, (_, i) => `none${i}`);
    const [first, second] = await inFreshRateWindow(async () => [
      await post("/message/chatroom/publish.json", { toChatroomId: rooms, ...text("x") }),
      await post("/message/chatroom/publish.json", { toChatroomId: rooms, ...text("x") }),
    ]);
    expect(first.body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    expect([second.status, second.body.code]).toEqual([429, ErrorCode.RATE_LIMITED]);
  });
});
