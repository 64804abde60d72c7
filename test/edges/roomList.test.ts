/**
 * `GET /demo/rooms` lists every room of the cluster: with an app secret it is behind the operator
 * password (HTTP basic auth): 401 without it or with a wrong one (no challenge, so a chat page's
 * fetch never makes the browser ask for it), 200 with it; 403 when the panel is off (secret, no
 * password). The panel reads the same list at /operator/api/rooms, behind the panel's own guard.
 * In open development mode both stay open, as the demo page's room list needs. One server at a time.
 */
import type { Room } from "@colyseus/sdk";
import { tokenFor } from "../helpers/operator";
import { sdkEnter, type TestServer, useServer } from "../helpers/server";
import { basic, CREDS, PASSWORD } from "./edgeHelpers";

const CHALLENGE = 'Basic realm="chat operator", charset="UTF-8"';

interface Listed {
  status: number;
  challenge: string | null;
  body: { code?: number; message?: string; rooms?: { roomId: string; roomName: string; memberCount: number }[] };
}

/** Enters a room with the SDK, ignoring the room's messages (this file only lists rooms). */
async function member(t: TestServer, roomId: string, roomName: string, token?: string): Promise<Room> {
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId, roomName, userId: "ann", token });
  room.onMessage("*", () => undefined);
  return room;
}

async function list(t: TestServer, headers: Record<string, string> = {}, path = "/demo/rooms"): Promise<Listed> {
  const res = await fetch(t.httpUrl + path, { headers });
  return { status: res.status, challenge: res.headers.get("www-authenticate"), body: (await res.json()) as Listed["body"] };
}

describe("with an app secret and an operator password", () => {
  const t = useServer({ ...CREDS, operatorPassword: PASSWORD });

  test("401 {code, message} without the password or with a wrong one (no Basic challenge); 200 and the rooms with it; the panel's copy behind the panel's guard", async () => {
    const room = await member(t, "secret-plans", "Secret plans", await tokenFor(t.httpUrl, "ann", CREDS));
    try {
      const rooms = [{ roomId: "secret-plans", roomName: "Secret plans", memberCount: 1 }];
      for (const headers of [{}, basic("wrong"), basic(PASSWORD + " "), { authorization: `Bearer ${PASSWORD}` }]) {
        const refused = await list(t, headers);
        expect(refused).toEqual({
          status: 401,
          challenge: null,
          body: { code: 401, message: expect.stringContaining("operator password") },
        });
        expect(JSON.stringify(refused.body)).not.toContain("secret-plans");
        const panel = await fetch(`${t.httpUrl}/operator/api/rooms`, { headers });
        expect([panel.status, panel.headers.get("www-authenticate")]).toEqual([401, CHALLENGE]);
        expect(await panel.text()).not.toContain("secret-plans");
      }
      expect(await list(t, basic(PASSWORD))).toEqual({ status: 200, challenge: null, body: { rooms } });
      expect(await list(t, basic(PASSWORD), "/operator/api/rooms")).toEqual({ status: 200, challenge: null, body: { rooms } });
      // what the chat page reads to know the list is for operators: tokens are required
      expect(await (await fetch(`${t.httpUrl}/demo/info`)).json()).toEqual({ tokenRequired: true, operator: "password" });
    } finally {
      await room.leave();
    }
  });
});

describe("with an app secret and no operator password (the panel is off)", () => {
  const t = useServer({ ...CREDS });

  test("403 {code, message} saying how to turn it on, whatever password is sent; the panel's copy is off (404) with the panel", async () => {
    for (const headers of [{}, basic(PASSWORD)]) {
      expect(await list(t, headers)).toEqual({
        status: 403,
        challenge: null,
        body: { code: 403, message: expect.stringContaining("CHAT_OPERATOR_PASSWORD") },
      });
      expect((await fetch(`${t.httpUrl}/operator/api/rooms`, { headers })).status).toBe(404);
    }
  });
});

describe("open development mode", () => {
  const t = useServer();

  test("the list stays open, as the demo page's room list needs", async () => {
    const room = await member(t, "lobby", "Lobby");
    try {
      const rooms = [{ roomId: "lobby", roomName: "Lobby", memberCount: 1 }];
      expect(await list(t)).toEqual({ status: 200, challenge: null, body: { rooms } });
      expect(await list(t, {}, "/operator/api/rooms")).toEqual({ status: 200, challenge: null, body: { rooms } });
    } finally {
      await room.leave();
    }
  });
});
