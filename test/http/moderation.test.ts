import { ErrorCode } from "../../src/core/errors";
import { signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { requestSeat, useServer } from "../helpers/server";
import { tokenFor } from "../helpers/operator";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
/** A frozen clock: 2030-01-01 00:00:00.500 UTC, so end times are predictable. */
let nowMs = Date.UTC(2030, 0, 1, 0, 0, 0, 500);
const t = useServer({ ...creds, now: () => nowMs });
beforeAll(async () => {
  await signedPost(t.httpUrl, "/chatroom/create.json", { "chatroom[r1]": "one", "chatroom[r2]": "two", "chatroom[r3]": "three" }, creds);
});
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);
const users = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

async function expectParameterError(path: string, params: FormParams, mentions: string, code: number = ErrorCode.PARAMETER): Promise<void> {
  const reply = await post(path, params);
  expect([reply.status, reply.body.code]).toEqual([400, code]);
  expect(reply.body.errorMessage).toContain(mentions);
}

describe.each([
  ["block", "/chatroom/user/block"],
  ["gag", "/chatroom/user/gag"],
])("%s add / list / rollback", (_name, base) => {
  test("add lists each user with its end time (rounded up to the second), rollback removes", async () => {
    expect(
      (await post(`${base}/add.json`, { userId: ["ua", "ub"], minute: 10, chatroomId: "r1", needNotify: "true", extra: "{}" })).body,
    ).toEqual({ code: 200 });
    const list = await post(`${base}/list.json`, { chatroomId: "r1" });
    expect(list.body).toEqual({
      code: 200,
      users: [
        { time: "2030-01-01 00:10:01", userId: "ua" },
        { time: "2030-01-01 00:10:01", userId: "ub" },
      ],
    });
    expect((await post(`${base}/rollback.json`, { chatroomId: "r1", userId: "ua" })).body).toEqual({ code: 200 });
    expect((await post(`${base}/list.json`, { chatroomId: "r1" })).body.users.map((u: { userId: string }) => u.userId)).toEqual(["ub"]);
    await post(`${base}/rollback.json`, { chatroomId: "r1", userId: "ub" });
  });

  test("an entry is gone the second it ends", async () => {
    await post(`${base}/add.json`, { chatroomId: "r2", userId: "uc", minute: 1 });
    const start = nowMs;
    nowMs = Math.ceil(start / 1000) * 1000 + 60_000 - 1;
    expect((await post(`${base}/list.json`, { chatroomId: "r2" })).body.users).toHaveLength(1);
    nowMs += 1;
    expect((await post(`${base}/list.json`, { chatroomId: "r2" })).body.users).toEqual([]);
    nowMs = start;
  });

  test("refuses minute outside 1..43200, over 20 users, missing ids", async () => {
    await expectParameterError(`${base}/add.json`, { chatroomId: "r1", userId: "u", minute: 0 }, "1..43200");
    await expectParameterError(`${base}/add.json`, { chatroomId: "r1", userId: "u", minute: 43201 }, "1..43200");
    await expectParameterError(`${base}/add.json`, { chatroomId: "r1", userId: "u" }, "minute");
    await expectParameterError(`${base}/add.json`, { chatroomId: "r1", userId: users(21), minute: 1 }, "at most 20");
    await expectParameterError(`${base}/add.json`, { chatroomId: "r1", minute: 1 }, "userId");
    await expectParameterError(`${base}/add.json`, { userId: "u", minute: 1 }, "chatroomId");
    await expectParameterError(`${base}/add.json`, { chatroomId: "r1", userId: "u", minute: 1, needNotify: "maybe" }, "needNotify");
    await expectParameterError(`${base}/rollback.json`, { chatroomId: "r1", userId: users(21) }, "at most 20");
    expect((await post(`${base}/add.json`, { chatroomId: "r1", userId: users(20), minute: 43200 })).body).toEqual({ code: 200 });
    await post(`${base}/rollback.json`, { chatroomId: "r1", userId: users(20) });
  });
});

describe("block outlives the room", () => {
  test("a ban on a room id that does not exist yet holds when the room is created", async () => {
    expect((await post("/chatroom/user/block/add.json", { chatroomId: "later", userId: "vic", minute: 5 })).body).toEqual({ code: 200 });
    await post("/chatroom/create.json", { "chatroom[later]": "later" });
    const token = await tokenFor(t.httpUrl, "vic", creds);
    await expect(requestSeat(t.httpUrl, { mode: "join", roomId: "later", userId: "vic", token })).rejects.toMatchObject({
      code: ErrorCode.BANNED,
    });
  });
});

describe("mute all: ban add / rollback / check / query", () => {
  test("add, check, query pages, rollback", async () => {
    for (const id of ["r1", "r2", "r3"]) expect((await post("/chatroom/ban/add.json", { chatroomId: id })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/ban/check.json", { chatroomId: "r2" })).body).toEqual({ code: 200, status: 1 });
    expect((await post("/chatroom/ban/query.json", {})).body).toEqual({ code: 200, chatroomIds: ["r1", "r2", "r3"] });
    expect((await post("/chatroom/ban/query.json", { size: 2, page: 2 })).body).toEqual({ code: 200, chatroomIds: ["r3"] });
    expect((await post("/chatroom/get.json", { chatroomId: "r1" })).body.ban).toBe(true);
    for (const id of ["r1", "r2", "r3"])
      expect((await post("/chatroom/ban/rollback.json", { chatroomId: id })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/ban/check.json", { chatroomId: "r2" })).body).toEqual({ code: 200, status: 0 });
    expect((await post("/chatroom/ban/query.json", {})).body.chatroomIds).toEqual([]);
  });

  test("an unknown room answers 23410; size over 1000 and page 0 are refused", async () => {
    expect((await post("/chatroom/ban/add.json", { chatroomId: "nowhere" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    await expectParameterError("/chatroom/ban/query.json", { size: 1001 }, "size");
    await expectParameterError("/chatroom/ban/query.json", { page: 0 }, "page");
    await expectParameterError("/chatroom/ban/check.json", {}, "chatroomId");
  });
});

describe("mute exceptions: user/ban/whitelist", () => {
  test("add, query, rollback; the list holds at most 20", async () => {
    expect((await post("/chatroom/user/ban/whitelist/add.json", { chatroomId: "r3", userId: users(15) })).body).toEqual({ code: 200 });
    await expectParameterError(
      "/chatroom/user/ban/whitelist/add.json",
      { chatroomId: "r3", userId: ["x1", "x2", "x3", "x4", "x5", "x6"] },
      "at most 20",
    );
    expect(
      (await post("/chatroom/user/ban/whitelist/add.json", { chatroomId: "r3", userId: ["x1", "x2", "x3", "x4", "x5"] })).body,
    ).toEqual({ code: 200 });
    expect((await post("/chatroom/user/ban/whitelist/query.json", { chatroomId: "r3" })).body.userIds).toHaveLength(20);
    expect((await post("/chatroom/user/ban/whitelist/rollback.json", { chatroomId: "r3", userId: users(15) })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/user/ban/whitelist/query.json", { chatroomId: "r3" })).body.userIds.sort()).toEqual([
      "x1",
      "x2",
      "x3",
      "x4",
      "x5",
    ]);
    expect((await post("/chatroom/user/ban/whitelist/add.json", { chatroomId: "nowhere", userId: "a" })).body.code).toBe(
      ErrorCode.ROOM_NOT_EXIST,
    );
    await expectParameterError("/chatroom/user/ban/whitelist/add.json", { chatroomId: "r3", userId: users(21) }, "at most 20");
  });
});

describe("global mute: user/ban add / remove / query", () => {
  test("add lists end times, remove lifts; limits as for gag", async () => {
    expect((await post("/chatroom/user/ban/add.json", { userId: "g1", minute: 60 })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/user/ban/query.json", {})).body).toEqual({
      code: 200,
      users: [{ time: "2030-01-01 01:00:01", userId: "g1" }],
    });
    expect((await post("/chatroom/user/ban/remove.json", { userId: "g1" })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/user/ban/query.json", {})).body).toEqual({ code: 200, users: [] });
    await expectParameterError("/chatroom/user/ban/add.json", { userId: users(21), minute: 1 }, "at most 20");
    await expectParameterError("/chatroom/user/ban/add.json", { userId: "g1", minute: 43201 }, "minute");
    await expectParameterError("/chatroom/user/ban/remove.json", {}, "userId");
  });
});

describe("protected users: user/whitelist", () => {
  test("add, query (strings), remove; at most 5 per room; unknown room 23410", async () => {
    expect((await post("/chatroom/user/whitelist/add.json", { chatroomId: "r1", userId: ["p1", "p2", "p3"] })).body).toEqual({ code: 200 });
    await expectParameterError("/chatroom/user/whitelist/add.json", { chatroomId: "r1", userId: ["p4", "p5", "p6"] }, "at most 5");
    expect((await post("/chatroom/user/whitelist/query.json", { chatroomId: "r1" })).body.users.sort()).toEqual(["p1", "p2", "p3"]);
    expect((await post("/chatroom/user/whitelist/remove.json", { chatroomId: "r1", userId: ["p1", "p2"] })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/user/whitelist/query.json", { chatroomId: "r1" })).body).toEqual({ code: 200, users: ["p3"] });
    expect((await post("/chatroom/user/whitelist/add.json", { chatroomId: "nowhere", userId: "p" })).body.code).toBe(
      ErrorCode.ROOM_NOT_EXIST,
    );
    await expectParameterError("/chatroom/user/whitelist/remove.json", { chatroomId: "r1", userId: users(6) }, "at most 5");
  });
});
