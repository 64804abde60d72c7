/**
 * Bodies Express' parsers refuse (malformed, badly compressed, unknown encodings or charsets, over
 * the size limit, too many parameters) get our JSON, never Express' HTML error page with a stack
 * trace and local paths: `{ code, message }` on /chat/enter, the RongCloud envelope
 * `{ code, errorMessage }` on the operator API. The standalone server mounts the router at "/".
 */
import { deflateSync, gzipSync } from "node:zlib";
import { ErrorCode } from "../../src/core/errors";
import { ENTER_PATH } from "../../src/protocol";
import type { OperatorCredentials } from "../helpers/operator";
import { useServer } from "../helpers/server";
import { expectCleanJson, rawRequest } from "./httpHelpers";

const creds: OperatorCredentials = { appKey: "hk", appSecret: "hs" };
const t = useServer({ ...creds });

const JSON_TYPE = { "content-type": "application/json" };
const FORM_TYPE = { "content-type": "application/x-www-form-urlencoded" };

/** [what, headers, body, expected HTTP status, expected code, words of the message] */
type Case = [string, Record<string, string>, string | Buffer, number, number, string];

describe("POST /chat/enter answers { code, message } for every body it cannot read", () => {
  const cases: Case[] = [
    ["malformed JSON", JSON_TYPE, "{bad", 400, ErrorCode.PARAMETER, "not valid JSON"],
    ["gzip that is not gzip", { ...JSON_TYPE, "content-encoding": "gzip" }, "plainly not gzip", 400, ErrorCode.PARAMETER, "decompressed"],
    [
      "deflate that is not deflate",
      { ...JSON_TYPE, "content-encoding": "deflate" },
      "plainly not deflate",
      400,
      ErrorCode.PARAMETER,
      "decompressed",
    ],
    ["br that is not br", { ...JSON_TYPE, "content-encoding": "br" }, "x", 400, ErrorCode.PARAMETER, "decompressed"],
    ["gzip of malformed JSON", { ...JSON_TYPE, "content-encoding": "gzip" }, gzipSync("{bad"), 400, ErrorCode.PARAMETER, "not valid JSON"],
    ["an unknown Content-Encoding", { ...JSON_TYPE, "content-encoding": "compress" }, "{}", 400, ErrorCode.PARAMETER, "Content-Encoding"],
    ["an unknown charset", { "content-type": "application/json; charset=klingon" }, "{}", 400, ErrorCode.PARAMETER, "charset"],
    ["over 64 KB", JSON_TYPE, JSON.stringify({ roomId: "x".repeat(70_000) }), 400, ErrorCode.TOO_LONG, "64 KB"],
    [
      "over 64 KB once gunzipped",
      { ...JSON_TYPE, "content-encoding": "gzip" },
      gzipSync(JSON.stringify({ pad: " ".repeat(200_000) })),
      400,
      ErrorCode.TOO_LONG,
      "64 KB",
    ],
  ];
  test.each(cases)("%s", async (what, headers, body, status, code, words) => {
    const reply = await rawRequest(t.httpUrl + ENTER_PATH, { headers, body });
    expectCleanJson(reply, what);
    expect([reply.status, reply.json.code]).toEqual([status, code]);
    expect(reply.json.message).toContain(words);
  });

  test("a well-formed gzip or deflate body is read (and then judged on its content)", async () => {
    for (const [encoding, body] of [
      ["gzip", gzipSync('{"mode":"enter"}')],
      ["deflate", deflateSync('{"mode":"enter"}')],
    ] as const) {
      const reply = await rawRequest(t.httpUrl + ENTER_PATH, { headers: { ...JSON_TYPE, "content-encoding": encoding }, body });
      expectCleanJson(reply, encoding);
      expect([reply.status, reply.json.code, reply.json.message]).toEqual([
        200,
        ErrorCode.ILLEGAL_ARGUMENT,
        expect.stringContaining("roomId"),
      ]);
    }
  });
});

describe("the operator API answers its RongCloud envelope for every body it cannot read", () => {
  const manyParams = Array.from({ length: 5001 }, (_, i) => `p${i}=1`).join("&");
  const cases: Case[] = [
    ["gzip that is not gzip", { ...FORM_TYPE, "content-encoding": "gzip" }, "chatroomId=a", 400, ErrorCode.PARAMETER, "decompressed"],
    ["br that is not br", { ...FORM_TYPE, "content-encoding": "br" }, "x", 400, ErrorCode.PARAMETER, "decompressed"],
    [
      "an unknown Content-Encoding",
      { ...FORM_TYPE, "content-encoding": "compress" },
      "chatroomId=a",
      400,
      ErrorCode.PARAMETER,
      "Content-Encoding",
    ],
    [
      "an unknown charset",
      { "content-type": "application/x-www-form-urlencoded; charset=klingon" },
      "chatroomId=a",
      400,
      ErrorCode.PARAMETER,
      "charset",
    ],
    ["over 1 MB", FORM_TYPE, `chatroomId=${"a".repeat(1_100_000)}`, 400, ErrorCode.TOO_LONG, "1 MB"],
    ["more than 5000 parameters", FORM_TYPE, manyParams, 400, ErrorCode.PARAMETER, "5000"],
  ];
  test.each(cases)("%s", async (what, headers, body, status, code, words) => {
    const reply = await rawRequest(t.httpUrl + "/chatroom/get.json", { headers, body, creds });
    expectCleanJson(reply, what);
    expect([reply.status, reply.json.code]).toEqual([status, code]);
    expect(reply.json.errorMessage).toContain(words);
    expect(reply.json.message).toBeUndefined();
  });

  test("a gzip form is read", async () => {
    const reply = await rawRequest(t.httpUrl + "/user/getToken.json", {
      headers: { ...FORM_TYPE, "content-encoding": "gzip" },
      body: gzipSync("userId=zed"),
      creds,
    });
    expectCleanJson(reply, "gzip form");
    expect(reply.json).toMatchObject({ code: 200, userId: "zed" });
  });
});

describe("the router mounted at the root of the standalone server", () => {
  test("passes unknown paths on: the demo's pages and its JSON routes are still served", async () => {
    const page = await rawRequest(t.httpUrl + "/", { method: "GET" });
    expect([page.status, page.contentType]).toEqual([200, expect.stringContaining("text/html")]);
    const info = await rawRequest(t.httpUrl + "/demo/info", { method: "GET" });
    expect([info.status, info.json?.tokenRequired]).toEqual([200, true]);
  });

  test("answers unknown paths with JSON 404 code 1002", async () => {
    for (const [method, path] of [
      ["POST", "/chat/nothing"],
      ["POST", "/chatroom/nothing.json"],
      ["GET", "/no/such/page"],
    ] as const) {
      const reply = await rawRequest(t.httpUrl + path, { method, headers: JSON_TYPE, body: method === "POST" ? "{}" : undefined });
      expectCleanJson(reply, `${method} ${path}`);
      expect([reply.status, reply.json.code]).toEqual([404, ErrorCode.PARAMETER]);
    }
  });
});
