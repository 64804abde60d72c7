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
 *
 * The copy also holds the room's bans and protected users, which sends do not need: with the
 * rest, they are what a room puts back when Redis lost its data ({@link ModerationCaches.snapshot},
 * {@link ModerationCaches.writeBack}; the rule is at writeBack).
 */
import { assertMaySend } from "../core/moderation";
import { compileWordFilter, type CompiledWordFilter } from "../core/wordFilter";
import { isLive } from "../store/expiry";
import type { ExpiringEntry, ExpiringSetStore } from "../store/types";
import type { ChatContext } from "./context";
import { filterEntriesOf, slowModeSecondsOf } from "./liveModeration";
import { Scope, Topic } from "./scopes";

type Expiries = ReadonlyMap<string, number | null>;

const expiries = (entries: readonly ExpiringEntry[]): Expiries => new Map(entries.map((e) => [e.member, e.expiresAt]));
const present = (map: Expiries, key: string, now: number): boolean => {
  const expiresAt = map.get(key);
  return expiresAt !== undefined && isLive(expiresAt, now);
};

/**
 * Compiled filters by their store members, shared by the rooms of this process: every room holds
 * the same app-wide list, which is compiled once per change, not once per room. The last
 * {@link COMPILED_KEPT} lists are kept.
 */
const compiledByKey = new Map<string, CompiledWordFilter>();
const COMPILED_KEPT = 64;

function compiledFilter(members: readonly string[]): CompiledWordFilter {
  const key = JSON.stringify(members);
  let compiled = compiledByKey.get(key);
  if (compiled) {
    // most recently used last
    compiledByKey.delete(key);
  } else {
    compiled = compileWordFilter(filterEntriesOf(members.map((member) => ({ member, expiresAt: null }))));
  }
  compiledByKey.set(key, compiled);
  for (const oldest of compiledByKey.keys()) {
    if (compiledByKey.size <= COMPILED_KEPT) break;
    compiledByKey.delete(oldest);
  }
  return compiled;
}

/** Mute state of one room, loaded from the store; see the module comment for its contract. */
export class ModerationCache {
  private muted: Expiries = new Map();
  private globallyMuted: Expiries = new Map();
  private muteAll: Expiries = new Map();
  private exceptions: Expiries = new Map();
  private banned: Expiries = new Map();
  private protectedUsers: Expiries = new Map();
  private shadowBanned: Expiries = new Map();
  private globallyShadowBanned: Expiries = new Map();
  private slowMode: ExpiringEntry[] = [];
  private appFilter: ExpiringEntry[] = [];
  private roomFilter: ExpiringEntry[] = [];
  private filters: readonly CompiledWordFilter[] = [];
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

  /** The room's protected users as of the last reload (never auto-kicked, never dropped by admission). */
  protectedUserIds(): string[] {
    return [...this.protectedUsers.keys()];
  }

  /**
   * Resolves when `userId` may send at `now`; throws ChatError(MUTED, 23408) when muted in the
   * room, muted globally, or the room is in mute-all and the user is not excepted.
   */
  async assertMaySend(userId: string, now: number): Promise<void> {
    await this.settled();
    assertMaySend(userId, this.roomId, {
      muted: present(this.muted, userId, now),
      globallyMuted: present(this.globallyMuted, userId, now),
      muteAll: present(this.muteAll, this.roomId, now),
      excepted: present(this.exceptions, userId, now),
    });
  }

  /** The room's slow-mode seconds as of the last reload (0 = off). */
  slowModeSeconds(): number {
    return slowModeSecondsOf(this.slowMode);
  }

  /** True while `userId` is shadow-banned in this room or in every room at `now`. */
  isShadowBanned(userId: string, now: number): boolean {
    return present(this.shadowBanned, userId, now) || present(this.globallyShadowBanned, userId, now);
  }

  /** The app-wide and the room's word filters as of the last reload, compiled once per change of either list. */
  wordFilters(): readonly CompiledWordFilter[] {
    return this.filters;
  }

  /** Resolves once a reload under way (if any) is applied, so a send decides on the latest copy. */
  async settled(): Promise<void> {
    if (this.loading) await this.loading.catch(() => this.load());
  }

  /**
   * What this copy holds, scope by scope, as store entries with their expiries (the room's own
   * scopes; the app-wide ones (global mutes and shadow bans, the app-wide filter) separately, since every room holds the same).
   */
  snapshot(): { rooms: Map<string, ExpiringEntry[]>; global: Map<string, ExpiringEntry[]> } {
    const entries = (map: Expiries): ExpiringEntry[] => [...map].map(([member, expiresAt]) => ({ member, expiresAt }));
    const rooms = new Map<string, ExpiringEntry[]>([
      [Scope.banned(this.roomId), entries(this.banned)],
      [Scope.muted(this.roomId), entries(this.muted)],
      [Scope.muteExceptions(this.roomId), entries(this.exceptions)],
      [Scope.protectedUsers(this.roomId), entries(this.protectedUsers)],
      [Scope.muteAllRooms, entries(this.muteAll)],
      [Scope.shadowBanned(this.roomId), entries(this.shadowBanned)],
      [Scope.slowMode(this.roomId), this.slowMode],
      [Scope.roomWordFilter(this.roomId), this.roomFilter],
    ]);
    const global = new Map<string, ExpiringEntry[]>([
      [Scope.globallyMuted, entries(this.globallyMuted)],
      [Scope.globallyShadowBanned, entries(this.globallyShadowBanned)],
      [Scope.appWordFilter, this.appFilter],
    ]);
    return { rooms, global };
  }

  private async load(): Promise<void> {
    const { sets } = this.ctx.store;
    const now = this.ctx.now();
    const [
      muted,
      globallyMuted,
      muteAll,
      exceptions,
      banned,
      protectedUsers,
      shadowBanned,
      globallyShadowBanned,
      slowMode,
      appFilter,
      roomFilter,
    ] = await Promise.all([
      sets.list(Scope.muted(this.roomId), now),
      sets.list(Scope.globallyMuted, now),
      sets.list(Scope.muteAllRooms, now),
      sets.list(Scope.muteExceptions(this.roomId), now),
      sets.list(Scope.banned(this.roomId), now),
      sets.list(Scope.protectedUsers(this.roomId), now),
      sets.list(Scope.shadowBanned(this.roomId), now),
      sets.list(Scope.globallyShadowBanned, now),
      sets.list(Scope.slowMode(this.roomId), now),
      sets.list(Scope.appWordFilter, now),
      sets.list(Scope.roomWordFilter(this.roomId), now),
    ]);
    this.muted = expiries(muted);
    this.globallyMuted = expiries(globallyMuted);
    // mute-all is one set of room ids; only this room's entry (with its expiry) matters
    this.muteAll = expiries(muteAll.filter((e) => e.member === this.roomId));
    this.exceptions = expiries(exceptions);
    this.banned = expiries(banned);
    this.protectedUsers = expiries(protectedUsers);
    this.shadowBanned = expiries(shadowBanned);
    this.globallyShadowBanned = expiries(globallyShadowBanned);
    this.slowMode = slowMode;
    this.appFilter = appFilter;
    this.roomFilter = roomFilter;
    const members = (entries: readonly ExpiringEntry[]) => entries.map((e) => e.member).sort();
    this.filters = [compiledFilter(members(appFilter)), compiledFilter(members(roomFilter))];
  }
}

/** What the rooms of a process held when the store's connection dropped ({@link ModerationCaches.snapshot}). */
export interface ModerationSnapshot {
  /** Entries by store scope; app-wide scopes (global mutes and shadow bans, the app-wide filter) merged over every room (the latest expiry of each member). */
  scopes: Map<string, ExpiringEntry[]>;
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

  /** How many rooms' caches are registered. */
  get size(): number {
    return this.byTopic.get(Topic.allRooms)?.size ?? 0;
  }

  /**
   * What every room of this process holds now. Taken when the store's connection drops, before
   * any reload could replace it with what a Redis that lost its data says.
   */
  snapshot(): ModerationSnapshot {
    const scopes = new Map<string, ExpiringEntry[]>();
    /** App-wide scopes, merged over every room: each member once, with the latest expiry held. */
    const global = new Map<string, Map<string, number | null>>();
    for (const cache of this.byTopic.get(Topic.allRooms) ?? []) {
      const held = cache.snapshot();
      for (const [scope, entries] of held.rooms) {
        if (entries.length > 0) scopes.set(scope, [...(scopes.get(scope) ?? []), ...entries]);
      }
      for (const [scope, entries] of held.global) {
        let merged = global.get(scope);
        if (!merged) global.set(scope, (merged = new Map<string, number | null>()));
        for (const { member, expiresAt } of entries) {
          const known = merged.get(member);
          if (known === undefined || (known !== null && (expiresAt === null || expiresAt > known))) merged.set(member, expiresAt);
        }
      }
    }
    for (const [scope, merged] of global) {
      if (merged.size > 0)
        scopes.set(
          scope,
          [...merged].map(([member, expiresAt]) => ({ member, expiresAt })),
        );
    }
    return { scopes };
  }

  /**
   * Writes `snapshot` back after the store lost its data, then reloads every cache so the rooms
   * apply what the store holds again. The rule, per entry:
   * - only entries that have not expired, each with its original expiry (a 10-minute ban taken
   *   9 minutes ago comes back for 1 minute);
   * - only into a store whose data was lost (the caller knows: the epoch changed) — after a
   *   reconnect to a Redis that kept its data, an entry missing from the store was lifted, and
   *   nothing is written;
   * - never over what happened since the loss: an entry already present (re-set by an operator
   *   since) is left as it is, and one removed or whose scope was cleared since the loss (a lift,
   *   a room destroyed) stays removed, because the store remembers removals for a minute after a
   *   loss (`sets.restore`).
   * What cannot be told apart: a lift made in the last moments before Redis went down whose
   * notice never reached the room is lost with the rest of Redis' data, and comes back.
   * Resolves with the number of entries put back.
   */
  async writeBack(snapshot: ModerationSnapshot, sets: ExpiringSetStore): Promise<number> {
    if (!sets.restore) return 0;
    const restore = sets.restore.bind(sets);
    // all at once: one connection pipelines them
    const counts = await Promise.all([...snapshot.scopes].map(([scope, entries]) => restore(scope, entries)));
    const restored = counts.reduce((sum, n) => sum + n, 0);
    for (const cache of this.byTopic.get(Topic.allRooms) ?? []) {
      cache.reload().catch((e: unknown) => console.error("moderation reload after a write-back failed:", e));
    }
    return restored;
  }
}
