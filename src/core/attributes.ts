/**
 * Room key-value attributes (README "Client API", docs/http-api.md) with RongCloud's KV rules: key format and
 * length, value length, key count, batch size, owner-only overwrite/delete unless forced,
 * auto-delete when the owner leaves. Adds compare-and-set on a per-key version.
 * Every operation validates everything first and then applies, so a refused call changes nothing.
 */
import { ChatError, ErrorCode } from "./errors";
import { UNCARRIED_KEY } from "./objectKeys";

/** One attribute as stored and synchronized to members. */
export interface AttributeEntry {
  value: string;
  /** who set it last (the owner); "" when the operator set it without naming an owner */
  ownerId: string;
  /** deleted when the owner leaves the room */
  autoDelete: boolean;
  /** strictly increases on every set of the key and is never reused within a table */
  version: number;
  updatedAt: number;
}

/** RongCloud's KV limits. Keys are 1..maxKeyLength characters of {@link ATTRIBUTE_KEY_PATTERN}. */
export const ATTRIBUTE_LIMITS = { maxKeys: 100, maxKeyLength: 128, maxValueLength: 4096, maxBatch: 20 } as const;
/**
 * Bytes of the largest valid set request on the socket: a full batch of the longest keys (ASCII)
 * with the longest values, each UTF-16 unit of a value up to 3 bytes of UTF-8, plus room for the
 * request's encoding. The transport's frame limit must admit it.
 */
export const MAX_ATTRIBUTE_REQUEST_BYTES =
  ATTRIBUTE_LIMITS.maxBatch * (ATTRIBUTE_LIMITS.maxKeyLength + 3 * ATTRIBUTE_LIMITS.maxValueLength + 16) + 1024;
/**
 * The key alphabet, case-sensitive. Keys named after `Object.prototype` properties (`constructor`,
 * `toString`, ...) are ordinary keys, except `__proto__`, which room messages cannot carry
 * (core/objectKeys).
 */
export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z0-9+=_-]+$/;

/** Options of {@link AttributeTable.set}. */
export interface SetOptions {
  /** overwrite keys owned by someone else */
  isForce?: boolean;
  /** delete the keys when their owner leaves the room */
  isDeleteAfterOwnerLeft?: boolean;
  /** compare-and-set: only apply when the key's current version equals this (0 = key must not exist); checked for every key of the batch */
  expectedVersion?: number;
  /** owner recorded for the keys (the server API's userId / entryOwnerId); defaults to the actor, or "" for the operator */
  ownerId?: string;
}

/** The attributes of one room. */
export class AttributeTable {
  private readonly table = new Map<string, AttributeEntry>();
  private clock = 0;

  /**
   * Starts from stored entries (copied); new versions continue above the highest stored one and
   * above `clock` (a stored table's own clock: versions of deleted keys are never reused).
   */
  constructor(entries?: Readonly<Record<string, AttributeEntry>>, clock = 0) {
    this.clock = clock;
    for (const [key, entry] of Object.entries(entries ?? {})) {
      this.table.set(key, { ...entry });
      this.clock = Math.max(this.clock, entry.version);
    }
  }

  /** The last version given out (store it with the entries to start a table where this one left off). */
  get versionClock(): number {
    return this.clock;
  }

  /** The entry for `key` (a copy), or undefined. */
  get(key: string): AttributeEntry | undefined {
    const entry = this.table.get(key);
    return entry && { ...entry };
  }

  /** Every entry, copied, keyed by attribute key (a null-prototype object: any key is an own property). */
  entries(): Record<string, AttributeEntry> {
    const out = Object.create(null) as Record<string, AttributeEntry>;
    for (const [key, entry] of this.table) out[key] = { ...entry };
    return out;
  }

  /** Number of keys. */
  get size(): number {
    return this.table.size;
  }

  /**
   * All-or-nothing set. Validates, in this order: batch size 1..20 (ATTRIBUTE_BATCH_LIMIT, or
   * PARAMETER when empty); each key's format and length and each value's length (ILLEGAL_ARGUMENT,
   * naming the key and the limit); `expectedVersion` (ATTRIBUTE_VERSION_CONFLICT, checked before
   * ownership so the loser of a race learns it lost); ownership of existing keys unless `isForce` or
   * the actor is the operator (ATTRIBUTE_NOT_OWNER); the key count
   * including the new keys (ATTRIBUTE_COUNT_LIMIT). Then applies every pair, each getting a new
   * version, and returns the keys set. `actor` null = operator (server API), which may overwrite anything.
   */
  set(actor: string | null, pairs: Readonly<Record<string, string>>, options: SetOptions, now: number): string[] {
    const keys = Object.keys(pairs);
    checkBatch(keys.length, "pairs");
    for (const key of keys) {
      checkKey(key);
      // own properties only (Object.keys): `pairs.constructor` of a plain object is never read as a value
      const value: unknown = pairs[key];
      if (typeof value !== "string" || value.length > ATTRIBUTE_LIMITS.maxValueLength) {
        throw new ChatError(
          ErrorCode.ILLEGAL_ARGUMENT,
          `value of attribute "${key}" must be a string of at most ${ATTRIBUTE_LIMITS.maxValueLength} characters, got ${typeof value === "string" ? value.length : typeof value}`,
        );
      }
    }
    for (const key of keys) {
      const current = this.table.get(key);
      if (options.expectedVersion !== undefined && (current?.version ?? 0) !== options.expectedVersion) {
        throw new ChatError(
          ErrorCode.ATTRIBUTE_VERSION_CONFLICT,
          `attribute "${key}" is at version ${current?.version ?? 0}, expectedVersion was ${options.expectedVersion}`,
        );
      }
      if (current && !canOverride(actor, current, options.isForce)) {
        throw new ChatError(ErrorCode.ATTRIBUTE_NOT_OWNER, `attribute "${key}" is owned by another user; set isForce to overwrite it`);
      }
    }
    const newKeys = keys.filter((key) => !this.table.has(key)).length;
    if (this.table.size + newKeys > ATTRIBUTE_LIMITS.maxKeys) {
      throw new ChatError(
        ErrorCode.ATTRIBUTE_COUNT_LIMIT,
        `a room holds at most ${ATTRIBUTE_LIMITS.maxKeys} attribute keys; it has ${this.table.size} and this call adds ${newKeys}`,
      );
    }
    const ownerId = options.ownerId ?? actor ?? "";
    const autoDelete = options.isDeleteAfterOwnerLeft ?? false;
    for (const [key, value] of Object.entries(pairs)) {
      this.table.set(key, { value, ownerId, autoDelete, version: ++this.clock, updatedAt: now });
    }
    return keys;
  }

  /**
   * All-or-nothing delete of 1..20 keys (duplicates count once). Throws ATTRIBUTE_BATCH_LIMIT
   * (or PARAMETER when empty), ILLEGAL_ARGUMENT for a malformed key, ATTRIBUTE_KEY_MISSING (23427)
   * for an absent key, ATTRIBUTE_NOT_OWNER (23424) when neither owner, operator (null) nor forced.
   * Returns the deleted keys.
   */
  delete(actor: string | null, keys: readonly string[], options: { isForce?: boolean }): string[] {
    const unique = [...new Set(keys)];
    checkBatch(unique.length, "keys");
    for (const key of unique) {
      checkKey(key);
      const current = this.table.get(key);
      if (!current) throw new ChatError(ErrorCode.ATTRIBUTE_KEY_MISSING, `attribute "${key}" does not exist`);
      if (!canOverride(actor, current, options.isForce)) {
        throw new ChatError(ErrorCode.ATTRIBUTE_NOT_OWNER, `attribute "${key}" is owned by another user; set isForce to delete it`);
      }
    }
    for (const key of unique) this.table.delete(key);
    return unique;
  }

  /** The owner left the room: its keys marked autoDelete are deleted and returned. Never throws. */
  ownerLeft(userId: string): string[] {
    const deleted: string[] = [];
    for (const [key, entry] of this.table) {
      if (entry.autoDelete && entry.ownerId === userId) deleted.push(key);
    }
    for (const key of deleted) this.table.delete(key);
    return deleted;
  }
}

function canOverride(actor: string | null, entry: AttributeEntry, isForce: boolean | undefined): boolean {
  return actor === null || isForce === true || entry.ownerId === actor;
}

function checkBatch(count: number, field: string): void {
  if (count === 0) throw new ChatError(ErrorCode.PARAMETER, `${field} must hold 1..${ATTRIBUTE_LIMITS.maxBatch} attributes, got none`);
  if (count > ATTRIBUTE_LIMITS.maxBatch) {
    throw new ChatError(
      ErrorCode.ATTRIBUTE_BATCH_LIMIT,
      `${field} may hold at most ${ATTRIBUTE_LIMITS.maxBatch} attributes per call, got ${count}`,
    );
  }
}

function checkKey(key: string): void {
  if (key.length > ATTRIBUTE_LIMITS.maxKeyLength || !ATTRIBUTE_KEY_PATTERN.test(key)) {
    throw new ChatError(
      ErrorCode.ILLEGAL_ARGUMENT,
      `attribute key must be 1..${ATTRIBUTE_LIMITS.maxKeyLength} characters of [A-Za-z0-9+=_-], got ${JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}...` : key)} (${key.length} characters)`,
    );
  }
  if (key === UNCARRIED_KEY) {
    throw new ChatError(
      ErrorCode.ILLEGAL_ARGUMENT,
      `attribute key must not be "${UNCARRIED_KEY}": room messages (MessagePack) cannot carry it as a key`,
    );
  }
}
