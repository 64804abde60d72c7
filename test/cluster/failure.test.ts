import type { Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { ErrorCode } from "../../src/core/errors";
import { clusterEnv, registryAgrees, sawRedisDown, startProcess, usePrivateRedis, type ServerProcess } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";
import { signedPost, tokenFor, type OperatorCredentials } from "../helpers/operator";
import { requestSeat, sdkEnter, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "failure-key", appSecret: "failure-secret" };

async function seatFor(via: ServerProcess, roomId: string, userId: string): Promise<{ publicAddress?: string }> {
  return (await requestSeat(via.httpUrl, { mode: "enter", roomId, userId, token: await tokenFor(via.httpUrl, userId, creds) })) as {
    publicAddress?: string;
  };
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
    const a = procs.at(0)!;
    const b = procs.at(1)!;
    // One room on each process. Colyseus places a new room on the process with the fewest rooms,
    // as each process last reported (at most once a second): before each probe, wait until the
    // registry counts every room, so the probes alternate between the processes.
    const hostOf = new Map<string, ServerProcess>();
    const admin = new Redis(privateRedis().url);
    try {
      for (let i = 0; i < 4 && new Set(hostOf.values()).size < 2; i++) {
        await waitFor(() => registryAgrees(admin, 2), 5000, "the process registry to count every room");
        const seat = await seatFor(i % 2 ? a : b, `f${i}`, "probe");
        hostOf.set(`f${i}`, seat.publicAddress?.endsWith(`:${a.port}`) ? a : b);
      }
    } finally {
      admin.disconnect();
    }
    expect(new Set(hostOf.values()).size).toBe(2);
    const doomedRoom = [...hostOf].find(([, host]) => host === a)![0];
    const survivingRoom = [...hostOf].find(([, host]) => host === b)![0];
    const survivor = await enter(b, survivingRoom, "sam");
    const peer = await enter(b, survivingRoom, "pat");
    const heard: unknown[] = [];
    peer.onMessage("roomMessages", (batch: unknown[]) => heard.push(...batch));

    a.child.kill("SIGKILL");
    const killedAt = Date.now();
    // the wait may run longer than the bound asserted below, so the bound can fail
    await waitFor(
      async () =>
        (await signedPost(b.httpUrl, "/chatroom/get.json", { chatroomId: doomedRoom }, creds)).body.code === ErrorCode.ROOM_NOT_EXIST,
      15_000,
      "the dead room to leave the listings",
    );
    const vanishedAfter = Date.now() - killedAt;
    // "within seconds": a process is taken for dead 800 ms after its Redis connection went (README "Reliability")
    expect(vanishedAfter).toBeLessThan(5000);

    // Its id is free again: the dead process's claim is taken over (its connection is gone), or lapses.
    let again: Room | undefined;
    let refused: unknown;
    await waitFor(
      async () => {
        again = await enter(b, doomedRoom, "rex").catch((e: unknown) => ((refused = e), undefined));
        return again !== undefined;
      },
      15_000,
      "the dead room's id to be entered again",
      100,
    ).catch((e: unknown) => {
      throw new Error(
        `${e instanceof Error ? e.message : String(e)}; last refusal: ${refused instanceof Error ? refused.message : String(refused)}`,
      );
    });
    const rex = again!;
    expect(rex.roomId).toBe(doomedRoom);

    await survivor.request("sendMessage", { type: "text", content: "still here" });
    await waitFor(() => heard.length === 1, 2000, "the surviving room to keep delivering");
    await Promise.all([rex.leave(), survivor.leave(), peer.leave()]);
  }, 40_000);
});

describeWithRedisServer("a Redis restart", () => {
  const privateRedis = usePrivateRedis({ persistence: true });

  test("processes reconnect by themselves and the moderation state Redis kept is intact", async () => {
    const redis = privateRedis();
    const env = clusterEnv(redis, creds);
    const [a, b] = await Promise.all([startProcess(env), startProcess(env)]);
    const before = await enter(a, "steady", "ivy");
    expect(
      (await signedPost(b.httpUrl, "/chatroom/user/block/add.json", { chatroomId: "guarded", userId: ["mal"], minute: 60 }, creds)).body
        .code,
    ).toBe(200);
    await before.leave();

    const marks = [a.output().length, b.output().length];
    await redis.stop("SIGTERM");
    // Redis stays down until both processes have seen it go (a reconnect attempt failed), so each
    // has to come back by itself
    await waitFor(() => sawRedisDown([a, b], marks), 10_000, "both processes to see Redis down");
    await redis.start();

    // Both processes serve again without a restart of their own, and the ban survived.
    await waitFor(
      async () => {
        try {
          await enter(b, "after", "joy").then((r) => r.leave());
          return true;
        } catch {
          return false;
        }
      },
      20_000,
      "process b to serve rooms again",
    );
    // each process says its own connections came back (src/store/redis.ts watchRedisConnection)
    await waitFor(
      () => [a, b].every((p, i) => /: connected again/.test(p.output().slice(marks[i]))),
      5000,
      "both processes to log their reconnect",
    );
    await expect(
      requestSeat(a.httpUrl, { mode: "enter", roomId: "guarded", userId: "mal", token: await tokenFor(a.httpUrl, "mal", creds) }),
    ).rejects.toMatchObject({
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
