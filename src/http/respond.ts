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
 * What an HTTP answer says for `e`: a ChatError as it is; anything else, a fault of the server, is
 * logged (prefixed with `where`) and becomes INTERNAL (1000) without its details.
 */
export function asChatError(e: unknown, where: string): ChatError {
  if (isChatError(e)) return e;
  console.error(`${where}:`, e);
  return new ChatError(ErrorCode.INTERNAL, "internal server error, retry later");
}

/** The field carrying a refusal's text: `message` (ErrorBody: rooms, /chat/enter) or `errorMessage` (RongCloud's operator API). */
export type MessageField = "message" | "errorMessage";

/**
 * The one error reply of the chat's HTTP routes: `e` (see {@link asChatError}, logged under
 * `where` when it is a fault) as `{ code, <field>: message }` with the HTTP status of its code.
 */
export function sendErrorReply(res: Response, e: unknown, where: string, field: MessageField): void {
  const err = asChatError(e, where);
  res.status(httpStatusOf(err.code)).json({ code: err.code, [field]: err.message });
}

/** Sends a failure in the operator API's envelope `{ code, errorMessage }` (see {@link sendErrorReply}). */
export function sendFailure(res: Response, e: unknown): void {
  sendErrorReply(res, e, "operator API", "errorMessage");
}

/** An error a request-body parser (express.json, express.urlencoded) passed on. */
interface ParserError {
  type?: unknown;
  status?: unknown;
  expose?: unknown;
  code?: unknown;
  message?: unknown;
  encoding?: unknown;
  charset?: unknown;
}

/**
 * The ChatError to answer for an error of a request-body parser (body-parser 2, as Express 5's
 * `express.json`/`express.urlencoded`): TOO_LONG (1005) for a body over `limit`, PARAMETER (1002)
 * naming what was wrong for every other fault of the request (malformed `format`, an unknown
 * Content-Encoding or charset, a body that does not decompress, too many parameters, an aborted
 * upload). Anything else, a fault of the server, is INTERNAL (1000), logged, without details.
 */
export function bodyParserError(e: unknown, format: string, limit: string): ChatError {
  if (isChatError(e)) return e;
  const err = (typeof e === "object" && e !== null ? e : {}) as ParserError;
  const type = typeof err.type === "string" ? err.type : undefined;
  const text = typeof err.message === "string" ? err.message : String(e);
  switch (type) {
    case "entity.too.large":
      return new ChatError(ErrorCode.TOO_LONG, `request body is larger than ${limit}`);
    case "parameters.too.many":
      return new ChatError(ErrorCode.PARAMETER, "request has more than 5000 parameters");
    case "entity.parse.failed":
    case "querystring.parse.rangeError":
      return new ChatError(ErrorCode.PARAMETER, `request body is not valid ${format}`);
    case "encoding.unsupported":
      return new ChatError(
        ErrorCode.PARAMETER,
        `Content-Encoding ${JSON.stringify(err.encoding)} is not supported: send the body as is, or gzip, deflate or br`,
      );
    case "charset.unsupported":
      return new ChatError(ErrorCode.PARAMETER, `charset ${JSON.stringify(err.charset)} is not supported: send UTF-8`);
    case "request.aborted":
    case "request.size.invalid":
      return new ChatError(ErrorCode.PARAMETER, `request body was not received whole (${type})`);
  }
  if (typeof err.code === "string" && err.code.startsWith("Z_")) {
    return new ChatError(ErrorCode.PARAMETER, `request body could not be decompressed as its Content-Encoding says (${text})`);
  }
  const status = typeof err.status === "number" ? err.status : 500;
  if (status >= 400 && status < 500 && err.expose === true) {
    return new ChatError(ErrorCode.PARAMETER, `request could not be read (${type ?? text})`);
  }
  return asChatError(e, "request body");
}

/** Middleware: echoes the request's X-Request-ID header on the response, as RongCloud does. */
export function echoRequestId(req: Request, res: Response, next: NextFunction): void {
  const id = req.get("x-request-id");
  if (id && id.length <= MAX_REQUEST_ID) res.set("X-Request-ID", id);
  next();
}
