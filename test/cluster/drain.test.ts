import { Redis } from "ioredis";
import { startPrivateRedis, startProcess, stopAllProcesses, type PrivateRedis, type ServerProcess } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";
import { signedPost, type OperatorCredentials } from "../helpers/operator";
import { waitFor } from "../helpers/wait";
import { addressOf, allBack, expectEveryMessageOnce, hostOf, keepSending, member as chatMember, type Member } from "../helpers/chatMembers";

const creds: OperatorCredentials = { appKey: "drain-key", appSecret: "drain-secret" };
const member = (via: ServerProcess, userId: string) => chatMember(via, userId, creds);

// On a redis-server of the suite's own: Colyseus' keys (roomcaches, roomcount) cannot be prefixed.
describeWithRedisServer("draining a process for a deploy", () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let procs: ServerProcess[];
  /** The process the first test drained: alive, hosting nothing, still answering matchmaking (as a load balancer would). */
  let drainedProcess: ServerProcess | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistence: false });
    admin = new Redis(redis.url);
    const env = { REDIS_URL: redis.url, CHAT_APP_KEY: creds.appKey, CHAT_APP_SECRET: creds.appSecret, CHAT_SEND_RATE_PER_S: "100" };
    procs = await Promise.all([startProcess(env), startProcess(env)]);
  }, 30_000);
  afterAll(async () => {
    await stopAllProcesses();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    admin?.disconnect();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await redis?.dispose();
  });

  test("members move to the other process by themselves, every accepted message reaches each once in seq order, and new rooms go elsewhere", async () => {
    const [p0, p1] = procs as [ServerProcess, ServerProcess];
    // members enter through both processes' matchmaking; the room lives on one of them
    const members = await Promise.all(["ann", "bob", "cid", "dee"].map((id, i) => member(i % 2 ? p1 : p0, id)));
    for (const m of members) await m.chat.enterRoom({ roomID: "moving", roomName: "Moving" });
    const createdAt = members[0]?.chat.room("moving")?.createdAt;
    const hostAddress = await hostOf(admin, "moving");
    const a = hostAddress === addressOf(p0) ? p0 : p1;
    const b = a === p0 ? p1 : p0;
    expect(hostAddress).toBe(addressOf(a));

    // a sender that keeps sending through the drain
    const sender = keepSending(members[0] as Member, "moving");
    const { accepted } = sender;
    await waitFor(() => accepted.length >= 10, 5000, "messages before the drain");
    const beforeDrain = accepted.length;

    const drained = await signedPost(a.httpUrl, "/process/drain.json", {}, creds);
    expect(drained.body).toMatchObject({ code: 200, closedRooms: 1 });
    drainedProcess = a;

    // every member is back in the room, now on the other process, without calling anything
    await waitFor(() => allBack(members, "moving"), 15_000, "every member back in the room");
    expect(await hostOf(admin, "moving")).toBe(addressOf(b));
    for (const m of members) {
      expect(m.exits).toEqual([]);
      // the same room: same creation time, so its messages continued rather than restarted
      expect(m.chat.room("moving")?.createdAt).toBe(createdAt);
    }

    // while A drains, a new room asked for through A is created on B, by a client and by the operator API
    const eve = await member(a, "eve");
    await eve.chat.enterRoom({ roomID: "fresh" });
    expect(await hostOf(admin, "fresh")).toBe(addressOf(b));
    expect((await signedPost(a.httpUrl, "/chatroom/create.json", { "chatroom[op-made]": "Op" }, creds)).body).toMatchObject({ code: 200 });
    expect(await hostOf(admin, "op-made")).toBe(addressOf(b));
    const listings = (await admin.hvals("roomcaches")).map((json) => JSON.parse(json) as { publicAddress?: string });
    expect(listings.filter((l) => l.publicAddress === addressOf(a))).toEqual([]);

    await waitFor(() => accepted.length >= beforeDrain + 10, 5000, "messages after the move");
    await sender.stop();
    await expectEveryMessageOnce(members, accepted);
    // the sequence went on across the move
    expect(accepted.at(-1)).toBeGreaterThan(accepted[beforeDrain - 1] as number);
    await Promise.all([...members, eve].map((m) => m.chat.leaveAllRoom()));
  }, 40_000);

  test("a deploy's SIGTERM drains before the process stops: members move to a live process, placement skips the draining one", async () => {
    // after the first test one process drains for good; a new one joins for this deploy
    const env = { REDIS_URL: redis.url, CHAT_APP_KEY: creds.appKey, CHAT_APP_SECRET: creds.appSecret, CHAT_SEND_RATE_PER_S: "100" };
    const fresh = await startProcess(env);
    const all = [...procs, fresh];
    // members ask the drained process's matchmaking (it stays up): the process they are in may be the one stopped
    const entry = drainedProcess ?? fresh;
    const members = await Promise.all(["fay", "gus", "hal"].map((id) => member(entry, id)));
    for (const m of members) await m.chat.enterRoom({ roomID: "deploy" });
    const hostAddress = await hostOf(admin, "deploy");
    const host = all.find((p) => addressOf(p) === hostAddress) as ServerProcess;
    expect(host).toBeDefined();
    expect(host).not.toBe(drainedProcess);
    const sender = keepSending(members[0] as Member, "deploy");
    await waitFor(() => sender.accepted.length >= 10, 5000, "messages before the deploy");

    await host.stop("SIGTERM");
    await waitFor(() => allBack(members, "deploy"), 15_000, "every member back in the room");
    const newHost = await hostOf(admin, "deploy");
    expect(newHost).not.toBe(hostAddress);
    expect(all.map(addressOf)).toContain(newHost);
    const before = sender.accepted.length;
    await waitFor(() => sender.accepted.length >= before + 10, 5000, "messages after the move");
    await sender.stop();
    await expectEveryMessageOnce(members, sender.accepted);
    for (const m of members) expect(m.exits).toEqual([]);
    await Promise.all(members.map((m) => m.chat.leaveAllRoom()));
  }, 40_000);
});
