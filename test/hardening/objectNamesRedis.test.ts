/**
 * Object.prototype names on Redis, with two processes (this one and an `npm start` child) sharing
 * one database: attribute keys set through a process that does not host the room (IPC) reach the
 * member's synchronized state; room ids such as `toString` are refused instead of failing with
 * 500 "already full" (Colyseus looked the id up in a plain object and found the inherited
 * function: node_modules/@colyseus/core/src/MatchMaker.ts:413).
 */
import { Redis } from "ioredis";
import { ErrorCode } from "../../src/core/errors";
import { ServerMessage, type AttributesUpdate } from "../../src/protocol";
import { redisDbUrl, startProcess, stopAllProcesses, type ServerProcess } from "../helpers/cluster";
import { signedPost } from "../helpers/operator";
import { describeWithRedis, REDIS_URL } from "../helpers/redis";
import { collect, EnterError, requestSeat, sdkEnter, useServer, waitFor } from "../helpers/server";

/** A database of this suite's own (the cluster suites use 11 and 12). */
const url = redisDbUrl(REDIS_URL, 13);
const KEYS = ["constructor", "toString", "valueOf", "hasOwnProperty", "isPrototypeOf"];
const ROOMS = ["kvcluster", "toString", "valueOf", "isPrototypeOf"];

describeWithRedis("Object.prototype names with two processes on Redis", () => {
  let b: ServerProcess;
  // hooks run in the order they are declared: A starts on a clean listing, B after it; A shuts down before B stops
  beforeAll(async () => {
    // only this suite's own listings, left by a run that was killed (no FLUSHDB)
    const admin = new Redis(url);
    await admin.hdel("roomcaches", ...ROOMS);
    admin.disconnect();
  });
  const a = useServer({ redisUrl: url, destroyDelayS: 600 });
  beforeAll(async () => {
    b = await startProcess({ REDIS_URL: url, CHAT_DESTROY_DELAY_S: "600" });
  }, 30_000);
  afterAll(async () => {
    await stopAllProcesses();
  });

  test("attribute keys set through the other process reach the member's state, and query answers them", async () => {
    expect((await signedPost(b.httpUrl, "/chatroom/create.json", { "chatroom[kvcluster]": "kv" })).body.code).toBe(200);
    const ann = await sdkEnter(b.httpUrl, { mode: "join", roomId: "kvcluster", userId: "ann" });
    const updates = collect<AttributesUpdate>(ann, ServerMessage.ATTRIBUTES_UPDATED);
    ann.onMessage("*", () => undefined);
    const pairs = Object.fromEntries(KEYS.map((k) => [k, `v-${k}`]));
    // through process A, which does not host the room: the room method is called over Redis
    expect(
      (
        await signedPost(a.httpUrl, "/chatroom/entry/batch/set.json", {
          chatroomId: "kvcluster",
          entryOwnerId: "op",
          entryInfo: JSON.stringify(pairs),
        })
      ).body,
    ).toEqual({ code: 200 });
    const state = (ann.state as { attributes: Map<string, string> }).attributes;
    await waitFor(() => KEYS.every((k) => state.get(k) === `v-${k}`), 5000, "every key in the state");
    await waitFor(() => updates.length === 1, 5000, "the update");
    expect(updates.at(0)!.set).toEqual(pairs);
    const query = await signedPost(a.httpUrl, "/chatroom/entry/query.json", { chatroomId: "kvcluster", keys: ["toString", "constructor"] });
    expect(query.body.keys.map((e: { key: string }) => e.key).sort()).toEqual(["constructor", "toString"]);
    await ann.leave();
  });

  test("the operator API refuses such room ids on every process", async () => {
    for (const httpUrl of [a.httpUrl, b.httpUrl]) {
      for (const name of ["toString", "valueOf", "isPrototypeOf"]) {
        const reply = await signedPost(httpUrl, "/chatroom/create.json", { [`chatroom[${name}]`]: "x" });
        expect([name, reply.body.code]).toEqual([name, ErrorCode.PARAMETER]);
      }
    }
  });

  // Today the second process to enter answers 1000 "<id> is already full".
  test("entering toString, valueOf or isPrototypeOf on either process is refused with 23412, not 1000 'already full'", async () => {
    for (const name of ["toString", "valueOf", "isPrototypeOf"]) {
      for (const httpUrl of [b.httpUrl, a.httpUrl]) {
        const refused = await requestSeat(httpUrl, { mode: "enter", roomId: name, userId: "eve" }).then(
          () => undefined,
          (e: unknown) => e as EnterError,
        );
        expect([name, refused?.code]).toEqual([name, ErrorCode.ILLEGAL_ARGUMENT]);
      }
    }
  });
});
