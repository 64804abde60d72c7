/**
 * Room ids and attribute keys spelling a property every plain JavaScript object has
 * (`constructor`, `toString`, `valueOf`, `hasOwnProperty`, `isPrototypeOf`, `__proto__`), all
 * valid by our alphabets. Attribute keys work (except `__proto__`, which MessagePack cannot carry)
 * and reach the SDK's synchronized state; room ids are refused with the rule named, because
 * Colyseus' matchmaker keys rooms by id in a plain object (src/core/objectKeys.ts).
 */
import { Client } from "@colyseus/sdk";
import WebSocket from "ws";
import { CloseCodeOf, ExitReason } from "../../src/core/exitReasons";
import { ErrorCode } from "../../src/core/errors";
import { OBJECT_PROTOTYPE_NAMES } from "../../src/core/objectKeys";
import { ClientRequest, ServerMessage, type AttributeInfo, type AttributesUpdate } from "../../src/protocol";
import { signedPost } from "../helpers/operator";
import { collect, EnterError, leaveCode, requestSeat, sdkEnter, startServer, waitFor, type TestServer } from "../helpers/server";

/** The names the issue lists; every one matches [A-Za-z0-9_-]{1,64} and [A-Za-z0-9+=_-]. */
const NAMES = ["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "__proto__"] as const;
/** Every name but `__proto__`: attribute keys that must work. */
const KEYS = NAMES.filter((n) => n !== "__proto__");

let t: TestServer;
let shutDown = false;
beforeAll(async () => {
  t = await startServer({ destroyDelayS: 600 });
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
  if (!shutDown) await t?.server.shutdown();
});
const post = (path: string, params: Record<string, string>) => signedPost(t.httpUrl, path, params);
const liveRoomIds = async () => (await t.server.ctx.directory.listAll()).map((r) => r.roomId).sort();

test("the reserved names are exactly the own properties of Object.prototype", () => {
  expect([...OBJECT_PROTOTYPE_NAMES].sort()).toEqual(Object.getOwnPropertyNames(Object.prototype).sort());
});

describe("room ids named after Object.prototype properties", () => {
  test.each(NAMES)("the operator API refuses room %s with 1002 naming the rule, and creates nothing", async (name) => {
    for (const [path, params] of [
      ["/chatroom/create.json", { [`chatroom[${name}]`]: "x" }],
      ["/chatroom/create_new.json", { chatroomId: name }],
      ["/chatroom/get.json", { chatroomId: name }],
    ] as const) {
      const reply = await post(path, params);
      expect([path, reply.status, reply.body.code]).toEqual([path, 400, ErrorCode.PARAMETER]);
      expect(reply.body.errorMessage).toContain("Object.prototype");
    }
    expect(await liveRoomIds()).not.toContain(name);
  });

  test.each(NAMES)("POST /chat/enter refuses room %s with ILLEGAL_ARGUMENT (23412) naming the rule", async (name) => {
    const err = await requestSeat(t.httpUrl, { mode: "join", roomId: name, userId: "ann" }).then(
      () => new EnterError(0, "entered"),
      (e: unknown) => e as EnterError,
    );
    expect(err.code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(err.message).toContain("Object.prototype");
  });

  test.each(NAMES)("the SDK's join refuses room %s with [23412] naming the rule", async (name) => {
    const err = await new Client(t.httpUrl).join("chatroom", { roomId: name, userId: "ann" }).then(
      () => ({ message: "joined" }),
      (e: unknown) => e as { message: string },
    );
    expect(err.message).toMatch(/^\[23412\] .*Object\.prototype/);
  });

  test("a WebSocket to an id this process hosts no room for is told the seat expired, not the inherited function's TypeError", async () => {
    for (const name of ["toString", "constructor", "hasOwnProperty"]) {
      const ws = new WebSocket(`ws://127.0.0.1:${t.port}/chatroom/${name}?sessionId=nobody`);
      const frames: Buffer[] = [];
      ws.on("message", (data: Buffer) => frames.push(data));
      const code = await new Promise<number>((resolve) => ws.on("close", (c) => resolve(c)));
      const text = Buffer.concat(frames).toString("latin1");
      expect([name, code]).toEqual([name, 4002]);
      expect(text).toContain("seat reservation expired");
      expect(text).not.toContain("is not a function");
    }
  });
});

describe("attribute keys named after Object.prototype properties", () => {
  const pairs = Object.fromEntries(KEYS.map((k) => [k, `v-${k}`]));

  test("set by the operator: stored, queried, broadcast, and in every member's synchronized state (also a later joiner's)", async () => {
    expect((await post("/chatroom/create.json", { "chatroom[kvnames]": "kv" })).body.code).toBe(200);
    const ann = await sdkEnter(t.httpUrl, { mode: "join", roomId: "kvnames", userId: "ann" });
    const updates = collect<AttributesUpdate>(ann, ServerMessage.ATTRIBUTES_UPDATED);
    ann.onMessage("*", () => undefined);
    const set = await post("/chatroom/entry/batch/set.json", {
      chatroomId: "kvnames",
      entryOwnerId: "op",
      entryInfo: JSON.stringify(pairs),
    });
    expect(set.body).toEqual({ code: 200 });

    const state = (ann.state as { attributes: Map<string, string> }).attributes;
    await waitFor(() => KEYS.every((k) => state.get(k) === `v-${k}`), 3000, "every key in ann's state");
    expect(Object.fromEntries(state.entries())).toEqual(pairs);
    await waitFor(() => updates.length === 1, 3000, "the update");
    expect(updates.at(0)!.set).toEqual(pairs);

    const query = await post("/chatroom/entry/query.json", { chatroomId: "kvnames" });
    expect(Object.fromEntries((query.body.keys as { key: string; value: string }[]).map((e) => [e.key, e.value]))).toEqual(pairs);
    const some = await post("/chatroom/entry/query.json", { chatroomId: "kvnames", keys: "toString" });
    expect(some.body.keys.map((e: { key: string }) => e.key)).toEqual(["toString"]);

    const bob = await sdkEnter(t.httpUrl, { mode: "join", roomId: "kvnames", userId: "bob" });
    bob.onMessage("*", () => undefined);
    expect(Object.fromEntries((bob.state as { attributes: Map<string, string> }).attributes.entries())).toEqual(pairs);
    const infos = await bob.request<unknown, Record<string, AttributeInfo>>(ClientRequest.QUERY_ATTRIBUTES);
    expect(Object.keys(infos).sort()).toEqual([...KEYS].sort());
    expect(infos.constructor).toMatchObject({ value: "v-constructor", ownerId: "op" });

    // deleted again: gone from the state too
    const removed = await post("/chatroom/entry/batch/remove.json", {
      chatroomId: "kvnames",
      entryOwnerId: "op",
      entryKeys: JSON.stringify(KEYS),
    });
    expect(removed.body).toEqual({ code: 200 });
    await waitFor(() => state.size === 0, 3000, "an empty state");
    await Promise.all([ann.leave(), bob.leave()]);
  });

  test("set by a member over the socket: the member and the others see them; the owner may delete them", async () => {
    const ann = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "kvmember", userId: "ann" });
    const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "kvmember", userId: "bob" });
    ann.onMessage("*", () => undefined);
    bob.onMessage("*", () => undefined);
    expect(await ann.request(ClientRequest.SET_ATTRIBUTES, { attributes: pairs })).toEqual({ keys: [...KEYS] });
    const state = (bob.state as { attributes: Map<string, string> }).attributes;
    await waitFor(() => KEYS.every((k) => state.get(k) === `v-${k}`), 3000, "every key in bob's state");
    expect(await ann.request(ClientRequest.DELETE_ATTRIBUTES, { keys: ["hasOwnProperty", "valueOf"] })).toEqual({
      keys: ["hasOwnProperty", "valueOf"],
    });
    await waitFor(() => !state.has("hasOwnProperty") && !state.has("valueOf"), 3000, "the deletes");
    expect([...state.keys()].sort()).toEqual(["constructor", "isPrototypeOf", "toString"]);
    await Promise.all([ann.leave(), bob.leave()]);
  });

  test("`__proto__` is refused with 23412 naming why (MessagePack renames it), and the call sets nothing", async () => {
    const reply = await post("/chatroom/entry/batch/set.json", {
      chatroomId: "kvnames",
      entryOwnerId: "op",
      entryInfo: JSON.stringify({ ordinary: "x", ["__proto__"]: "y" }),
    });
    expect(reply.body.code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(reply.body.errorMessage).toContain("__proto__");
    expect((await post("/chatroom/entry/query.json", { chatroomId: "kvnames" })).body.keys).toEqual([]);

    const ann = await sdkEnter(t.httpUrl, { mode: "join", roomId: "kvnames", userId: "ann" });
    ann.onMessage("*", () => undefined);
    const single = await post("/chatroom/entry/set.json", { chatroomId: "kvnames", userId: "ann", key: "__proto__", value: "z" });
    expect(single.body.code).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(await ann.request(ClientRequest.QUERY_ATTRIBUTES)).toEqual({});
    expect((ann.state as { attributes: Map<string, string> }).attributes.size).toBe(0);
    await ann.leave();
  });
});

test("a graceful shutdown gives every member of every room 4001, keys named after Object.prototype properties and all", async () => {
  const members = await Promise.all(["s1", "s2", "s3"].map((roomId, i) => sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: `u${i}` })));
  for (const m of members) m.onMessage("*", () => undefined);
  expect(await members.at(0)!.request(ClientRequest.SET_ATTRIBUTES, { attributes: { constructor: "a", hasOwnProperty: "b" } })).toEqual({
    keys: ["constructor", "hasOwnProperty"],
  });
  const codes = Promise.all(members.map(leaveCode));
  shutDown = true;
  await t.server.shutdown();
  expect(await codes).toEqual(members.map(() => CloseCodeOf[ExitReason.SHUTDOWN]));
});
