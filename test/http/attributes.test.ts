/**
 * Room attributes over the operator API (chatroom/entry/*, create_new's entryInfo), observed by
 * real @colyseus/sdk members through the synchronized state and roomAttributesUpdated.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ServerMessage, type AttributesUpdate, type RoomMessage } from "../../src/protocol";
import { enterAs, signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { advanceDate, inFreshRateWindow } from "../helpers/fakeDate";
import { collect, useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const t = useServer({ ...creds, destroyDelayS: 600 }); // rooms outlive their last member
beforeAll(async () => {
  await post("/chatroom/create.json", { "chatroom[kv1]": "kv", "chatroom[kv2]": "batch", "chatroom[kv3]": "remove" });
});
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);
async function expectError(path: string, params: FormParams, code: number, status: number, mentions: string): Promise<void> {
  const reply = await post(path, params);
  expect([reply.status, reply.body.code]).toEqual([status, code]);
  expect(reply.body.errorMessage).toContain(mentions);
}
const stateAttributes = (room: Room) => (room.state as { attributes: Map<string, string> }).attributes;
type WireEntry = { key: string; value: string; userId: string; userID: string; autoDelete: string; lastSetTime: string };
async function entries(roomId: string, keys?: string[]): Promise<Record<string, WireEntry>> {
  const reply = await post("/chatroom/entry/query.json", { chatroomId: roomId, ...(keys ? { keys } : {}) });
  expect(reply.body.code).toBe(200);
  return Object.fromEntries((reply.body.keys as WireEntry[]).map((e) => [e.key, e]));
}
const pairs = (n: number, prefix: string) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

describe("chatroom/entry/set.json and query.json", () => {
  test("sets a key that members see in the state and in roomAttributesUpdated; query answers strings", async () => {
    const room = await enterAs(t.httpUrl, "kv1", "ann", creds);
    const updates = collect<AttributesUpdate>(room, ServerMessage.ATTRIBUTES_UPDATED);
    const before = Date.now();
    expect(
      (await post("/chatroom/entry/set.json", { chatroomId: "kv1", userId: "host", key: "seat1", value: "ann", autoDelete: 0 })).body,
    ).toEqual({ code: 200 });
    await waitFor(() => stateAttributes(room).get("seat1") === "ann", 3000, "the state");
    await waitFor(() => updates.length === 1, 3000, "the update");
    expect(updates[0]).toEqual({ set: { seat1: "ann" }, deleted: [], by: "host" });
    const [entry] = (await post("/chatroom/entry/query.json", { chatroomId: "kv1" })).body.keys;
    expect(entry).toEqual({
      key: "seat1",
      value: "ann",
      userId: "host",
      userID: "host",
      autoDelete: "0",
      lastSetTime: expect.stringMatching(/^\d+$/),
    });
    expect(Number(entry.lastSetTime)).toBeGreaterThanOrEqual(before);
    await room.leave();
  });

  test("only the owner may overwrite (23424 for another user); the owner may", async () => {
    await expectError(
      "/chatroom/entry/set.json",
      { chatroomId: "kv1", userId: "intruder", key: "seat1", value: "mine" },
      ErrorCode.ATTRIBUTE_NOT_OWNER,
      200,
      "seat1",
    );
    expect(await entries("kv1")).toHaveProperty("seat1.value", "ann");
    expect((await post("/chatroom/entry/set.json", { chatroomId: "kv1", userId: "host", key: "seat1", value: "bob" })).body).toEqual({
      code: 200,
    });
    expect(await entries("kv1")).toHaveProperty("seat1.value", "bob");
  });

  test("autoDelete=1: the key goes when its owner leaves the room", async () => {
    const cat = await enterAs(t.httpUrl, "kv1", "cat", creds);
    const watcher = await enterAs(t.httpUrl, "kv1", "dan", creds);
    expect(
      (await post("/chatroom/entry/set.json", { chatroomId: "kv1", userId: "cat", key: "mic", value: "on", autoDelete: 1 })).body,
    ).toEqual({ code: 200 });
    expect((await entries("kv1")).mic).toMatchObject({ userId: "cat", autoDelete: "1" });
    await waitFor(() => stateAttributes(watcher).get("mic") === "on", 3000, "the key");
    await cat.leave();
    await waitFor(() => !stateAttributes(watcher).has("mic"), 3000, "the key deleted with its owner");
    expect((await entries("kv1")).mic).toBeUndefined();
    await watcher.leave();
  });

  test("objectName/content send a notification message; without content, {type,key,value}", async () => {
    const eve = await enterAs(t.httpUrl, "kv1", "eve", creds);
    const messages: RoomMessage[] = [];
    eve.onMessage(ServerMessage.MESSAGES, (batch: RoomMessage[]) => messages.push(...batch));
    const noti = { chatroomId: "kv1", userId: "host", key: "topic", value: "games", objectName: "RC:chrmKVNotiMsg" };
    expect((await post("/chatroom/entry/set.json", noti)).body).toEqual({ code: 200 });
    const custom = JSON.stringify({ type: 2, key: "topic", extra: "bye" });
    expect(
      (
        await post("/chatroom/entry/remove.json", {
          chatroomId: "kv1",
          userId: "host",
          key: "topic",
          objectName: "RC:chrmKVNotiMsg",
          content: custom,
        })
      ).body,
    ).toEqual({ code: 200 });
    await waitFor(() => messages.length === 2, 3000, "two notifications");
    expect(messages.map((m) => [m.senderUserID, m.type, JSON.parse(m.content)])).toEqual([
      ["host", "RC:chrmKVNotiMsg", { type: 1, key: "topic", value: "games" }],
      ["host", "RC:chrmKVNotiMsg", { type: 2, key: "topic", extra: "bye" }],
    ]);
    await eve.leave();
  });

  test("query with keys answers only those present; limits and unknown rooms are refused", async () => {
    expect(Object.keys(await entries("kv1", ["seat1", "nope"]))).toEqual(["seat1"]);
    const many = Array.from({ length: 101 }, (_, i) => `k${i}`);
    await expectError("/chatroom/entry/query.json", { chatroomId: "kv1", keys: many }, ErrorCode.PARAMETER, 400, "at most 100");
    expect((await post("/chatroom/entry/query.json", { chatroomId: "ghost" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    await expectError("/chatroom/entry/query.json", {}, ErrorCode.PARAMETER, 400, "chatroomId");
  });

  test("refuses bad keys and values with the rule they broke", async () => {
    const base = { chatroomId: "kv1", userId: "host", key: "ok", value: "v" };
    await expectError("/chatroom/entry/set.json", { ...base, key: "bad key" }, ErrorCode.ILLEGAL_ARGUMENT, 200, "[A-Za-z0-9+=_-]");
    await expectError("/chatroom/entry/set.json", { ...base, key: "k".repeat(129) }, ErrorCode.ILLEGAL_ARGUMENT, 200, "1..128");
    await expectError("/chatroom/entry/set.json", { ...base, value: "v".repeat(4097) }, ErrorCode.ILLEGAL_ARGUMENT, 200, "at most 4096");
    expect((await post("/chatroom/entry/set.json", { ...base, key: "k".repeat(128), value: "v".repeat(4096) })).body).toEqual({
      code: 200,
    });
    await expectError("/chatroom/entry/set.json", { ...base, key: "" }, ErrorCode.PARAMETER, 400, "key is required");
    await expectError("/chatroom/entry/set.json", { ...base, value: "" }, ErrorCode.PARAMETER, 400, "value is required");
    await expectError("/chatroom/entry/set.json", { ...base, userId: "" }, ErrorCode.PARAMETER, 400, "userId is required");
    await expectError("/chatroom/entry/set.json", { ...base, autoDelete: 2 }, ErrorCode.PARAMETER, 400, "autoDelete");
    await expectError("/chatroom/entry/set.json", { ...base, objectName: "X".repeat(33) }, ErrorCode.TOO_LONG, 400, "at most 32");
    expect((await post("/chatroom/entry/set.json", { ...base, chatroomId: "ghost" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    expect(await entries("kv1", ["ok", "bad key"])).toEqual({});
  });
});

describe("chatroom/entry/remove.json", () => {
  test("the owner removes its key; another user gets 23424; a missing key 23427", async () => {
    await post("/chatroom/entry/set.json", { chatroomId: "kv3", userId: "own", key: "a", value: "1" });
    await expectError(
      "/chatroom/entry/remove.json",
      { chatroomId: "kv3", userId: "other", key: "a" },
      ErrorCode.ATTRIBUTE_NOT_OWNER,
      200,
      '"a"',
    );
    expect((await post("/chatroom/entry/remove.json", { chatroomId: "kv3", userId: "own", key: "a" })).body).toEqual({ code: 200 });
    expect(await entries("kv3")).toEqual({});
    await expectError(
      "/chatroom/entry/remove.json",
      { chatroomId: "kv3", userId: "own", key: "a" },
      ErrorCode.ATTRIBUTE_KEY_MISSING,
      200,
      '"a" does not exist',
    );
    await expectError("/chatroom/entry/remove.json", { chatroomId: "kv3", userId: "own" }, ErrorCode.PARAMETER, 400, "key");
    expect((await post("/chatroom/entry/remove.json", { chatroomId: "ghost", userId: "own", key: "a" })).body.code).toBe(
      ErrorCode.ROOM_NOT_EXIST,
    );
  });
});

describe("chatroom/entry/batch/set.json and batch/remove.json", () => {
  test("batch/set applies up to 20 pairs at once, forcing keys of other owners", async () => {
    const room = await enterAs(t.httpUrl, "kv2", "fay", creds);
    const updates = collect<AttributesUpdate>(room, ServerMessage.ATTRIBUTES_UPDATED);
    await post("/chatroom/entry/set.json", { chatroomId: "kv2", userId: "first", key: "b0", value: "old" });
    const reply = await post("/chatroom/entry/batch/set.json", {
      chatroomId: "kv2",
      entryOwnerId: "boss",
      autoDelete: 0,
      entryInfo: JSON.stringify(pairs(20, "b")),
    });
    expect(reply.body).toEqual({ code: 200 });
    const all = await entries("kv2");
    expect(Object.keys(all)).toHaveLength(20);
    expect(all.b0).toMatchObject({ value: "v0", userId: "boss" });
    await waitFor(() => updates.some((u) => Object.keys(u.set).length === 20), 3000, "one update with the 20 keys");
    await waitFor(() => stateAttributes(room).size === 20, 3000, "the state");
    await room.leave();
  });

  test("batch/set is all-or-nothing: a bad key, a long value or 21 pairs set nothing", async () => {
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryOwnerId: "boss", entryInfo: JSON.stringify({ n1: "x", "bad key": "y" }) },
      ErrorCode.ILLEGAL_ARGUMENT,
      200,
      "bad key",
    );
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryOwnerId: "boss", entryInfo: JSON.stringify({ n2: "x", n3: "v".repeat(4097) }) },
      ErrorCode.ILLEGAL_ARGUMENT,
      200,
      "n3",
    );
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryOwnerId: "boss", entryInfo: JSON.stringify(pairs(21, "n")) },
      ErrorCode.ATTRIBUTE_BATCH_LIMIT,
      200,
      "at most 20",
    );
    expect(Object.keys(await entries("kv2")).filter((k) => k.startsWith("n"))).toEqual([]);
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryOwnerId: "boss", entryInfo: "{}" },
      ErrorCode.PARAMETER,
      400,
      "entryInfo must hold 1..20",
    );
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryOwnerId: "boss", entryInfo: "k=v" },
      ErrorCode.PARAMETER,
      400,
      "entryInfo must be a JSON object",
    );
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryOwnerId: "boss", entryInfo: '{"k":1}' },
      ErrorCode.PARAMETER,
      400,
      '"k" must be a string',
    );
    await expectError(
      "/chatroom/entry/batch/set.json",
      { chatroomId: "kv2", entryInfo: '{"k":"v"}' },
      ErrorCode.PARAMETER,
      400,
      "entryOwnerId",
    );
  });

  test("batch/remove takes a JSON array string or repeated keys, ignores ownership, and is all-or-nothing", async () => {
    await expectError(
      "/chatroom/entry/batch/remove.json",
      { chatroomId: "kv2", entryOwnerId: "x", entryKeys: '["b1","missing"]' },
      ErrorCode.ATTRIBUTE_KEY_MISSING,
      200,
      "missing",
    );
    expect((await entries("kv2")).b1).toBeDefined();
    expect(
      (await post("/chatroom/entry/batch/remove.json", { chatroomId: "kv2", entryOwnerId: "x", entryKeys: '["b1","b2"]' })).body,
    ).toEqual({ code: 200 });
    expect(
      (await post("/chatroom/entry/batch/remove.json", { chatroomId: "kv2", entryOwnerId: "x", entryKeys: ["b3", "b4"] })).body,
    ).toEqual({ code: 200 });
    expect(Object.keys(await entries("kv2"))).toHaveLength(16);
    const keys = Array.from({ length: 21 }, (_, i) => `b${i}`);
    await expectError(
      "/chatroom/entry/batch/remove.json",
      { chatroomId: "kv2", entryOwnerId: "x", entryKeys: JSON.stringify(keys) },
      ErrorCode.ATTRIBUTE_BATCH_LIMIT,
      200,
      "at most 20",
    );
    await expectError(
      "/chatroom/entry/batch/remove.json",
      { chatroomId: "kv2", entryOwnerId: "x", entryKeys: "[1,2]" },
      ErrorCode.PARAMETER,
      400,
      "JSON array of strings",
    );
    await expectError(
      "/chatroom/entry/batch/remove.json",
      { chatroomId: "kv2", entryOwnerId: "x" },
      ErrorCode.PARAMETER,
      400,
      "entryKeys is required",
    );
    await expectError(
      "/chatroom/entry/batch/remove.json",
      { chatroomId: "kv2", entryKeys: '["b5"]' },
      ErrorCode.PARAMETER,
      400,
      "entryOwnerId",
    );
  });

  test("the 100-key limit (23423) and the shared budget of 100 pairs per second", async () => {
    await post("/chatroom/create.json", { "chatroom[kv4]": "full" });
    await inFreshRateWindow(async () => {
      for (let i = 0; i < 5; i++) {
        expect(
          (
            await post("/chatroom/entry/batch/set.json", {
              chatroomId: "kv4",
              entryOwnerId: "o",
              entryInfo: JSON.stringify(pairs(20, `f${i}-`)),
            })
          ).body,
        ).toEqual({ code: 200 });
      }
      const spent = await post("/chatroom/entry/set.json", { chatroomId: "kv4", userId: "o", key: "one", value: "more" });
      expect([spent.status, spent.body.code]).toEqual([429, ErrorCode.RATE_LIMITED]);
      advanceDate(1000); // the next second's budget
      await expectError(
        "/chatroom/entry/set.json",
        { chatroomId: "kv4", userId: "o", key: "one", value: "more" },
        ErrorCode.ATTRIBUTE_COUNT_LIMIT,
        200,
        "at most 100",
      );
    });
    expect(Object.keys(await entries("kv4"))).toHaveLength(100);
    expect((await post("/chatroom/entry/set.json", { chatroomId: "kv4", userId: "o", key: "f0-0", value: "replaced" })).body).toEqual({
      code: 200,
    });
  });
});

describe("chatroom/create_new.json initial attributes", () => {
  test("entryOwnerId + entryInfo become the new room's attributes, owned by entryOwnerId", async () => {
    expect(
      (
        await post("/chatroom/create_new.json", {
          chatroomId: "cn-kv",
          entryOwnerId: "maker",
          entryInfo: JSON.stringify({ title: "Quiz", seats: "8" }),
        })
      ).body,
    ).toEqual({ code: 200 });
    const all = await entries("cn-kv");
    expect(all).toEqual({
      title: expect.objectContaining({ value: "Quiz", userId: "maker", autoDelete: "0" }),
      seats: expect.objectContaining({ value: "8", userId: "maker" }),
    });
    const member = await enterAs(t.httpUrl, "cn-kv", "gus", creds);
    await waitFor(() => stateAttributes(member).get("title") === "Quiz", 3000, "the initial attributes in the state");
    await member.leave();
  });

  test("an existing room is left as it is; bad initial attributes create no room", async () => {
    expect(
      (
        await post("/chatroom/create_new.json", {
          chatroomId: "cn-kv",
          entryOwnerId: "other",
          entryInfo: JSON.stringify({ title: "Other" }),
        })
      ).body,
    ).toEqual({ code: 200 });
    expect(await entries("cn-kv")).toHaveProperty("title.value", "Quiz");
    await expectError(
      "/chatroom/create_new.json",
      { chatroomId: "cn-bad", entryOwnerId: "m" },
      ErrorCode.PARAMETER,
      400,
      "entryOwnerId and entryInfo",
    );
    await expectError(
      "/chatroom/create_new.json",
      { chatroomId: "cn-bad", entryInfo: '{"a":"b"}' },
      ErrorCode.PARAMETER,
      400,
      "entryOwnerId and entryInfo",
    );
    await expectError(
      "/chatroom/create_new.json",
      { chatroomId: "cn-bad", entryOwnerId: "m", entryInfo: "not json" },
      ErrorCode.PARAMETER,
      400,
      "entryInfo",
    );
    await expectError(
      "/chatroom/create_new.json",
      { chatroomId: "cn-bad", entryOwnerId: "m", entryInfo: '{"bad key":"b"}' },
      ErrorCode.ILLEGAL_ARGUMENT,
      200,
      "bad key",
    );
    await expectError(
      "/chatroom/create_new.json",
      { chatroomId: "cn-bad", entryOwnerId: "m", entryInfo: JSON.stringify(pairs(21, "p")) },
      ErrorCode.ATTRIBUTE_BATCH_LIMIT,
      200,
      "at most 20",
    );
    expect((await post("/chatroom/get.json", { chatroomId: "cn-bad" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
  });
});
