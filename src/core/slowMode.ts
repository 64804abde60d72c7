/**
 * Slow mode (docs/moderation.md "Slow mode"): a room may allow each member one message every
 * `seconds` (1..120; 0 = off). Pure: the room passes the time in and keeps one {@link SlowModeGate}.
 */
import { ChatError, ErrorCode } from "./errors";

/** Bounds of a room's slow-mode interval, in seconds (0 = off). */
export const SLOW_MODE_LIMITS = { minSeconds: 0, maxSeconds: 120 } as const;

/**
 * Milliseconds `userId` must still wait at `now` when its last accepted message was at
 * `lastSentAt` (undefined: none yet) and the room allows one every `seconds`; 0 = may send now.
 */
export function slowModeWaitMs(lastSentAt: number | undefined, now: number, seconds: number): number {
  if (seconds <= 0 || lastSentAt === undefined) return 0;
  return Math.max(0, lastSentAt + seconds * 1000 - now);
}

/**
 * Each member's last message time in one room. {@link pass} admits a message or throws
 * SLOW_MODE; it records the message at once (so two sends in flight cannot both pass) and
 * returns an undo for when a later check refuses the message, so a refused message costs no wait.
 */
export class SlowModeGate {
  private readonly lastSentAt = new Map<string, number>();

  /**
   * Admits `userId`'s message at `now` in room `roomId` allowing one every `seconds`, or throws
   * ChatError(SLOW_MODE, 24013) naming the room, the interval and the ms to wait. Resolves with
   * the function that undoes this admission.
   */
  pass(userId: string, roomId: string, now: number, seconds: number): () => void {
    if (seconds <= 0) return () => undefined;
    const previous = this.lastSentAt.get(userId);
    const waitMs = slowModeWaitMs(previous, now, seconds);
    if (waitMs > 0) {
      throw new ChatError(
        ErrorCode.SLOW_MODE,
        `room ${roomId} is in slow mode: one message every ${seconds} s per member; wait ${waitMs} ms`,
      );
    }
    this.lastSentAt.set(userId, now);
    return () => {
      if (this.lastSentAt.get(userId) !== now) return;
      if (previous === undefined) this.lastSentAt.delete(userId);
      else this.lastSentAt.set(userId, previous);
    };
  }

  /** Forgets a member that left. */
  forget(userId: string): void {
    this.lastSentAt.delete(userId);
  }
}
