/**
 * A room's accepted state in the store, so a room that comes back after its process died is the
 * same room: its name, creation time and creation options, and its attributes with their owners,
 * auto-delete flags, versions and times. Messages and their sequence are in the history store
 * already (MessagePipeline reads the last seq on create); moderation and destroy settings are
 * keyed by room id in the store's sets.
 *
 * Semantics (README "Rooms and their lifecycle"): a crash or a shutdown is not a destroy. A room
 * created again with the id of a room that died without being destroyed takes back its record,
 * ignoring the new creation options, and the settings that "die with the room" (mute-all and its
 * exceptions, protected users, destroy override, keep-alive, the distribution switch) stay in
 * force. The record lives as long as the room would have lived without activity (its destroy
 * deadline, refreshed every minute; no expiry for keep-alive rooms): a room that does not come
 * back in time has expired, so a room created later with its id starts from nothing, and the
 * settings its predecessor left are forgotten then, as a destroy would have. An operator destroy
 * or an expiry deletes the record (next to forgetDestroyedRoom).
 *
 * Restored auto-delete attributes whose owner has not entered again within the reconnection
 * window are deleted, as they would have been when the owner's dropped connection ran out.
 *
 * Writes are fenced by the room's id claim: a room that lost its id to another process (after a
 * takeover) writes nothing. Only stores with `records` (Redis) keep anything; in memory the
 * module does nothing, since the store dies with the process.
 */
import type { AttributeEntry } from "../src/core/attributes";
import { nextDestroy, type DestroyPolicy, type RoomActivity } from "../src/core/destroyPolicy";
import { forgetsRoom, type ExitReason } from "../src/core/exitReasons";
import type { RoomConfig } from "../src/protocol";
import type { ChatContext } from "../src/service/context";
import { trackRoomRecord, watchStoreRecovery } from "../src/service/restore";
import type { RecordStore } from "../src/store/types";
import { forgetDestroyedRoom } from "../src/service/rooms";
import { Scope } from "../src/service/scopes";
import type { RoomAttributes } from "./RoomAttributes";

/** How often a live room refreshes its record's expiry. */
const RECORD_REFRESH_MS = 60_000;
/** The record outlives the room's destroy deadline by this much, so it never lapses between refreshes. */
const RECORD_MARGIN_MS = 2 * RECORD_REFRESH_MS;
const META = "meta";
const ATTRIBUTE = "attr:";

/** What a room is created from, as ChatRoom's onCreate holds it; restoring a room rewrites it. */
export interface RoomOrigin {
  roomName: string;
  creatorId: string | null;
  config: RoomConfig;
}

/** A room's record as read back. */
export interface RestoredRoom {
  roomName: string;
  createdAt: number;
  creatorId: string | null;
  config: RoomConfig;
  attributes: Record<string, AttributeEntry>;
  /** The attribute table's version clock (new versions continue above it). */
  clock: number;
}

interface Meta {
  roomName: string;
  createdAt: number;
  creatorId: string | null;
  config: { roomDestroyDelayTime?: number };
  clock: number;
}

/** What the snapshot reads from its live room. */
export interface SnapshotHost {
  attributes: RoomAttributes;
  /** The room's policy and activity now, for the record's expiry. */
  policy(): DestroyPolicy;
  activity(): RoomActivity;
  isMember(userId: string): boolean;
  /** The room's members (user ids). */
  members(): string[];
  /** The room's clock (timers cleared with the room). */
  setTimeout(fn: () => void, ms: number): { clear(): void };
}

function parseRecord(fields: Record<string, string>): RestoredRoom | undefined {
  const metaText = fields[META];
  if (metaText === undefined) return undefined;
  try {
    const meta = JSON.parse(metaText) as Partial<Meta>;
    if (typeof meta.roomName !== "string" || typeof meta.createdAt !== "number") return undefined;
    const attributes = Object.create(null) as Record<string, AttributeEntry>;
    for (const [field, text] of Object.entries(fields)) {
      if (!field.startsWith(ATTRIBUTE)) continue;
      const e = JSON.parse(text) as AttributeEntry;
      attributes[field.slice(ATTRIBUTE.length)] = {
        value: e.value,
        ownerId: e.ownerId,
        autoDelete: e.autoDelete,
        version: e.version,
        updatedAt: e.updatedAt,
      };
    }
    const config: RoomConfig = {};
    if (typeof meta.config?.roomDestroyDelayTime === "number") config.roomDestroyDelayTime = meta.config.roomDestroyDelayTime;
    return {
      roomName: meta.roomName,
      createdAt: meta.createdAt,
      creatorId: meta.creatorId ?? null,
      config,
      attributes,
      clock: Number(meta.clock) || 0,
    };
  } catch {
    return undefined;
  }
}

/** The record of `roomId` as a room coming back reads it; undefined when there is none (or the store keeps no records). */
async function readRecord(ctx: ChatContext, roomId: string): Promise<RestoredRoom | undefined> {
  const { records } = ctx.store;
  return records ? parseRecord(await records.read(roomId)) : undefined;
}

/**
 * Whether room `roomId` has no record to come back from while the store keeps records: it was
 * destroyed (a live room, or one whose process died, keeps its record). A relay shard asks before
 * bringing its room back (rooms/RelayShard.ts), so a destroyed room stays destroyed.
 */
export async function recordGone(ctx: ChatContext, roomId: string): Promise<boolean> {
  return ctx.store.records !== undefined && (await readRecord(ctx, roomId)) === undefined;
}

/** One room's record: read on create, written on every accepted attribute change. */
export class RoomSnapshot {
  /** Set by {@link start}: what keeping the record needs. */
  private live: { host: SnapshotHost; meta: Meta; records: RecordStore } | undefined;
  /** The fields as last written (field -> JSON). */
  private written = new Map<string, string>();
  private dirty = false;
  /** A full write is due (the last write failed, or the store lost its data). */
  private full = true;
  private writing: Promise<void> | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private orphanTimer: { clear(): void } | undefined;
  private untrack: (() => void) | undefined;
  private closed = false;
  /** Set when a write found the claim held by another process: this room no longer owns the record. */
  private fencedOff = false;

  private constructor(
    private readonly ctx: ChatContext,
    private readonly roomId: string,
    /** The record read on create, when this room is one coming back. */
    readonly restored: RestoredRoom | undefined,
  ) {}

  /**
   * Reads the record of `roomId` (call it once the room holds its id claim). When there is one,
   * the room is coming back: `origin` is rewritten with the recorded name, creator and options,
   * and {@link restored} holds the rest. When there is none, settings a predecessor of this id
   * left behind without being destroyed are forgotten.
   */
  static async open(ctx: ChatContext, roomId: string, origin: RoomOrigin): Promise<RoomSnapshot> {
    const { records } = ctx.store;
    if (!records) return new RoomSnapshot(ctx, roomId, undefined);
    // the first room of the process starts watching the store for reconnects (src/service/restore.ts)
    await watchStoreRecovery(ctx).catch((e: unknown) =>
      console.error("watching the store for recovery failed; the next room tries again:", e instanceof Error ? e.message : e),
    );
    const restored = await readRecord(ctx, roomId);
    if (restored) {
      origin.roomName = restored.roomName;
      origin.creatorId = restored.creatorId;
      origin.config = restored.config;
      console.info(`room ${roomId}: restored from its record (${Object.keys(restored.attributes).length} attributes)`);
    } else {
      await forgetDestroyedRoom(ctx, roomId);
    }
    return new RoomSnapshot(ctx, roomId, restored);
  }

  /** Puts the restored attributes into the room, at their versions (nothing when the room is new). */
  restoreAttributes(attributes: RoomAttributes): void {
    if (this.restored) attributes.seed(this.restored.attributes, this.restored.clock);
  }

  /**
   * Starts keeping the record: writes it now, refreshes its expiry every minute, and schedules the
   * end of restored auto-delete attributes whose owners do not come back.
   */
  start(host: SnapshotHost, createdAt: number, origin: RoomOrigin): void {
    const { records } = this.ctx.store;
    if (!records || this.closed) return;
    const config: Meta["config"] = {};
    if (origin.config.roomDestroyDelayTime !== undefined) config.roomDestroyDelayTime = origin.config.roomDestroyDelayTime;
    this.live = { host, records, meta: { roomName: origin.roomName, createdAt, creatorId: origin.creatorId, config, clock: 0 } };
    this.untrack = trackRoomRecord(this.ctx, this);
    this.refreshTimer = setInterval(() => this.refresh(), RECORD_REFRESH_MS).unref();
    const owners = new Set(
      Object.values(this.restored?.attributes ?? {})
        .filter((e) => e.autoDelete)
        .map((e) => e.ownerId),
    );
    if (owners.size > 0) {
      this.orphanTimer = host.setTimeout(() => {
        for (const owner of owners) if (!host.isMember(owner)) host.attributes.ownerLeft(owner);
      }, this.ctx.config.reconnectWindowS * 1000);
    }
    this.attributesChanged();
  }

  /** An attribute change was accepted: the record follows (writes are coalesced, one at a time). */
  attributesChanged(): void {
    if (!this.live || this.closed || this.fencedOff) return;
    this.dirty = true;
    this.writing ??= this.drain().finally(() => {
      this.writing = undefined;
    });
  }

  /**
   * The store lost its data: writes the whole record again, and puts the room's members back in
   * the user -> rooms index (the rooms-per-user limit counts it), unless they left since the loss.
   * Resolves when written.
   */
  async rewrite(): Promise<void> {
    if (!this.live || this.closed || this.fencedOff) return;
    this.full = true;
    this.attributesChanged();
    const { sets } = this.ctx.store;
    const entry = [{ member: this.roomId, expiresAt: null }];
    const restore = sets.restore?.bind(sets);
    await Promise.all([
      this.writing,
      ...(restore ? this.live.host.members().map((userId) => restore(Scope.userRooms(userId), entry)) : []),
    ]);
  }

  /**
   * The room is gone. An operator destroy or an expiry deletes the record (the room is forgotten);
   * a shutdown keeps it (the room comes back when entered again), as does a crash, which never
   * gets here. Resolves when the record is deleted.
   */
  async close(reason: ExitReason | undefined): Promise<void> {
    this.closed = true;
    clearInterval(this.refreshTimer);
    this.orphanTimer?.clear();
    this.untrack?.();
    await this.writing?.catch(() => undefined);
    const forget = forgetsRoom(reason);
    if (forget && this.ctx.store.records && !this.fencedOff) await this.ctx.store.records.delete(this.roomId);
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.closed && !this.fencedOff) {
      this.dirty = false;
      try {
        await this.write();
      } catch (e) {
        this.full = true; // written again in full at the next change, refresh or reconnect
        console.error(`room ${this.roomId}: writing its record failed:`, e instanceof Error ? e.message : e);
        return;
      }
    }
  }

  private async write(): Promise<void> {
    if (!this.live) return;
    const { host, records, meta } = this.live;
    const attributes = host.attributes.query();
    const fields = new Map<string, string>();
    for (const [key, a] of Object.entries(attributes)) {
      fields.set(
        ATTRIBUTE + key,
        JSON.stringify({ value: a.value, ownerId: a.ownerId, autoDelete: a.autoDelete, version: a.version, updatedAt: a.updatedAt }),
      );
    }
    fields.set(META, JSON.stringify({ ...meta, clock: host.attributes.versionClock }));
    const full = this.full;
    const set = Object.create(null) as Record<string, string>;
    for (const [field, text] of fields) if (full || this.written.get(field) !== text) set[field] = text;
    const deleted = [...this.written.keys()].filter((field) => !fields.has(field));
    const owner = await this.ctx.claims.claimOwner();
    this.full = false;
    if (!(await records.update(this.roomId, set, deleted, this.expiresAt(host), { claim: this.roomId, owner }))) {
      this.fencedOff = true;
      console.warn(`room ${this.roomId}: its id is held by another process now; this room no longer writes its record`);
      return;
    }
    this.written = fields;
  }

  /** When the room would be destroyed if nothing happened from now on (null: never), plus a margin. */
  private expiresAt(host: SnapshotHost): number | null {
    const next = nextDestroy(host.policy(), host.activity());
    return next === null ? null : Math.max(next.at, this.ctx.now()) + RECORD_MARGIN_MS;
  }

  private refresh(): void {
    if (this.closed || this.fencedOff || !this.live) return;
    if (this.full) {
      this.attributesChanged();
      return;
    }
    const { records, host } = this.live;
    records.expire(this.roomId, this.expiresAt(host)).catch((e: unknown) => {
      this.full = true;
      console.error(`room ${this.roomId}: refreshing its record failed:`, e instanceof Error ? e.message : e);
    });
  }
}
