import { ErrorCode } from "../core/errors";

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

/** Every code a {@link ChatClientError} can carry. */
export type ChatClientErrorCode = ErrorCode | ClientErrorCode;

const SERVER_CODES = new Set<number>(Object.values(ErrorCode));

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
 * A ChatClientError for an `{ code, message }` body when `code` is in the server's table;
 * undefined for anything else (a proxy's error page, a success body).
 */
export function errorFromBody(body: unknown): ChatClientError | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (typeof code !== "number" || !SERVER_CODES.has(code) || code === ErrorCode.OK) return undefined;
  return new ChatClientError(code as ErrorCode, typeof message === "string" ? message : `error ${code}`);
}

/** Wraps whatever the SDK or fetch threw into a ChatClientError (CONNECT_FAILED unless it carries our code). */
export function toClientError(e: unknown, what: string): ChatClientError {
  if (e instanceof ChatClientError) return e;
  const fromBody = errorFromBody((e as { data?: unknown } | null)?.data);
  if (fromBody) return fromBody;
  const detail = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: unknown } | null)?.code;
  return new ChatClientError(ClientErrorCode.CONNECT_FAILED, `${what} failed${code !== undefined ? ` (${String(code)})` : ""}: ${detail}`);
}
