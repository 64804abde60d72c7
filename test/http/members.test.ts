import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { enterAs, signedPost, TestClock, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { leaveCode, useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const clock = new TestClock();
const t = useServer({ ...creds, now: clock.now });
const rooms: Room[] = [];
beforeAll(async () => {
  await signedPost(t.httpUrl, "/chatroom/create.json", { "chatroom[m1]": "members" }, creds);
  for (const userId of ["ann", "ben", "cat"]) {
    rooms.push(await enterAs(t.httpUrl, "m1", userId, creds));
    clock.advance(5); // distinct join times
  }
});
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);

describe("chatroom/user/query.json", () => {
  test("lists members by join time ascending (order=1) or descending (order=2), with the total", async () => {
    const asc = await post("/chatroom/user/query.json", { count: 2, order: 1, chatroomId: "m1" });
    expect(asc.body).toEqual({
      code: 200,
      total: 3,
      users: [
        { id: "ann", time: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/) },
        { id: "ben", time: expect.any(String) },
      ],
    });
    const desc = await post("/chatroom/user/query.json", { count: 500, order: 2, chatroomId: "m1" });
    expect(desc.body.users.map((u: { id: string }) => u.id)).toEqual(["cat", "ben", "ann"]);
  });

  test("refuses count outside 1..500, a bad order, missing parameters; unknown room 23410", async () => {
    for (const [params, mentions] of [
      [{ chatroomId: "m1", count: 501, order: 1 }, "count"],
      [{ chatroomId: "m1", count: 0, order: 1 }, "count"],
      [{ chatroomId: "m1", count: 10, order: 3 }, "order"],
      [{ chatroomId: "m1", order: 1 }, "count"],
      [{ count: 10, order: 1 }, "chatroomId"],
    ] as const) {
      const reply = await post("/chatroom/user/query.json", params);
      expect([reply.status, reply.body.code]).toEqual([400, ErrorCode.PARAMETER]);
      expect(reply.body.errorMessage).toContain(mentions);
    }
    expect((await post("/chatroom/user/query.json", { chatroomId: "none", count: 1, order: 1 })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
  });
});

describe("chatroom/user/exist.json and users/exist.json", () => {
  test("user/exist answers a boolean", async () => {
    expect((await post("/chatroom/user/exist.json", { chatroomId: "m1", userId: "ben" })).body).toEqual({ code: 200, isInChrm: true });
    expect((await post("/chatroom/user/exist.json", { chatroomId: "m1", userId: "zed" })).body).toEqual({ code: 200, isInChrm: false });
    expect((await post("/chatroom/user/exist.json", { chatroomId: "m1" })).body.code).toBe(ErrorCode.PARAMETER);
    expect((await post("/chatroom/user/exist.json", { chatroomId: "none", userId: "ben" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    expect((await post("/chatroom/user/exist.json", { chatroomId: "m1", userId: "u".repeat(65) })).body.code).toBe(ErrorCode.TOO_LONG);
  });

  test("users/exist answers 0/1 integers per user (Node order: array keys first)", async () => {
    const reply = await post("/chatroom/users/exist.json", { userId: ["ann", "zed"], chatroomId: "m1" });
    expect(reply.body).toEqual({
      code: 200,
      result: [
        { userId: "ann", isInChrm: 1 },
        { userId: "zed", isInChrm: 0 },
      ],
    });
  });

  test("users/exist takes up to 1000 users and refuses 1001", async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `u${i}`);
    const ok = await post("/chatroom/users/exist.json", { chatroomId: "m1", userId: ids });
    expect(ok.body.result).toHaveLength(1000);
    const over = await post("/chatroom/users/exist.json", { chatroomId: "m1", userId: [...ids, "u1000"] });
    expect([over.status, over.body.code]).toEqual([400, ErrorCode.PARAMETER]);
    expect(over.body.errorMessage).toContain("at most 1000");
  });
});

describe("chatroom/user/kick.json (our extension)", () => {
  test("removes members with KICKED (4101) without banning them; unknown room 23410; over 20 users 1002", async () => {
    const closed = leaveCode(rooms.at(2)!);
    expect((await post("/chatroom/user/kick.json", { chatroomId: "m1", userId: "cat" })).body).toEqual({ code: 200 });
    expect(await closed).toBe(4101);
    await waitFor(async () => (await post("/chatroom/user/exist.json", { chatroomId: "m1", userId: "cat" })).body.isInChrm === false);
    const back = await enterAs(t.httpUrl, "m1", "cat", creds);
    expect(back.roomId).toBe("m1");
    expect((await post("/chatroom/user/kick.json", { chatroomId: "none", userId: "cat" })).body.code).toBe(ErrorCode.ROOM_NOT_EXIST);
    const many = Array.from({ length: 21 }, (_, i) => `k${i}`);
    expect((await post("/chatroom/user/kick.json", { chatroomId: "m1", userId: many })).body.code).toBe(ErrorCode.PARAMETER);
  });
});
