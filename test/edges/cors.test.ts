/**
 * CORS of the standalone server. Colyseus answers CORS for every request (matchmaking and the
 * Express app alike) and by default reflects any Origin with credentials; here only the server's
 * own origin and `corsOrigins` get Access-Control-Allow-Origin (and credentials), on preflights and
 * answers, on /matchmake and on the operator panel's API. Default: no other origin at all.
 */
import { installColyseusEdges } from "../../src/standalone/edges";
import { useServer } from "../helpers/server";
import { ALLOWED_ORIGIN, basic, CREDS, EVIL_ORIGIN, PASSWORD } from "./edgeHelpers";

const MATCHMAKE = "/matchmake/joinOrCreate/chatroom";
const PROXY = "/operator/api/chatroom/get.json";

/** The CORS headers of an answer, absent ones as null. */
function cors(res: Response): Record<string, string | null> {
  return {
    origin: res.headers.get("access-control-allow-origin"),
    credentials: res.headers.get("access-control-allow-credentials"),
    vary: res.headers.get("vary"),
  };
}

function preflight(url: string, origin: string, headers = "content-type"): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": headers },
  });
}

const allowedHeaders = (origin: string) => ({ origin, credentials: "true", vary: expect.stringMatching(/Origin/) });
const noCors = { origin: null, credentials: null, vary: expect.stringMatching(/Origin/) };

describe("corsOrigins set: the listed origin and the server's own are allowed, any other is not", () => {
  const t = useServer({ ...CREDS, operatorPassword: PASSWORD, corsOrigins: [ALLOWED_ORIGIN + "/"] });

  test("/matchmake: preflight and answer carry Allow-Origin with credentials for the listed origin only", async () => {
    const ok = await preflight(t.httpUrl + MATCHMAKE, ALLOWED_ORIGIN);
    expect([ok.status, cors(ok)]).toEqual([204, allowedHeaders(ALLOWED_ORIGIN)]);
    expect(ok.headers.get("access-control-allow-methods")).toContain("POST");
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/Content-Type/i);

    const evil = await preflight(t.httpUrl + MATCHMAKE, EVIL_ORIGIN);
    expect(cors(evil)).toEqual(noCors);

    for (const [origin, expected] of [
      [ALLOWED_ORIGIN, allowedHeaders(ALLOWED_ORIGIN)],
      [EVIL_ORIGIN, noCors],
    ] as const) {
      const res = await fetch(t.httpUrl + MATCHMAKE, {
        method: "POST",
        headers: { origin, "content-type": "application/json" },
        body: JSON.stringify({ userId: "u1" }),
      });
      await res.arrayBuffer();
      expect([origin, cors(res)]).toEqual([origin, expected]);
    }
  });

  test("operator API (the panel's proxy): preflight and answer, with the password, allow the listed origin only", async () => {
    const ok = await preflight(t.httpUrl + PROXY, ALLOWED_ORIGIN, "authorization, content-type");
    expect([ok.status, cors(ok)]).toEqual([204, allowedHeaders(ALLOWED_ORIGIN)]);
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
    expect(cors(await preflight(t.httpUrl + PROXY, EVIL_ORIGIN, "authorization, content-type"))).toEqual(noCors);

    for (const [origin, expected] of [
      [ALLOWED_ORIGIN, allowedHeaders(ALLOWED_ORIGIN)],
      [EVIL_ORIGIN, noCors],
    ] as const) {
      const status = await fetch(t.httpUrl + "/operator/api/status", { headers: { origin, ...basic(PASSWORD) } });
      expect([origin, status.status, await status.json(), cors(status)]).toEqual([origin, 200, { access: "password" }, expected]);
      const rooms = await fetch(t.httpUrl + "/demo/rooms", { headers: { origin, ...basic(PASSWORD) } });
      await rooms.arrayBuffer();
      expect([origin, "/demo/rooms", cors(rooms)]).toEqual([origin, "/demo/rooms", expected]);
    }
  });

  test("the server's own origin is answered as allowed; 'null' and look-alike origins are not", async () => {
    const own = `http://127.0.0.1:${t.port}`;
    expect(cors(await preflight(t.httpUrl + MATCHMAKE, own))).toEqual(allowedHeaders(own));
    for (const origin of [
      "null",
      `${ALLOWED_ORIGIN}.evil.net`,
      ALLOWED_ORIGIN.replace("https:", "http:"),
      `${ALLOWED_ORIGIN}:8443`,
      `http://127.0.0.1:${t.port + 1}`,
    ]) {
      expect([origin, cors(await preflight(t.httpUrl + MATCHMAKE, origin))]).toEqual([origin, noCors]);
    }
  });
});

describe("corsOrigins unset (the default): no other origin at all", () => {
  const t = useServer();

  test("/matchmake and the operator API allow no foreign origin, not even one another server lists", async () => {
    for (const origin of [ALLOWED_ORIGIN, EVIL_ORIGIN]) {
      expect([origin, cors(await preflight(t.httpUrl + MATCHMAKE, origin))]).toEqual([origin, noCors]);
      expect([origin, cors(await preflight(t.httpUrl + PROXY, origin))]).toEqual([origin, noCors]);
      const status = await fetch(t.httpUrl + "/operator/api/status", { headers: { origin } });
      await status.arrayBuffer();
      expect([origin, cors(status)]).toEqual([origin, noCors]);
    }
  });
});

describe("installColyseusEdges", () => {
  test("replaces Colyseus' hooks (CORS, and a cross-site check before matchmaking) and puts the previous ones back, only while they are still its own", async () => {
    const calls: string[] = [];
    const original = {
      DEFAULT_CORS_HEADERS: {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Max-Age": "60",
      },
      getCorsHeaders: (headers: Headers) => ({ "Access-Control-Allow-Origin": headers.get("origin") ?? "*" }),
      invokeMethod: async (method: string) => {
        calls.push(method);
        return { ok: true };
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const controller = { ...original } as any;
    const restore = installColyseusEdges([ALLOWED_ORIGIN], controller);
    expect(controller.DEFAULT_CORS_HEADERS).toEqual({ "Access-Control-Max-Age": "60", Vary: "Origin" });
    expect(controller.getCorsHeaders(new Headers({ origin: EVIL_ORIGIN, host: "chat.example.com" }))).toEqual({});
    expect(controller.getCorsHeaders(new Headers({ origin: "https://chat.example.com", host: "chat.example.com" }))).toEqual({
      "Access-Control-Allow-Origin": "https://chat.example.com",
      "Access-Control-Allow-Credentials": "true",
    });

    const auth = (headers: Record<string, string>) => ({ headers: new Headers(headers) });
    await expect(
      controller.invokeMethod("create", "chatroom", {}, auth({ origin: EVIL_ORIGIN, host: "chat.example.com" })),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      controller.invokeMethod("join", "chatroom", {}, auth({ origin: ALLOWED_ORIGIN, "sec-fetch-site": "cross-site" })),
    ).resolves.toEqual({ ok: true });
    await expect(controller.invokeMethod("joinById", "chatroom", {}, auth({ host: "chat.example.com" }))).resolves.toEqual({ ok: true });
    expect(calls).toEqual(["join", "joinById"]);

    restore();
    expect(controller).toEqual(original);
    expect(controller.getCorsHeaders).toBe(original.getCorsHeaders);

    const first = installColyseusEdges([], controller);
    const second = installColyseusEdges([ALLOWED_ORIGIN], controller);
    const secondHook = controller.getCorsHeaders;
    first();
    expect(controller.getCorsHeaders).toBe(secondHook);
    second();
  });
});
