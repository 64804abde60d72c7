import { ErrorCode } from "../../src/core/errors";
import { signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { useServer } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const t = useServer({ ...creds, inactivityMin: 90 });
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);

async function expectError(path: string, params: FormParams, code: number, status: number, mentions: string): Promise<void> {
  const reply = await post(path, params);
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ code, errorMessage: expect.stringContaining(mentions) });
}

describe("chatroom/create.json", () => {
  test("creates several rooms (Node encoding); get.json sees them with the server defaults", async () => {
    expect((await post("/chatroom/create.json", { "chatroom[cr1]": "Room 1", "chatroom[cr2]": "Room 2" })).body).toEqual({ code: 200 });
    const got = await post("/chatroom/get.json", { chatroomId: "cr1" });
    expect(got.body).toEqual({
      code: 200,
      chatroomId: "cr1",
      createTime: expect.any(Number),
      memberCount: 0,
      destroyType: 0,
      destroyTime: 90,
      ban: false,
      messageCount: 0,
      droppedCount: 0,
    });
    const q = await post("/chatroom/query.json", { chatroomId: ["cr1", "cr2", "missing"] });
    expect(q.body).toEqual({
      code: 200,
      chatRooms: [
        { chrmId: "cr1", name: "Room 1", time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
        { chrmId: "cr2", name: "Room 2", time: expect.any(String) },
      ],
    });
  });

  test("accepts Java's unencoded brackets and + for spaces", async () => {
    const reply = await signedPost(t.httpUrl, "/chatroom/create.json", {}, creds, { rawBody: "chatroom[cr3]=Room+3" });
    expect(reply.body).toEqual({ code: 200 });
    expect((await post("/chatroom/query.json", { chatroomId: "cr3" })).body.chatRooms).toEqual([
      { chrmId: "cr3", name: "Room 3", time: expect.any(String) },
    ]);
  });

  test("creating an existing id succeeds and leaves the room as it was", async () => {
    expect((await post("/chatroom/create.json", { "chatroom[cr1]": "Renamed" })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/query.json", { chatroomId: "cr1" })).body.chatRooms[0].name).toBe("Room 1");
  });

  test("refuses no room, over 100 rooms, bad and long ids and long names", async () => {
    await expectError("/chatroom/create.json", {}, ErrorCode.PARAMETER, 400, "chatroom[<id>]");
    const many: FormParams = {};
    for (let i = 0; i < 101; i++) many[`chatroom[m${i}]`] = "n";
    await expectError("/chatroom/create.json", many, ErrorCode.PARAMETER, 400, "at most 100");
    await expectError("/chatroom/create.json", { [`chatroom[${"x".repeat(65)}]`]: "n" }, ErrorCode.TOO_LONG, 400, "at most 64");
    await expectError("/chatroom/create.json", { "chatroom[a/b]": "n" }, ErrorCode.PARAMETER, 400, "[A-Za-z0-9_-]");
    await expectError("/chatroom/create.json", { "chatroom[ok]": "n".repeat(129) }, ErrorCode.TOO_LONG, 400, "at most 128");
  });
});

describe("chatroom/create_new.json", () => {
  test("Go's always-sent defaults (destroyTime=0, isBan=false) give inactivity 60 min, not muted", async () => {
    expect((await post("/chatroom/create_new.json", { chatroomId: "cn1", destroyType: 0, destroyTime: 0, isBan: "false" })).body).toEqual({
      code: 200,
    });
    expect((await post("/chatroom/get.json", { chatroomId: "cn1" })).body).toMatchObject({ destroyType: 0, destroyTime: 60, ban: false });
  });

  test("fixed-time destroy, mute-all and mute exceptions are applied", async () => {
    const reply = await post("/chatroom/create_new.json", {
      chatroomId: "cn2",
      destroyType: 1,
      destroyTime: 120,
      isBan: "true",
      whiteUserIds: ["wa", "wb"],
    });
    expect(reply.body).toEqual({ code: 200 });
    expect((await post("/chatroom/get.json", { chatroomId: "cn2" })).body).toMatchObject({ destroyType: 1, destroyTime: 120, ban: true });
    expect((await post("/chatroom/ban/check.json", { chatroomId: "cn2" })).body).toEqual({ code: 200, status: 1 });
    expect((await post("/chatroom/user/ban/whitelist/query.json", { chatroomId: "cn2" })).body.userIds.sort()).toEqual(["wa", "wb"]);
  });

  test("accepts 1/0 for isBan and the documented maxima", async () => {
    expect((await post("/chatroom/create_new.json", { chatroomId: "cn3", destroyType: 1, destroyTime: 10800, isBan: 1 })).body).toEqual({
      code: 200,
    });
    expect((await post("/chatroom/get.json", { chatroomId: "cn3" })).body).toMatchObject({ destroyType: 1, destroyTime: 10800, ban: true });
  });

  test("refuses bad options naming the parameter and its range", async () => {
    await expectError("/chatroom/create_new.json", {}, ErrorCode.PARAMETER, 400, "chatroomId is required");
    await expectError("/chatroom/create_new.json", { chatroomId: "bad", destroyTime: 59 }, ErrorCode.PARAMETER, 400, "destroyTime");
    await expectError("/chatroom/create_new.json", { chatroomId: "bad", destroyTime: 10801 }, ErrorCode.PARAMETER, 400, "10800");
    await expectError("/chatroom/create_new.json", { chatroomId: "bad", destroyType: 2 }, ErrorCode.PARAMETER, 400, "destroyType");
    await expectError("/chatroom/create_new.json", { chatroomId: "bad", isBan: "yes" }, ErrorCode.PARAMETER, 400, "isBan");
    const whites = Array.from({ length: 21 }, (_, i) => `w${i}`);
    await expectError("/chatroom/create_new.json", { chatroomId: "bad", whiteUserIds: whites }, ErrorCode.PARAMETER, 400, "at most 20");
    await expectError(
      "/chatroom/create_new.json",
      { chatroomId: "bad", entryOwnerId: "u", entryInfo: "{}" },
      ErrorCode.PARAMETER,
      400,
      "entryInfo",
    );
    await expectError("/chatroom/create_new.json", { chatroomId: ["a", "b"] }, ErrorCode.PARAMETER, 400, "given once");
    expect((await post("/chatroom/get.json", { chatroomId: "bad" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
  });
});

describe("chatroom/get.json, destroy/set.json, destroy.json", () => {
  test("get.json of an unknown room answers 23410 (HTTP 200)", async () => {
    const reply = await post("/chatroom/get.json", { chatroomId: "nowhere" });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ code: ErrorCode.ROOM_NOT_EXIST, errorMessage: expect.stringContaining("nowhere") });
    await expectError("/chatroom/get.json", {}, ErrorCode.PARAMETER, 400, "chatroomId");
  });

  test("destroy/set.json changes the type and time; unknown room 23410; bad values 1002", async () => {
    await post("/chatroom/create.json", { "chatroom[ds1]": "d" });
    expect((await post("/chatroom/destroy/set.json", { chatroomId: "ds1", destroyType: 1, destroyTime: 300 })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/get.json", { chatroomId: "ds1" })).body).toMatchObject({ destroyType: 1, destroyTime: 300 });
    expect((await post("/chatroom/destroy/set.json", { chatroomId: "ds1", destroyType: 0 })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/get.json", { chatroomId: "ds1" })).body).toMatchObject({ destroyType: 0, destroyTime: 60 });
    expect((await post("/chatroom/destroy/set.json", { chatroomId: "nowhere", destroyType: 0 })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    await expectError("/chatroom/destroy/set.json", { chatroomId: "ds1", destroyTime: "ten" }, ErrorCode.PARAMETER, 400, "destroyTime");
  });

  test("destroy.json removes several rooms (unknown ids are fine) and forgets their mute-all state", async () => {
    await post("/chatroom/create_new.json", { chatroomId: "dx1", isBan: true });
    await post("/chatroom/create.json", { "chatroom[dx2]": "d" });
    expect((await post("/chatroom/destroy.json", { chatroomId: ["dx1", "dx2", "never"] })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/get.json", { chatroomId: "dx1" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    expect((await post("/chatroom/get.json", { chatroomId: "dx2" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    await post("/chatroom/create.json", { "chatroom[dx1]": "again" });
    expect((await post("/chatroom/get.json", { chatroomId: "dx1" })).body).toMatchObject({ ban: false, destroyType: 0, destroyTime: 90 });
    await expectError("/chatroom/destroy.json", {}, ErrorCode.PARAMETER, 400, "chatroomId");
  });

  test("query.json takes at most 20 ids", async () => {
    await expectError(
      "/chatroom/query.json",
      { chatroomId: Array.from({ length: 21 }, (_, i) => `q${i}`) },
      ErrorCode.PARAMETER,
      400,
      "at most 20",
    );
  });
});
