/**
 * Operator API replay protection (`signatureReplayWindowS`, CHAT_SIGNATURE_REPLAY_WINDOW_S):
 * off by default (RongCloud's behaviour: a signed request can be replayed forever); when on, a
 * Timestamp outside the window or a Nonce seen inside it answers 1004 saying why. Nonces live in
 * the store, so on Redis every process refuses a replay another one accepted.
 */
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import express from "express";
import { Redis } from "ioredis";
import { configFromEnv, validateConfig } from "../../src/config";
import { ErrorCode } from "../../src/core/errors";
import { createChatrooms, type Chatrooms } from "../../src/plugin/createChatrooms";
import { createMemoryStore } from "../../src/store/memory";
import { createRedisStore } from "../../src/store/redis";
import type { ChatStore } from "../../src/store/types";
import { encodeForm, TestClock, type OperatorCredentials } from "../helpers/operator";
import { describeWithRedis, REDIS_URL } from "../helpers/redis";
import { rawRequest, signatureHeadersFor, type RawReply } from "./httpHelpers";

const creds: OperatorCredentials = { appKey: "rk", appSecret: "rs" };
const WINDOW_S = 60;

/** The chat router of one "process" (its own chatrooms over `store`), listening on a free port. */
async function operatorApp(
  store: ChatStore,
  settings: { signatureReplayWindowS?: number; now?: () => number } = {},
): Promise<{ url: string; chat: Chatrooms; close(): Promise<void> }> {
  const chat = createChatrooms({ ...creds, store, ...settings });
  const app = express();
  app.use(chat.router({ enterRoute: false }));
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    chat,
    close: async () => {
      await new Promise((r) => server.close(r));
      await chat.close();
    },
  };
}

/** POSTs a form with exactly these signature headers. */
function post(url: string, path: string, params: Record<string, string | number>, headers: Record<string, string>): Promise<RawReply> {
  return rawRequest(url + path, { headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: encodeForm(params) });
}

const mutedUsers = async (url: string) =>
  (await post(url, "/chatroom/user/ban/query.json", {}, signatureHeadersFor(creds))).json.users.map((u: { userId: string }) => u.userId);

function expectRefused(reply: RawReply, words: string | RegExp): void {
  expect([reply.status, reply.json.code]).toEqual([401, ErrorCode.SIGNATURE]);
  expect(reply.json.errorMessage).toMatch(words);
  expect(reply.json.errorMessage).toContain("CHAT_SIGNATURE_REPLAY_WINDOW_S");
}

test("CHAT_SIGNATURE_REPLAY_WINDOW_S and signatureReplayWindowS are read and checked (0..86400, 0 = off by default)", () => {
  expect(configFromEnv({ CHAT_SIGNATURE_REPLAY_WINDOW_S: "300" })).toEqual({ signatureReplayWindowS: 300 });
  expect(() => configFromEnv({ CHAT_SIGNATURE_REPLAY_WINDOW_S: "86401" })).toThrow(
    "CHAT_SIGNATURE_REPLAY_WINDOW_S must be an integer in 0..86400",
  );
  expect(() => validateConfig({ signatureReplayWindowS: -1 })).toThrow("signatureReplayWindowS (CHAT_SIGNATURE_REPLAY_WINDOW_S)");
  expect(createChatrooms({ store: createMemoryStore() }).config.signatureReplayWindowS).toBe(0);
});

describe("in memory", () => {
  const clock = new TestClock();
  let on: Awaited<ReturnType<typeof operatorApp>>;
  let off: Awaited<ReturnType<typeof operatorApp>>;
  beforeAll(async () => {
    on = await operatorApp(createMemoryStore({ clock: clock.now }), { signatureReplayWindowS: WINDOW_S, now: clock.now });
    off = await operatorApp(createMemoryStore());
  });
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await Promise.all([on?.close(), off?.close()]);
  });
  const seconds = () => String(Math.floor(clock.now() / 1000));

  test("off (the default): a request replayed as is is accepted again, as RongCloud does", async () => {
    const headers = signatureHeadersFor(creds);
    for (let i = 0; i < 3; i++) expect((await post(off.url, "/user/getToken.json", { userId: "ann" }, headers)).json.code).toBe(200);
  });

  test("a request replayed as is answers 1004 'already used', and changes nothing", async () => {
    const mute = signatureHeadersFor(creds, randomUUID(), seconds());
    expect((await post(on.url, "/chatroom/user/ban/add.json", { userId: "mallory", minute: 10 }, mute)).json.code).toBe(200);
    expect(await mutedUsers(on.url)).toEqual(["mallory"]);
    expect(
      (await post(on.url, "/chatroom/user/ban/remove.json", { userId: "mallory" }, signatureHeadersFor(creds, randomUUID(), seconds())))
        .json.code,
    ).toBe(200);
    const replay = await post(on.url, "/chatroom/user/ban/add.json", { userId: "mallory", minute: 10 }, mute);
    expectRefused(replay, `Nonce was already used within the last ${WINDOW_S} s`);
    expect(await mutedUsers(on.url)).toEqual([]);
  });

  test("a Nonce seen inside the window is refused with another Timestamp and body too", async () => {
    const nonce = randomUUID();
    expect((await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, nonce, seconds()))).json.code).toBe(
      200,
    );
    const again = await post(
      on.url,
      "/user/getToken.json",
      { userId: "bob" },
      signatureHeadersFor(creds, nonce, String(Math.floor(clock.now() / 1000) - 5)),
    );
    expectRefused(again, "already used");
  });

  test("a Timestamp outside the window answers 1004 saying how far off it is (seconds or ms)", async () => {
    const now = clock.now();
    expectRefused(
      await post(
        on.url,
        "/user/getToken.json",
        { userId: "ann" },
        signatureHeadersFor(creds, randomUUID(), String(Math.floor(now / 1000) - 120)),
      ),
      /12[01] s behind the server clock/,
    );
    expectRefused(
      await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, randomUUID(), String(now + 90_000))),
      /(89|90) s ahead of the server clock/,
    );
    expect(
      (await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, randomUUID(), String(now - 30_000)))).json
        .code,
    ).toBe(200);
  });

  test("a refused request does not burn its Nonce (a wrong signature is not remembered)", async () => {
    const nonce = randomUUID();
    const ts = seconds();
    const forged = await post(
      on.url,
      "/user/getToken.json",
      { userId: "ann" },
      { ...signatureHeadersFor(creds, nonce, ts), Signature: "0".repeat(40) },
    );
    expect(forged.json.code).toBe(ErrorCode.SIGNATURE);
    expect((await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, nonce, ts))).json.code).toBe(200);
  });

  test("once the window has passed, the Nonce is forgotten (and the store drops it)", async () => {
    const nonce = randomUUID();
    expect((await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, nonce, seconds()))).json.code).toBe(
      200,
    );
    clock.advance((WINDOW_S + 1) * 1000);
    expect((await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, nonce, seconds()))).json.code).toBe(
      200,
    );
    // every nonce but the one just claimed has expired: the next claim sweeps them away
    clock.advance(2000);
    expect(
      (await post(on.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, randomUUID(), seconds()))).json.code,
    ).toBe(200);
    const holders = (on.chat.context.store.claims as unknown as { holders: Map<string, unknown> }).holders;
    expect([...holders.keys()].filter((name) => name.startsWith("signature-nonce:")).length).toBeLessThanOrEqual(2);
  });
});

describeWithRedis("on Redis, shared by two processes", () => {
  const prefix = `test:hardening-replay:${randomUUID()}:`;
  let a: Awaited<ReturnType<typeof operatorApp>>;
  let b: Awaited<ReturnType<typeof operatorApp>>;
  beforeAll(async () => {
    a = await operatorApp(createRedisStore({ url: REDIS_URL, prefix }), { signatureReplayWindowS: WINDOW_S });
    b = await operatorApp(createRedisStore({ url: REDIS_URL, prefix }), { signatureReplayWindowS: WINDOW_S });
  });
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await Promise.all([a?.close(), b?.close()]);
    const admin = new Redis(REDIS_URL);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    admin.disconnect();
  });

  test("a request accepted by one process is refused when replayed to the other, and changes nothing there", async () => {
    const mute = signatureHeadersFor(creds);
    expect((await post(a.url, "/chatroom/user/ban/add.json", { userId: "mallory", minute: 10 }, mute)).json.code).toBe(200);
    expect((await post(a.url, "/chatroom/user/ban/remove.json", { userId: "mallory" }, signatureHeadersFor(creds))).json.code).toBe(200);
    expectRefused(await post(b.url, "/chatroom/user/ban/add.json", { userId: "mallory", minute: 10 }, mute), "already used");
    expectRefused(await post(a.url, "/chatroom/user/ban/add.json", { userId: "mallory", minute: 10 }, mute), "already used");
    expect(await mutedUsers(b.url)).toEqual([]);
  });

  test("of the same request sent to both processes at once, exactly one is accepted", async () => {
    for (let round = 0; round < 10; round++) {
      const headers = signatureHeadersFor(creds);
      const replies = await Promise.all([a.url, b.url].map((url) => post(url, "/user/getToken.json", { userId: "ann" }, headers)));
      expect(replies.map((r) => r.json.code).sort((x, y) => x - y)).toEqual([200, ErrorCode.SIGNATURE]);
    }
  });

  test("the nonce is kept in Redis with an expiry of about the window", async () => {
    const nonce = randomUUID();
    expect((await post(a.url, "/user/getToken.json", { userId: "ann" }, signatureHeadersFor(creds, nonce))).json.code).toBe(200);
    const admin = new Redis(REDIS_URL);
    try {
      const ttl = await admin.pttl(`${prefix}claim:signature-nonce:${creds.appKey}:${nonce}`);
      expect(ttl).toBeGreaterThan((WINDOW_S - 2) * 1000);
      expect(ttl).toBeLessThanOrEqual((WINDOW_S + 1) * 1000);
    } finally {
      admin.disconnect();
    }
  });
});
