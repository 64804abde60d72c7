import type { Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { freePort, startPrivateRedis, startProcess, stopAllProcesses, type PrivateRedis, type ServerProcess } from "../helpers/cluster";
import { startTcpProxy } from "../helpers/tcpProxy";
import { describeWithRedisServer } from "../helpers/redis";
import { signedPost, tokenFor, type OperatorCredentials } from "../helpers/operator";
import { sdkEnter, waitFor, leaveCode } from "../helpers/server";
import { addressOf, expectEveryMessageOnce, hostOf, keepSending, member as chatMember } from "../helpers/chatMembers";
import type { RoomMessage } from "../../src/protocol";
import { ErrorCode } from "../../src/core/errors";

const creds: OperatorCredentials = { appKey: "live-key", appSecret: "live-secret" };

interface Member {
  userId: string;
  room: Room;
  messages: RoomMessage[];
  /** user ids of roomMemberJoined events, in order */
  joined: string[];
}

async function enter(via: ServerProcess, roomId: string, userId: string): Promise<Member> {
  const room = await sdkEnter(via.httpUrl, { mode: "enter", roomId, userId, token: await tokenFor(via.httpUrl, userId, creds) });
  const member: Member = { userId, room, messages: [], joined: [] };
  room.onMessage("*", () => undefined);
  room.onMessage("roomMemberJoined", (event: { members: { userId: string }[] }) =>
    member.joined.push(...event.members.map((m) => m.userId)),
  );
  room.onMessage("roomMessages", (batch: RoomMessage[]) => member.messages.push(...batch));
  return member;
}

/** A chat request's answer, typed by the caller. */
async function ask<T>(room: Room, type: string, body: unknown): Promise<T> {
  const answer: unknown = await room.request(type, body);
  return answer as T;
}

const op = (via: ServerProcess, path: string, params: Record<string, string | number | string[]>) =>
  signedPost(via.httpUrl, path, params, creds);

const memberCount = (m: Member) => (m.room.state as { memberCount?: number }).memberCount;
const onRelay = (m: Member) => m.room.roomId !== m.room.roomId.split("_relay_")[0];

/** A cluster process's environment: live rooms from the third connection on (threshold 2), plus `extra`. */
const liveEnv = (redisUrl: string, extra: Record<string, string> = {}): Record<string, string> => ({
  REDIS_URL: redisUrl,
  CHAT_APP_KEY: creds.appKey,
  CHAT_APP_SECRET: creds.appSecret,
  CHAT_SHARD_THRESHOLD: "2",
  ...extra,
});

/** Six members entered through the three processes in turn: two on the owner's process, four on relays. */
async function sixMembers(procs: readonly ServerProcess[], roomId: string): Promise<Member[]> {
  const members: Member[] = [];
  for (let i = 0; i < 6; i++) members.push(await enter(procs[i % 3]!, roomId, `u${i}`));
  await waitFor(() => members.every((m) => memberCount(m) === 6), 5000);
  return members;
}

/** The process hosting Colyseus room `roomId` (owner or relay), from Colyseus' listings in Redis. */
async function processHosting(admin: Redis, procs: readonly ServerProcess[], roomId: string): Promise<ServerProcess> {
  const address = await hostOf(admin, roomId);
  const host = procs.find((p) => addressOf(p) === address);
  if (!host) throw new Error(`no process hosts ${roomId}`);
  return host;
}

describeWithRedisServer("a live room spans three processes (owner + relay shards)", () => {
  let redis: PrivateRedis;
  let procs: ServerProcess[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistence: false });
    const env = liveEnv(redis.url, { CHAT_RECONNECT_WINDOW_S: "2" });
    procs = await Promise.all([startProcess(env), startProcess(env), startProcess(env)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await stopAllProcesses();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await redis?.dispose();
  });

  test("joiners past the threshold sit on relays; everyone sees one count and every message once, in seq order", async () => {
    const members = await sixMembers(procs, "live");
    expect(members.filter((m) => !onRelay(m)).map((m) => m.room.roomId)).toEqual(["live", "live"]);
    const relays = new Set(members.filter(onRelay).map((m) => m.room.roomId));
    expect(relays.size).toBe(2);
    // the last joiner's entry event reaches the members on the owner and on both relays
    await waitFor(() => members.slice(0, 5).every((m) => m.joined.includes("u5")), 5000);
    const sent: RoomMessage[] = [];
    for (const m of members) sent.push(await ask<RoomMessage>(m.room, "sendMessage", { type: "text", content: `from ${m.userId}` }));
    // two concurrent senders on different relays too
    sent.push(
      ...(await Promise.all(
        members.filter(onRelay).map((m) => ask<RoomMessage>(m.room, "sendMessage", { type: "text", content: `again ${m.userId}` })),
      )),
    );
    const seqs = sent.map((m) => m.seq).sort((x, y) => x - y);
    expect(new Set(seqs).size).toBe(sent.length);
    await waitFor(() => members.every((m) => m.messages.length >= sent.length), 5000);
    for (const m of members) expect(m.messages.map((x) => x.seq)).toEqual(seqs);
    const reply = await op(procs[1]!, "/chatroom/user/query.json", { chatroomId: "live", count: 100, order: 1 });
    expect(reply.body).toMatchObject({ code: 200, total: 6 });
    // a member page asked on a relay covers every shard
    const page = await ask<{ members: { userId: string }[]; memberCount: number }>(members.find(onRelay)!.room, "queryMembers", {});
    expect(page.memberCount).toBe(6);
    expect(page.members.map((x) => x.userId).sort()).toEqual(["u0", "u1", "u2", "u3", "u4", "u5"]);
    await Promise.all(members.map((m) => m.room.leave()));
  }, 30_000);

  test("attributes, mutes, kicks and the dismissal reach members on every shard", async () => {
    const members = await sixMembers(procs, "mod");
    const relayMember = members.find(onRelay)!;
    await relayMember.room.request("setAttributes", { attributes: { topic: "live" } });
    await waitFor(
      () => members.every((m) => (m.room.state as { attributes: Map<string, string> }).attributes.get("topic") === "live"),
      5000,
    );
    expect(
      (await op(procs[0]!, "/chatroom/user/gag/add.json", { chatroomId: "mod", userId: [relayMember.userId], minute: 5 })).body.code,
    ).toBe(200);
    await expect(relayMember.room.request("sendMessage", { type: "text", content: "muted?" })).rejects.toMatchObject({
      reason: { code: ErrorCode.MUTED },
    });
    const kicked = members.filter(onRelay)[1]!;
    const kickCode = leaveCode(kicked.room);
    expect((await op(procs[2]!, "/chatroom/user/kick.json", { chatroomId: "mod", userId: [kicked.userId] })).body.code).toBe(200);
    expect(await kickCode).toBe(4101);
    await waitFor(() => members.every((m) => m === kicked || memberCount(m) === 5), 5000);
    const banned = members.filter(onRelay).find((m) => m !== kicked && m !== relayMember)!;
    const banCode = leaveCode(banned.room);
    expect(
      (await op(procs[1]!, "/chatroom/user/block/add.json", { chatroomId: "mod", userId: [banned.userId], minute: 5 })).body.code,
    ).toBe(200);
    expect(await banCode).toBe(4103);
    await expect(enter(procs[0]!, "mod", banned.userId)).rejects.toMatchObject({ code: ErrorCode.BANNED });
    const rest = members.filter((m) => m !== kicked && m !== banned);
    const dismissed = rest.map((m) => leaveCode(m.room));
    expect((await op(procs[1]!, "/chatroom/destroy.json", { chatroomId: ["mod"] })).body.code).toBe(200);
    expect(await Promise.all(dismissed)).toEqual(rest.map(() => 4102));
  }, 30_000);
});

describeWithRedisServer("a live room survives the death of a relay's process and of its owner's", () => {
  let redis: PrivateRedis;
  let admin: Redis;
  let procs: ServerProcess[] = [];

  beforeEach(async () => {
    redis = await startPrivateRedis({ persistence: true });
    admin = new Redis(redis.url);
    const env = liveEnv(redis.url, { CHAT_RECONNECT_WINDOW_S: "2", CHAT_KICKOUT_MODE: "timer", CHAT_SEND_RATE_PER_S: "100" });
    procs = await Promise.all([startProcess(env), startProcess(env), startProcess(env)]);
  }, 30_000);
  afterEach(async () => {
    admin.disconnect();
    await Promise.all(procs.map((p) => p.stop()));
    await stopAllProcesses();
    await redis.dispose();
  });

  const hosting = (roomId: string) => processHosting(admin, procs, roomId);

  test("kill -9 of a relay's process: only its members go (offline), and the room goes on for the rest", async () => {
    const members = await sixMembers(procs, "k1");
    const owner = await hosting("k1");
    const relayMembers = members.filter(onRelay);
    const victimRelay = (await Promise.all(relayMembers.map(async (m) => ({ m, host: await hosting(m.room.roomId) })))).find(
      (x) => x.host !== owner,
    )!;
    const lost = members.filter((m) => m.room.roomId === victimRelay.m.room.roomId);
    const survivors = members.filter((m) => !lost.includes(m));
    victimRelay.host.child.kill("SIGKILL");
    const killedAt = Date.now();
    // found dead within ~2 s, then the 2 s window: the members on it leave as OFFLINE
    await waitFor(() => survivors.every((m) => memberCount(m) === survivors.length), 15_000);
    console.log(`LIVE relay kill -9: the others had the new count after ${((Date.now() - killedAt) / 1000).toFixed(2)} s (window 2 s)`);
    const after = await ask<RoomMessage>(survivors[0]!.room, "sendMessage", { type: "text", content: "still here" });
    await waitFor(() => survivors.every((m) => m.messages.some((x) => x.seq === after.seq)), 5000);
    await Promise.all(survivors.map((m) => m.room.leave()));
  }, 40_000);

  test("kill -9 of the owner's process: the relays bring the room back on a live process and keep their members, with every accepted message", async () => {
    const members = await sixMembers(procs, "k2");
    const owner = await hosting("k2");
    const accepted: RoomMessage[] = [];
    for (const m of members) accepted.push(await ask<RoomMessage>(m.room, "sendMessage", { type: "text", content: `before ${m.userId}` }));
    const onRelays = members.filter(onRelay);
    const closes: number[] = [];
    for (const m of onRelays) m.room.onLeave((code) => closes.push(code));
    owner.child.kill("SIGKILL");
    const killedAt = Date.now();
    // the owner's own two members are gone with it; the relays' four are members of the new owner
    // (a dead owner sends nothing: the count comes from the new one, which starts at 0)
    await waitFor(() => onRelays.every((m) => memberCount(m) === onRelays.length), 15_000);
    console.log(
      `LIVE owner kill -9: the relays' members were in the new owner's room after ${((Date.now() - killedAt) / 1000).toFixed(2)} s`,
    );
    expect(await hosting("k2")).not.toBe(owner);
    const after = await ask<RoomMessage>(onRelays[0]!.room, "sendMessage", { type: "text", content: "after the failover" });
    await waitFor(() => onRelays.every((m) => m.messages.some((x) => x.seq === after.seq)), 5000);
    expect(after.seq).toBeGreaterThan(Math.max(...accepted.map((x) => x.seq)));
    const history = await ask<RoomMessage[]>(onRelays[1]!.room, "queryHistory", { count: 50 });
    expect(history.map((x) => x.messageID)).toEqual(expect.arrayContaining(accepted.map((x) => x.messageID)));
    for (const m of onRelays) expect(m.messages.map((x) => x.seq)).toEqual([...accepted.map((x) => x.seq), after.seq]);
    expect(closes).toEqual([]);
    await Promise.all(onRelays.map((m) => m.room.leave()));
  }, 40_000);

  test("ChatClient members on relays stay in the room when the owner's process dies, and each gets every accepted message once, in seq order", async () => {
    // the owner's two seats go to plain SDK members, so every ChatClient sits on a relay
    await enter(procs[0]!, "k3", "a0");
    await enter(procs[1]!, "k3", "a1");
    const owner = await hosting("k3");
    const entries = procs.filter((p) => p !== owner);
    const members = await Promise.all(["c0", "c1", "c2", "c3"].map((id, i) => chatMember(entries[i % 2]!, id, creds)));
    for (const m of members) await m.chat.enterRoom({ roomID: "k3" });
    const sender = keepSending(members[0]!, "k3");
    await waitFor(() => sender.accepted.length >= 10, 5000, "messages before the owner dies");
    const before = sender.accepted.length;
    const statesBefore = members.map((m) => m.states.length);
    owner.child.kill("SIGKILL");
    await waitFor(() => sender.accepted.length >= before + 10, 20_000, "messages after the room came back");
    await sender.stop();
    await expectEveryMessageOnce(members, sender.accepted);
    // the connections never went anywhere: no state change, no exit
    for (const [i, m] of members.entries()) {
      expect(m.exits).toEqual([]);
      expect(m.states.slice(statesBefore[i])).toEqual([]);
    }
    await Promise.all(members.map((m) => m.chat.leaveAllRoom()));
  }, 60_000);
});

describeWithRedisServer("draining the owner's process hands a live room over to another process", () => {
  test("relay members stay connected and keep chatting when the owner's process is drained for a deploy", async () => {
    const redis = await startPrivateRedis({ persistence: false });
    const admin = new Redis(redis.url);
    const env = liveEnv(redis.url);
    const procs = await Promise.all([startProcess(env), startProcess(env), startProcess(env)]);
    try {
      const members = await sixMembers(procs, "dr");
      const owner = await processHosting(admin, procs, "dr");
      const onRelays = members.filter(onRelay);
      const closes: number[] = [];
      for (const m of onRelays) m.room.onLeave((code) => closes.push(code));
      expect((await signedPost(owner.httpUrl, "/process/drain.json", {}, creds)).body).toMatchObject({ code: 200 });
      await waitFor(async () => ![undefined, addressOf(owner)].includes(await hostOf(admin, "dr")), 15_000, "the room listed elsewhere");
      // a send during the handover is refused (SHUTTING_DOWN, NOT_IN_ROOM), as while any room moves;
      // the member sends again, as ChatClient's outbox does, until the new owner takes it
      let after: RoomMessage | undefined;
      const send = () => ask<RoomMessage>(onRelays[0]!.room, "sendMessage", { type: "text", content: "after the deploy" });
      await waitFor(async () => (after = await send().catch(() => undefined)) !== undefined, 15_000, "a send the new owner takes", 200);
      await waitFor(() => onRelays.every((m) => memberCount(m) === onRelays.length), 5000);
      await waitFor(() => onRelays.every((m) => m.messages.some((x) => x.seq === after?.seq)), 5000);
      expect(closes).toEqual([]);
      await Promise.all(onRelays.map((m) => m.room.leave()));
    } finally {
      admin.disconnect();
      await Promise.all(procs.map((p) => p.stop()));
      await stopAllProcesses();
      await redis.dispose();
    }
  }, 60_000);
});

describeWithRedisServer("a relay member's network drop", () => {
  test("a ChatClient on a relay whose connection drops comes back on its own and misses nothing, each message once in seq order", async () => {
    const redis = await startPrivateRedis({ persistence: false });
    const admin = new Redis(redis.url);
    // every process is reached through a proxy of its own, so the test can cut a process's connections
    const proxies = await Promise.all([0, 1, 2].map(async () => startTcpProxy(await freePort())));
    const procs = await Promise.all(
      proxies.map((proxy) =>
        startProcess(liveEnv(redis.url, { CHAT_SEND_RATE_PER_S: "100", CHAT_PUBLIC_ADDRESS: `127.0.0.1:${proxy.port}` })),
      ),
    );
    for (const [i, proxy] of proxies.entries()) proxy.target = procs[i]!.port;
    try {
      // the owner's two seats go to plain SDK members, so every ChatClient sits on a relay
      await enter(procs[0]!, "net", "a0");
      await enter(procs[1]!, "net", "a1");
      const members = await Promise.all(["c0", "c1", "c2", "c3"].map((id, i) => chatMember(procs[i % 3]!, id, creds)));
      for (const m of members) await m.chat.enterRoom({ roomID: "net" });
      const relays = (await admin.hvals("roomcaches"))
        .map((json) => JSON.parse(json) as { roomId: string; publicAddress: string })
        .filter((listing) => listing.roomId.startsWith("net_relay_"));
      expect(relays.length).toBeGreaterThan(0);
      const cutProxy = proxies.find((proxy) => relays[0]!.publicAddress === `127.0.0.1:${proxy.port}`)!;
      const sender = keepSending(members[0]!, "net");
      await waitFor(() => sender.accepted.length >= 10, 5000, "messages before the drop");
      const statesBefore = members.map((m) => m.states.length);
      expect(cutProxy.cut()).toBeGreaterThan(0);
      // the members behind the cut connections report the drop and are back, the others notice nothing
      await waitFor(
        () => members.some((m, i) => m.states.slice(statesBefore[i]).includes("net connecting/interrupted")),
        5000,
        "a drop reported",
      );
      await waitFor(() => members.every((m) => m.states.at(-1) === "net connected/success"), 15_000, "every member back");
      const before = sender.accepted.length;
      await waitFor(() => sender.accepted.length >= before + 10, 10_000, "messages after the drop");
      await sender.stop();
      await expectEveryMessageOnce(members, sender.accepted);
      for (const m of members) expect(m.exits).toEqual([]);
      await Promise.all(members.map((m) => m.chat.leaveAllRoom()));
    } finally {
      admin.disconnect();
      await Promise.all(procs.map((p) => p.stop()));
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await stopAllProcesses();
      await redis.dispose();
    }
  }, 60_000);
});
