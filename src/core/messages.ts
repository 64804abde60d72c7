import { ChatError, ErrorCode } from "./errors";

/** Longest message type name (RongCloud's object names are at most 32 characters). */
export const MAX_MESSAGE_TYPE_LENGTH = 32;

/** A send request after validation. */
export interface ValidSend {
  type: string;
  content: string;
  priority: "low" | "normal" | "high";
}

const PRIORITIES = ["low", "normal", "high"] as const;
const UTF8 = new TextEncoder();

/**
 * Validates an untyped send body: `type` 1..32 chars, `content` a string of at most
 * `maxContentBytes` UTF-8 bytes, optional priority. Throws ChatError naming the field and limit.
 */
export function parseSend(body: unknown, maxContentBytes: number): ValidSend {
  if (typeof body !== "object" || body === null) throw new ChatError(ErrorCode.PARAMETER, "message must be an object { type, content }");
  const { type, content, priority = "normal" } = body as Record<string, unknown>;
  if (typeof type !== "string" || type.length === 0 || type.length > MAX_MESSAGE_TYPE_LENGTH) {
    throw new ChatError(ErrorCode.PARAMETER, `type must be a string of 1..${MAX_MESSAGE_TYPE_LENGTH} characters`);
  }
  if (typeof content !== "string") throw new ChatError(ErrorCode.PARAMETER, "content must be a string");
  const bytes = UTF8.encode(content).length;
  if (bytes > maxContentBytes) {
    throw new ChatError(ErrorCode.MESSAGE_TOO_LARGE, `content is ${bytes} bytes: at most ${maxContentBytes} bytes (CHAT_MAX_MESSAGE_BYTES)`);
  }
  if (!PRIORITIES.includes(priority as ValidSend["priority"])) {
    throw new ChatError(ErrorCode.PARAMETER, `priority must be one of ${PRIORITIES.join(", ")}`);
  }
  return { type, content, priority: priority as ValidSend["priority"] };
}

/** A validated history query (see the store's HistoryQuery). */
export interface ValidHistoryQuery {
  afterSeq?: number;
  beforeSeq?: number;
  since?: number;
  until?: number;
  limit: number;
  direction: "forward" | "backward";
}

function optionalInt(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ChatError(ErrorCode.PARAMETER, `${field} must be an integer >= 0`);
  }
  return value;
}

/**
 * Validates a history query: optional afterSeq / beforeSeq / since / until (integers >= 0),
 * limit 1..maxLimit (default maxLimit), direction "forward" (oldest first from the bounds) or
 * "backward" (the newest before the bounds; the default). Throws PARAMETER naming the field.
 */
export function parseHistoryQuery(body: unknown, maxLimit: number): ValidHistoryQuery {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const limit = optionalInt(b, "limit") ?? maxLimit;
  if (limit < 1 || limit > maxLimit) throw new ChatError(ErrorCode.PARAMETER, `limit must be in 1..${maxLimit}`);
  const direction = b.direction ?? (b.afterSeq !== undefined || b.since !== undefined ? "forward" : "backward");
  if (direction !== "forward" && direction !== "backward") throw new ChatError(ErrorCode.PARAMETER, 'direction must be "forward" or "backward"');
  const query: ValidHistoryQuery = { limit, direction };
  for (const field of ["afterSeq", "beforeSeq", "since", "until"] as const) {
    const value = optionalInt(b, field);
    if (value !== undefined) query[field] = value;
  }
  return query;
}
