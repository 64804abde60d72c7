/**
 * A room's copy of the moderation state that decides sends (room mutes, global mutes, mute-all,
 * mute exceptions), so a member's send is decided without a store round trip. The store stays
 * the truth: the room reloads this copy on every bus "moderation" notice (every moderation
 * change announces one, on the room's topic or on all rooms), and a send that arrives while a
 * reload is under way waits for it. Entries keep their exact expiry times, so a mute ends at its
 * millisecond without any notice, exactly as the store's own `has` would say.
 *
 * A change made through service/moderation on this process also reloads the caches of this
 * process's rooms before the call returns ({@link ModerationCaches}), so it holds for the very
 * next send. What it cannot do: on Redis, a change made on another process is seen once its
 * notice arrives (one pub/sub hop, normally well under the time a client needs to send again).
 */
import { assertMaySend } from "../core/moderation";
import { isLive } from "../store/expiry";
import type { ExpiringEntry } from "../store/types";
import type { ChatContext } from "./context";
import { Scope, Topic } from "./scopes";

type Expiries = ReadonlyMap<string, number | null>;

const expiries = (entries: readonly ExpiringEntry[]): Expiries => new Map(entries.map((e) => [e.member, e.expiresAt]));
const present = (map: Expiries, key: string, now: number): boolean => {
  const expiresAt = map.get(key);
  return expiresAt !== undefined && isLive(expiresAt, now);
};

/** Mute state of one room, loaded from the store; see the module comment for its contract. */
export class ModerationCache {
  private muted: Expiries = new Map();
  private globallyMuted: Expiries = new Map();
  private muteAll: Expiries = new Map();
  private exceptions: Expiries = new Map();
  /** The last reload requested; sends wait for it. */
  private loading: Promise<void> | undefined;

  constructor(
    private readonly ctx: ChatContext,
    private readonly roomId: string,
  ) {}

  /**
   * Reloads from the store. Reloads run one after another, so the last one requested is the
   * one that stays. Resolves once this reload is applied; rejects when the store failed (the
   * previous copy is kept, and the next send tries the load again).
   */
  reload(): Promise<void> {
    const previous = this.loading ?? Promise.resolve();
    const load: Promise<void> = previous
      .catch(() => undefined)
      .then(() => this.load())
      .finally(() => {
        if (this.loading === load) this.loading = undefined;
      });
    this.loading = load;
    return load;
  }

  /**
   * Resolves when `userId` may send at `now`; throws ChatError(MUTED, 23408) when muted in the
   * room, muted globally, or the room is in mute-all and the user is not excepted.
   */
  async assertMaySend(userId: string, now: number): Promise<void> {
    if (this.loading) await this.loading.catch(() => this.load());
    assertMaySend(userId, this.roomId, {
      muted: present(this.muted, userId, now),
      globallyMuted: present(this.globallyMuted, userId, now),
      muteAll: present(this.muteAll, this.roomId, now),
      excepted: present(this.exceptions, userId, now),
    });
  }

  private async load(): Promise<void> {
    const { sets } = this.ctx.store;
    const now = this.ctx.now();
    const [muted, globallyMuted, muteAll, exceptions] = await Promise.all([
      sets.list(Scope.muted(this.roomId), now),
      sets.list(Scope.globallyMuted, now),
      sets.list(Scope.muteAllRooms, now),
      sets.list(Scope.muteExceptions(this.roomId), now),
    ]);
    this.muted = expiries(muted);
    this.globallyMuted = expiries(globallyMuted);
    // mute-all is one set of room ids; only this room's entry (with its expiry) matters
    this.muteAll = expiries(muteAll.filter((e) => e.member === this.roomId));
    this.exceptions = expiries(exceptions);
  }
}

/**
 * The moderation caches of this process's rooms by bus topic (a room's own topic and the
 * all-rooms topic), so a moderation change made on this process reloads them at once.
 */
export class ModerationCaches {
  private readonly byTopic = new Map<string, Set<ModerationCache>>();

  /** Registers the cache of room `roomId`; returns the function that unregisters it. */
  register(roomId: string, cache: ModerationCache): () => void {
    const topics = [Topic.room(roomId), Topic.allRooms];
    for (const topic of topics) {
      let set = this.byTopic.get(topic);
      if (!set) this.byTopic.set(topic, (set = new Set()));
      set.add(cache);
    }
    return () => {
      for (const topic of topics) {
        const set = this.byTopic.get(topic);
        set?.delete(cache);
        if (set?.size === 0) this.byTopic.delete(topic);
      }
    };
  }

  /** Starts a reload of every cache listening on `topic` (failures are logged; sends retry the load). */
  reload(topic: string): void {
    for (const cache of this.byTopic.get(topic) ?? []) {
      cache.reload().catch((e: unknown) => console.error(`moderation reload failed (${topic}):`, e));
    }
  }
}
