/**
 * History rules shared by both {@link HistoryStore} backends: argument checks and which kept
 * messages a {@link HistoryQuery} selects. Backends only store and fetch.
 */
import type { RoomMessage } from "../protocol";
import type { HistoryQuery } from "./types";

/**
 * Checks the arguments of {@link HistoryStore.append} that do not depend on stored state.
 * @throws RangeError when `message.seq` is not a positive safe integer or `keep` not a
 * non-negative safe integer.
 */
export function checkAppend(roomId: string, message: RoomMessage, keep: number): void {
  if (!Number.isSafeInteger(message.seq) || message.seq < 1) {
    throw new RangeError(`HistoryStore.append("${roomId}"): seq must be a positive integer, got ${message.seq}`);
  }
  if (!Number.isSafeInteger(keep) || keep < 0) {
    throw new RangeError(`HistoryStore.append("${roomId}"): keep must be a non-negative integer, got ${keep}`);
  }
}

/** The error of an append whose seq is not above the room's last seq (seqs never go back). */
export function seqNotIncreasing(roomId: string, seq: number, lastSeq: number): RangeError {
  return new RangeError(`HistoryStore.append("${roomId}"): seq must be greater than the room's last seq ${lastSeq}, got ${seq}`);
}

/**
 * Checks a {@link HistoryQuery}.
 * @throws RangeError when `limit` is not a non-negative safe integer, a bound is not a finite
 * number, or `direction` is neither "forward" nor "backward".
 */
export function checkQuery(roomId: string, query: HistoryQuery): void {
  const where = `HistoryStore.query("${roomId}")`;
  if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
    throw new RangeError(`${where}: limit must be a non-negative integer, got ${query.limit}`);
  }
  for (const bound of ["afterSeq", "beforeSeq", "since", "until"] as const) {
    const value = query[bound];
    if (value !== undefined && !Number.isFinite(value)) {
      throw new RangeError(`${where}: ${bound} must be a finite number when given, got ${value}`);
    }
  }
  // a caller from plain JavaScript may pass anything
  const direction: unknown = query.direction;
  if (direction !== "forward" && direction !== "backward") {
    throw new RangeError(`${where}: direction must be "forward" or "backward", got ${String(direction)}`);
  }
}

/** True when `message` lies within every bound of `query` (limit and direction aside). */
export function inBounds(message: RoomMessage, query: HistoryQuery): boolean {
  return (
    (query.afterSeq === undefined || message.seq > query.afterSeq) &&
    (query.beforeSeq === undefined || message.seq < query.beforeSeq) &&
    (query.since === undefined || message.timestamp >= query.since) &&
    (query.until === undefined || message.timestamp <= query.until)
  );
}

/** True when the query bounds timestamps, which a backend indexed by seq must filter itself. */
export function hasTimeBounds(query: HistoryQuery): boolean {
  return query.since !== undefined || query.until !== undefined;
}

/**
 * Applies a query to messages in ascending seq order: the matches, then the oldest (`forward`)
 * or newest (`backward`) `limit` of them, oldest first.
 */
export function selectHistory(ascending: readonly RoomMessage[], query: HistoryQuery): RoomMessage[] {
  const matches = ascending.filter((message) => inBounds(message, query));
  if (query.limit === 0) return [];
  return query.direction === "forward" ? matches.slice(0, query.limit) : matches.slice(-query.limit);
}
