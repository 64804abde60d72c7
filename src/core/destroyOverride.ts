/**
 * A room's destroy type and time as the operator API sets them (RongCloud create_new /
 * destroy/set), and how they replace the server's default {@link DestroyPolicy}. Pure.
 */
import type { DestroyPolicy } from "./destroyPolicy";
import { ChatError, ErrorCode } from "./errors";

/** 0: destroyed after `minutes` without activity; 1: destroyed `minutes` after creation. */
export const DestroyType = { INACTIVE: 0, FIXED: 1 } as const;
export type DestroyType = (typeof DestroyType)[keyof typeof DestroyType];

/**
 * Limits of `destroyTime` in minutes. RongCloud documents 60..10080 on create_new and a fixed-time
 * maximum of 10800 on destroy/set; we accept the larger maximum for both so no SDK call is refused.
 * 0 means "the default" because the Go SDK always sends `destroyTime=0`.
 */
export const DESTROY_TIME_LIMITS = { defaultMin: 60, min: 60, max: 10_800 } as const;

/** An operator's choice for one room. */
export interface DestroyOverride {
  type: DestroyType;
  minutes: number;
}

/**
 * Validates API input: `type` 0 or 1 (default 0), `minutes` 0 (= default 60) or 60..10800.
 * Throws ChatError(PARAMETER) naming the parameter and its range.
 */
export function makeDestroyOverride(type: number | undefined, minutes: number | undefined): DestroyOverride {
  const t = type ?? DestroyType.INACTIVE;
  if (t !== DestroyType.INACTIVE && t !== DestroyType.FIXED) {
    throw new ChatError(ErrorCode.PARAMETER, `destroyType must be 0 (inactivity) or 1 (fixed time), got ${t}`);
  }
  const m = minutes === undefined || minutes === 0 ? DESTROY_TIME_LIMITS.defaultMin : minutes;
  if (!Number.isInteger(m) || m < DESTROY_TIME_LIMITS.min || m > DESTROY_TIME_LIMITS.max) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `destroyTime must be 0 (default ${DESTROY_TIME_LIMITS.defaultMin}) or ${DESTROY_TIME_LIMITS.min}..${DESTROY_TIME_LIMITS.max} minutes, got ${m}`,
    );
  }
  return { type: t, minutes: m };
}

/** The override as one store set member, e.g. "1:120". */
export function encodeDestroyOverride(o: DestroyOverride): string {
  return `${o.type}:${o.minutes}`;
}

/** Reads a member written by {@link encodeDestroyOverride}; null for anything else. */
export function decodeDestroyOverride(member: string): DestroyOverride | null {
  const match = /^([01]):(\d+)$/.exec(member);
  if (!match) return null;
  return { type: Number(match[1]) as DestroyType, minutes: Number(match[2]) };
}

/**
 * The policy a room follows under an override (RongCloud semantics, not the empty-room delay):
 * type 0 destroys after `minutes` without a join, leave or message, empty or not; type 1 destroys
 * `minutes` after creation whatever the activity. Keep-alive is kept from `base`. No override = `base`.
 */
export function applyDestroyOverride(base: DestroyPolicy, override: DestroyOverride | null): DestroyPolicy {
  if (!override) return base;
  const ms = override.minutes * 60_000;
  // An empty delay equal to the inactivity period never fires before the inactivity rule (leaving is activity).
  if (override.type === DestroyType.INACTIVE) return { emptyDelayMs: ms, inactivityMs: ms, lifetimeMs: null, keepAlive: base.keepAlive };
  // With every period equal to the lifetime, creation + lifetime is always the earliest deadline.
  return { emptyDelayMs: ms, inactivityMs: ms, lifetimeMs: ms, keepAlive: base.keepAlive };
}
