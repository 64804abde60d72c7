/**
 * Fault suite: real `npm start` processes on a redis-server of the suite's own (never the shared
 * Redis), and the faults a cluster meets: a process killed with SIGKILL while it hosts a room, and
 * Redis restarted without and with persistence. Every scenario prints its figures (failover
 * seconds, requests tried, 5xx answers, what changed) on one line starting with "FAULT".
 */
import { Client, type Room } from "@colyseus/sdk";
import { Redis } from "ioredis";
import { ErrorCode } from "../../src/core/errors";
import { ENTER_PATH } from "../../src/protocol";
import {
  clusterEnv,
  registryAgrees,
  sawRedisDown,
  startProcess,
  usePrivateRedis,
  type PrivateRedis,
  type ServerProcess,
} from "../helpers/cluster";
import { signedPost, tokenFor, type OperatorCredentials } from "../helpers/operator";
import { describeWithRedisServer } from "../helpers/redis";
import { untilElapsed, waitFor, within } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "fault-key", appSecret: "fault-secret" };
const envFor = (redis: PrivateRedis): Record<string, string> => clusterEnv(redis, creds);
const op = (via: ServerProcess, path: string, params: Record<string, string | number | string[]>) =>
  signedPost(via.httpUrl, path, params, creds);

/** One HTTP answer seen while polling. */
interface Answer {
  at: number;
  what: string;
  status: number;
  code: number | undefined;
}

/** POSTs /chat/enter; resolves with the HTTP status and the body. */
async function postEnter(
  via: ServerProcess,
  roomId: string,
  userId: string,
): Promise<{ status: number; body: { seat?: unknown; code?: number; message?: string } }> {
  const token = await tokenFor(via.httpUrl, userId, creds);
  const res = await fetch(via.httpUrl + ENTER_PATH, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: "enter", roomId, userId, token }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: res.status, body: (await res.json()) as { seat?: unknown; code?: number } };
}

/** Enters through `via` and consumes the seat with the SDK; waits for the first state. */
async function enter(via: ServerProcess, roomId: string, userId: string): Promise<Room> {
  const { body } = await postEnter(via, roomId, userId);
  if (!body.seat) throw new Error(`enter ${roomId} as ${userId} failed: ${JSON.stringify(body)}`);
  return consume(via, body.seat);
}

async function consume(via: ServerProcess, seat: unknown): Promise<Room> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const room = await new Client(via.httpUrl).consumeSeatReservation(seat as any);
  room.onMessage("*", () => undefined);
  await new Promise<void>((resolve) => room.onStateChange.once(() => resolve()));
  return room;
}

/** The process whose public address a seat names. */
function hostOf(seat: unknown, procs: ServerProcess[]): ServerProcess | undefined {
  const address = (seat as { publicAddress?: string }).publicAddress ?? "";
  return procs.find((p) => address.endsWith(`:${p.port}`));
}

type Attr = { value: string; ownerId: string; autoDelete: boolean; version: number };
const attributesOf = async (room: Room): Promise<Record<string, Attr>> =>
  await room.request<unknown, Record<string, Attr>>("queryAttributes", {});
const simplify = (attrs: Record<string, Attr>) =>
  Object.fromEntries(
    Object.entries(attrs)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([k, a]) => [k, { value: a.value, ownerId: a.ownerId, autoDelete: a.autoDelete, version: a.version }]),
  );

function report(scenario: string, figures: Record<string, unknown>): void {
  const line = `FAULT ${scenario}: ${Object.entries(figures)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ")}`;
  process.stdout.write(`${line}\n`);
}

/** How often the scenarios poll (the requests figures count these polls). */
const POLL_MS = 100;

/** Polls `probe` every 100 ms until it answers 200 without an error code; resolves with when, and every answer seen. */
async function pollUntilServed(
  what: string,
  probe: () => Promise<{ status: number; code?: number }>,
  from: number,
  timeoutMs = 20_000,
): Promise<{ ms: number; answers: Answer[] }> {
  const answers: Answer[] = [];
  const served = async () => {
    const answer = await probe().catch(() => ({ status: 0, code: undefined }));
    answers.push({ at: Date.now() - from, what, status: answer.status, code: answer.code });
    return answer.status === 200 && (answer.code === undefined || answer.code === 200);
  };
  await waitFor(served, timeoutMs, `${what} to be served after the fault`, POLL_MS).catch((e: unknown) => {
    throw new Error(`${e instanceof Error ? e.message : String(e)}: ${JSON.stringify(answers.slice(-3))}`);
  });
  return { ms: Date.now() - from, answers };
}

/** The figures every Redis-restart report prints: outage, time until served, and the answers seen. */
function restartFigures(restart: {
  downMs: number;
  servedMs: number;
  answers: Answer[];
  perCall: Record<string, number>;
}): Record<string, string | number> {
  return {
    downS: (restart.downMs / 1000).toFixed(2),
    servedAfterS: (restart.servedMs / 1000).toFixed(2),
    perCallS: Object.entries(restart.perCall)
      .map(([k, v]) => `${k}=${(v / 1000).toFixed(2)}`)
      .join(";"),
    requests: restart.answers.length,
    fivexx: restart.answers.filter((x) => x.status >= 500 || x.status === 0).length,
    answers: summarize(restart.answers),
  };
}

const summarize = (answers: Answer[]): string => [...new Set(answers.map((x) => `${x.what}:${x.status}/${x.code ?? "-"}`))].join(",");

describeWithRedisServer("faults: kill -9 of the process hosting a room", () => {
  const privateRedis = usePrivateRedis({ persistence: false });

  test("the room can be entered again on another process within 3 s, with no 5xx, and comes back with its attributes, history, seq and settings", async () => {
    const redis = privateRedis();
    // a short reconnection window, so restored auto-delete keys of owners who do not come back go within the test
    const env = { ...envFor(redis), CHAT_RECONNECT_WINDOW_S: "2" };
    // The room is created while `a` is the only process, so `a` hosts it.
    const a = await startProcess(env);
    const ann = await enter(a, "fo", "ann");
    const bob = await enter(a, "fo", "bob");
    await ann.request("setAttributes", { attributes: { topic: "failover" } });
    await ann.request("setAttributes", { attributes: { seat1: "ann" }, isDeleteAfterOwnerLeft: true });
    await bob.request("setAttributes", { attributes: { seat2: "bob" }, isDeleteAfterOwnerLeft: true });
    await bob.request("setAttributes", { attributes: { topic: "failover, again" }, isForce: true });
    const attrsBefore = simplify(await attributesOf(ann));
    for (const content of ["one", "two", "three"]) await ann.request("sendMessage", { type: "text", content });
    expect((await op(a, "/chatroom/user/block/add.json", { chatroomId: "fo", userId: ["mal"], minute: 60 })).body.code).toBe(200);
    expect((await op(a, "/chatroom/ban/add.json", { chatroomId: "fo" })).body.code).toBe(200);
    expect((await op(a, "/chatroom/user/ban/whitelist/add.json", { chatroomId: "fo", userId: ["ann"] })).body.code).toBe(200);
    const infoBefore = (await op(a, "/chatroom/get.json", { chatroomId: "fo" })).body;
    expect(infoBefore).toMatchObject({ code: 200, ban: true });

    const [b, c] = await Promise.all([startProcess(env), startProcess(env)]);
    const survivors = [b, c];
    // ann and bob lose their process: they stop trying to reconnect to it
    for (const r of [ann, bob]) r.reconnection.enabled = false;

    a.child.kill("SIGKILL");
    const killedAt = Date.now();
    const answers: Answer[] = [];
    let entered: { room: Room; via: ServerProcess; seat: unknown } | undefined;
    let enterDone = false;
    // Clients poll enter (alternating b and c); operators poll get, user/query and publish, every 100 ms each.
    let round = 0;
    const operators = waitFor(
      async () => {
        if (enterDone) return true;
        const via = survivors.at(round++ % 2)!;
        const probes = [
          ["get", op(via, "/chatroom/get.json", { chatroomId: "fo" })],
          ["user/query", op(via, "/chatroom/user/query.json", { chatroomId: "fo", count: 10, order: 1 })],
          [
            "publish",
            op(via, "/message/chatroom/publish.json", {
              fromUserId: "ops",
              toChatroomId: "fo",
              objectName: "RC:TxtMsg",
              content: JSON.stringify({ content: "probe" }),
            }),
          ],
        ] as const;
        for (const [what, reply] of probes) {
          const r = await reply.catch(() => ({ status: 0, body: {} }));
          answers.push({ at: Date.now() - killedAt, what, status: r.status, code: r.body.code });
        }
        return enterDone;
      },
      25_000,
      "the operator probes to stop",
      POLL_MS,
    );
    let attempt = 0;
    let failoverMs: number;
    try {
      await waitFor(
        async () => {
          const via = survivors.at(attempt++ % 2)!;
          const r = await postEnter(via, "fo", "ann").then(
            (x) => ({ status: x.status, code: x.body.code, seat: x.body.seat }),
            () => ({ status: 0, code: undefined, seat: undefined }),
          );
          answers.push({ at: Date.now() - killedAt, what: "enter", status: r.status, code: r.code });
          if (r.seat) entered = { room: await consume(via, r.seat), via, seat: r.seat };
          return entered !== undefined;
        },
        20_000,
        "the room to be entered on a surviving process",
        POLL_MS,
      );
      failoverMs = Date.now() - killedAt;
    } finally {
      enterDone = true;
      await operators;
    }
    const fivexx = answers.filter((x) => x.status >= 500 || x.status === 0);

    const room = entered!.room;
    const host = hostOf(entered!.seat, survivors)!;
    expect(survivors).toContain(host);
    const attrsAfter = simplify(await attributesOf(room));
    const history = await room.request<unknown, { content: string; seq: number; senderUserID: string }[]>("queryHistory", { limit: 50 });
    const sent = await room.request<unknown, { seq: number }>("sendMessage", { type: "text", content: "four" });
    const infoAfter = (await op(host, "/chatroom/get.json", { chatroomId: "fo" })).body;
    const banned = await postEnter(host, "fo", "mal");
    // bob does not come back: his auto-delete key goes when the reconnection window (2 s) ends; ann's stays
    await waitFor(async () => !("seat2" in (await attributesOf(room))), 5000, "bob's auto-delete key to go");
    const attrsLater = simplify(await attributesOf(room));

    report("kill-9", {
      failoverS: (failoverMs / 1000).toFixed(2),
      requests: answers.length,
      fivexx: fivexx.length,
      answers: summarize(answers),
      attributes:
        JSON.stringify(attrsAfter) === JSON.stringify(attrsBefore)
          ? "restored (keys, values, owners, versions)"
          : `changed ${JSON.stringify(attrsAfter)}`,
      history: history.map((m) => m.content).join("|"),
      nextSeq: sent.seq,
      muteAll: infoAfter.ban,
      createTime: infoAfter.createTime === infoBefore.createTime ? "kept" : "new",
      ban: banned.body.code,
      orphanAutoDelete: "seat2" in attrsLater ? "kept" : "deleted after the window",
    });

    expect(fivexx).toEqual([]);
    expect(failoverMs).toBeLessThan(3000);
    expect(attrsAfter).toEqual(attrsBefore);
    expect(history.filter((m) => m.senderUserID === "ann").map((m) => m.content)).toEqual(["one", "two", "three"]);
    expect(sent.seq).toBe(history.at(-1)!.seq + 1);
    // a failover is not a destroy: the room keeps its creation time, mute-all (and its exceptions) and bans
    expect(infoAfter).toMatchObject({ code: 200, ban: true, createTime: infoBefore.createTime });
    expect(banned.body.code).toBe(ErrorCode.BANNED);
    const { seat2: _gone, ...rest } = attrsBefore;
    expect(attrsLater).toEqual(rest);
    await room.leave();
  }, 60_000);

  test("a destroy forgets the room; so does a crash whose record expired before the room came back", async () => {
    const redis = privateRedis();
    const admin = new Redis(redis.url);
    const env = envFor(redis);
    const [p, q] = await Promise.all([startProcess(env), startProcess(env)]);
    try {
      // destroyed by the operator: created again, it starts from nothing
      const ann = await enter(p, "gone", "ann");
      await ann.request("setAttributes", { attributes: { topic: "old" } });
      expect((await op(p, "/chatroom/ban/add.json", { chatroomId: "gone" })).body.code).toBe(200);
      await waitFor(async () => (await admin.exists("chat:record:gone")) === 1, 2000, "the record");
      expect((await op(q, "/chatroom/destroy.json", { chatroomId: ["gone"] })).body.code).toBe(200);
      expect(await admin.exists("chat:record:gone")).toBe(0);
      const again = await enter(q, "gone", "ann");
      expect(await attributesOf(again)).toEqual({});
      expect((await op(q, "/chatroom/get.json", { chatroomId: "gone" })).body).toMatchObject({ code: 200, ban: false });
      await again.leave();

      // a crash whose record lapsed (the room would have expired by inactivity): nothing comes back,
      // and the mute-all its predecessor left is forgotten; the room may land on any of the three
      const lone = await startProcess(env);
      const stale = await enter(lone, "stale", "bob");
      await stale.request("setAttributes", { attributes: { topic: "old" } });
      expect((await op(lone, "/chatroom/ban/add.json", { chatroomId: "stale" })).body.code).toBe(200);
      const host = await admin.hget("roomcaches", "stale");
      stale.reconnection.enabled = false;
      const victim = [p, q, lone].find((x) => host?.includes(`:${x.port}"`))!;
      await victim.stop("SIGKILL");
      await admin.del("chat:record:stale");
      const survivor = [p, q, lone].find((x) => x !== victim)!;
      let back: Room | undefined;
      await waitFor(
        async () => {
          const { body } = await postEnter(survivor, "stale", "bob");
          if (body.seat) back = await consume(survivor, body.seat);
          return back !== undefined;
        },
        5000,
        "the room to be created again",
      );
      expect(await attributesOf(back!)).toEqual({});
      expect((await op(survivor, "/chatroom/get.json", { chatroomId: "stale" })).body).toMatchObject({ code: 200, ban: false });
      await back!.leave();
    } finally {
      admin.disconnect();
    }
  }, 60_000);
});

/** What a restart scenario sets up: two processes, a room on each, members, attributes, history and moderation. */
interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  /** r1 lives on a (ann and bob), r2 on b (cat). */
  ann: Room;
  bob: Room;
  cat: Room;
  heardByBob: { content: string; seq: number }[];
}

async function setUpCluster(redis: PrivateRedis): Promise<Cluster> {
  const env = envFor(redis);
  const a = await startProcess(env);
  const ann = await enter(a, "r1", "ann");
  const bob = await enter(a, "r1", "bob");
  const heardByBob: { content: string; seq: number }[] = [];
  bob.onMessage("roomMessages", (batch: { content: string; seq: number }[]) => heardByBob.push(...batch));
  await ann.request("setAttributes", { attributes: { topic: "restart" } });
  for (const content of ["m1", "m2"]) await ann.request("sendMessage", { type: "text", content });
  const b = await startProcess(env);
  // Colyseus places a room on the process with the fewest rooms as the registry in Redis says
  // (each process writes its count there at most once a second): b, once a's room is counted.
  const admin = new Redis(redis.url);
  try {
    await waitFor(() => registryAgrees(admin, 2), 5000, "the process registry to count room r1");
  } finally {
    admin.disconnect();
  }
  const { body: catSeat } = await postEnter(b, "r2", "cat");
  if (!catSeat.seat) throw new Error(`enter r2 as cat failed: ${JSON.stringify(catSeat)}`);
  expect(hostOf(catSeat.seat, [a, b])).toBe(b);
  const cat = await consume(b, catSeat.seat);
  const ok = async (path: string, params: Record<string, string | number | string[]>) =>
    expect((await op(a, path, params)).body.code).toBe(200);
  await ok("/chatroom/user/block/add.json", { chatroomId: "r1", userId: ["mal"], minute: 60 });
  await ok("/chatroom/user/block/add.json", { chatroomId: "r1", userId: ["lifted"], minute: 60 });
  await ok("/chatroom/user/block/rollback.json", { chatroomId: "r1", userId: ["lifted"] });
  await ok("/chatroom/user/gag/add.json", { chatroomId: "r1", userId: ["gus"], minute: 60 });
  await ok("/chatroom/ban/add.json", { chatroomId: "r2" });
  await ok("/chatroom/user/ban/whitelist/add.json", { chatroomId: "r2", userId: ["cat"] });
  await ok("/chatroom/user/ban/add.json", { userId: ["glo"], minute: 60 });
  await ok("/chatroom/user/whitelist/add.json", { chatroomId: "r1", userId: ["ann"] });
  // r2 lives on b and was changed through a: b's room reloads on the bus notice. Wait until it
  // applies mute-all (a member who is no exception is refused), so its copy is what a restart saves.
  const probe = await enter(b, "r2", "probe");
  await waitFor(
    () =>
      probe.request("sendMessage", { type: "text", content: "probe" }).then(
        () => false,
        (e: unknown) => (e as { reason?: { code?: number } }).reason?.code === ErrorCode.MUTED,
      ),
    10_000,
    "room r2 to apply mute-all",
  );
  await probe.leave();
  return { a, b, ann, bob, cat, heardByBob };
}

/** The moderation both processes answer for, as lists. */
async function moderationOf(cluster: Cluster): Promise<Record<string, unknown>> {
  const { a, b } = cluster;
  const users = (reply: { body: { users?: { userId?: string; id?: string }[]; userIds?: string[] } }) =>
    (reply.body.users ?? [])
      .map((u) => u.userId ?? u.id)
      .concat(reply.body.userIds ?? [])
      .sort();
  return {
    banned: users(await op(b, "/chatroom/user/block/list.json", { chatroomId: "r1" })),
    muted: users(await op(b, "/chatroom/user/gag/list.json", { chatroomId: "r1" })),
    muteAll: (await op(a, "/chatroom/ban/check.json", { chatroomId: "r2" })).body.status,
    exceptions: users(await op(a, "/chatroom/user/ban/whitelist/query.json", { chatroomId: "r2" })),
    globallyMuted: users(await op(a, "/chatroom/user/ban/query.json", {})),
    protectedUsers: (await op(b, "/chatroom/user/whitelist/query.json", { chatroomId: "r1" })).body.users,
  };
}

/** How long the restart scenarios keep Redis down (the downS figure): longer than the takeover grace (TAKEOVER_GRACE_MS, src/service/claimKeeper.ts). */
const OUTAGE_MS = 1500;

/**
 * Stops Redis (SIGKILL), lets the members chat through the outage, starts it again, and polls
 * join, enter, get, publish and user/query through both processes until every one is served.
 */
async function restartRedis(
  redis: PrivateRedis,
  cluster: Cluster,
): Promise<{ downMs: number; servedMs: number; answers: Answer[]; perCall: Record<string, number> }> {
  const { a, b, ann } = cluster;
  const marks = [a.output().length, b.output().length];
  await redis.stop("SIGKILL");
  const downAt = Date.now();
  // members keep chatting while Redis is down: the room delivers (its history append waits)
  await ann.request("sendMessage", { type: "text", content: "during the outage" });
  await waitFor(() => cluster.heardByBob.some((m) => m.content === "during the outage"), 3000, "a message during the outage");
  await waitFor(() => sawRedisDown([a, b], marks), 5000, "both processes to see Redis down");
  // Inherent: the outage outlasts the takeover grace (TAKEOVER_GRACE_MS, 800 ms), so each process
  // looks dead to the other for longer than it; the scenario shows that no claim is taken over
  // and every process puts back what it holds. Only its length matters, so it is a span of time.
  await untilElapsed(downAt, OUTAGE_MS);
  await redis.start();
  const upAt = Date.now();
  const calls: [string, () => Promise<{ status: number; code?: number }>][] = [];
  const viaOp = (via: ServerProcess, path: string, params: Record<string, string | number | string[]>) => async () => {
    const r = await op(via, path, params);
    return { status: r.status, code: r.body.code as number | undefined };
  };
  const viaEnter = (via: ServerProcess, mode: "join" | "enter", roomId: string, userId: string) => async () => {
    const token = await tokenFor(via.httpUrl, userId, creds);
    const res = await fetch(via.httpUrl + ENTER_PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode, roomId, userId, token }),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { seat?: unknown; code?: number };
    if (body.seat) (await consume(via, body.seat)).leave().catch(() => undefined);
    return { status: res.status, code: body.code };
  };
  calls.push(
    ["get r1 via b", viaOp(b, "/chatroom/get.json", { chatroomId: "r1" })],
    ["get r2 via a", viaOp(a, "/chatroom/get.json", { chatroomId: "r2" })],
    ["user/query r1 via b", viaOp(b, "/chatroom/user/query.json", { chatroomId: "r1", count: 10, order: 1 })],
    [
      "publish r2 via a",
      viaOp(a, "/message/chatroom/publish.json", {
        fromUserId: "ops",
        toChatroomId: "r2",
        objectName: "RC:TxtMsg",
        content: JSON.stringify({ content: "after" }),
      }),
    ],
    ["join r1 via b", viaEnter(b, "join", "r1", "dan")],
    ["enter r2 via a", viaEnter(a, "enter", "r2", "eve")],
  );
  const results = await Promise.all(calls.map(([what, probe]) => pollUntilServed(what, probe, upAt)));
  const perCall = Object.fromEntries(calls.map(([what], i) => [what, results.at(i)!.ms]));
  return { downMs: upAt - downAt, servedMs: Math.max(...results.map((r) => r.ms)), answers: results.flatMap((r) => r.answers), perCall };
}

describeWithRedisServer("faults: Redis restarted without persistence", () => {
  const privateRedis = usePrivateRedis({ persistence: false });
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(privateRedis().url, { maxRetriesPerRequest: 3 });
    admin.on("error", () => undefined);
  });
  afterAll(() => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    admin?.disconnect();
  });

  test("processes put back their listings, registrations, claims, moderation and room records within seconds; the rooms keep working", async () => {
    const redis = privateRedis();
    const cluster = await setUpCluster(redis);
    const { a, b, ann, bob } = cluster;
    const moderationBefore = await moderationOf(cluster);
    expect(moderationBefore).toEqual({
      banned: ["mal"],
      muted: ["gus"],
      muteAll: 1,
      exceptions: ["cat"],
      globallyMuted: ["glo"],
      protectedUsers: ["ann"],
    });

    const restart = await restartRedis(redis, cluster);
    // what came back, read from Redis itself
    const claims = await Promise.all(["r1", "r2"].map((id) => admin.get(`chat:claim:${id}`)));
    const listings = await admin.hkeys("roomcaches");
    const registered = await admin.hlen("roomcount");
    const record = await admin.hgetall("chat:record:r1");
    const annRooms = await admin.zrange("chat:set:user-rooms:ann", 0, -1);
    // put back by each room after it sees the loss ("within seconds"): mute-all and its exceptions may trail the listings
    const same = async () => JSON.stringify(await moderationOf(cluster)) === JSON.stringify(moderationBefore);
    await waitFor(same, 5000, "the moderation to be put back").catch(() => undefined);
    const moderationAfter = await moderationOf(cluster);
    const malEnter = await postEnter(a, "r1", "mal");
    // the rooms apply the moderation they put back: gus is muted in r1
    const gus = await enter(b, "r1", "gus");
    const gusSend = await gus.request("sendMessage", { type: "text", content: "hi" }).then(
      () => 0,
      (e: unknown) => (e as { reason?: { code?: number } }).reason?.code,
    );
    await gus.leave();
    // chatting goes on, and the bus reaches rooms across processes again (a kick through b of a member on a)
    const sent = await ann.request<unknown, { seq: number }>("sendMessage", { type: "text", content: "after" });
    await waitFor(() => cluster.heardByBob.some((m) => m.content === "after"), 3000, "bob to hear ann after the restart");
    const history = await bob.request<unknown, { content: string }[]>("queryHistory", { limit: 10 });
    const bobLeft = new Promise<number>((resolve) => bob.onLeave((code) => resolve(code)));
    expect((await op(b, "/chatroom/user/kick.json", { chatroomId: "r1", userId: ["bob"] })).body.code).toBe(200);
    const kickCode = await within(bobLeft, 3000, -1);

    report("redis-restart-without-persistence", {
      ...restartFigures(restart),
      claims: claims.every((c) => c?.startsWith("live:")) ? "back" : JSON.stringify(claims),
      listings: listings.sort().join("|"),
      registeredProcesses: registered,
      record: Object.keys(record).sort().join("|"),
      userRoomsIndex: annRooms.join("|"),
      moderation:
        JSON.stringify(moderationAfter) === JSON.stringify(moderationBefore)
          ? "put back (lifted ban stays lifted)"
          : JSON.stringify(moderationAfter),
      bannedEnter: malEnter.body.code,
      mutedSend: gusSend,
      nextSeq: sent.seq,
      history: history.map((m) => m.content).join("|"),
      kickAcrossProcesses: kickCode,
    });

    expect(restart.servedMs).toBeLessThan(5000);
    expect(claims.every((c) => c?.startsWith("live:"))).toBe(true);
    expect(listings.sort()).toEqual(expect.arrayContaining(["r1", "r2"]));
    expect(registered).toBe(2);
    expect(record["attr:topic"]).toContain('"restart"');
    expect(annRooms).toEqual(["r1"]);
    expect(moderationAfter).toEqual(moderationBefore);
    expect(malEnter.body.code).toBe(ErrorCode.BANNED);
    expect(gusSend).toBe(ErrorCode.MUTED);
    // the room's seq goes on from where it was (4: m1, m2, the outage message)
    expect(sent.seq).toBe(4);
    expect(kickCode).toBe(4101);
    await Promise.all([ann.leave(), cluster.cat.leave()]);
  }, 90_000);
});

describeWithRedisServer("faults: Redis restarted with persistence (appendonly)", () => {
  const privateRedis = usePrivateRedis({ persistence: true });

  test("nothing is lost and nothing is written back: moderation, lifts, history, claims and listings are as they were", async () => {
    const redis = privateRedis();
    const cluster = await setUpCluster(redis);
    const { a, b, ann, bob } = cluster;
    const moderationBefore = await moderationOf(cluster);
    const historyBefore = (await bob.request<unknown, { content: string }[]>("queryHistory", { limit: 10 })).map((m) => m.content);
    const restart = await restartRedis(redis, cluster);
    const moderationAfter = await moderationOf(cluster);
    const history = (await bob.request<unknown, { content: string }[]>("queryHistory", { limit: 10 })).map((m) => m.content);
    const sent = await ann.request<unknown, { seq: number }>("sendMessage", { type: "text", content: "after" });
    const logs = a.output() + b.output();

    report("redis-restart-with-persistence", {
      ...restartFigures(restart),
      moderation: JSON.stringify(moderationAfter) === JSON.stringify(moderationBefore) ? "unchanged" : JSON.stringify(moderationAfter),
      history: history.join("|"),
      nextSeq: sent.seq,
      verdict: /Redis kept its data/.test(logs) && !/Redis lost its data/.test(logs) ? "kept (no write-back)" : "?",
    });

    expect(restart.servedMs).toBeLessThan(5000);
    expect(moderationAfter).toEqual(moderationBefore);
    expect(history).toEqual([...historyBefore, "during the outage"]);
    expect(sent.seq).toBe(4);
    expect(logs).toMatch(/Redis kept its data/);
    expect(logs).not.toMatch(/Redis lost its data/);
    await Promise.all([ann.leave(), bob.leave(), cluster.cat.leave()]);
  }, 90_000);
});
