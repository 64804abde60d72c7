/**
 * RongCloud request signatures: headers App-Key, Nonce, Timestamp and Signature (or their `RC-`
 * prefixed forms, for hosts that strip custom headers), with
 * Signature = hex(SHA1(AppSecret + Nonce + Timestamp)).
 *
 * Deliberately lenient where RongCloud's own SDKs are sloppy (docs/http-api.md "Authentication"): Nonce and
 * Timestamp are opaque strings signed exactly as received, nonces may repeat, Timestamp may be in
 * seconds or ms, and the freshness check is off unless `maxSkewS` is set, because the Node SDK
 * signs once at start-up and reuses the same headers for the life of the process.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { ChatError, ErrorCode } from "../core/errors";
import { sendFailure } from "./respond";

/** How requests are checked. Without `appSecret` every request passes (open development mode). */
export interface SignatureOptions {
  /** Expected App-Key; when unset any App-Key is accepted. */
  appKey: string | undefined;
  appSecret: string | undefined;
  /** Largest |Timestamp - now| in seconds; 0 = not checked. */
  maxSkewS: number;
  now: () => number;
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
  return createHash("sha1").update(secret + nonce + timestamp).digest("hex");
}

/** Reads a header by its plain name, else its `RC-` name (the plain one wins when both are sent). */
function header(req: Request, name: string): string | undefined {
  return req.get(name) ?? req.get(`RC-${name}`);
}

/** The signature headers of `req`. */
export function signatureHeaders(req: Request): SignatureHeaders {
  return { appKey: header(req, "App-Key"), nonce: header(req, "Nonce"), timestamp: header(req, "Timestamp"), signature: header(req, "Signature") };
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
    throw new ChatError(ErrorCode.SIGNATURE, "App-Key, Nonce, Timestamp and Signature headers are required (or their RC- forms)");
  }
  if (appKey !== undefined && h.appKey !== appKey) throw new ChatError(ErrorCode.UNKNOWN_APP, "App-Key is not known to this server");
  if (maxSkewS > 0) {
    const ts = Number(h.timestamp);
    if (h.timestamp === "" || !Number.isFinite(ts)) throw new ChatError(ErrorCode.SIGNATURE, "Timestamp must be a Unix time in seconds or milliseconds");
    const ms = ts > MS_THRESHOLD ? ts : ts * 1000;
    if (Math.abs(options.now() - ms) > maxSkewS * 1000) {
      throw new ChatError(ErrorCode.SIGNATURE, `Timestamp is more than ${maxSkewS} s away from the server clock (CHAT_SIGNATURE_MAX_SKEW_S)`);
    }
  }
  const expected = Buffer.from(rcSignature(appSecret, h.nonce, h.timestamp));
  const given = Buffer.from(h.signature.toLowerCase());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ChatError(ErrorCode.SIGNATURE, "Signature does not match hex(SHA1(AppSecret + Nonce + Timestamp))");
  }
}

/** Middleware: answers 401 with 1001/1004 unless the request is signed (see {@link verifySignature}). */
export function requireSignature(options: SignatureOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      verifySignature(signatureHeaders(req), options);
      next();
    } catch (e) {
      sendFailure(res, e);
    }
  };
}
