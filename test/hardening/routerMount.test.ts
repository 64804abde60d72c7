/**
 * A studio mounts the chat router at a path of its choice beside routes of its own. Inside the
 * mount path, unknown paths answer JSON 404 (code 1002) and a known path asked with another
 * method 405; outside it, nothing of the studio's is swallowed, even routes added after the router.
 */
import { defineServer } from "@colyseus/core";
import { ErrorCode } from "../../src/core/errors";
import { createChatrooms } from "../../src/plugin/createChatrooms";
import { ENTER_PATH } from "../../src/protocol";
import type { OperatorCredentials } from "../helpers/operator";
import { listenOnFreePort } from "../plugin/helpers";
import { expectCleanJson, rawRequest } from "./httpHelpers";

const creds: OperatorCredentials = { appKey: "mk", appSecret: "ms" };
const chat = createChatrooms({ ...creds });
const server = defineServer({
  rooms: { chatroom: chat.defineRoom() },
  greet: false,
  express: (app) => {
    app.use("/chat-admin", chat.router());
    // the studio's own routes, registered after the chat router
    app.get("/hello", (_req, res) => res.json({ hello: "world" }));
    app.post("/chat-adminish", (_req, res) => res.json({ mine: true }));
  },
});
let base: string;
beforeAll(async () => {
  base = `http://127.0.0.1:${await listenOnFreePort(server)}`;
});
afterAll(async () => {
  await server.gracefullyShutdown(false);
  await chat.close();
});

test("the studio's own routes are still served", async () => {
  expect((await rawRequest(base + "/hello", { method: "GET" })).json).toEqual({ hello: "world" });
  expect((await rawRequest(base + "/chat-adminish", {})).json).toEqual({ mine: true });
});

test("a path outside the mount path that nobody serves is left to the studio (Express' own 404, not ours)", async () => {
  const reply = await rawRequest(base + "/nowhere", { method: "GET" });
  expect(reply.status).toBe(404);
  expect(reply.json?.code).toBeUndefined();
});

test("unknown paths inside the mount path answer JSON 404 with code 1002 and both message fields", async () => {
  for (const [method, path] of [
    ["POST", "/chat-admin/chatroom/nothing.json"],
    ["GET", "/chat-admin/"],
    ["POST", "/chat-admin/chat/enter/extra"],
    ["DELETE", "/chat-admin/x"],
  ] as const) {
    const reply = await rawRequest(base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? "{}" : undefined,
    });
    expectCleanJson(reply, `${method} ${path}`);
    expect([reply.status, reply.json.code]).toEqual([404, ErrorCode.PARAMETER]);
    expect(reply.json.message).toContain(`${method} ${path}`);
    expect(reply.json.errorMessage).toBe(reply.json.message);
  }
});

test("a known path asked with another method answers 405 with Allow: POST", async () => {
  for (const path of [ENTER_PATH, "/chatroom/get.json", "/CHATROOM/GET.JSON"]) {
    const reply = await rawRequest(base + "/chat-admin" + path, { method: "GET" });
    expectCleanJson(reply, `GET ${path}`);
    expect([reply.status, reply.json.code, reply.headers.get("allow")]).toEqual([405, ErrorCode.PARAMETER, "POST"]);
  }
});

test("the known routes still work under the mount path, and their refusals are JSON", async () => {
  const enter = await rawRequest(base + "/chat-admin" + ENTER_PATH, { headers: { "content-type": "application/json" }, body: "{bad" });
  expectCleanJson(enter, "malformed enter");
  expect([enter.status, enter.json.code]).toEqual([400, ErrorCode.PARAMETER]);
  const unsigned = await rawRequest(base + "/chat-admin/chatroom/get.json", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "chatroomId=a",
  });
  expect([unsigned.status, unsigned.json.code]).toEqual([401, ErrorCode.SIGNATURE]);
  const token = await rawRequest(base + "/chat-admin/user/getToken.json", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "userId=ann",
    creds,
  });
  expect(token.json).toMatchObject({ code: 200, userId: "ann" });
});
