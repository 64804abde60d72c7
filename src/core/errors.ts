/**
 * The one table of error codes shared by the rooms, the HTTP API and the client.
 *
 * RongCloud's numbers are used wherever RongCloud has one, so operators' existing SDKs understand
 * our answers; the 24xxx range is ours, for cases RongCloud does not distinguish.
 * Each code is mapped exactly once to an HTTP status ({@link httpStatusOf}).
 */
import type { ErrorBody } from "../protocol";

export const ErrorCode = {
  OK: 200,
  INTERNAL: 1000,
  UNKNOWN_APP: 1001,
  PARAMETER: 1002,
  SIGNATURE: 1004,
  TOO_LONG: 1005,
  RATE_LIMITED: 1008,
  KEEPALIVE_ROOM_MISSING: 1015,
  KEEPALIVE_QUOTA: 1016,
  NOT_IN_ROOM: 23406,
  MUTED: 23408,
  BANNED: 23409,
  ROOM_NOT_EXIST: 23410,
  ROOM_FULL: 23411,
  ILLEGAL_ARGUMENT: 23412,
  ATTRIBUTE_COUNT_LIMIT: 23423,
  ATTRIBUTE_NOT_OWNER: 23424,
  ATTRIBUTE_KEY_MISSING: 23427,
  ATTRIBUTE_BATCH_FAILED: 23428,
  ATTRIBUTE_BATCH_LIMIT: 23429,
  ROOM_ALREADY_EXISTS: 24001,
  ROOM_COUNT_LIMIT: 24002,
  JOINED_ROOMS_LIMIT: 24003,
  AUTH_FAILED: 24004,
  MESSAGE_TOO_LARGE: 24005,
  SEND_RATE_LIMITED: 24006,
  DISTRIBUTION_STOPPED: 24007,
  MESSAGE_DROPPED: 24008,
  ATTRIBUTE_VERSION_CONFLICT: 24009,
  MESSAGE_NOT_FOUND: 24010,
  NOT_MESSAGE_SENDER: 24011,
  SHUTTING_DOWN: 24012,
  SLOW_MODE: 24013,
  CONTENT_BLOCKED: 24014,
  /** A member's role does not allow the action on that target (src/core/roles.ts). */
  ROLE_FORBIDDEN: 24015,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A code of {@link ErrorCode}, or an application's own (e.g. a room hook's refusal, 30001). */
export type ChatErrorCode = ErrorCode | (number & {});

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.UNKNOWN_APP]: 401,
  [ErrorCode.PARAMETER]: 400,
  [ErrorCode.SIGNATURE]: 401,
  [ErrorCode.TOO_LONG]: 400,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.KEEPALIVE_ROOM_MISSING]: 400,
  [ErrorCode.KEEPALIVE_QUOTA]: 403,
  [ErrorCode.AUTH_FAILED]: 401,
  [ErrorCode.SHUTTING_DOWN]: 503,
};

/**
 * HTTP status for a code. Business codes (23xxx, 24xxx) answer 200 with the code in the body,
 * which every RongCloud server SDK reads correctly; 5xx is reserved for real server faults
 * because the Go and Java SDKs fail over to a backup host on 5xx.
 */
export function httpStatusOf(code: ChatErrorCode): number {
  return (HTTP_STATUS as Partial<Record<number, number>>)[code] ?? 200;
}

/**
 * HTTP status of a refusal at matchmaking time (the SDK reports it as the error's code; our code
 * leads the message). Unlike {@link httpStatusOf} never 2xx: a 200 would read as a seat.
 */
const MATCHMAKING_STATUS: Partial<Record<number, number>> = {
  [ErrorCode.PARAMETER]: 400,
  [ErrorCode.ILLEGAL_ARGUMENT]: 400,
  [ErrorCode.AUTH_FAILED]: 401,
  [ErrorCode.BANNED]: 403,
  [ErrorCode.JOINED_ROOMS_LIMIT]: 403,
  [ErrorCode.ROOM_COUNT_LIMIT]: 403,
  [ErrorCode.ROOM_NOT_EXIST]: 404,
  [ErrorCode.ROOM_ALREADY_EXISTS]: 409,
  [ErrorCode.INTERNAL]: 500,
  [ErrorCode.SHUTTING_DOWN]: 503,
};

/** The HTTP status a matchmaking refusal with `code` answers with [403 for any other code]. */
export function matchmakingStatusOf(code: ChatErrorCode): number {
  return MATCHMAKING_STATUS[code] ?? 403;
}

/**
 * A rule was broken. `code` is from {@link ErrorCode} (or an app's own, thrown by a room hook);
 * `message` names the field and the limit. Thrown from a hook, both reach the client unchanged.
 */
export class ChatError extends Error {
  constructor(
    public readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ChatError";
  }
}

/** The one `{ code, message }` a refusal is answered with (room requests, /chat/enter, broken frames). */
export function errorBody(e: ChatError): ErrorBody {
  return { code: e.code, message: e.message };
}

/** True for a {@link ChatError}, also across module copies (code + name are enough). */
export function isChatError(e: unknown): e is ChatError {
  return (
    e instanceof ChatError ||
    (typeof e === "object" &&
      e !== null &&
      (e as { name?: unknown }).name === "ChatError" &&
      typeof (e as { code?: unknown }).code === "number")
  );
}
