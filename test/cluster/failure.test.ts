import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { clusterEnv, startProcess, usePrivateRedis, type ServerProcess } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";
import { signedPost, tokenFor, type OperatorCredentials } from "../helpers/operator";
import { requestSeat, sdkEnter, waitFor, sleep } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "failure-key", appSecret: "failure-secret" };

async function seatFor(via: ServerProcess, roomId: string, userId: string): Promise<{ publicAddress?: string }> {
  return (await requestSeat(via.httpUrl, { mode: "enter", roomId, userId, token: await tokenFor(via.httpUrl, userId, creds) })) as { publicAddress?: string };
}

async function enter(via: ServerProcess, roomId: string, userId: string): Promise<Room> {
  const room = await sdkEnter(via.httpUrl, { mode: "enter", roomId, userId, token: await tokenFor(via.httpUrl, userId, creds) });
  room.onMessage("*", () => undefined);
  return room;
}

// Both suites run on redis-servers of their own (never the shared Redis): Colyseus' keys cannot be prefixed.
describeWithRedisServer("a process that dies", () => {
  const privateRedis = usePrivateRedis({ persistence: false });
  let procs: ServerProcess[] = [];

  beforeAll(async () => {
    const env = clusterEnv(privateRedis(), creds);
    procs = await Promise.all([startProcess(env), startProcess(env)]);
  }, 30_000);

  test("leaves no room behind: its rooms vanish from queries within seconds, can be entered again elsewhere, and the others keep serving", async () => {
    const [a, b] = procs;
    // One room on each process. Colyseus places a new room on the process with the fewest rooms,
    // as each process last reported (at most once a second), so probe until both hosts are used.
    const hostOf = new Map<string, ServerProcess>();
    for (let i = 0; i < 20 && new Set(hostOf.values()).size < 2; i++) {
      const seat = await seatFor(i % 2 ? a : b, `f${i}`, "probe");
      hostOf.set(`f${i}`, seat.publicAddress?.endsWith(`:${a.port}`) ? a : b);
      await sleep(1100);
    }
    const doomedRoom = [...hostOf].find(([, host]) => host === a)![0];
    const survivingRoom = [...hostOf].find(([, host]) => host === b)![0];
    const survivor = await enter(b, survivingRoom, "sam");
    const peer = await enter(b, survivingRoom, "pat");
    const heard: unknown[] = [];
    peer.onMessage("roomMessages", (batch: unknown[]) => heard.push(...batch));

    a.child.kill("SIGKILL");
    const killedAt = Date.now();
    await waitFor(async () => (await signedPost(b.httpUrl, "/chatroom/get.json", { chatroomId: doomedRoom }, creds)).body.code === ErrorCode.ROOM_NOT_EXIST, 10_000, "the dead room to leave the listings");
    const vanishedAfter = Date.now() - killedAt;
    expect(vanishedAfter).toBeLessThan(10_000);

    // Its id is free again: the dead process's claim is taken over (its connection is gone), or lapses.
    const again = await (async () => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        try {
          return await enter(b, doomedRoom, "rex");
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await sleep(500);
        }
      }
    })();
    expect(again.roomId).toBe(doomedRoom);

    await survivor.request("sendMessage", { type: "text", content: "still here" });
    await waitFor(() => heard.length === 1, 2000, "the surviving room to keep delivering");
    await Promise.all([again.leave(), survivor.leave(), peer.leave()]);
  }, 40_000);
});

describeWithRedisServer("a Redis restart", () => {
  const privateRedis = usePrivateRedis({ persistence: true });

  test("processes reconnect by themselves and the moderation state Redis kept is intact", async () => {
    const redis = privateRedis();
    const env = clusterEnv(redis, creds);
    const [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
    const before = await enter(a, "steady", "ivy");
    expect((await signedPost(b.httpUrl, "/chatroom/user/block/add.json", { chatroomId: "guarded", userId: ["mal"], minute: 60 }, creds)).body.code).toBe(200);
    await before.leave();

    await redis.stop("SIGTERM");
    await sleep(1500);
    await redis.start();

    // Both processes serve again without a restart of their own, and the ban survived.
    await waitFor(async () => {
      try {
        await enter(b, "after", "joy").then((r) => r.leave());
        return true;
      } catch {
        return false;
      }
    }, 20_000, "process b to serve rooms again");
    await expect(requestSeat(a.httpUrl, { mode: "enter", roomId: "guarded", userId: "mal", token: await tokenFor(a.httpUrl, "mal", creds) })).rejects.toMatchObject({
      code: ErrorCode.BANNED,
    });
    const listed = await signedPost(a.httpUrl, "/chatroom/user/block/list.json", { chatroomId: "guarded" }, creds);
    expect(listed.body.users.map((u: { userId: string }) => u.userId)).toEqual(["mal"]);
    const room = await enter(a, "after2", "kim");
    const other = await enter(b, "after2", "lee");
    const heard: unknown[] = [];
    other.onMessage("roomMessages", (batch: unknown[]) => heard.push(...batch));
    await room.request("sendMessage", { type: "text", content: "back" });
    await waitFor(() => heard.length === 1, 3000, "a message across processes after the restart");
    await Promise.all([room.leave(), other.leave()]);
  }, 60_000);
});
