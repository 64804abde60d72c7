/**
 * What the chat router answers when no route of it matched, or something failed outside a
 * route's own error handling: always JSON with a numeric code, never Express' HTML page (which
 * shows a stack trace and local paths).
 *
 * Unknown paths get HTTP 404 with code PARAMETER (1002): the request line itself is the malformed
 * parameter, and RongCloud's server SDKs treat 1002 as the caller's mistake (no retry, no fail-over
 * to a backup host, which they do on 5xx); a new code would have to be taught to every client for
 * no gain, since the HTTP status already says "not found". A known path asked with another method
 * gets 405 and `Allow: POST`. The body carries both `message` (the entry route's `{ code, message }`)
 * and `errorMessage` (the operator API's RongCloud envelope), since a path that matches nothing
 * does not tell which of the two the caller speaks.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { ErrorCode, httpStatusOf } from "../core/errors";
import { asChatError } from "./respond";

/** Body of a fallback answer: both error envelopes at once. */
export interface FallbackBody {
  code: number;
  message: string;
  errorMessage: string;
}

function send(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ code, message, errorMessage: message } satisfies FallbackBody);
}

/** Options of {@link notFoundJson}. */
export interface NotFoundOptions {
  /**
   * Paths (relative to where the router is mounted) that exist for POST: another method on them
   * is answered 405 instead of 404.
   */
  postPaths?: () => Iterable<string>;
  /**
   * Answer only inside a mount path (`app.use("/chat-admin", router)`); a router mounted at the
   * root passes unknown paths on, so the application's own routes after it still run [false].
   */
  onlyWhenMounted?: boolean;
}

const normalized = (path: string): string => (path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path).toLowerCase();

/** Middleware: JSON 404 (or 405) for a request no route answered (see the module comment). */
export function notFoundJson(options: NotFoundOptions = {}): RequestHandler {
  return (req: Request, res: Response, next: () => void): void => {
    if (options.onlyWhenMounted && req.baseUrl === "") {
      next();
      return;
    }
    const path = normalized(req.path);
    const where = `${req.method} ${req.baseUrl}${req.path}`;
    for (const known of options.postPaths?.() ?? []) {
      if (normalized(known) !== path) continue;
      res.set("Allow", "POST");
      send(res, 405, ErrorCode.PARAMETER, `${where} is not allowed: this endpoint takes POST`);
      return;
    }
    send(res, 404, ErrorCode.PARAMETER, `no such endpoint: ${where} (the operator API is described in docs/http-api.md)`);
  };
}

/**
 * Error middleware: a ChatError keeps its code; anything else is logged and answered INTERNAL
 * (1000, HTTP 500) without details. Answers nothing once a response has started.
 */
export const errorJson: ErrorRequestHandler = (e: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(e);
    return;
  }
  const err = asChatError(e, "chat router");
  send(res, httpStatusOf(err.code), err.code, err.message);
};
