/**
 * Property-based fuzzing (fast-check, fixed seed, bounded runs) of every door a client or an
 * operator can knock on: the operator API, POST /chat/enter, the SDK's joinOrCreate, and the room
 * requests of src/protocol.ts. Properties: never a 5xx or a non-JSON answer, a refusal always
 * carries a numeric code, a refused operator call changes nothing, a member is never removed for
 * what it sent, and the server keeps serving. Each property prints how many inputs it tried.
 */
import { Client, type Room } from "@colyseus/sdk";
import fc from "fast-check";
import { OBJECT_PROTOTYPE_NAMES } from "../../src/core/objectKeys";
import { ClientRequest, ENTER_PATH, ServerMessage, type MembersChangedPayload } from "../../src/protocol";
import { encodeForm } from "../helpers/operator";
import { collect, sdkEnter, useServer } from "../helpers/server";

const SEED = 20240611;
const tried: Record<string, number> = Object.create(null);
const count = (what: string) => (tried[what] = (tried[what] ?? 0) + 1);

// rooms outlive their members and no rate limit refuses the fuzz, so state only changes by what a call does
const t = useServer({ destroyDelayS: 600, apiRateLimit: 1_000_000, sendRatePerSecond: 10_000 });
// after the server's afterAll (hooks run in the order they are declared)
afterAll(() => {
  process.stdout.write(`fuzz inputs tried: ${JSON.stringify(tried)}\n`);
});

/** Strings a parser may choke on: ids (valid, prototype names, too long), numbers, JSON, escapes. */
const nasty = fc.oneof(
  fc.constantFrom(
    ...OBJECT_PROTOTYPE_NAMES,
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    '{"a":1}',
    '["k1"]',
    "%",
    "%zz",
    "+",
    "a".repeat(65),
    "x".repeat(5000),
    "\u0000",
    "😀",
    "chatroom[a]",
  ),
  fc.string({ maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  fc.integer({ min: -1e6, max: 1e12 }).map(String),
  fc.json({ maxDepth: 2 }),
);
const PARAMS = [
  "chatroomId",
  "userId",
  "userIds",
  "minute",
  "key",
  "value",
  "keys",
  "entryInfo",
  "entryOwnerId",
  "entryKeys",
  "objectName",
  "content",
  "fromUserId",
  "toChatroomId",
  "destroyType",
  "destroyTime",
  "isBan",
  "whiteUserIds",
  "count",
  "order",
  "name",
  "msgUID",
  "objectNames",
  "chatroom[fz1]",
  "chatroom[toString]",
  "role",
  "seconds",
  "word",
  "words",
  "action",
  "isRegex",
  "replaceWord",
  "type",
];
const form = fc.dictionary(
  fc.oneof(fc.constantFrom(...PARAMS), fc.string({ maxLength: 6 })),
  fc.oneof(nasty, fc.array(nasty, { minLength: 2, maxLength: 3 })),
  { maxKeys: 6 },
);
const ENDPOINTS = [
  "/chatroom/create.json",
  "/chatroom/create_new.json",
  "/chatroom/destroy.json",
  "/chatroom/get.json",
  "/chatroom/query.json",
  "/chatroom/user/query.json",
  "/chatroom/user/block/add.json",
  "/chatroom/user/gag/add.json",
  "/chatroom/user/ban/add.json",
  "/chatroom/ban/add.json",
  "/chatroom/keepalive/add.json",
  "/chatroom/entry/set.json",
  "/chatroom/entry/batch/set.json",
  "/chatroom/entry/batch/remove.json",
  "/chatroom/entry/query.json",
  "/chatroom/message/priority/add.json",
  "/message/chatroom/publish.json",
  "/message/recall.json",
  "/user/getToken.json",
  "/chatroom/role/set.json",
  "/chatroom/role/remove.json",
  "/chatroom/slowmode/set.json",
  "/sensitiveword/add.json",
  "/sensitiveword/batch/delete.json",
  "/chatroom/filter/add.json",
  "/chatroom/user/shadowban/add.json",
  "/chatroom/user/shadowban/global/add.json",
];

async function postForm(
  path: string,
  body: string,
): Promise<{ status: number; type: string; json: { code?: unknown } | undefined; text: string }> {
  const res = await fetch(t.httpUrl + path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  const text = await res.text();
  let json: { code?: unknown } | undefined;
  try {
    json = JSON.parse(text) as { code?: unknown };
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", json, text };
}

/** What a refused call must leave as it was: the rooms, mutes, blocks and keep-alives of the fixed room. */
async function snapshot(): Promise<string> {
  const { sets } = t.server.ctx.store;
  const now = Date.now();
  const rooms = (await t.server.ctx.directory.listAll()).map((r) => r.roomId).sort();
  const lists = await Promise.all(
    [
      "global-muted",
      "keepalive",
      "banned:fz1",
      "muted:fz1",
      "low-priority-types",
      "role-owner:fz1",
      "role-admin:fz1",
      "role-moderator:fz1",
      "slow-mode:fz1",
      "word-filter",
      "word-filter:fz1",
      "shadow-banned:fz1",
      "global-shadow-banned",
    ].map(async (scope) => (await sets.list(scope, now)).map((e) => e.member).sort()),
  );
  const attributes = await fetch(t.httpUrl + "/chatroom/entry/query.json", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "chatroomId=fz1",
  }).then((r) => r.text());
  return JSON.stringify({ rooms, lists, attributes });
}

test("operator API: random forms to a sample of endpoints never answer 5xx, always a JSON envelope; a refused call changes nothing", async () => {
  expect((await postForm("/chatroom/create.json", "chatroom%5Bfz1%5D=fuzz")).json?.code).toBe(200);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...ENDPOINTS), form, async (path, params) => {
      count("operator");
      const before = await snapshot();
      const reply = await postForm(path, encodeForm(params));
      expect(reply.status).toBeLessThan(500);
      expect(reply.type).toMatch(/^application\/json/);
      expect(typeof reply.json?.code).toBe("number");
      if (reply.json!.code !== 200) {
        expect((reply.json as { errorMessage?: unknown }).errorMessage).toEqual(expect.any(String));
        expect(await snapshot()).toBe(before);
      }
    }),
    { seed: SEED, numRuns: 150 },
  );
});

const joinOptions = fc.record(
  {
    mode: fc.oneof(fc.constantFrom("create", "join", "enter"), nasty),
    roomId: fc.oneof(fc.stringMatching(/^fz[a-c]$/), nasty),
    userId: fc.oneof(fc.stringMatching(/^u[0-9]$/), nasty),
    userName: nasty,
    roomName: nasty,
    token: fc.oneof(nasty, fc.integer()),
    config: fc.oneof(
      fc.constant(undefined),
      fc.record(
        {
          roomDestroyDelayTime: fc.oneof(fc.integer({ min: -5, max: 100_000 }), nasty),
          roomAttributes: fc.oneof(fc.dictionary(nasty, nasty, { maxKeys: 3, noNullPrototype: true }), nasty),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    ),
    switchedFrom: nasty,
  },
  // plain objects, as an application passes: the SDK itself cannot send null-prototype options
  { requiredKeys: [], noNullPrototype: true },
);

test("POST /chat/enter: random JSON bodies get a seat or a coded refusal, never a 5xx", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        joinOptions.map((o) => JSON.stringify(o)),
        fc.json({ maxDepth: 3 }),
        fc.string({ maxLength: 30 }),
      ),
      async (body) => {
        count("enter");
        const res = await fetch(t.httpUrl + ENTER_PATH, { method: "POST", headers: { "content-type": "application/json" }, body });
        expect(res.status).toBeLessThan(500);
        const json = (await res.json()) as { seat?: unknown; code?: unknown; message?: unknown };
        if (json.seat === undefined) expect([typeof json.code, typeof json.message]).toEqual(["number", "string"]);
      },
    ),
    { seed: SEED, numRuns: 150 },
  );
});

test("the SDK's joinOrCreate with random options: a seat or a coded refusal, never a crash", async () => {
  const client = new Client(t.httpUrl);
  await fc.assert(
    fc.asyncProperty(joinOptions, async (options) => {
      count("joinOrCreate");
      let room: Room | undefined;
      try {
        room = await client.joinOrCreate("chatroom", options);
      } catch (e) {
        const err = e as { code?: unknown; message?: unknown };
        expect(typeof err.code).toBe("number");
        expect(err.code).not.toBe(500);
        expect(String(err.message)).toMatch(/^\[\d+\] /);
      }
      if (room) {
        room.onMessage("*", () => undefined);
        await room.leave(true);
      }
    }),
    { seed: SEED, numRuns: 40 },
  );
});

test("room requests: random bodies to every ClientRequest are answered or refused with a code; the member is never removed; the server keeps serving", async () => {
  const sender = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "fzroom", userId: "fuzzer" });
  const watcher = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "fzroom", userId: "watcher" });
  sender.onMessage("*", () => undefined);
  const left = collect<MembersChangedPayload>(watcher, ServerMessage.MEMBERS_LEFT);
  watcher.onMessage("*", () => undefined);
  const closed: number[] = [];
  sender.onLeave((code: number) => closed.push(code));
  const body = fc.oneof(
    fc.anything({ maxDepth: 2 }),
    fc.record({ type: nasty, content: nasty, priority: fc.oneof(fc.constantFrom("low", "normal", "high"), nasty) }, { requiredKeys: [] }),
    fc.record(
      {
        attributes: fc.dictionary(nasty, nasty, { maxKeys: 4 }),
        keys: fc.array(nasty, { maxLength: 4 }),
        isForce: fc.oneof(fc.boolean(), nasty),
        expectedVersion: fc.oneof(fc.integer(), nasty),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        afterSeq: fc.oneof(fc.integer(), nasty),
        beforeSeq: fc.integer(),
        limit: fc.oneof(fc.integer({ min: -5, max: 500 }), nasty),
        direction: nasty,
        count: fc.integer(),
        nextFlag: nasty,
        messageID: nasty,
        to: nasty,
      },
      { requiredKeys: [] },
    ),
    // role requests: the fuzzer created the room, so it is its owner and may act on others (never on itself)
    fc.record(
      {
        userId: fc.oneof(nasty, fc.constantFrom("fuzzer", "ghost")),
        minutes: fc.oneof(fc.integer({ min: -5, max: 50_000 }), nasty),
        role: fc.oneof(fc.constantFrom("admin", "moderator", "owner", null), nasty),
      },
      { requiredKeys: [] },
    ),
  );
  const requests = Object.values(ClientRequest).filter((r) => r !== ClientRequest.SWITCH_LEAVE);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...requests), body, async (type, payload) => {
      count("roomRequest");
      const outcome = await sender.request(type, payload).then(
        () => "answered",
        (e: unknown) =>
          typeof (e as { reason?: { code?: unknown } }).reason?.code === "number" ? "refused" : `fault: ${JSON.stringify(e)}`,
      );
      expect(["answered", "refused"]).toContain(outcome);
    }),
    { seed: SEED, numRuns: 300 },
  );
  // ROOM_REQUEST frames of known types with random payload bytes (often not MessagePack at all)
  const ws = (sender.connection as unknown as { transport: { ws: { send(d: Uint8Array): void } } }).transport.ws;
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...requests), fc.uint8Array({ maxLength: 40 }), async (type, bytes) => {
      count("rawFrame");
      const name = Buffer.from(type);
      ws.send(Buffer.from([21, 0x7f, 0xa0 | name.length, ...name, ...bytes]));
    }),
    { seed: SEED, numRuns: 100 },
  );
  const info = await sender.request<unknown, { members: { userId: string; online: boolean }[] }>(ClientRequest.INFO);
  expect(info.members.find((m) => m.userId === "fuzzer")?.online).toBe(true);
  expect(closed).toEqual([]);
  expect(left.flatMap((l) => l.members.map((m) => m.userId))).not.toContain("fuzzer");
  expect(await (await fetch(t.httpUrl + "/__healthcheck")).text()).toBe("OK");
  await Promise.all([sender.leave(), watcher.leave()]);
});
