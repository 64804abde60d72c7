/**
 * Whether the process behind a claim lives, as live rooms judge their other half (docs/scaling.md):
 * an owner its relays, a relay its owner. A claim is dead when nobody holds it, or its holder's
 * store connection is gone, on {@link DEAD_AFTER_CHECKS} checks in a row (a single miss may be a
 * claim being renewed or taken back after a store blip). A check the store does not answer
 * counts neither way.
 */
import type { ClaimStore } from "../store/types";

/** How often a live room checks the claims it watches. */
export const CLAIM_WATCH_MS = 1000;
/** Consecutive dead checks that make a claim's process dead. */
export const DEAD_AFTER_CHECKS = 2;

/** Watches named claims; see the file comment. */
export class ClaimWatch {
  private readonly misses = new Map<string, number>();

  constructor(private readonly claims: ClaimStore) {}

  /** Checks `name` now: true once it has been dead on {@link DEAD_AFTER_CHECKS} checks in a row (the count then starts again). */
  async isDead(name: string): Promise<boolean> {
    let alive: boolean;
    try {
      const holder = await this.claims.holder(name);
      alive = holder !== undefined && (this.claims.isAlive ? await this.claims.isAlive(holder) : true);
    } catch {
      return false; // the store is unreachable: no verdict
    }
    if (alive) {
      this.misses.delete(name);
      return false;
    }
    const misses = (this.misses.get(name) ?? 0) + 1;
    if (misses < DEAD_AFTER_CHECKS) {
      this.misses.set(name, misses);
      return false;
    }
    this.misses.delete(name);
    return true;
  }

  /** Stops counting `name` (no longer watched). */
  forget(name: string): void {
    this.misses.delete(name);
  }
}
