import type { ClaimStore } from "../store/types";

/** How long a room-id claim lives without renewal: a dead process frees its ids within this. */
export const CLAIM_TTL_MS = 10_000;

/**
 * Holds this process's room-id claims and renews them together every third of their TTL, so a
 * live room keeps its id and a crashed process's ids come free within {@link CLAIM_TTL_MS}.
 */
export class ClaimKeeper {
  private readonly held = new Set<string>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly claims: ClaimStore,
    private readonly owner: string,
    private readonly ttlMs = CLAIM_TTL_MS,
  ) {}

  /**
   * Claims `name` for one room of this process; false when another process holds it, or this
   * process already holds or is claiming it (the store would say yes to its own owner again).
   */
  async claim(name: string): Promise<boolean> {
    if (this.held.has(name) || this.pending.has(name)) return false;
    this.pending.add(name);
    try {
      if (!(await this.claims.claim(name, this.owner, this.ttlMs))) return false;
    } finally {
      this.pending.delete(name);
    }
    this.held.add(name);
    this.timer ??= setInterval(() => void this.renew(), Math.floor(this.ttlMs / 3)).unref();
    return true;
  }

  /** Gives `name` back. */
  async release(name: string): Promise<void> {
    this.held.delete(name);
    await this.claims.release(name, this.owner);
  }

  /** Stops renewing (the claims then expire, or are released by their rooms). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      const lost = await this.claims.renew([...this.held], this.owner, this.ttlMs);
      // A claim can vanish without anyone taking it (Redis restarted without persistence):
      // take it back while the room lives, so the id stays unique in the cluster.
      for (const name of lost) {
        if (!this.held.has(name)) continue;
        if (!(await this.claims.claim(name, this.owner, this.ttlMs))) {
          console.error(`room id claim lost for ${name}: another process holds it now`);
        }
      }
    } catch (e) {
      console.error("renewing room id claims failed; retrying at the next beat:", e instanceof Error ? e.message : e);
    }
  }
}
