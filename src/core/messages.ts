import { historyQuerySchema, sendSchema } from "../schemas/messages";
import { parseInput } from "../schemas/parse";

export { MAX_MESSAGE_TYPE_LENGTH } from "../schemas/messages";

/** A send request after validation. */
export interface ValidSend {
  type: string;
  content: string;
  priority: "low" | "normal" | "high";
}

/**
 * Validates an untyped send body (src/schemas/messages): `type` 1..32 chars, `content` a string
 * of at most `maxContentBytes` UTF-8 bytes, optional priority. Throws ChatError naming the field
 * and limit: PARAMETER, or MESSAGE_TOO_LARGE for content over the limit.
 */
export function parseSend(body: unknown, maxContentBytes: number): ValidSend {
  return parseInput(sendSchema(maxContentBytes), body, { root: "message" });
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

/**
 * Validates a history query: optional afterSeq / beforeSeq / since / until (integers >= 0),
 * limit 1..maxLimit (default maxLimit), direction "forward" (oldest first from the bounds) or
 * "backward" (the newest before the bounds; the default). Throws PARAMETER naming the field.
 */
export function parseHistoryQuery(body: unknown, maxLimit: number): ValidHistoryQuery {
  return parseInput(historyQuerySchema(maxLimit), body, { root: "history query" });
}
