import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { startPrivateRedis, startProcess, stopAllProcesses, type PrivateRedis, type ServerProcess } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";
import { signedPost, tokenFor, type OperatorCredentials } from "../helpers/operator";
import { requestSeat, sdkEnter, waitFor, leaveCode, EnterError } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "cluster-key", appSecret: "cluster-secret" };

/** Enters through `via`'s entry route; the room may live on either process. */
async function enter(via: ServerProcess, roomId: string, userId: string, mode: "create" | "join" | "enter" = "enter"): Promise<Room> {
  const room = await sdkEnter(via.httpUrl, { mode, roomId, userId, token: await tokenFor(via.httpUrl, userId, creds) });
  room.onMessage("*", () => undefined);
  return room;
}

const op = (via: ServerProcess, path: string, params: Record<string, string | number | string[]>) =>
  signedPost(via.httpUrl, path, params, creds);

// On a redis-server of the suite's own: Colyseus' keys (roomcaches, roomcount) cannot be
// prefixed, so a shared Redis would mix this suite's rooms with another's.
describeWithRedisServer("two processes on one Redis behave as one server", () => {
  let redis: PrivateRedis;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistence: false });
    const env = { REDIS_URL: redis.url, CHAT_APP_KEY: creds.appKey, CHAT_APP_SECRET: creds.appSecret, CHAT_MAX_ROOMS_PER_USER: "2" };
    [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
  }, 30_000);
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await Promise.all([a?.stop(), b?.stop()]);
    await stopAllProcesses();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await redis?.dispose();
  });

  test("concurrent enters of one id through both processes make exactly one room", async () => {
    const rooms = await Promise.all(Array.from({ length: 10 }, (_, i) => enter(i % 2 ? a : b, "shared", `u${i}`)));
    expect(new Set(rooms.map((r) => r.roomId))).toEqual(new Set(["shared"]));
    for (const via of [a, b]) {
      const reply = await op(via, "/chatroom/user/query.json", { chatroomId: "shared", count: 100, order: 1 });
      expect(reply.body).toMatchObject({ code: 200, total: 10 });
    }
    await Promise.all(rooms.map((r) => r.leave()));
  });

  test("a create of an id that exists on the other process fails with ROOM_ALREADY_EXISTS", async () => {
    const first = await enter(a, "solo", "ann", "create");
    await expect(
      requestSeat(b.httpUrl, { mode: "create", roomId: "solo", userId: "bob", token: await tokenFor(b.httpUrl, "bob", creds) }),
    ).rejects.toMatchObject({
      code: ErrorCode.ROOM_ALREADY_EXISTS,
    });
    await first.leave();
  });

  test("either process answers the operator API for a room on any process, and kicks and destroys there", async () => {
    const ann = await enter(a, "ops", "ann");
    const bob = await enter(b, "ops", "bob");
    for (const via of [a, b]) {
      expect((await op(via, "/chatroom/user/exist.json", { chatroomId: "ops", userId: "ann" })).body).toEqual({
        code: 200,
        isInChrm: true,
      });
      expect((await op(via, "/chatroom/get.json", { chatroomId: "ops" })).body).toMatchObject({
        code: 200,
        chatroomId: "ops",
        memberCount: 2,
      });
    }
    const kicked = leaveCode(ann);
    expect((await op(b, "/chatroom/user/kick.json", { chatroomId: "ops", userId: ["ann"] })).body.code).toBe(200);
    expect(await kicked).toBe(4101);
    const dismissed = leaveCode(bob);
    expect((await op(a, "/chatroom/destroy.json", { chatroomId: ["ops"] })).body.code).toBe(200);
    expect(await dismissed).toBe(4102);
  });

  test("a ban or mute set through one process takes effect on members of the other within one second", async () => {
    const carl = await enter(a, "mod", "carl");
    const dina = await enter(b, "mod", "dina");
    const muteAt = Date.now();
    expect((await op(b, "/chatroom/user/gag/add.json", { chatroomId: "mod", userId: ["carl"], minute: 5 })).body.code).toBe(200);
    await expect(carl.request("sendMessage", { type: "text", content: "hi" })).rejects.toMatchObject({ reason: { code: ErrorCode.MUTED } });
    expect(Date.now() - muteAt).toBeLessThan(1000);
    const banned = leaveCode(dina);
    const banAt = Date.now();
    expect((await op(a, "/chatroom/user/block/add.json", { chatroomId: "mod", userId: ["dina"], minute: 5 })).body.code).toBe(200);
    expect(await banned).toBe(4103);
    expect(Date.now() - banAt).toBeLessThan(1000);
    await expect(
      requestSeat(b.httpUrl, { mode: "join", roomId: "mod", userId: "dina", token: await tokenFor(b.httpUrl, "dina", creds) }),
    ).rejects.toMatchObject({
      code: ErrorCode.BANNED,
    });
    await carl.leave();
  });

  test("rooms-per-user counts the user's rooms on every process", async () => {
    const one = await enter(a, "pu1", "eve");
    const two = await enter(b, "pu2", "eve");
    const error = await requestSeat(a.httpUrl, {
      mode: "enter",
      roomId: "pu3",
      userId: "eve",
      token: await tokenFor(a.httpUrl, "eve", creds),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnterError);
    expect((error as EnterError).code).toBe(ErrorCode.JOINED_ROOMS_LIMIT);
    await Promise.all([one.leave(), two.leave()]);
  });

  test("messages and history are shared: a member on one process hears one on the other, and either process serves the history", async () => {
    const fay = await enter(a, "chat", "fay");
    const gus = await enter(b, "chat", "gus");
    const heard: { content: string }[] = [];
    gus.onMessage("roomMessages", (batch: { content: string }[]) => heard.push(...batch));
    await fay.request("sendMessage", { type: "text", content: "across" });
    await waitFor(() => heard.some((m) => m.content === "across"), 2000, "gus hears fay");
    // history is written beside the delivery, not before it: the read through the other process
    // may come first, so it is asked until it holds the message (bounded)
    let history: { content: string }[] = [];
    await waitFor(
      async () => {
        history = await gus.request<unknown, { content: string }[]>("queryHistory", { limit: 10 });
        return history.length > 0;
      },
      2000,
      "the history through process b",
    );
    expect(history.map((m) => m.content)).toEqual(["across"]);
    await Promise.all([fay.leave(), gus.leave()]);
  });
});
