import type { ClaimStore } from "../store/types";

/**
 * How long a room-id claim lives without renewal. It frees the ids of a process that can no
 * longer renew them but whose Redis connection still looks alive (a machine that vanished
 * without closing its sockets); a process that dies on a live machine frees them at once
 * through {@link ClaimKeeper}'s takeover.
 */
export const CLAIM_TTL_MS = 10_000;
/**
 * How long a claimant watches a holder without a connection before taking its claim over: a
 * holder whose connection only blipped (ioredis reconnects within ~100 ms) comes back within it.
 */
export const TAKEOVER_GRACE_MS = 800;
const TAKEOVER_POLL_MS = 200;
/**
 * After this process's own Redis connection came back, how long it takes no other process for
 * dead (no claim takeover, no peer sweep): after a Redis restart every process reconnects within
 * ioredis' 2 s backoff, and until it has, it looks dead.
 */
export const RECONNECT_QUIET_MS = 5000;

/**
 * After this process's store connection came back, how long a new claim waits before it is tried.
 * A Redis that restarted without its data holds no claims until every process has reconnected
 * (within ioredis' 2 s backoff) and taken its rooms' ids back; a claim made in that gap would take
 * the id of a live room on another process and start a second room with it (whose creation then
 * forgets the first one's settings). Waiting lets the holder take its id back first, so the new
 * claim fails and the caller joins the room that exists.
 */
export const RECLAIM_WAIT_MS = 2000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Holds this process's room-id claims and renews them together every third of their TTL, so a
 * live room keeps its id and a crashed process's ids come free.
 *
 * On a store that supports liveness (Redis), the keeper first announces its owner (a
 * subscription on the store's connection, which Redis drops the moment the process dies), and
 * a claim held by an announced owner whose connection has been gone for {@link TAKEOVER_GRACE_MS}
 * is taken over at once instead of waiting out the TTL. A GC pause or a slow Redis keeps the
 * connection, so it never causes a takeover; only a connection down for longer than the grace
 * (a network partition) can, and then the former holder finds its claim taken at its next
 * renewal and is told through the claim's `onLost`, so its room closes and its members re-enter
 * the one room that holds the id now.
 */
export class ClaimKeeper {
  private readonly held = new Set<string>();
  /** Claims under way, so a concurrent claim of the same name answers once the first has settled. */
  private readonly pending = new Map<string, Promise<boolean>>();
  private readonly lostHandlers = new Map<string, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private owner: string | Promise<string> | undefined;

  constructor(
    private readonly claims: ClaimStore,
    private readonly baseOwner: string,
    private readonly ttlMs = CLAIM_TTL_MS,
  ) {}

  /**
   * Claims `name` for one room of this process; false when another live process holds it, or this
   * process already holds or is claiming it (the store would say yes to its own owner again).
   * `onLost` runs if the claim is later found held by another process (after a takeover).
   */
  async claim(name: string, onLost?: () => void): Promise<boolean> {
    if (this.held.has(name)) return false;
    const under = this.pending.get(name);
    if (under) {
      // after the first claim settled, the store holds its answer for every other caller to read
      await under.catch(() => undefined);
      return false;
    }
    const attempt = this.afterReclaimWait()
      .then(() => this.claimOwner())
      .then(async (owner) => (await this.claims.claim(name, owner, this.ttlMs)) || this.takeOverFromDead(name, owner));
    this.pending.set(name, attempt);
    try {
      if (!(await attempt)) return false;
    } finally {
      this.pending.delete(name);
    }
    this.held.add(name);
    if (onLost) this.lostHandlers.set(name, onLost);
    this.timer ??= setInterval(() => void this.renew(), Math.floor(this.ttlMs / 3)).unref();
    return true;
  }

  /** Gives `name` back. */
  async release(name: string): Promise<void> {
    this.held.delete(name);
    this.lostHandlers.delete(name);
    await this.claims.release(name, await this.claimOwner());
  }

  /** Stops renewing (the claims then expire, or are released by their rooms). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The names held now. */
  names(): string[] {
    return [...this.held];
  }

  /**
   * Renews every claim now and takes back those that vanished (the store reconnected, maybe
   * after losing its data). Resolves with what it found.
   */
  async reclaim(): Promise<{ held: number; retaken: string[]; lostToOthers: string[] }> {
    return this.renew();
  }

  /** The value claims are made under: the owner, marked as announced when the store supports liveness. */
  claimOwner(): Promise<string> {
    if (typeof this.owner === "string") return Promise.resolve(this.owner);
    if (!this.claims.announce) return Promise.resolve((this.owner = this.baseOwner));
    this.owner ??= this.claims.announce(this.baseOwner).then(
      (value) => (this.owner = value),
      (e: unknown) => {
        this.owner = undefined; // announced at the next claim
        throw e;
      },
    );
    return this.owner;
  }

  /** Resolves once {@link RECLAIM_WAIT_MS} have passed since the store's last reconnect (at once when longer ago, or never dropped). */
  private async afterReclaimWait(): Promise<void> {
    const reconnectedAt = this.claims.reconnectedAt?.() ?? 0;
    const wait = reconnectedAt > 0 ? reconnectedAt + RECLAIM_WAIT_MS - Date.now() : 0;
    if (wait > 0) await sleep(wait);
  }

  /** Takes `name` over when its holder announced itself and its connection stays gone for the grace period. */
  private async takeOverFromDead(name: string, owner: string): Promise<boolean> {
    const { claims } = this;
    if (!claims.takeOver || !claims.isAlive) return false;
    const reconnectedAt = claims.reconnectedAt?.() ?? 0;
    if (reconnectedAt > 0 && Date.now() - reconnectedAt < RECONNECT_QUIET_MS) return false;
    const holder = await claims.holder(name);
    if (holder === undefined || holder === owner) return false;
    const deadline = Date.now() + TAKEOVER_GRACE_MS;
    for (;;) {
      if (await claims.isAlive(holder)) return false;
      if (Date.now() >= deadline) break;
      await sleep(TAKEOVER_POLL_MS);
    }
    if (!(await claims.takeOver(name, holder, owner, this.ttlMs))) return false;
    console.warn(`room id ${name}: took over the claim of a process whose connection is gone (${holder})`);
    return true;
  }

  private async renew(): Promise<{ held: number; retaken: string[]; lostToOthers: string[] }> {
    const result = { held: this.held.size, retaken: [] as string[], lostToOthers: [] as string[] };
    if (this.held.size === 0) return result;
    try {
      const owner = await this.claimOwner();
      const lost = await this.claims.renew([...this.held], owner, this.ttlMs);
      // A claim can vanish without anyone taking it (Redis restarted without persistence):
      // take it back while the room lives, so the id stays unique in the cluster.
      const missing = lost.filter((name) => this.held.has(name));
      const retaken = await Promise.all(missing.map((name) => this.claims.claim(name, owner, this.ttlMs)));
      for (const [i, name] of missing.entries()) {
        if (retaken[i]) {
          result.retaken.push(name);
          continue;
        }
        if (!this.held.has(name)) continue; // released meanwhile
        // Another process holds it now (it took over while this one was cut off): the room here
        // is no longer the room of that id.
        result.lostToOthers.push(name);
        console.error(`room id claim lost for ${name}: another process holds it now`);
        this.held.delete(name);
        const onLost = this.lostHandlers.get(name);
        this.lostHandlers.delete(name);
        onLost?.();
      }
    } catch (e) {
      console.error("renewing room id claims failed; retrying at the next beat:", e instanceof Error ? e.message : e);
    }
    return result;
  }
}
