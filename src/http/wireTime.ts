import type { ExpiringEntry } from "../store/types";

/**
 * RongCloud's time format in list answers: "YYYY-MM-DD HH:MM:SS". RongCloud uses Beijing time on
 * its CN data center and UTC on the global ones; we always use UTC.
 */
export function formatWireTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * A timed list (bans, mutes, shadow bans) as RongCloud answers it: `{ users: [{ time, userId }] }`,
 * soonest end first, `time` the end time ("" for an entry that never ends).
 */
export function timedUsersAnswer(entries: readonly ExpiringEntry[]): { users: { time: string; userId: string }[] } {
  const sorted = [...entries].sort((a, b) => (a.expiresAt ?? Infinity) - (b.expiresAt ?? Infinity) || a.member.localeCompare(b.member));
  return { users: sorted.map((e) => ({ time: e.expiresAt === null ? "" : formatWireTime(e.expiresAt), userId: e.member })) };
}
