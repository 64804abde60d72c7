/**
 * When ChatClient, moved off a process by a SHUTDOWN (a drain or a deploy), re-enters the room and
 * when it gives up (pure). It asks again with a doubling backoff while the failure is one a live
 * process may answer differently (the network, a room still closing, a process still draining),
 * and stops at once on a refusal that will not change: a ban, a limit, auth, a bad parameter, or an
 * app's own refusal from a room hook.
 */
import { ErrorCode } from "../core/errors";
import { ClientErrorCode } from "./errors";

/** First wait before asking again, ms. */
export const MOVE_FIRST_DELAY_MS = 100;
/** Longest wait between two tries, ms. */
export const MOVE_MAX_DELAY_MS = 2000;
/** How long ChatClient keeps trying by default (ChatClientOptions.moveOnShutdownMs), ms. */
export const DEFAULT_MOVE_ON_SHUTDOWN_MS = 30_000;

/** Refusals that end a move: asking again would be refused again. */
const FINAL_REFUSALS: ReadonlySet<number> = new Set([
  ErrorCode.BANNED,
  ErrorCode.JOINED_ROOMS_LIMIT,
  ErrorCode.ROOM_COUNT_LIMIT,
  ErrorCode.ROOM_FULL,
  ErrorCode.AUTH_FAILED,
  ErrorCode.SIGNATURE,
  ErrorCode.UNKNOWN_APP,
  ErrorCode.PARAMETER,
  ErrorCode.ILLEGAL_ARGUMENT,
]);

const SERVER_CODES: ReadonlySet<number> = new Set(Object.values(ErrorCode));
const CLIENT_CODES: ReadonlySet<number> = new Set(Object.values(ClientErrorCode));

/** Whether a failed re-entry with error `code` ends the move (else it is asked again after a wait). */
export function endsMove(code: number): boolean {
  if (FINAL_REFUSALS.has(code)) return true;
  // an app's own refusal (a room hook's ChatError, 10000 and more) is final too
  return !SERVER_CODES.has(code) && !CLIENT_CODES.has(code) && code >= 10_000;
}

/** The wait after a failed try: 100 ms, then doubling, at most 2 s. */
export function nextMoveDelay(previous: number | undefined): number {
  return previous === undefined ? MOVE_FIRST_DELAY_MS : Math.min(previous * 2, MOVE_MAX_DELAY_MS);
}
