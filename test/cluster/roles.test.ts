/**
 * Room roles across processes on Redis: this process (A) and an `npm start` child (B) on a
 * redis-server of the suite's own. A role set through the operator API of the process that does
 * not host the room reaches the room's members at once; a moderator's mute from the client lands
 * in the shared store, so the other process's gag list shows it; after Redis restarts empty, the
 * hosting process puts the room's roles back.
 */
import { matchMaker } from "@colyseus/core";
import { ChatClient, ErrorCode, type RoleChange } from "../../src/client";
import { startPrivateRedis, startProcess, stopAllProcesses, type PrivateRedis, type ServerProcess } from "../helpers/cluster";
import { signedPost } from "../helpers/operator";
import { describeWithRedisServer } from "../helpers/redis";
import { useServer, waitFor } from "../helpers/server";

describeWithRedisServer("room roles on two processes sharing Redis", () => {
  let redis: PrivateRedis | undefined;
  let b: ServerProcess | undefined;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    redis = await startPrivateRedis({ persistence: false });
  }, 30_000);
  const a = useServer(
    () => {
      if (!redis) throw new Error("no redis-server");
      return { redisUrl: redis.url, destroyDelayS: 600 };
    },
    { beforeShutdown: () => Promise.all(clients.map((c) => c.leaveAllRoom())) },
  );
  beforeAll(async () => {
    if (!redis) throw new Error("no redis-server");
    b = await startProcess({ REDIS_URL: redis.url, CHAT_DESTROY_DELAY_S: "600" });
  }, 30_000);
  afterAll(async () => {
    await stopAllProcesses();
    await redis?.dispose();
  });

  const processB = (): ServerProcess => {
    if (!b) throw new Error("process B did not start");
    return b;
  };
  /** A ChatClient entering through process B's matchmaker (the room may be created on either process). */
  const client = (userId: string): ChatClient => {
    const chat = new ChatClient(processB().httpUrl, { userId });
    clients.push(chat);
    return chat;
  };
  /** The HTTP address of the process that does not host `roomId`. */
  const otherProcess = (roomId: string): string =>
    (matchMaker.getLocalRoomById(roomId) as unknown) === undefined ? a.httpUrl : processB().httpUrl;
  const hostProcess = (roomId: string): string =>
    (matchMaker.getLocalRoomById(roomId) as unknown) === undefined ? processB().httpUrl : a.httpUrl;

  test("a role set through the other process's API reaches the room's members; the new moderator's mute holds on both processes", async () => {
    const ann = client("rc-ann");
    const bob = client("rc-bob");
    await ann.enterRoom({ roomID: "rc-room" });
    await bob.enterRoom({ roomID: "rc-room" });
    expect(ann.memberRole("rc-room")).toBe("owner");
    const heard: RoleChange[] = [];
    ann.on("roomMemberRoleChanged", (changes) => heard.push(...changes));
    const via = otherProcess("rc-room");
    expect((await signedPost(via, "/chatroom/role/set.json", { chatroomId: "rc-room", userId: "rc-bob", role: "moderator" })).body).toEqual(
      {
        code: 200,
      },
    );
    await waitFor(() => heard.length > 0, 5000, "ann hears bob's new role");
    expect(heard).toEqual([{ userId: "rc-bob", role: "moderator" }]);
    await waitFor(() => bob.memberRole("rc-room") === "moderator", 5000, "bob sees his role");

    // the moderator mutes a member from the client; the mute is the shared store's
    const cat = client("rc-cat");
    await cat.enterRoom({ roomID: "rc-room" });
    await bob.muteMember("rc-room", "rc-cat", 5);
    expect(await cat.sendRoomMessage("rc-room", { type: "text", content: "x" }).catch((e: unknown) => (e as { code: number }).code)).toBe(
      ErrorCode.MUTED,
    );
    for (const httpUrl of [a.httpUrl, processB().httpUrl]) {
      const gags = await signedPost(httpUrl, "/chatroom/user/gag/list.json", { chatroomId: "rc-room" });
      expect(gags.body.users.map((u: { userId: string }) => u.userId)).toEqual(["rc-cat"]);
      expect((await signedPost(httpUrl, "/chatroom/role/query.json", { chatroomId: "rc-room" })).body.users).toEqual([
        { userId: "rc-ann", role: "owner" },
        { userId: "rc-bob", role: "moderator" },
      ]);
    }
    // the operator's audit trail (shared) has the client's mute, with the user as actor
    const audit = await signedPost(hostProcess("rc-room"), "/chatroom/audit/query.json", { chatroomId: "rc-room", userId: "rc-cat" });
    expect(audit.body.entries).toEqual(expect.arrayContaining([expect.objectContaining({ actor: "user:rc-bob", action: "member.mute" })]));
  });

  test("after Redis restarts empty, the process hosting the room puts its roles back", async () => {
    if (!redis) throw new Error("no redis-server");
    const roles = async (httpUrl: string): Promise<unknown> =>
      (await signedPost(httpUrl, "/chatroom/role/query.json", { chatroomId: "rc-room" })).body.users;
    const expected = [
      { userId: "rc-ann", role: "owner" },
      { userId: "rc-bob", role: "moderator" },
    ];
    expect(await roles(a.httpUrl)).toEqual(expected);
    // the store says when it loses and regains Redis: expected here
    const quiet = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await redis.stop("SIGKILL");
      await redis.start();
      await waitFor(
        async () => JSON.stringify(await roles(a.httpUrl).catch(() => null)) === JSON.stringify(expected),
        15_000,
        "the roles back",
      );
    } finally {
      quiet.mockRestore();
    }
    expect(await roles(processB().httpUrl)).toEqual(expected);
  }, 30_000);
});
