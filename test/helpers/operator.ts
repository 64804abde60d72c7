import { randomInt } from "node:crypto";
import type { Room } from "@colyseus/sdk";
import { sdkEnter } from "./server";
import { rcSignature } from "../../src/http/signature";

/** App credentials of a test server. */
export interface OperatorCredentials {
  appKey: string;
  appSecret: string;
}

/** Form fields; an array is sent as the same key repeated, as RongCloud SDKs do. */
export type FormParams = Record<string, string | number | boolean | readonly (string | number)[]>;

/** How to sign (or not) one request. */
export interface SignOptions {
  /** use the RC- prefixed header names */
  prefixed?: boolean;
  nonce?: string;
  timestamp?: string;
  /** overrides the computed signature */
  signature?: string;
  /** send no signature headers at all */
  unsigned?: boolean;
  /** extra headers, e.g. X-Request-ID */
  headers?: Record<string, string>;
  /** raw body instead of encoding `params` (e.g. Java's unencoded `chatroom[id]` keys) */
  rawBody?: string;
}

/** An operator API answer. */
export interface OperatorReply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

/** Encodes params as x-www-form-urlencoded with repeated keys. */
export function encodeForm(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const v of value) form.append(key, String(v));
    else form.append(key, String(value));
  }
  return form.toString();
}

/** POSTs a signed form to the operator API, as a RongCloud server SDK does (Timestamp in seconds). */
export async function signedPost(
  httpUrl: string,
  path: string,
  params: FormParams,
  creds?: OperatorCredentials,
  options: SignOptions = {},
): Promise<OperatorReply> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", ...options.headers };
  if (creds && !options.unsigned) {
    const nonce = options.nonce ?? String(randomInt(0xffffff));
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    const p = options.prefixed ? "RC-" : "";
    headers[`${p}App-Key`] = creds.appKey;
    headers[`${p}Nonce`] = nonce;
    headers[`${p}Timestamp`] = timestamp;
    headers[`${p}Signature`] = options.signature ?? rcSignature(creds.appSecret, nonce, timestamp);
  }
  const res = await fetch(httpUrl + path, { method: "POST", headers, body: options.rawBody ?? encodeForm(params) });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/** A clock tests move by hand; pass `clock.now` to startServer. */
export class TestClock {
  private offset = 0;
  readonly now = (): number => Date.now() + this.offset;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.offset += ms;
  }
}

/** A user token from /user/getToken.json, for entering rooms on a server with an app secret. */
export async function tokenFor(httpUrl: string, userId: string, creds: OperatorCredentials): Promise<string> {
  const reply = await signedPost(httpUrl, "/user/getToken.json", { userId, name: userId }, creds);
  if (reply.body.code !== 200) throw new Error(`getToken failed: ${JSON.stringify(reply.body)}`);
  return reply.body.token as string;
}

/** Enters `roomId` as `userId` with a token from the operator API, ignoring room messages it does not test. */
export async function enterAs(
  httpUrl: string,
  roomId: string,
  userId: string,
  creds: OperatorCredentials,
  mode: "join" | "enter" = "join",
): Promise<Room> {
  const room = await sdkEnter(httpUrl, { mode, roomId, userId, token: await tokenFor(httpUrl, userId, creds) });
  room.onMessage("*", () => undefined);
  return room;
}
