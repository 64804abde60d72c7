/**
 * Moderation rules (docs/http-api.md "Moderation"): limits, expiry times and who may send. Pure: the
 * caller reads the state from the store and passes it in with the time.
 */
import { ChatError, ErrorCode } from "./errors";

/** RongCloud's limits for the moderation calls. */
export const MODERATION_LIMITS = {
  /** users per ban / mute / global-mute / mute-exception call */
  usersPerCall: 20,
  /** `minute` of a ban or mute: 1..43200 (30 days) */
  minMinutes: 1,
  maxMinutes: 43_200,
  /** mute exceptions one room may hold */
  muteExceptionsPerRoom: 20,
  /** protected (allowlisted) users one room may hold */
  protectedUsersPerRoom: 5,
} as const;

/**
 * When an entry added at `now` for `minutes` ends: exact to the second, rounded up, so the entry
 * lasts at least `minutes` and ends exactly at the second a listing shows.
 */
export function expiryAfterMinutes(now: number, minutes: number): number {
  return Math.ceil(now / 1000) * 1000 + minutes * 60_000;
}

/** What the store says about one user in one room at one moment. */
export interface MuteFacts {
  /** muted (gagged) in this room */
  muted: boolean;
  /** muted in every room */
  globallyMuted: boolean;
  /** the room is in mute-all */
  muteAll: boolean;
  /** on the room's mute-exceptions list */
  excepted: boolean;
}

/**
 * Why the user may not send, or null when it may. A global mute overrides a mute exception
 * (RongCloud documents this); a mute exception only lifts mute-all, not a personal mute.
 */
export function muteReason(facts: MuteFacts): string | null {
  if (facts.globallyMuted) return "is muted in every room";
  if (facts.muted) return "is muted in this room";
  if (facts.muteAll && !facts.excepted) return "cannot send while the room is muted for all members";
  return null;
}

/** Throws ChatError(MUTED) naming the user, the room and the reason when {@link muteReason} gives one. */
export function assertMaySend(userId: string, roomId: string, facts: MuteFacts): void {
  const reason = muteReason(facts);
  if (reason !== null) throw new ChatError(ErrorCode.MUTED, `user ${userId} ${reason} (room ${roomId})`);
}
