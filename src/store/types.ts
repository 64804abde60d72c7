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
  afterSeq?: number;   // seq > afterSeq
  beforeSeq?: number;  // seq < beforeSeq
  since?: number;      // timestamp >= since (ms)
  until?: number;      // timestamp <= until (ms)
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

/** Everything the server keeps outside a single room. */
export interface ChatStore {
  sets: ExpiringSetStore;
  claims: ClaimStore;
  bus: ChatBus;
  history: HistoryStore;
  /** Releases connections/timers held by the store. */
  close(): Promise<void>;
}
