/**
 * Message settings over the operator API: low-priority types (chatroom/message/priority/*),
 * protected types (chatroom/whitelist/*) and stop/resume distribution, observed by real
 * @colyseus/sdk members. The clock is frozen so the admission window (40 per 200 ms) only moves
 * when a test moves it.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest, ServerMessage, type RoomMessage } from "../../src/protocol";
import { enterAs, signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { Topic } from "../../src/service/scopes";
import { inFreshRateWindow } from "../helpers/fakeDate";
import { busNotices, useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
/** Frozen: time moves only by advance(), so load on the machine cannot slide the window. */
const clock = {
  at: Date.now(),
  now: () => clock.at,
  advance: (ms: number) => {
    clock.at += ms;
  },
};
// a large API budget: these tests publish bursts; rate limits are tested in messages.test.ts
const t = useServer({ ...creds, now: clock.now, apiRateLimit: 1000, destroyDelayS: 600 });
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);
async function ok(path: string, params: FormParams) {
  const reply = await post(path, params);
  expect(reply.body.code).toBe(200);
  return reply.body;
}
async function expectError(path: string, params: FormParams, code: number, status: number, mentions: string): Promise<void> {
  const reply = await post(path, params);
  expect([reply.status, reply.body.code]).toEqual([status, code]);
  expect(reply.body.errorMessage).toContain(mentions);
}
async function member(roomId: string, userId: string): Promise<{ room: Room; messages: RoomMessage[] }> {
  const room = await enterAs(t.httpUrl, roomId, userId, creds, "enter");
  t.track(room);
  const messages: RoomMessage[] = [];
  room.onMessage(ServerMessage.MESSAGES, (batch: RoomMessage[]) => messages.push(...batch));
  return { room, messages };
}
const publish = (roomIds: string | string[], objectName: string, content = "{}") =>
  post("/message/chatroom/publish.json", { toChatroomId: roomIds, fromUserId: "op", objectName, content });
const types = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, "0")}`);
/**
 * Rooms learn about list changes over the bus: runs `change`, which publishes `count` notices on
 * `topic`, and resolves once the rooms have applied them.
 */
async function listsReachRooms(topic: string, count: number, change: () => Promise<void>): Promise<void> {
  const notices = await busNotices(t.server, topic, count);
  await change();
  await notices.applied;
}

describe("chatroom/message/priority/* (low-priority types, camelCase objectName)", () => {
  afterAll(async () => {
    for (let i = 0; i < 20; i += 5) await post("/chatroom/message/priority/remove.json", { objectName: types("L:", 20).slice(i, i + 5) });
  });

  test("add, query (sorted objectNames), remove", async () => {
    expect(await ok("/chatroom/message/priority/add.json", { objectName: ["RC:TxtMsg", "RC:ImgMsg"] })).toEqual({ code: 200 });
    expect(await ok("/chatroom/message/priority/query.json", {})).toEqual({ code: 200, objectNames: ["RC:ImgMsg", "RC:TxtMsg"] });
    expect(await ok("/chatroom/message/priority/remove.json", { objectName: ["RC:TxtMsg", "RC:ImgMsg", "not-there"] })).toEqual({
      code: 200,
    });
    expect(await ok("/chatroom/message/priority/query.json", {})).toEqual({ code: 200, objectNames: [] });
  });

  test("at most 5 per call and 20 in all; each at most 32 characters; the name is objectName", async () => {
    await expectError(
      "/chatroom/message/priority/add.json",
      { objectName: types("L:", 6) },
      ErrorCode.PARAMETER,
      400,
      "at most 5 values per call",
    );
    for (let i = 0; i < 20; i += 5) await ok("/chatroom/message/priority/add.json", { objectName: types("L:", 20).slice(i, i + 5) });
    await expectError(
      "/chatroom/message/priority/add.json",
      { objectName: "L:extra" },
      ErrorCode.PARAMETER,
      400,
      "holds at most 20 types: it has 20, this call would make it 21",
    );
    expect((await ok("/chatroom/message/priority/add.json", { objectName: "L:00" })).code).toBe(200); // already on it
    expect((await ok("/chatroom/message/priority/query.json", {})).objectNames).toHaveLength(20);
    await expectError("/chatroom/message/priority/add.json", { objectName: "X".repeat(33) }, ErrorCode.TOO_LONG, 400, "at most 32");
    await expectError("/chatroom/message/priority/remove.json", { objectName: types("L:", 6) }, ErrorCode.PARAMETER, 400, "at most 5");
    await expectError(
      "/chatroom/message/priority/add.json",
      { objectnames: "RC:TxtMsg" },
      ErrorCode.PARAMETER,
      400,
      "objectName is required",
    );
  });
});

describe("chatroom/whitelist/* (protected types, lowercase objectnames, whitlistMsgType)", () => {
  test("add, query in RongCloud's misspelled field, delete", async () => {
    expect(await ok("/chatroom/whitelist/add.json", { objectnames: ["RC:TxtMsg", "RC:ImgMsg"] })).toEqual({ code: 200 });
    expect(await ok("/chatroom/whitelist/query.json", {})).toEqual({ code: 200, whitlistMsgType: ["RC:ImgMsg", "RC:TxtMsg"] });
    expect(await ok("/chatroom/whitelist/delete.json", { objectnames: ["RC:TxtMsg", "RC:ImgMsg"] })).toEqual({ code: 200 });
    expect(await ok("/chatroom/whitelist/query.json", {})).toEqual({ code: 200, whitlistMsgType: [] });
  });

  test("at most 20 per call and in all; each at most 32 characters; the name is objectnames", async () => {
    await expectError(
      "/chatroom/whitelist/add.json",
      { objectnames: types("W:", 21) },
      ErrorCode.PARAMETER,
      400,
      "at most 20 values per call",
    );
    await ok("/chatroom/whitelist/add.json", { objectnames: types("W:", 20) });
    await expectError("/chatroom/whitelist/add.json", { objectnames: "W:extra" }, ErrorCode.PARAMETER, 400, "holds at most 20 types");
    await expectError("/chatroom/whitelist/add.json", { objectnames: "X".repeat(33) }, ErrorCode.TOO_LONG, 400, "at most 32");
    await expectError("/chatroom/whitelist/delete.json", { objectnames: types("W:", 21) }, ErrorCode.PARAMETER, 400, "at most 20");
    await expectError("/chatroom/whitelist/add.json", { objectName: "RC:TxtMsg" }, ErrorCode.PARAMETER, 400, "objectnames is required");
    await ok("/chatroom/whitelist/delete.json", { objectnames: types("W:", 20) });
    expect((await ok("/chatroom/whitelist/query.json", {})).whitlistMsgType).toEqual([]);
  });
});

describe("the lists reach the rooms: a burst on a frozen clock (40 per 200 ms, low-priority types shed first)", () => {
  test("low-priority types are dropped from the 11th message of a window, others at the 41st, protected types never", async () => {
    await ok("/chatroom/create.json", { "chatroom[burst]": "burst" });
    const obs = await member("burst", "obs");
    const sendAll = async (objectName: string, n: number) => {
      const replies = [];
      for (let i = 0; i < n; i++) replies.push((await publish("burst", objectName)).body);
      return replies;
    };
    await sendAll("T:Txt", 10);
    // not on the list yet: T:Low is an ordinary (high-priority) operator message
    expect((await publish("burst", "T:Low")).body.messageUIDs).toHaveLength(1);
    await listsReachRooms(Topic.allRooms, 2, async () => {
      await ok("/chatroom/message/priority/add.json", { objectName: "T:Low" });
      await ok("/chatroom/whitelist/add.json", { objectnames: "T:Safe" });
    });

    expect((await publish("burst", "T:Low")).body).toEqual({ code: 200, messageUIDs: [], droppedChatroomIds: ["burst"] });
    expect((await sendAll("T:Txt", 29)).every((r) => r.messageUIDs.length === 1)).toBe(true);
    expect((await publish("burst", "T:Txt")).body).toEqual({ code: 200, messageUIDs: [], droppedChatroomIds: ["burst"] });
    expect((await sendAll("T:Safe", 3)).every((r) => r.messageUIDs.length === 1)).toBe(true);

    const delivered = 10 + 1 + 29 + 3;
    await waitFor(() => obs.messages.length === delivered, 3000, "every admitted message");
    const count = (type: string) => obs.messages.filter((m) => m.type === type).length;
    expect([count("T:Txt"), count("T:Low"), count("T:Safe")]).toEqual([39, 1, 3]);
    expect(obs.messages.map((m) => m.seq)).toEqual(Array.from({ length: delivered }, (_, i) => i + 1));
    expect(await ok("/chatroom/message/stats.json", { chatroomId: "burst" })).toMatchObject({
      messageCount: delivered,
      droppedCount: 2,
      lastSeq: delivered,
    });
    expect(await ok("/chatroom/get.json", { chatroomId: "burst" })).toMatchObject({ messageCount: delivered, droppedCount: 2 });

    // the next window: low-priority types pass again until the window holds 10
    clock.advance(200);
    expect((await publish("burst", "T:Low")).body.messageUIDs).toHaveLength(1);
  });

  test("removed from the lists, the types are ordinary again", async () => {
    await listsReachRooms(Topic.allRooms, 2, async () => {
      await ok("/chatroom/message/priority/remove.json", { objectName: "T:Low" });
      await ok("/chatroom/whitelist/delete.json", { objectnames: "T:Safe" });
    });
    clock.advance(200);
    for (let i = 0; i < 39; i++) await publish("burst", "T:Txt");
    expect((await publish("burst", "T:Low")).body.messageUIDs).toHaveLength(1); // the 40th: no longer shed at 10
    expect((await publish("burst", "T:Safe")).body.droppedChatroomIds).toEqual(["burst"]); // the 41st: no longer protected
  });
});

describe("chatroom/message/stopDistribution.json and resumeDistribution.json", () => {
  test("while stopped, member sends (24007) and publishes are refused and broadcasts skip the room; resume restores", async () => {
    await ok("/chatroom/create.json", { "chatroom[sd1]": "stopped", "chatroom[sd2]": "running" });
    const amy = await member("sd1", "amy");
    const ben = await member("sd1", "ben");
    const cal = await member("sd2", "cal");
    await listsReachRooms(Topic.room("sd1"), 1, async () => {
      expect(await ok("/chatroom/message/stopDistribution.json", { chatroomId: "sd1" })).toEqual({ code: 200 });
    });

    await expect(amy.room.request(ClientRequest.SEND, { type: "text", content: "hi" })).rejects.toMatchObject({
      reason: { code: ErrorCode.DISTRIBUTION_STOPPED },
    });
    await expectError(
      "/message/chatroom/publish.json",
      { toChatroomId: ["sd2", "sd1"], fromUserId: "op", objectName: "T:Txt", content: "{}" },
      ErrorCode.DISTRIBUTION_STOPPED,
      200,
      "sd1",
    );
    expect((await ok("/chatroom/message/stats.json", { chatroomId: "sd1" })).distributionStopped).toBe(true);
    // broadcast.json allows one call per second: a fresh second
    await inFreshRateWindow(() => ok("/message/chatroom/broadcast.json", { fromUserId: "op", objectName: "T:All", content: "{}" }));
    await waitFor(() => cal.messages.some((m) => m.type === "T:All"), 3000, "the running room gets the broadcast");
    expect([amy.messages, ben.messages]).toEqual([[], []]);

    await listsReachRooms(Topic.room("sd1"), 1, async () => {
      expect(await ok("/chatroom/message/resumeDistribution.json", { chatroomId: "sd1" })).toEqual({ code: 200 });
    });
    await expect(amy.room.request(ClientRequest.SEND, { type: "text", content: "back" })).resolves.toMatchObject({ senderUserID: "amy" });
    expect((await publish("sd1", "T:Txt")).body.messageUIDs).toHaveLength(1);
    await waitFor(() => ben.messages.length >= 2 && amy.messages.length >= 2, 3000, "amy and ben receive again");
    // a room sends in order: a broadcast that reached sd1 while stopped would have come before these
    expect(ben.messages.map((m) => m.content)).toEqual(["back", "{}"]);
    expect(amy.messages.map((m) => m.content)).toEqual(["back", "{}"]);
  });

  test("stop needs a live room (23410); resume is idempotent; the switch dies with the room", async () => {
    await expectError("/chatroom/message/stopDistribution.json", { chatroomId: "ghost" }, ErrorCode.ROOM_NOT_EXIST, 200, "ghost");
    expect(await ok("/chatroom/message/resumeDistribution.json", { chatroomId: "ghost" })).toEqual({ code: 200 });
    await expectError("/chatroom/message/stopDistribution.json", {}, ErrorCode.PARAMETER, 400, "chatroomId");
    await ok("/chatroom/create.json", { "chatroom[sd3]": "again" });
    await ok("/chatroom/message/stopDistribution.json", { chatroomId: "sd3" });
    await ok("/chatroom/destroy.json", { chatroomId: "sd3" });
    await waitFor(async () => (await publish("sd3", "T:Txt")).body.code === ErrorCode.ROOM_NOT_EXIST, 3000, "the room gone");
    await ok("/chatroom/create.json", { "chatroom[sd3]": "again" });
    await waitFor(
      async () => (await post("/chatroom/message/stats.json", { chatroomId: "sd3" })).body.distributionStopped === false,
      3000,
      "a new room that distributes",
    );
    expect((await publish("sd3", "T:Txt")).body.messageUIDs).toHaveLength(1);
  });
});
