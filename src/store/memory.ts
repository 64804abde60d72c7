/**
 * In-memory {@link ChatStore}.
 *
 * Good for: unit and integration tests, the demo, and a single-process deployment. It behaves as
 * the Redis store does where callers can tell: every method is async, bus delivery happens on a
 * later turn (setImmediate) and hands each handler its own JSON copy, expiry is exact to the ms,
 * and history keeps and returns JSON copies of messages, never the caller's objects.
 *
 * Cannot: share anything with another process (each process would have its own bans, claims and
 * bus, so two processes would both "own" a room id), or survive a restart. Use the Redis store as
 * soon as there is more than one process.
 */
import { DEFAULT_AUDIT_RETENTION, MemoryAuditLog } from "./audit";
import { CompactMap } from "./compactMap";
import { isLive, PRUNE_GRACE_MS, type StoreClockOptions } from "./expiry";
import type { RoomMessage } from "../protocol";
import { checkAppend, checkQuery, selectHistory, seqNotIncreasing } from "./history";
import { deliver, encodePayload, reportToConsole, type BusErrorReporter, type BusHandler } from "./payload";
import type { AuditRetention, ChatBus, ChatStore, ClaimStore, ExpiringEntry, ExpiringSetStore, HistoryQuery, HistoryStore } from "./types";

/** Options of {@link createMemoryStore}; all optional. */
export interface MemoryStoreOptions extends StoreClockOptions {
  /** Called when a bus handler throws (the other handlers still run). Default: console.error. */
  onHandlerError?: BusErrorReporter;
  /** How much audit trail to keep [100,000 entries, 30 days]. */
  auditRetention?: AuditRetention;
}

/**
 * Creates an empty in-memory store. Nothing is shared with other stores, even in one process.
 * After `close()` the bus delivers nothing more; the data stays readable.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): ChatStore {
  const clock = options.clock ?? Date.now;
  const bus = new MemoryBus(options.onHandlerError ?? reportToConsole);
  return {
    sets: new MemorySets(clock),
    claims: new MemoryClaims(clock),
    bus,
    history: new MemoryHistory(),
    audit: new MemoryAuditLog(options.auditRetention ?? DEFAULT_AUDIT_RETENTION, clock),
    close: async () => bus.close(),
  };
}

class MemorySets implements ExpiringSetStore {
  private readonly scopes = new Map<string, CompactMap<number | null>>();

  constructor(private readonly clock: () => number) {}

  async add(scope: string, members: readonly string[], expiresAt: number | null): Promise<void> {
    if (members.length === 0) return;
    let entries = this.scopes.get(scope);
    if (!entries) {
      entries = new CompactMap();
      this.scopes.set(scope, entries);
    }
    for (const member of members) entries.set(member, expiresAt);
    this.prune(scope, this.clock());
  }

  async remove(scope: string, members: readonly string[]): Promise<number> {
    const entries = this.scopes.get(scope);
    if (!entries) return 0;
    const now = this.clock();
    let removed = 0;
    for (const member of members) {
      const expiresAt = entries.get(member);
      if (expiresAt === undefined) continue;
      if (isLive(expiresAt, now)) removed++;
      entries.delete(member);
    }
    if (entries.size === 0) this.scopes.delete(scope);
    return removed;
  }

  async has(scope: string, member: string, now: number): Promise<boolean> {
    const expiresAt = this.scopes.get(scope)?.get(member);
    return expiresAt !== undefined && isLive(expiresAt, now);
  }

  async hasMany(scope: string, members: readonly string[], now: number): Promise<boolean[]> {
    const entries = this.scopes.get(scope);
    return members.map((member) => {
      const expiresAt = entries?.get(member);
      return expiresAt !== undefined && isLive(expiresAt, now);
    });
  }

  async list(scope: string, now: number): Promise<ExpiringEntry[]> {
    const entries = this.prune(scope, now);
    const live: ExpiringEntry[] = [];
    for (const [member, expiresAt] of entries?.entries() ?? []) {
      if (isLive(expiresAt, now)) live.push({ member, expiresAt });
    }
    return live;
  }

  async count(scope: string, now: number): Promise<number> {
    let n = 0;
    for (const [, expiresAt] of this.prune(scope, now)?.entries() ?? []) {
      if (isLive(expiresAt, now)) n++;
    }
    return n;
  }

  async clear(scope: string): Promise<void> {
    this.scopes.delete(scope);
  }

  /** Drops entries expired for longer than the grace; returns what is left of the scope. */
  private prune(scope: string, now: number): CompactMap<number | null> | undefined {
    const entries = this.scopes.get(scope);
    if (!entries) return undefined;
    const cutoff = now - PRUNE_GRACE_MS;
    for (const [member, expiresAt] of entries.entries()) {
      if (!isLive(expiresAt, cutoff)) entries.delete(member);
    }
    if (entries.size > 0) return entries;
    this.scopes.delete(scope);
    return undefined;
  }
}

/** How often (at most) the claims are swept of expired entries that nobody asked about since. */
const CLAIM_SWEEP_MS = 1000;

class MemoryClaims implements ClaimStore {
  private readonly holders = new Map<string, { owner: string; expiresAt: number }>();
  private nextSweep = 0;

  constructor(private readonly clock: () => number) {}

  /**
   * Drops expired claims, at most once per {@link CLAIM_SWEEP_MS}: names claimed once and never
   * asked about again (signature nonces, room ids of rooms long gone) would otherwise stay forever.
   */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + CLAIM_SWEEP_MS;
    for (const [name, entry] of this.holders) if (entry.expiresAt <= now) this.holders.delete(name);
  }

  private live(name: string): { owner: string; expiresAt: number } | undefined {
    const entry = this.holders.get(name);
    if (entry && entry.expiresAt <= this.clock()) {
      this.holders.delete(name);
      return undefined;
    }
    return entry;
  }

  async claim(name: string, owner: string, ttlMs: number): Promise<boolean> {
    this.sweep(this.clock());
    const entry = this.live(name);
    if (entry !== undefined) return entry.owner === owner;
    this.holders.set(name, { owner, expiresAt: this.clock() + ttlMs });
    return true;
  }

  async renew(names: readonly string[], owner: string, ttlMs: number): Promise<string[]> {
    const lost: string[] = [];
    for (const name of names) {
      const entry = this.live(name);
      if (entry?.owner === owner) entry.expiresAt = this.clock() + ttlMs;
      else lost.push(name);
    }
    return lost;
  }

  async release(name: string, owner: string): Promise<boolean> {
    if (this.live(name)?.owner !== owner) return false;
    this.holders.delete(name);
    return true;
  }

  async holder(name: string): Promise<string | undefined> {
    return this.live(name)?.owner;
  }
}

/** A JSON copy, so stored messages share nothing with callers (as if read back from Redis). */
const copy = (message: RoomMessage): RoomMessage => JSON.parse(JSON.stringify(message)) as RoomMessage;

class MemoryHistory implements HistoryStore {
  /** Kept messages of each room, ascending seq. */
  private readonly rooms = new Map<string, RoomMessage[]>();
  /** Kept apart from the messages: it outlives their trimming and removal. */
  private readonly lastSeqs = new Map<string, number>();

  async append(roomId: string, message: RoomMessage, keep: number): Promise<void> {
    checkAppend(roomId, message, keep);
    const last = this.lastSeqs.get(roomId) ?? 0;
    if (message.seq <= last) throw seqNotIncreasing(roomId, message.seq, last);
    this.lastSeqs.set(roomId, message.seq);
    let messages = this.rooms.get(roomId);
    if (!messages) {
      messages = [];
      this.rooms.set(roomId, messages);
    }
    messages.push(copy(message));
    if (messages.length > keep) messages.splice(0, messages.length - keep);
  }

  async query(roomId: string, query: HistoryQuery): Promise<RoomMessage[]> {
    checkQuery(roomId, query);
    return selectHistory(this.rooms.get(roomId) ?? [], query).map(copy);
  }

  async lastSeq(roomId: string): Promise<number> {
    return this.lastSeqs.get(roomId) ?? 0;
  }

  async remove(roomId: string, messageID: string): Promise<RoomMessage | undefined> {
    const messages = this.rooms.get(roomId);
    const index = messages?.findIndex((message) => message.messageID === messageID) ?? -1;
    if (!messages || index < 0) return undefined;
    const [removed] = messages.splice(index, 1);
    return removed;
  }

  async clear(roomId: string): Promise<void> {
    this.rooms.delete(roomId);
    this.lastSeqs.delete(roomId);
  }
}

class MemoryBus implements ChatBus {
  private readonly topics = new Map<string, Set<BusHandler>>();
  private closed = false;

  constructor(private readonly onError: BusErrorReporter) {}

  async publish(topic: string, payload: unknown): Promise<void> {
    const text = encodePayload(topic, payload);
    // A later turn, as a Redis round trip would be; handlers are looked up at delivery time, so an
    // unsubscribe that resolved before delivery stops it, as on Redis.
    setImmediate(() => {
      const handlers = this.topics.get(topic);
      if (handlers && !this.closed) deliver(topic, text, handlers, this.onError);
    });
  }

  async subscribe(topic: string, handler: BusHandler): Promise<() => Promise<void>> {
    let handlers = this.topics.get(topic);
    if (!handlers) {
      handlers = new Set();
      this.topics.set(topic, handlers);
    }
    // A wrapper, so subscribing one function twice gives two independent subscriptions.
    const entry: BusHandler = (payload) => handler(payload);
    handlers.add(entry);
    return async () => {
      const current = this.topics.get(topic);
      if (!current?.delete(entry)) return;
      if (current.size === 0) this.topics.delete(topic);
    };
  }

  close(): void {
    this.closed = true;
    this.topics.clear();
  }
}
