import { createHmac, timingSafeEqual } from "node:crypto";
import { ChatError, ErrorCode } from "./errors";

/**
 * User tokens: `v1.<userId>.<expiresAt ms>.<HMAC-SHA256(secret, "v1.<userId>.<expiresAt>") base64url>`.
 * Issued by the operator API (`/user/getToken.json`), checked when a user enters a room.
 * Stateless, so every process with the same secret accepts them.
 */
export function issueUserToken(secret: string, userId: string, expiresAt: number): string {
  const body = `v1.${userId}.${expiresAt}`;
  return `${body}.${sign(secret, body)}`;
}

function sign(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

/** Throws AUTH_FAILED unless `token` was issued for `userId` with `secret` and has not expired at `now`. */
export function verifyUserToken(secret: string, userId: string, token: string | undefined, now: number): void {
  if (!token) throw new ChatError(ErrorCode.AUTH_FAILED, "token is required: get one from /user/getToken.json");
  const lastDot = token.lastIndexOf(".");
  const body = token.slice(0, lastDot);
  const given = Buffer.from(token.slice(lastDot + 1));
  const expected = Buffer.from(sign(secret, body));
  const [version, tokenUser, expiresAt] = body.split(".");
  if (lastDot < 0 || version !== "v1" || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ChatError(ErrorCode.AUTH_FAILED, "token is not valid for this server");
  }
  if (tokenUser !== userId) throw new ChatError(ErrorCode.AUTH_FAILED, `token was issued for another user, not ${userId}`);
  if (!(Number(expiresAt) > now)) throw new ChatError(ErrorCode.AUTH_FAILED, "token has expired");
}
