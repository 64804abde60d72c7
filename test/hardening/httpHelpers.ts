/** Raw HTTP for the hardening suites: any body bytes and headers, signed like a RongCloud SDK when asked. */
import { randomUUID } from "node:crypto";
import { rcSignature } from "../../src/http/signature";
import type { OperatorCredentials } from "../helpers/operator";

/** An answer, its body kept as text (it may not be JSON). */
export interface RawReply {
  status: number;
  contentType: string;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  headers: Headers;
}

/** The four signature headers for now, with a fresh Nonce. */
export function signatureHeadersFor(
  creds: OperatorCredentials,
  nonce = randomUUID(),
  timestamp = String(Math.floor(Date.now() / 1000)),
): Record<string, string> {
  return { "App-Key": creds.appKey, Nonce: nonce, Timestamp: timestamp, Signature: rcSignature(creds.appSecret, nonce, timestamp) };
}

/** Sends `body` as is with `headers` (plus signature headers when `creds` are given). */
export async function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; creds?: OperatorCredentials },
): Promise<RawReply> {
  const headers = { ...(init.creds ? signatureHeadersFor(init.creds) : {}), ...init.headers };
  const res = await fetch(url, {
    method: init.method ?? "POST",
    headers,
    body: init.body === undefined ? undefined : new Uint8Array(init.body instanceof Buffer ? init.body : Buffer.from(init.body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text, json, headers: res.headers };
}

/** Fails unless `reply` is JSON with a numeric code and none of Express' HTML error page, stack traces or local paths. */
export function expectCleanJson(reply: RawReply, what: string): void {
  const summary = `${what}: ${reply.status} ${reply.contentType} ${reply.text.slice(0, 200)}`;
  if (!reply.contentType.startsWith("application/json")) throw new Error(`not JSON: ${summary}`);
  if (typeof reply.json?.code !== "number") throw new Error(`no numeric code: ${summary}`);
  if (/<html|<pre>|\n\s+at |node_modules|\/work\//i.test(reply.text)) throw new Error(`leaks an error page, a stack or a path: ${summary}`);
}
