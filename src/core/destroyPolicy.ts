/**
 * When a room is destroyed automatically (README "Rooms and their lifecycle"): empty-room delay, inactivity,
 * fixed lifetime, keep-alive. Pure: the caller passes the room's activity and the time.
 */
import { ChatError, ErrorCode } from "./errors";

/** A room's auto-destroy rules, in milliseconds. Build one with {@link makeDestroyPolicy}. */
export interface DestroyPolicy {
  /** ms an empty room lives after the last member left (0 = destroy at once). Max 3 h. */
  emptyDelayMs: number;
  /** ms without a join, leave or message after which any room is destroyed. 1 min .. 7 days. */
  inactivityMs: number;
  /** fixed lifetime since creation (ms), or null. */
  lifetimeMs: number | null;
  /** keep-alive rooms are never auto-destroyed. */
  keepAlive: boolean;
}

/** What the room reports about itself; all times are ms on the caller's clock. */
export interface RoomActivity {
  createdAt: number;
  /** last join, leave or message (createdAt initially) */
  lastActivityAt: number;
  memberCount: number;
  /** when the last member left; null while it has members or if never joined */
  emptySince: number | null;
  everJoined: boolean;
}

/** Which rule destroys the room. All three end members' sessions with EXPIRED. */
export type DestroyCause = "empty" | "inactive" | "lifetime";

/** Limits of the configurable values, in the units the API takes. */
export const DESTROY_LIMITS = {
  emptyDelayS: { min: 0, max: 10_800 },
  inactivityMin: { min: 1, max: 10_080 },
  lifetimeMin: { min: 1, max: 10_080 },
} as const;

/**
 * When the room is due to be destroyed and why (the earliest rule), or null if never (keep-alive).
 * A room created and never joined is only subject to inactivity and lifetime.
 * On a tie the cause reported is the first of "empty", "inactive", "lifetime".
 */
export function nextDestroy(policy: DestroyPolicy, activity: RoomActivity): { at: number; cause: DestroyCause } | null {
  if (policy.keepAlive) return null;
  let best: { at: number; cause: DestroyCause } = { at: activity.lastActivityAt + policy.inactivityMs, cause: "inactive" };
  if (activity.everJoined && activity.memberCount === 0 && activity.emptySince !== null) {
    const at = activity.emptySince + policy.emptyDelayMs;
    if (at <= best.at) best = { at, cause: "empty" };
  }
  if (policy.lifetimeMs !== null) {
    const at = activity.createdAt + policy.lifetimeMs;
    if (at < best.at) best = { at, cause: "lifetime" };
  }
  return best;
}

/** The cause if the room is due at `now` (its deadline `at` <= now), else null. Never throws. */
export function dueDestroy(policy: DestroyPolicy, activity: RoomActivity, now: number): DestroyCause | null {
  const next = nextDestroy(policy, activity);
  return next !== null && next.at <= now ? next.cause : null;
}

function checkRange(field: string, value: unknown, min: number, max: number, unit: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new ChatError(ErrorCode.PARAMETER, `${field} must be a number of ${unit} in ${min}..${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Builds a policy from API/config units: emptyDelay 0..10800 s, inactivity 1..10080 min,
 * lifetime 1..10080 min or null/undefined (none); missing values take `defaults`.
 * Throws ChatError(PARAMETER) naming the field and its range when a value (given or default) is
 * out of range or not a finite number.
 */
export function makeDestroyPolicy(
  input: { emptyDelayS?: number; inactivityMin?: number; lifetimeMin?: number | null; keepAlive?: boolean },
  defaults: { emptyDelayS: number; inactivityMin: number },
): DestroyPolicy {
  const { emptyDelayS: e, inactivityMin: i, lifetimeMin: l } = DESTROY_LIMITS;
  const emptyDelayS = checkRange("emptyDelayS", input.emptyDelayS ?? defaults.emptyDelayS, e.min, e.max, "seconds");
  const inactivityMin = checkRange("inactivityMin", input.inactivityMin ?? defaults.inactivityMin, i.min, i.max, "minutes");
  const lifetimeMin =
    input.lifetimeMin === undefined || input.lifetimeMin === null
      ? null
      : checkRange("lifetimeMin", input.lifetimeMin, l.min, l.max, "minutes");
  return {
    emptyDelayMs: emptyDelayS * 1000,
    inactivityMs: inactivityMin * 60_000,
    lifetimeMs: lifetimeMin === null ? null : lifetimeMin * 60_000,
    keepAlive: input.keepAlive ?? false,
  };
}
