/**
 * Async interfaces for cluster-wide state. Every method returns a Promise, in memory too, so
 * callers are written once for both backends. Rooms learn about changes through
 * {@link ChatBus}, never by polling.
 */
import type { RoomMessage } from "../protocol";

/** One entry of an {@link ExpiringSetStore}: a member and when it expires (ms epoch; null = never). */
export interface ExpiringEntry {
  member: string;
  expiresAt: number | null;
}

/**
 * Sets of strings grouped by scope, each member with an optional expiry. Bans, mutes, allowlists,
 * keep-alive rooms and the user -> rooms index are all built on it.
 * An expired member behaves exactly as an absent one from the millisecond `expiresAt` is reached.
 */
export interface ExpiringSetStore {
  /** Adds (or re-adds, replacing the expiry) members to `scope`. `expiresAt` null = no expiry. */
  add(scope: string, members: readonly string[], expiresAt: number | null): Promise<void>;
  /**
   * Removes members; returns how many were present (and unexpired). Having no `now` argument, it
   * judges expiry by the store's clock (Date.now unless the factory was given another).
   */
  remove(scope: string, members: readonly string[]): Promise<number>;
  /** True when `member` is in `scope` and not expired at `now`. */
  has(scope: string, member: string, now: number): Promise<boolean>;
  /** For each member, whether it is present and unexpired (same order as `members`). */
  hasMany(scope: string, members: readonly string[], now: number): Promise<boolean[]>;
  /** Unexpired entries of `scope` at `now`, in no promised order. */
  list(scope: string, now: number): Promise<ExpiringEntry[]>;
  /** Number of unexpired entries at `now`. */
  count(scope: string, now: number): Promise<number>;
  /** Deletes the whole scope. */
  clear(scope: string): Promise<void>;
  /**
   * Optional (stores that can lose their data, Redis): puts back entries after the store lost its
   * data, without undoing what operators did since. Adds each of `entries` (with its own expiry;
   * already expired ones are skipped) to `scope` unless the member is present, or was removed or
   * the scope cleared since the data was lost (such removals are remembered for a minute).
   * Resolves with how many were added.
   */
  restore?(scope: string, entries: readonly ExpiringEntry[]): Promise<number>;
}

/**
 * Exclusive claims on names (room ids), so one id makes one room in the whole cluster. Claims
 * expire unless renewed, so a process that dies without releasing frees its names within the TTL.
 */
export interface ClaimStore {
  /**
   * Claims `name` for `owner` for `ttlMs`; false when someone else holds it. Atomic across the
   * cluster: of concurrent claimants exactly one gets true. Claiming again what `owner` already
   * holds is true (and does not shorten it).
   */
  claim(name: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Extends each of `names` that `owner` still holds to `ttlMs` from now; resolves with the names it no longer holds. */
  renew(names: readonly string[], owner: string, ttlMs: number): Promise<string[]>;
  /** Releases `name` if `owner` holds it; true when released. */
  release(name: string, owner: string): Promise<boolean>;
  /** Current holder of `name`, if any (an expired claim has none). */
  holder(name: string): Promise<string | undefined>;
  /**
   * Optional (stores shared by processes): makes `owner` visibly alive for as long as this store's
   * connection lives, so other processes can tell a crashed holder from a live one
   * ({@link isAlive}). Resolves with the owner value to claim under from then on: it marks the
   * claims as announced, so {@link takeOver} never takes a name from a holder that cannot show it
   * is alive (e.g. a process of an older version).
   */
  announce?(owner: string): Promise<string>;
  /** Optional: whether the holder value `owner` was announced by a process whose connection is still up. */
  isAlive?(owner: string): Promise<boolean>;
  /**
   * Optional: atomically gives `name` to `owner` for `ttlMs` when `deadOwner` still holds it and
   * is not alive (announced, connection gone). False when anyone else holds it, or `deadOwner` is alive.
   */
  takeOver?(name: string, deadOwner: string, owner: string, ttlMs: number): Promise<boolean>;
  /**
   * Optional: ms epoch at which the store's connection last came back after a drop (0 when it
   * never dropped). Until every process has reconnected too, their claims look orphaned.
   */
  reconnectedAt?(): number;
}

/**
 * Publish/subscribe between rooms, services and processes. Payloads are JSON-serializable.
 * Delivery is always asynchronous (never inside `publish`), in publish order per topic, at most
 * once, and each handler receives its own JSON copy of the payload (as if sent through Redis).
 */
export interface ChatBus {
  /** Publishes to every current subscriber of `topic`; rejects with TypeError when `payload` is not JSON-serializable. */
  publish(topic: string, payload: unknown): Promise<void>;
  /** Subscribes; resolves with a function that unsubscribes this handler only. */
  subscribe(topic: string, handler: (payload: unknown) => void): Promise<() => Promise<void>>;
}

/** How to read history: `forward` = the oldest `limit` matches, `backward` = the newest `limit` matches. Results are always oldest-first (ascending seq). */
export interface HistoryQuery {
  afterSeq?: number; // seq > afterSeq
  beforeSeq?: number; // seq < beforeSeq
  since?: number; // timestamp >= since (ms)
  until?: number; // timestamp <= until (ms)
  limit: number;
  direction: "forward" | "backward";
}

/** Per-room message history: the newest `keep` messages of each room, for join delivery, paging and reconnect recovery. */
export interface HistoryStore {
  /** Appends a message (seq strictly greater than any before in that room) and trims the room to its newest `keep`. */
  append(roomId: string, message: RoomMessage, keep: number): Promise<void>;
  query(roomId: string, query: HistoryQuery): Promise<RoomMessage[]>;
  /** Highest seq ever appended to the room (0 if none); survives remove() and trimming, reset only by clear(). */
  lastSeq(roomId: string): Promise<number>;
  /** Removes one message by id (recall); resolves with it, or undefined if not (or no longer) kept. */
  remove(roomId: string, messageID: string): Promise<RoomMessage | undefined>;
  /** Forgets the room's history and seq. */
  clear(roomId: string): Promise<void>;
}

/**
 * Small per-name records of string fields (a room's accepted state: name, attributes with their
 * owners and versions), for what must outlive the process that wrote it. Optional in
 * {@link ChatStore}: a store that dies with its process has nothing to keep across a crash.
 */
export interface RecordStore {
  /**
   * Sets the `set` fields and deletes the `deleted` ones of record `name`, in one step, and gives
   * the record the expiry `expiresAt` (ms epoch; null = none). With `fence`, only while the claim
   * `fence.claim` is held by `fence.owner` (a room that lost its id to another process writes
   * nothing); resolves false when fenced off.
   */
  update(
    name: string,
    set: Readonly<Record<string, string>>,
    deleted: readonly string[],
    expiresAt: number | null,
    fence?: { claim: string; owner: string },
  ): Promise<boolean>;
  /** Every field of record `name` (an empty object when there is none). */
  read(name: string): Promise<Record<string, string>>;
  /** Sets the expiry of record `name` (nothing when it does not exist). */
  expire(name: string, expiresAt: number | null): Promise<void>;
  /** Deletes record `name`. */
  delete(name: string): Promise<void>;
}

/**
 * One audit entry: an operator action or an automatic removal. `result` is the answer's code (200
 * for success). Ids are the rooms and users the action named or removed.
 */
export interface AuditEntry {
  /** ms epoch. */
  at: number;
  /** Who: "operator" (the HTTP API, with its App-Key after a colon when signed), "system" (the server's own rules). */
  actor: string;
  /** What: the API path ("/chatroom/user/block/add.json") or the automatic action ("member.removed", "room.destroyed"). */
  action: string;
  roomIds: string[];
  userIds: string[];
  result: number;
  /** A short human-readable account, e.g. "minute=60" or "reason=EXPIRED". */
  detail: string;
}

/** Which audit entries to read: every bound optional; newest first, at most `limit`. */
export interface AuditQuery {
  roomId?: string;
  userId?: string;
  /** at >= since (ms epoch). */
  since?: number;
  /** at <= until (ms epoch). */
  until?: number;
  limit: number;
}

/** How much audit trail a store keeps: at most `maxEntries`, none older than `maxAgeMs`. */
export interface AuditRetention {
  maxEntries: number;
  maxAgeMs: number;
}

/**
 * The audit trail, kept within a retention limit. Optional in {@link ChatStore}: without it
 * nothing is recorded and the query API answers that there is no audit trail.
 */
export interface AuditLogStore {
  append(entry: AuditEntry): Promise<void>;
  /** Matching entries, newest first. */
  query(query: AuditQuery): Promise<AuditEntry[]>;
}

/** A change of a store's connection, as {@link StoreRecovery} reports it. */
export type StoreConnectionChange =
  /** The connection dropped (a Redis restart, a network fault); commands wait or fail meanwhile. */
  | { state: "down" }
  /**
   * The connection is back. `lost`: the store's data was lost meanwhile (Redis restarted without
   * persistence, or was flushed), so processes should put back what they hold.
   */
  | { state: "up"; lost: boolean };

/**
 * What a store shared by processes offers for recovering after its server lost data. Optional in
 * {@link ChatStore}.
 */
export interface StoreRecovery {
  /**
   * Reports every later change of the connection to `listener`. The first call also marks the
   * store's current data (an epoch), against which each reconnect tells whether data was lost.
   * Returns a function that stops the reports.
   */
  watch(listener: (change: StoreConnectionChange) => void): Promise<() => void>;
}

/** Everything the server keeps outside a single room. */
export interface ChatStore {
  sets: ExpiringSetStore;
  claims: ClaimStore;
  bus: ChatBus;
  history: HistoryStore;
  /** Releases connections/timers held by the store. */
  close(): Promise<void>;
  /** Optional: per-room records that outlive a process (Redis). */
  records?: RecordStore;
  /** Optional: connection changes and data-loss detection (Redis). */
  recovery?: StoreRecovery;
  /** Optional: the audit trail (both built-in stores keep one). */
  audit?: AuditLogStore;
}
