/**
 * The demo's operator panel guard and signing proxy (src/standalone/demoOperator.ts, src/standalone/demoRoutes.ts) on a
 * bare Express app whose stand-in operator endpoint checks RongCloud signatures: who gets in under
 * each configuration, that forwarded requests are signed with the secret (which never appears in
 * an answer), and which paths are forwarded and which files are served.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { passwordMatches, type OperatorConfig } from "../../src/standalone/demoOperator";
import { createDemoRouter } from "../../src/standalone/demoRoutes";
import { requireSignature } from "../../src/http/signature";

const SECRET = "s3cret-app-secret";
const PASSWORD = "correct horse";

interface Running {
  url: string;
  server: Server;
}

/** The demo router plus a stand-in for /chatroom/get.json that requires a valid signature when `appSecret` is set. */
async function start(config: OperatorConfig): Promise<Running> {
  const app = express();
  app.use(createDemoRouter(config, { listAll: async () => [] }));
  app.post(
    "/chatroom/get.json",
    requireSignature({ appKey: config.appKey, appSecret: config.appSecret, maxSkewS: 0, now: Date.now }),
    express.text({ type: () => true }),
    (req, res) => res.json({ code: 200, form: req.body, appKey: req.get("App-Key") ?? null }),
  );
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const basic = (password: string) => ({ authorization: "Basic " + Buffer.from(`operator:${password}`).toString("base64") });
const form = { "content-type": "application/x-www-form-urlencoded" };

function post(url: string, path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url + path, { method: "POST", headers: { ...form, ...headers }, body });
}

const running: Running[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => new Promise((resolve) => r.server.close(resolve))));
});
async function server(config: OperatorConfig): Promise<string> {
  const r = await start(config);
  running.push(r);
  return r.url;
}

describe("operator panel access", () => {
  test("app secret without operator password: panel and proxy are off (404 saying how to turn them on)", async () => {
    const url = await server({ appKey: "k", appSecret: SECRET, operatorPassword: undefined });
    const page = await fetch(url + "/operator/");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("set CHAT_OPERATOR_PASSWORD");
    expect((await post(url, "/operator/api/chatroom/get.json", "chatroomId=a", basic(PASSWORD))).status).toBe(404);
    expect(await (await fetch(url + "/demo/info")).json()).toEqual({ tokenRequired: true, operator: "off" });
  });

  test("with a password: 401 with a Basic challenge without it or with a wrong one; the page with it", async () => {
    const url = await server({ appKey: "k", appSecret: SECRET, operatorPassword: PASSWORD });
    for (const headers of [{}, basic("wrong"), basic(PASSWORD + "x"), { authorization: "Bearer " + PASSWORD }]) {
      const res = await fetch(url + "/operator/", { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
    }
    const page = await fetch(url + "/operator/", { headers: basic(PASSWORD) });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Operator console");
    expect(await (await fetch(url + "/operator/api/status", { headers: basic(PASSWORD) })).json()).toEqual({ access: "password" });
  });

  test("open development mode (no secret, no password): open to anyone, and the status says so", async () => {
    const url = await server({ appKey: undefined, appSecret: undefined, operatorPassword: undefined });
    expect((await fetch(url + "/operator/")).status).toBe(200);
    expect(await (await fetch(url + "/operator/api/status")).json()).toEqual({ access: "open" });
    const reply = await post(url, "/operator/api/chatroom/get.json", "chatroomId=a");
    expect(await reply.json()).toEqual({ code: 200, form: "chatroomId=a", appKey: null });
  });

  test("passwordMatches compares whole strings, whatever their lengths", () => {
    expect(passwordMatches(PASSWORD, PASSWORD)).toBe(true);
    expect(passwordMatches(PASSWORD.slice(0, -1), PASSWORD)).toBe(false);
    expect(passwordMatches("", PASSWORD)).toBe(false);
    expect(passwordMatches(PASSWORD + " ", PASSWORD)).toBe(false);
  });
});

describe("operator proxy", () => {
  test("forwards the form as is, signed with the configured App Key and Secret; the secret never appears in the answer", async () => {
    const url = await server({ appKey: "demo-key", appSecret: SECRET, operatorPassword: PASSWORD });
    const body = "chatroomId=room-1&userId=a&userId=b&extra=x%20y";
    const reply = await post(url, "/operator/api/chatroom/get.json", body, basic(PASSWORD));
    const text = await reply.text();
    expect(reply.status).toBe(200);
    expect(JSON.parse(text)).toEqual({ code: 200, form: body, appKey: "demo-key" });
    expect(text).not.toContain(SECRET);
    // the same call made directly, unsigned, is refused: the signature came from the proxy
    expect((await post(url, "/chatroom/get.json", body)).status).toBe(401);
  });

  test("passes the operator API's answers through (status and body), e.g. an unknown endpoint's 404", async () => {
    const url = await server({ appKey: "demo-key", appSecret: SECRET, operatorPassword: PASSWORD });
    const reply = await post(url, "/operator/api/chatroom/nope.json", "", basic(PASSWORD));
    expect(reply.status).toBe(404);
  });

  test("forwards only operator API paths (area/op.json)", async () => {
    const url = await server({ appKey: undefined, appSecret: undefined, operatorPassword: undefined });
    for (const path of [
      "/operator/api/chatroom/get",
      "/operator/api/chatroom/get.json.bak",
      "/operator/api/..%2F..%2Fdemo%2Frooms.json",
      "/operator/api/a%20b.json",
      "/operator/api/chatroom/get.json%3Fx",
    ]) {
      const reply = await post(url, path, "chatroomId=a");
      expect([path, reply.status]).toEqual([path, 400]);
    }
  });
});

describe("demo files", () => {
  test("the chat page and stylesheet are public; /operator and /operator.html lead to the guarded page; sources are not served", async () => {
    const url = await server({ appKey: undefined, appSecret: SECRET, operatorPassword: PASSWORD });
    expect((await fetch(url + "/")).status).toBe(200);
    expect((await fetch(url + "/style.css")).status).toBe(200);
    for (const path of ["/operator", "/operator.html"]) {
      const res = await fetch(url + path, { redirect: "manual" });
      expect([path, res.status, res.headers.get("location")]).toEqual([path, 302, "/operator/"]);
    }
    for (const path of ["/src/main.ts", "/build.ts", "/operator/index.html", "/public/index.html"]) {
      const res = await fetch(url + path);
      expect([path, res.status]).toEqual([path, path === "/operator/index.html" ? 401 : 404]);
    }
  });
});
