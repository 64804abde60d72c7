/** Expiry rules shared by both {@link ExpiringSetStore} backends. */

/** True when an entry with this expiry counts as present at `now` (present until, not at, `expiresAt`). */
export function isLive(expiresAt: number | null, now: number): boolean {
  return expiresAt === null || expiresAt > now;
}

/**
 * How long after its expiry an entry may still be physically kept. Expired entries are invisible
 * at once; the grace only keeps callers whose `now` lags a little (clock skew between processes,
 * a `now` taken before an await) from having live entries pruned under them.
 */
export const PRUNE_GRACE_MS = 60_000;

/** Options both store factories accept. */
export interface StoreClockOptions {
  /**
   * Clock for the one method without a `now` argument, {@link ExpiringSetStore.remove} (whose count
   * leaves out expired members), and for pruning on `add`. Default `Date.now`.
   */
  clock?: () => number;
}
