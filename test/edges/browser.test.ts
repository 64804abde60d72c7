/**
 * The attack of the issue, in Chromium: an operator has the panel open (the browser holds the
 * panel's Basic credentials and a cookie of the server's host) and visits a page of another
 * origin (another port of 127.0.0.1, so same-site: the cookie goes along). That page's form POST
 * and no-cors fetch to the operator proxy are refused and mute nobody, and it cannot read the
 * room list, the panel's API or a matchmaking answer. A page of an origin listed in `corsOrigins`
 * can read a matchmaking answer. Every server listens on 127.0.0.1 on an ephemeral port.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { describeWithBrowser, launchBrowser, openPage, type WatchedPage } from "../helpers/browser";
import { useServer } from "../helpers/server";
import type { ChatServerOptions } from "../../src/standalone/server";
import { CREDS, globallyMuted, PASSWORD } from "./edgeHelpers";

jest.setTimeout(60_000);

/** A page server standing for another site: `/` is an empty page of its origin. */
async function pageServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title><body></body>"),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describeWithBrowser("cross-site requests in Chromium (secured server with an operator password)", () => {
  const options: ChatServerOptions = { ...CREDS, operatorPassword: PASSWORD };
  let friendly: { origin: string; server: Server };
  let attacker: { origin: string; server: Server };
  let browser: Browser | undefined;
  const pages: WatchedPage[] = [];

  // hooks run in the order they are declared: the page servers before the chat server, the browser after it
  beforeAll(async () => {
    friendly = await pageServer();
    attacker = await pageServer();
  });
  const t = useServer(() => ({ ...options, corsOrigins: [friendly.origin] }), {
    beforeShutdown: async () => {
      await Promise.all(pages.map((p) => p.context.close()));
      await browser?.close();
    },
  });
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(
      ([friendly, attacker] as (typeof friendly | undefined)[]).map(
        (s) => new Promise((resolve) => (s ? s.server.close(resolve) : resolve(undefined))),
      ),
    );
  });

  /** A browser context in which the operator has opened the panel (credentials cached) and holds a same-site cookie. */
  async function operatorBrowser(): Promise<WatchedPage> {
    if (!browser) throw new Error("Chromium is not launched");
    const watched = await openPage(browser, { httpCredentials: { username: "operator", password: PASSWORD } });
    pages.push(watched);
    await watched.context.addCookies([{ name: "session", value: "operator", url: t.httpUrl, sameSite: "Lax" }]);
    await watched.page.goto(`${t.httpUrl}/operator/`);
    await watched.page.locator('button[data-action="ban"]').waitFor();
    return watched;
  }

  test("a page of another origin: its form POST and no-cors fetch to the proxy are refused and mute nobody, with the operator's credentials and cookie in the browser", async () => {
    const { page } = await operatorBrowser();
    await page.goto(attacker.origin + "/");
    const refusal = page.waitForResponse((res) => res.url().includes("/operator/api/"));
    await page.evaluate((action) => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = action;
      for (const [name, value] of [
        ["userId", "victim"],
        ["minute", "60"],
      ] as const) {
        const input = document.createElement("input");
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    }, `${t.httpUrl}/operator/api/chatroom/user/ban/add.json`);
    const res = await refusal;
    const sent = await res.request().allHeaders();
    // the browser did send the operator's password and cookie; the server refused by origin anyway
    expect([res.status(), sent["origin"], sent["cookie"], sent["authorization"]]).toEqual([
      403,
      attacker.origin,
      "session=operator",
      "Basic " + Buffer.from(`operator:${PASSWORD}`).toString("base64"),
    ]);
    await page.waitForURL(/\/operator\/api\//);
    expect(JSON.parse((await page.locator("body").textContent()) ?? "")).toEqual({
      code: 403,
      message: expect.stringContaining("refused"),
    });

    await page.goto(attacker.origin + "/");
    const status = await page.evaluate(async (url) => {
      await fetch(url, {
        method: "POST",
        mode: "no-cors",
        credentials: "include",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "userId=victim2&minute=60",
      });
      return "sent";
    }, `${t.httpUrl}/operator/api/chatroom/user/ban/add.json`);
    expect(status).toBe("sent");
    expect(await globallyMuted(t.httpUrl, CREDS)).toEqual([]);
  });

  test("a page of another origin cannot read the room list, the panel's API or a matchmaking answer; a listed origin can read matchmaking", async () => {
    const { page } = await operatorBrowser();
    const read = (url: string, init: RequestInit) =>
      page.evaluate(
        async ([u, i]) => {
          try {
            const res = await fetch(u, i);
            return `read ${res.status} ${await res.text()}`;
          } catch (e) {
            return `blocked ${(e as Error).name}`;
          }
        },
        [url, init] as const,
      );
    const matchmake: RequestInit = {
      method: "POST",
      credentials: "include",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roomId: "lobby", userId: "u1" }),
    };

    await page.goto(attacker.origin + "/");
    expect(await read(`${t.httpUrl}/demo/rooms`, { credentials: "include" })).toBe("blocked TypeError");
    expect(await read(`${t.httpUrl}/operator/api/status`, { credentials: "include" })).toBe("blocked TypeError");
    expect(await read(`${t.httpUrl}/matchmake/joinOrCreate/chatroom`, matchmake)).toBe("blocked TypeError");

    await page.goto(friendly.origin + "/");
    // readable: Colyseus' answer (401: this server needs a user token) reaches the listed page
    expect(await read(`${t.httpUrl}/matchmake/joinOrCreate/chatroom`, matchmake)).toMatch(/^read 401 .*token is required/);
  });
});
