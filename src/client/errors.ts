import { ErrorCode } from "../core/errors";
import { parseCodedMessage } from "../protocol";

/**
 * Codes for failures the server never saw: the entry request or the WebSocket could not reach
 * it, or it did not answer in time. A separate range (25xxx) from {@link ErrorCode}, so a code
 * tells at once whether the server refused (retrying will not help) or could not be reached
 * (retrying may).
 */
export const ClientErrorCode = {
  /** The entry request or the room connection failed on the network or in the SDK. */
  CONNECT_FAILED: 25001,
  /** Entering did not finish within `connectTimeoutMs`. */
  CONNECT_TIMEOUT: 25002,
} as const;
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Every code a {@link ChatClientError} can carry: the server's table, ours, or an app's own (a room hook's refusal). */
export type ChatClientErrorCode = ErrorCode | ClientErrorCode | (number & {});

const SERVER_CODES = new Set<number>(Object.values(ErrorCode));

/**
 * An application's own refusal code (a room hook's ChatError, e.g. 30001): an integer of 10000 or
 * more outside ChatClient's own 25xxx. Smaller numbers are HTTP statuses and Colyseus' own codes.
 */
function isAppCode(code: number): boolean {
  return Number.isInteger(code) && code >= 10_000 && Math.floor(code / 1000) !== 25;
}

/**
 * What every ChatClient call rejects with. `code` is from the server's error table
 * ({@link ErrorCode}: ROOM_NOT_EXIST, ROOM_ALREADY_EXISTS, ROOM_COUNT_LIMIT, JOINED_ROOMS_LIMIT,
 * BANNED, ILLEGAL_ARGUMENT, NOT_IN_ROOM, ...) or from {@link ClientErrorCode}.
 */
export class ChatClientError extends Error {
  constructor(
    public readonly code: ChatClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ChatClientError";
  }
}

/**
 * A ChatClientError for a room's refusal `{ code, message }` (a request's rejection reason): the
 * server's code, or an app's own from a room hook, unchanged. Undefined for anything else.
 */
export function errorFromBody(body: unknown): ChatClientError | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (typeof code !== "number" || !Number.isInteger(code) || code === ErrorCode.OK) return undefined;
  return new ChatClientError(code, typeof message === "string" ? message : `error ${code}`);
}

/**
 * Wraps whatever the SDK threw into a ChatClientError: the server's code when the error carries
 * one of its table (a matchmaking refusal, e.g. BANNED), else CONNECT_FAILED naming what failed.
 */
export function toClientError(e: unknown, what: string): ChatClientError {
  if (e instanceof ChatClientError) return e;
  // a matchmaking refusal: an HTTP status as the SDK's code, ours at the start of the message
  const coded = e instanceof Error ? parseCodedMessage(e.message) : undefined;
  if (coded) return new ChatClientError(coded.code, coded.message);
  const fromBody = errorFromBody((e as { data?: unknown } | null)?.data);
  if (fromBody && SERVER_CODES.has(fromBody.code)) return fromBody;
  const detail = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "number" && (SERVER_CODES.has(code) || isAppCode(code)) && code !== ErrorCode.OK)
    return new ChatClientError(code, detail);
  return new ChatClientError(
    ClientErrorCode.CONNECT_FAILED,
    `${what} failed${code !== undefined ? ` (${codeText(code)})` : ""}: ${detail}`,
  );
}

/** An error's code as text: a primitive as String() writes it, an object as JSON (not "[object Object]"). */
function codeText(code: unknown): string {
  if (typeof code === "object" && code !== null) {
    try {
      return JSON.stringify(code);
    } catch {
      return "an object";
    }
  }
  return String(code);
}
