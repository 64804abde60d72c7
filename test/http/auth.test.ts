import { ErrorCode } from "../../src/core/errors";
import { OPERATOR_ROUTES } from "../../src/http/router";
import { rcSignature, verifySignature, type SignatureOptions } from "../../src/http/signature";
import { signedPost, type OperatorCredentials } from "../helpers/operator";
import { advanceDate, useFrozenDate } from "../helpers/fakeDate";
import { useServer } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const t = useServer({ ...creds, apiRateLimit: 3 });

describe("signature", () => {
  test("the signature RongCloud's Node SDK sends is hex(SHA1(secret + nonce + timestamp))", () => {
    // Captured from rongcloud-sdk 3.1.1.
    const signature = rcSignature("s", "12117543", "1795303221");
    expect(signature).toMatch(/^8edc808f[0-9a-f]{28}3741$/);
  });

  test("a signed request succeeds, with plain or RC- prefixed headers, and reused nonces", async () => {
    const fixed = { nonce: "12117543", timestamp: "1795303221" };
    for (const prefixed of [false, true, false]) {
      const reply = await signedPost(t.httpUrl, "/chatroom/keepalive/query.json", {}, creds, { ...fixed, prefixed });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ code: 200, chatroomIds: [] });
    }
  });

  test("Java-style nonces (decimals) and an upper-case hex signature are accepted", async () => {
    const nonce = "512345.67891234";
    const timestamp = "1700000000";
    const signature = rcSignature(creds.appSecret, nonce, timestamp).toUpperCase();
    const reply = await signedPost(t.httpUrl, "/chatroom/ban/query.json", {}, creds, { nonce, timestamp, signature });
    expect(reply.body).toEqual({ code: 200, chatroomIds: [] });
  });

  test("a missing signature answers 401 with 1004 as JSON", async () => {
    const reply = await signedPost(t.httpUrl, "/chatroom/keepalive/query.json", {}, undefined);
    expect(reply.status).toBe(401);
    expect(reply.headers.get("content-type")).toMatch(/^application\/json; charset=utf-8/);
    expect(reply.body).toEqual({ code: ErrorCode.SIGNATURE, errorMessage: expect.stringContaining("Signature") });
  });

  test("a missing App-Key answers 401 with 1004, an unknown one with 1001", async () => {
    const res = await fetch(t.httpUrl + "/chatroom/keepalive/query.json", {
      method: "POST",
      headers: { Nonce: "1", Timestamp: "2", Signature: rcSignature(creds.appSecret, "1", "2") },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: ErrorCode.SIGNATURE, errorMessage: expect.stringContaining("App-Key") });
    const other = await signedPost(t.httpUrl, "/chatroom/keepalive/query.json", {}, { appKey: "other", appSecret: creds.appSecret });
    expect(other.status).toBe(401);
    expect(other.body.code).toBe(ErrorCode.UNKNOWN_APP);
  });

  test("a signature made with another secret answers 401 with 1004", async () => {
    const reply = await signedPost(t.httpUrl, "/chatroom/keepalive/query.json", {}, { appKey: creds.appKey, appSecret: "wrong" });
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe(ErrorCode.SIGNATURE);
  });

  test.each(OPERATOR_ROUTES.map((r) => r.path))("%s refuses an unsigned and a badly signed request", async (path) => {
    const unsigned = await signedPost(t.httpUrl, path, { chatroomId: "r1", userId: "u1" });
    expect([unsigned.status, unsigned.body.code]).toEqual([401, ErrorCode.SIGNATURE]);
    const bad = await signedPost(t.httpUrl, path, { chatroomId: "r1", userId: "u1" }, creds, { signature: "0".repeat(40) });
    expect([bad.status, bad.body.code]).toEqual([401, ErrorCode.SIGNATURE]);
  });

  test("X-Request-ID is echoed", async () => {
    const reply = await signedPost(t.httpUrl, "/chatroom/ban/query.json", {}, creds, { headers: { "X-Request-ID": "abc123" } });
    expect(reply.headers.get("x-request-id")).toBe("abc123");
  });
});

describe("timestamp skew (verifySignature)", () => {
  const base: SignatureOptions = { appKey: "k", appSecret: "s", maxSkewS: 0, now: () => 1_700_000_000_000 };
  const headers = (timestamp: string) => ({ appKey: "k", nonce: "n", timestamp, signature: rcSignature("s", "n", timestamp) });

  test("by default any timestamp is accepted (the Node SDK reuses its start-up timestamp)", () => {
    expect(() => verifySignature(headers("1000"), base)).not.toThrow();
  });

  test("with a skew limit, seconds and ms inside it pass and a stale timestamp fails with 1004", () => {
    const options = { ...base, maxSkewS: 300 };
    expect(() => verifySignature(headers("1700000299"), options)).not.toThrow();
    expect(() => verifySignature(headers("1699999700000"), options)).not.toThrow();
    expect(() => verifySignature(headers("1700000301"), options)).toThrow(expect.objectContaining({ code: ErrorCode.SIGNATURE }));
    expect(() => verifySignature(headers("soon"), options)).toThrow(expect.objectContaining({ code: ErrorCode.SIGNATURE }));
  });

  test("without an app secret (open development mode) nothing is checked", () => {
    expect(() => verifySignature({}, { ...base, appSecret: undefined })).not.toThrow();
  });
});

describe("rate limit", () => {
  // Buckets are one-second windows of Date.now(): a frozen Date moved past a window starts the
  // next one at once, and no window can end in the middle of a check.
  useFrozenDate();
  const nextWindow = () => advanceDate(1000);
  beforeAll(nextWindow);

  test.each(OPERATOR_ROUTES.map((r) => [r.path, r] as const))(
    "%s answers 429 with 1008 over its limit (3/s here unless the route has its own)",
    async (path, route) => {
      // a budget shared with a sibling endpoint (entry set/batch set, remove/batch remove) was just spent by it
      if (route.bucket) nextWindow();
      const limit = route.perSecond ?? 3;
      const codes: number[] = [];
      for (let i = 0; i <= limit; i++) {
        const reply = await signedPost(t.httpUrl, path, {}, creds);
        codes.push(reply.status);
        if (i === limit) expect(reply.body).toEqual({ code: ErrorCode.RATE_LIMITED, errorMessage: expect.stringContaining("rate limit") });
      }
      expect(codes.slice(0, limit)).not.toContain(429);
      expect(codes[limit]).toBe(429);
    },
  );

  test("the limit is per endpoint and refills after a second", async () => {
    nextWindow();
    for (let i = 0; i < 3; i++)
      expect((await signedPost(t.httpUrl, "/chatroom/ban/check.json", { chatroomId: "x" }, creds)).status).not.toBe(429);
    expect((await signedPost(t.httpUrl, "/chatroom/ban/check.json", { chatroomId: "x" }, creds)).status).toBe(429);
    expect((await signedPost(t.httpUrl, "/chatroom/user/block/list.json", { chatroomId: "x" }, creds)).status).toBe(200);
    advanceDate(999);
    expect((await signedPost(t.httpUrl, "/chatroom/ban/check.json", { chatroomId: "x" }, creds)).status).toBe(429);
    advanceDate(1);
    expect((await signedPost(t.httpUrl, "/chatroom/ban/check.json", { chatroomId: "x" }, creds)).status).toBe(200);
  });
});
