/**
 * CSRF at the standalone server's edges: a state-changing request made by a page of another origin
 * (told by Sec-Fetch-Site, Origin or, without Origin, Referer) is refused with 403 `{code, message}`
 * (Colyseus' `{code, error}` on /matchmake) and has no effect, whether or not it carries the operator's credentials and cookies; the panel's
 * own (same-origin) requests, listed origins and non-browser clients (no such header) go through.
 * One server at a time (Colyseus' matchmaker is per process): a secured one, then open mode.
 */
import { Client } from "@colyseus/sdk";
import { type TestServer, useServer } from "../helpers/server";
import { ALLOWED_ORIGIN, basic, CREDS, EVIL_ORIGIN, globallyMuted, PASSWORD, postForm } from "./edgeHelpers";

const MUTE = "/chatroom/user/ban/add.json";
const muteForm = (userId: string) => `userId=${userId}&minute=5`;

/** Header sets a browser sends for a request from a page of another origin (site: another port of 127.0.0.1 is same-site). */
function crossSiteVariants(ownPort: number): [string, Record<string, string>][] {
  return [
    ["Origin of another site", { origin: EVIL_ORIGIN }],
    ["Origin of another site, Sec-Fetch-Site cross-site", { origin: EVIL_ORIGIN, "sec-fetch-site": "cross-site" }],
    [
      "another port of this host (same-site, other origin)",
      { origin: `http://127.0.0.1:${ownPort === 1 ? 2 : ownPort - 1}`, "sec-fetch-site": "same-site" },
    ],
    ["Origin null (sandboxed frame, cross-origin redirect)", { origin: "null" }],
    ["no Origin, Referer of another site", { referer: `${EVIL_ORIGIN}/attack.html` }],
    ["Sec-Fetch-Site cross-site without Origin", { "sec-fetch-site": "cross-site" }],
  ];
}

/** Ids of the rooms `GET /demo/rooms` lists (open development mode: no password). */
async function roomIds(t: TestServer): Promise<string[]> {
  const { rooms } = (await (await fetch(`${t.httpUrl}/demo/rooms`)).json()) as { rooms: { roomId: string }[] };
  return rooms.map((r) => r.roomId);
}

async function expectRefused(res: Response, what: string): Promise<void> {
  const body = (await res.json()) as { code?: unknown; message?: unknown };
  expect([what, res.status, body.code, typeof body.message]).toEqual([what, 403, 403, "string"]);
  expect(body.message).toMatch(/refused/);
}

describe("secured server (app secret, operator password): the operator proxy", () => {
  const t = useServer({ ...CREDS, operatorPassword: PASSWORD, corsOrigins: [ALLOWED_ORIGIN] });
  const proxy = () => `${t.httpUrl}/operator/api${MUTE}`;

  test("cross-site POSTs are refused with 403 {code, message}, with the operator's credentials and a cookie and without, and mute nobody", async () => {
    let n = 0;
    for (const [what, headers] of crossSiteVariants(t.port)) {
      for (const [who, credentials] of [
        ["with credentials and a cookie", { ...basic(PASSWORD), cookie: "session=victim; chat=1" }],
        ["without credentials", {}],
      ] as const) {
        await expectRefused(await postForm(proxy(), muteForm(`victim${n++}`), { ...headers, ...credentials }), `${what}, ${who}`);
      }
    }
    expect(await globallyMuted(t.httpUrl, CREDS)).toEqual([]);
  });

  test("the panel's own POST (same origin, with the password) goes through and is carried out", async () => {
    const own = `http://127.0.0.1:${t.port}`;
    const res = await postForm(proxy(), muteForm("same-origin"), {
      ...basic(PASSWORD),
      origin: own,
      "sec-fetch-site": "same-origin",
      referer: `${own}/operator/`,
    });
    expect([res.status, await res.json()]).toEqual([200, { code: 200 }]);
    // an Origin of this server without Sec-Fetch-Site (older browsers) and a same-origin Referer alone pass too
    expect((await postForm(proxy(), muteForm("origin-only"), { ...basic(PASSWORD), origin: own })).status).toBe(200);
    expect((await postForm(proxy(), muteForm("referer-only"), { ...basic(PASSWORD), referer: `${own}/operator/` })).status).toBe(200);
    expect(await globallyMuted(t.httpUrl, CREDS)).toEqual(expect.arrayContaining(["origin-only", "referer-only", "same-origin"]));
  });

  test("a listed origin (corsOrigins) may POST; a request with no Origin, Referer or Sec-Fetch-Site (not a browser) passes to the password check", async () => {
    const listed = await postForm(proxy(), muteForm("listed"), {
      ...basic(PASSWORD),
      origin: ALLOWED_ORIGIN,
      "sec-fetch-site": "cross-site",
    });
    expect([listed.status, await listed.json()]).toEqual([200, { code: 200 }]);
    expect((await postForm(proxy(), muteForm("curl"), basic(PASSWORD))).status).toBe(200);
    const noPassword = await postForm(proxy(), muteForm("nobody"));
    expect([noPassword.status, noPassword.headers.get("www-authenticate")]).toEqual([401, 'Basic realm="chat operator", charset="UTF-8"']);
    expect(await globallyMuted(t.httpUrl, CREDS)).toEqual(expect.arrayContaining(["listed", "curl"]));
    expect(await globallyMuted(t.httpUrl, CREDS)).not.toContain("nobody");
  });
});

describe("open development mode (no secret): the proxy and the unsigned operator API", () => {
  const t = useServer();

  test("cross-site POSTs to the proxy and straight to the operator API are refused (403) and mute nobody", async () => {
    let n = 0;
    for (const path of [`/operator/api${MUTE}`, MUTE]) {
      for (const [what, headers] of crossSiteVariants(t.port)) {
        await expectRefused(
          await postForm(t.httpUrl + path, muteForm(`victim${n++}`), { ...headers, cookie: "session=victim" }),
          `${path}: ${what}`,
        );
      }
    }
    expect(await globallyMuted(t.httpUrl)).toEqual([]);
  });

  test("a cross-site form POST to /matchmake (no preflight needed) creates no room; the page's own SDK request does", async () => {
    const create = (roomId: string, headers: Record<string, string>, json = false) =>
      fetch(`${t.httpUrl}/matchmake/create/chatroom`, {
        method: "POST",
        headers: { "content-type": json ? "application/json" : "application/x-www-form-urlencoded", ...headers },
        body: json ? JSON.stringify({ roomId, userId: "u1" }) : `roomId=${roomId}&userId=u1`,
      });
    for (const [what, headers] of crossSiteVariants(t.port)) {
      const res = await create("squatted", headers);
      const body = (await res.json()) as { code?: unknown };
      expect([what, res.status, body.code]).toEqual([what, 403, 403]);
    }
    expect(await roomIds(t)).toEqual([]);
    const own = `http://127.0.0.1:${t.port}`;
    const same = await create("ours", { origin: own }, true);
    const seat = (await same.json()) as { roomId?: string };
    expect([same.status, seat.roomId]).toEqual([200, "ours"]);
    expect(await roomIds(t)).toEqual(["ours"]);
    // take the seat and leave, as the SDK would (an unused reservation would outlive the server's shutdown)
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const room = await new Client(t.httpUrl).consumeSeatReservation(seat as any);
    await room.leave();
  });

  test("same-origin POSTs to the proxy and the operator API go through (no password in open mode)", async () => {
    const own = `http://127.0.0.1:${t.port}`;
    const viaProxy = await postForm(`${t.httpUrl}/operator/api${MUTE}`, muteForm("panel"), {
      origin: own,
      "sec-fetch-site": "same-origin",
    });
    expect([viaProxy.status, await viaProxy.json()]).toEqual([200, { code: 200 }]);
    const direct = await postForm(t.httpUrl + MUTE, muteForm("direct"), { origin: own });
    expect([direct.status, await direct.json()]).toEqual([200, { code: 200 }]);
    expect(await globallyMuted(t.httpUrl)).toEqual(expect.arrayContaining(["direct", "panel"]));
  });
});
