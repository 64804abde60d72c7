/**
 * RongCloud's response envelope: success is HTTP 200 `{"code":200,...fields}`, failure is
 * `{"code":<int>,"errorMessage":"..."}` with the HTTP status of {@link httpStatusOf}. Bodies are
 * always JSON (the Java SDK parses error streams as JSON; Go needs a numeric `code`).
 */
import type { NextFunction, Request, Response } from "express";
import { ChatError, ErrorCode, httpStatusOf, isChatError } from "../core/errors";

/** Longest X-Request-ID echoed back (RongCloud: at most 36; a little slack for other clients). */
const MAX_REQUEST_ID = 128;

/** Fields of a success body besides `code`. */
export type OkFields = Record<string, unknown>;

/** Sends `{"code":200, ...fields}`. */
export function sendOk(res: Response, fields: OkFields = {}): void {
  res.status(200).json({ code: ErrorCode.OK, ...fields });
}

/**
 * Sends a failure. A ChatError keeps its code and message; anything else is logged and answered
 * as INTERNAL (1000) without its details.
 */
export function sendFailure(res: Response, e: unknown): void {
  const err = isChatError(e) ? e : new ChatError(ErrorCode.INTERNAL, "internal server error, retry later");
  if (!isChatError(e)) console.error("operator API:", e);
  res.status(httpStatusOf(err.code)).json({ code: err.code, errorMessage: err.message });
}

/** Middleware: echoes the request's X-Request-ID header on the response, as RongCloud does. */
export function echoRequestId(req: Request, res: Response, next: NextFunction): void {
  const id = req.get("x-request-id");
  if (id && id.length <= MAX_REQUEST_ID) res.set("X-Request-ID", id);
  next();
}
