/**
 * RongCloud request signatures: headers App-Key, Nonce, Timestamp and Signature (or their `RC-`
 * prefixed forms, for hosts that strip custom headers), with
 * Signature = hex(SHA1(AppSecret + Nonce + Timestamp)).
 *
 * Deliberately lenient where RongCloud's own SDKs are sloppy (docs/http-api.md "Authentication"): Nonce and
 * Timestamp are opaque strings signed exactly as received, nonces may repeat, Timestamp may be in
 * seconds or ms, and the freshness check is off unless `maxSkewS` is set, because the Node SDK
 * signs once at start-up and reuses the same headers for the life of the process.
 *
 * Replay protection is opt-in (`replayWindowS`, CHAT_SIGNATURE_REPLAY_WINDOW_S): Timestamp must
 * then be within the window of the server clock, and each Nonce is accepted once while a request
 * carrying it could still be in the window (until Timestamp + window), remembered as a claim in
 * the store ({@link nonceRegistry}), so every process sharing the store refuses the replay.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { ChatError, ErrorCode } from "../core/errors";
import type { ClaimStore } from "../store/types";
import { sendFailure } from "./respond";

/** How requests are checked. Without `appSecret` every request passes (open development mode). */
export interface SignatureOptions {
  /** Expected App-Key; when unset any App-Key is accepted. */
  appKey: string | undefined;
  appSecret: string | undefined;
  /** Largest |Timestamp - now| in seconds; 0 = not checked. */
  maxSkewS: number;
  now: () => number;
  /**
   * Replay protection window in seconds [0 = off]: Timestamp within it of `now`, and each Nonce
   * accepted once until Timestamp + window. Needs `nonces`.
   */
  replayWindowS?: number;
  /** Where nonces are remembered (required when `replayWindowS` > 0). */
  nonces?: NonceRegistry;
}

/** Remembers nonces: `remember` resolves false when the nonce was already remembered and has not expired. */
export interface NonceRegistry {
  remember(appKey: string, nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** Longest Nonce accepted with replay protection on (RongCloud SDKs send a random number). */
const MAX_NONCE_LENGTH = 128;

/**
 * Nonces as claims in the store's {@link ClaimStore}: a claim is atomic across the cluster (of two
 * processes given the same replayed request at once, exactly one accepts it) and expires by
 * itself. Names are `signature-nonce:<appKey>:<nonce>`; a room id has no `:`, so they never meet
 * a room's claim. Each request claims with an owner of its own, so a repeat is always refused.
 */
export function nonceRegistry(claims: ClaimStore): NonceRegistry {
  return {
    remember: (appKey, nonce, expiresAt, now) =>
      claims.claim(`signature-nonce:${appKey}:${nonce}`, randomUUID(), Math.max(1, Math.ceil(expiresAt - now))),
  };
}

/** The four signature headers of a request, each undefined when absent. */
export interface SignatureHeaders {
  appKey?: string;
  nonce?: string;
  timestamp?: string;
  signature?: string;
}

/** A Timestamp above this is taken as ms, below as seconds (1e11 s is the year 5138, 1e11 ms 1973). */
const MS_THRESHOLD = 1e11;

/** hex(SHA1(secret + nonce + timestamp)), lowercase: what a RongCloud SDK sends as Signature. */
export function rcSignature(secret: string, nonce: string, timestamp: string): string {
  return createHash("sha1")
    .update(secret + nonce + timestamp)
    .digest("hex");
}

const HEADERS_REQUIRED = "App-Key, Nonce, Timestamp and Signature headers are required (or their RC- forms)";

/** Reads a header by its plain name, else its `RC-` name (the plain one wins when both are sent). */
function header(req: Request, name: string): string | undefined {
  return req.get(name) ?? req.get(`RC-${name}`);
}

/** The signature headers of `req`. */
export function signatureHeaders(req: Request): SignatureHeaders {
  return {
    appKey: header(req, "App-Key"),
    nonce: header(req, "Nonce"),
    timestamp: header(req, "Timestamp"),
    signature: header(req, "Signature"),
  };
}

/**
 * Throws SIGNATURE (1004) when a signature header is missing, UNKNOWN_APP (1001) for an App-Key
 * other than the configured one, and SIGNATURE (1004) for a malformed, stale (when `maxSkewS` > 0)
 * or wrong signature. Compares in constant time.
 */
export function verifySignature(h: SignatureHeaders, options: SignatureOptions): void {
  const { appKey, appSecret, maxSkewS } = options;
  if (!appSecret) return;
  if (!h.appKey || h.nonce === undefined || h.timestamp === undefined || !h.signature) {
    throw new ChatError(ErrorCode.SIGNATURE, HEADERS_REQUIRED);
  }
  if (appKey !== undefined && h.appKey !== appKey) throw new ChatError(ErrorCode.UNKNOWN_APP, "App-Key is not known to this server");
  const replayWindowS = options.replayWindowS ?? 0;
  if (replayWindowS > 0) {
    const offMs = timestampMs(h.timestamp) - options.now();
    if (Math.abs(offMs) > replayWindowS * 1000) {
      throw new ChatError(
        ErrorCode.SIGNATURE,
        `Timestamp is ${Math.round(Math.abs(offMs) / 1000)} s ${offMs < 0 ? "behind" : "ahead of"} the server clock: with replay protection on, it must be within ${replayWindowS} s (CHAT_SIGNATURE_REPLAY_WINDOW_S); sign each request with the current time`,
      );
    }
    if (h.nonce === "" || h.nonce.length > MAX_NONCE_LENGTH) {
      throw new ChatError(
        ErrorCode.SIGNATURE,
        `Nonce must be 1..${MAX_NONCE_LENGTH} characters with replay protection on (CHAT_SIGNATURE_REPLAY_WINDOW_S)`,
      );
    }
  }
  if (maxSkewS > 0 && Math.abs(options.now() - timestampMs(h.timestamp)) > maxSkewS * 1000) {
    throw new ChatError(ErrorCode.SIGNATURE, `Timestamp is more than ${maxSkewS} s away from the server clock (CHAT_SIGNATURE_MAX_SKEW_S)`);
  }
  const expected = Buffer.from(rcSignature(appSecret, h.nonce, h.timestamp));
  const given = Buffer.from(h.signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ChatError(ErrorCode.SIGNATURE, "Signature does not match hex(SHA1(AppSecret + Nonce + Timestamp))");
  }
}

/** A Timestamp header in ms (it may be sent in seconds or ms); throws SIGNATURE when not a number. */
function timestampMs(timestamp: string): number {
  const ts = Number(timestamp);
  if (timestamp.trim() === "" || !Number.isFinite(ts))
    throw new ChatError(ErrorCode.SIGNATURE, "Timestamp must be a Unix time in seconds or milliseconds");
  return ts > MS_THRESHOLD ? ts : ts * 1000;
}

/**
 * With replay protection on, remembers the Nonce of a request {@link verifySignature} accepted;
 * throws SIGNATURE (1004) when it was used within the window already. Does nothing when off.
 */
export async function assertFreshNonce(h: SignatureHeaders, options: SignatureOptions): Promise<void> {
  const windowS = options.replayWindowS ?? 0;
  if (!options.appSecret || windowS <= 0) return;
  if (!options.nonces) throw new ChatError(ErrorCode.INTERNAL, "replay protection is on but no nonce registry was given");
  const { appKey, nonce, timestamp } = h;
  // present once verifySignature accepted the request
  if (!appKey || nonce === undefined || timestamp === undefined) throw new ChatError(ErrorCode.SIGNATURE, HEADERS_REQUIRED);
  const now = options.now();
  const expiresAt = timestampMs(timestamp) + windowS * 1000;
  if (!(await options.nonces.remember(appKey, nonce, expiresAt, now))) {
    throw new ChatError(
      ErrorCode.SIGNATURE,
      `Nonce was already used within the last ${windowS} s: replay protection (CHAT_SIGNATURE_REPLAY_WINDOW_S) accepts each Nonce once; send a fresh Nonce with each request`,
    );
  }
}

/**
 * Middleware: answers 401 with 1001/1004 unless the request is signed (see {@link verifySignature})
 * and, with replay protection on, its Nonce is fresh ({@link assertFreshNonce}). A store failure
 * while checking the Nonce answers INTERNAL (the request is refused, not let through).
 */
export function requireSignature(options: SignatureOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const headers = signatureHeaders(req);
    try {
      verifySignature(headers, options);
    } catch (e) {
      sendFailure(res, e);
      return;
    }
    if (!options.appSecret || (options.replayWindowS ?? 0) <= 0) {
      next();
      return;
    }
    assertFreshNonce(headers, options).then(
      () => next(),
      (e: unknown) => sendFailure(res, e),
    );
  };
}
