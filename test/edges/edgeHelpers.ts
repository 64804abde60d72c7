/** Shared bits of the edge tests (test/edges/): requests with browser-like headers and a side effect to look for. */
import { signedPost, type OperatorCredentials } from "../helpers/operator";

export const CREDS: OperatorCredentials = { appKey: "edge-key", appSecret: "edge-secret-never-in-the-browser" };
export const PASSWORD = "edge-operator-password";

/** An origin the servers under test list in `corsOrigins` (only ever sent as a header). */
export const ALLOWED_ORIGIN = "https://game.example.com";
/** An attacker's origin (only ever sent as a header). */
export const EVIL_ORIGIN = "https://evil.example.net";

export const basic = (password: string): Record<string, string> => ({
  authorization: "Basic " + Buffer.from(`operator:${password}`).toString("base64"),
});

/** POSTs an x-www-form-urlencoded body with `headers`, as a browser form or fetch would. */
export function postForm(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });
}

/** User ids under the global chat mute (`/chatroom/user/ban/query.json`, signed when `creds` are given). */
export async function globallyMuted(httpUrl: string, creds?: OperatorCredentials): Promise<string[]> {
  const reply = await signedPost(httpUrl, "/chatroom/user/ban/query.json", {}, creds);
  if (reply.body?.code !== 200) throw new Error(`ban query failed: ${JSON.stringify(reply.body)}`);
  return (reply.body.users as { userId: string }[]).map((u) => u.userId);
}
