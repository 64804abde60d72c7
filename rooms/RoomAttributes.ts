import { AttributeTable, type AttributeEntry } from "../src/core/attributes";
import { ChatError, ErrorCode } from "../src/core/errors";
import { holdAnyMapKey, isObjectPrototypeName } from "../src/core/objectKeys";
import type { AttributeInfo, AttributesUpdate } from "../src/protocol";
import { deleteAttributesSchema, setAttributesSchema } from "../src/schemas/attributes";
import { parseInput } from "../src/schemas/parse";

/** What the attributes need from their room. */
export interface AttributesHost {
  /** The synchronized `attributes` map of the room state. */
  readonly stateAttributes: { set(key: string, value: string): unknown; delete(key: string): unknown };
  /** Tells every member what changed. */
  broadcastAttributes(update: AttributesUpdate): void;
}

function toInfo(entry: AttributeEntry): AttributeInfo {
  return { value: entry.value, ownerId: entry.ownerId, autoDelete: entry.autoDelete, version: entry.version, updatedAt: entry.updatedAt };
}

/**
 * A room's key-value attributes: the rules are core/attributes' AttributeTable; this keeps the
 * schema state in step and notifies members of every change. Any valid key works, including
 * `constructor`, `toString` and the other names plain objects inherit (core/objectKeys).
 */
export class RoomAttributes {
  private table = new AttributeTable();
  /** False when the state's map could not be made to hold inherited names: those keys are refused. */
  private readonly holdsAnyKey: boolean;

  constructor(private readonly host: AttributesHost) {
    this.holdsAnyKey = holdAnyMapKey(host.stateAttributes);
  }

  /**
   * Starts a room that comes back (failover) from its stored attributes, at their versions and
   * with its version clock, and puts every key into the synchronized state. Only on an empty table.
   */
  seed(entries: Readonly<Record<string, AttributeEntry>>, clock: number): void {
    if (this.table.size > 0) throw new Error("RoomAttributes.seed: the room already has attributes");
    this.table = new AttributeTable(entries, clock);
    for (const [key, entry] of Object.entries(entries)) this.host.stateAttributes.set(key, entry.value);
  }

  /** The attribute table's version clock (see AttributeTable.versionClock). */
  get versionClock(): number {
    return this.table.versionClock;
  }

  /** A member's (or, with actor null, the operator's) set request. Returns the keys set. */
  setFromRequest(actor: string | null, body: unknown, now: number, ownerId?: string): string[] {
    const { attributes: pairs, isForce, isDeleteAfterOwnerLeft, expectedVersion } = parseInput(setAttributesSchema, body, { root: "body" });
    if (!this.holdsAnyKey) this.refuseInheritedNames(Object.keys(pairs));
    const keys = this.table.set(actor, pairs, { isForce, isDeleteAfterOwnerLeft, expectedVersion, ownerId }, now);
    this.applied(keys, [], actor);
    return keys;
  }

  /** A member's (or the operator's) delete request. Returns the keys deleted. */
  deleteFromRequest(actor: string | null, body: unknown): string[] {
    const request = parseInput(deleteAttributesSchema, body, { root: "body" });
    const keys = this.table.delete(actor, request.keys, { isForce: request.isForce });
    this.applied([], keys, actor);
    return keys;
  }

  /** The owner left: its auto-delete keys go. */
  ownerLeft(userId: string): void {
    const deleted = this.table.ownerLeft(userId);
    if (deleted.length > 0) this.applied([], deleted, null);
  }

  /** Every attribute with owner and version (a null-prototype object: any key is an own property). */
  query(): Record<string, AttributeInfo> {
    const out = Object.create(null) as Record<string, AttributeInfo>;
    for (const [key, entry] of Object.entries(this.table.entries())) out[key] = toInfo(entry);
    return out;
  }

  private refuseInheritedNames(keys: readonly string[]): void {
    const inherited = keys.find(isObjectPrototypeName);
    if (inherited !== undefined) {
      throw new ChatError(
        ErrorCode.ILLEGAL_ARGUMENT,
        `attribute key ${JSON.stringify(inherited)} cannot be synchronized by this @colyseus/schema (its MapSchema keys a plain object)`,
      );
    }
  }

  private applied(set: string[], deleted: string[], by: string | null): void {
    const values = Object.create(null) as Record<string, string>;
    for (const key of set) {
      const entry = this.table.get(key);
      if (!entry) continue;
      const { value } = entry;
      values[key] = value;
      this.host.stateAttributes.set(key, value);
    }
    for (const key of deleted) this.host.stateAttributes.delete(key);
    if (set.length > 0 || deleted.length > 0) this.host.broadcastAttributes({ set: values, deleted, by });
  }
}
