import { ErrorCode } from "../../src/core/errors";
import { verifyUserToken } from "../../src/core/tokens";
import { enterAs, signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { requestSeat, useServer } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const t = useServer({ ...creds, keepAliveMax: 2 });
beforeAll(async () => {
  await signedPost(t.httpUrl, "/chatroom/create.json", { "chatroom[k1]": "a", "chatroom[k2]": "b", "chatroom[k3]": "c" }, creds);
});
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);

describe("chatroom/keepalive", () => {
  test("add, query, remove; re-adding a kept room is fine", async () => {
    expect((await post("/chatroom/keepalive/add.json", { chatroomId: "k2" })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/keepalive/add.json", { chatroomId: "k1" })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/keepalive/add.json", { chatroomId: "k1" })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/keepalive/query.json", {})).body).toEqual({ code: 200, chatroomIds: ["k1", "k2"] });
    expect((await post("/chatroom/keepalive/remove.json", { chatroomId: "k2" })).body).toEqual({ code: 200 });
    expect((await post("/chatroom/keepalive/query.json", {})).body).toEqual({ code: 200, chatroomIds: ["k1"] });
  });

  test("an unknown room answers 1015; over the quota (CHAT_KEEPALIVE_MAX, 2 here) 1016", async () => {
    const missing = await post("/chatroom/keepalive/add.json", { chatroomId: "nowhere" });
    expect([missing.status, missing.body.code]).toEqual([400, ErrorCode.KEEPALIVE_ROOM_MISSING]);
    await post("/chatroom/keepalive/add.json", { chatroomId: "k2" });
    const over = await post("/chatroom/keepalive/add.json", { chatroomId: "k3" });
    expect([over.status, over.body.code]).toEqual([403, ErrorCode.KEEPALIVE_QUOTA]);
    expect((await post("/chatroom/keepalive/add.json", {})).body.code).toBe(ErrorCode.PARAMETER);
  });
});

describe("user/getToken.json", () => {
  test("returns a token the entry route accepts for that user only", async () => {
    const reply = await post("/user/getToken.json", { userId: "tok1", name: "Token User" });
    expect(reply.body).toEqual({ code: 200, userId: "tok1", token: expect.any(String) });
    expect(() => verifyUserToken(creds.appSecret, "tok1", reply.body.token, Date.now() + 10 * 365 * 86_400_000)).not.toThrow();
    await expect(requestSeat(t.httpUrl, { mode: "join", roomId: "k1", userId: "tok2", token: reply.body.token })).rejects.toMatchObject({
      code: ErrorCode.AUTH_FAILED,
    });
    await expect(requestSeat(t.httpUrl, { mode: "join", roomId: "k1", userId: "tok1" })).rejects.toMatchObject({
      code: ErrorCode.AUTH_FAILED,
    });
    const room = await enterAs(t.httpUrl, "k1", "tok1", creds);
    expect(room.roomId).toBe("k1");
    await room.leave();
  });

  test("refuses a missing or bad userId and a name over 128 characters", async () => {
    expect((await post("/user/getToken.json", {})).body.code).toBe(ErrorCode.PARAMETER);
    expect((await post("/user/getToken.json", { userId: "a b" })).body.code).toBe(ErrorCode.PARAMETER);
    expect((await post("/user/getToken.json", { userId: "ok", name: "n".repeat(129) })).body.code).toBe(ErrorCode.TOO_LONG);
  });
});
