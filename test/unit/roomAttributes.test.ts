/**
 * A room's attributes (rooms/RoomAttributes) over the room's real schema state: the ownership
 * rules, force, delete-after-owner-left, the limits and versions, with the state and the member
 * notices kept in step. Errors are checked by code (ChatError.code), not by wording.
 */
import { ChatState } from "../../rooms/ChatState";
import { RoomAttributes } from "../../rooms/RoomAttributes";
import { ATTRIBUTE_LIMITS } from "../../src/core/attributes";
import { ChatError, ErrorCode } from "../../src/core/errors";
import type { AttributesUpdate } from "../../src/protocol";

const T0 = 1_700_000_000_000;

function attributes() {
  const state = new ChatState();
  const updates: AttributesUpdate[] = [];
  const table = new RoomAttributes({ stateAttributes: state.attributes, broadcastAttributes: (update) => updates.push(update) });
  const synced = () => Object.fromEntries(state.attributes.entries());
  return { table, updates, synced };
}

/** The ChatError code `call` throws. */
function codeOf(call: () => unknown): number {
  try {
    call();
  } catch (e) {
    if (e instanceof ChatError) return e.code;
    throw e;
  }
  throw new Error("expected a ChatError, nothing was thrown");
}

describe("RoomAttributes", () => {
  test("a member's set is owned by it, synchronized in the state and announced with who set it", () => {
    const { table, updates, synced } = attributes();
    expect(table.setFromRequest("ann", { attributes: { seat1: "ann", seat2: "free" } }, T0)).toEqual(["seat1", "seat2"]);
    expect(synced()).toEqual({ seat1: "ann", seat2: "free" });
    expect(updates).toEqual([{ set: { seat1: "ann", seat2: "free" }, deleted: [], by: "ann" }]);
    expect(table.query().seat1).toEqual({ value: "ann", ownerId: "ann", autoDelete: false, version: 1, updatedAt: T0 });
  });

  test("another member may neither overwrite nor delete an owned key (ATTRIBUTE_NOT_OWNER) unless forced", () => {
    const { table, synced } = attributes();
    table.setFromRequest("ann", { attributes: { seat: "ann" } }, T0);
    expect(codeOf(() => table.setFromRequest("bob", { attributes: { seat: "bob" } }, T0))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
    expect(codeOf(() => table.deleteFromRequest("bob", { keys: ["seat"] }))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
    expect(synced()).toEqual({ seat: "ann" });
    table.setFromRequest("bob", { attributes: { seat: "bob" }, isForce: true }, T0);
    expect(table.query().seat).toMatchObject({ value: "bob", ownerId: "bob" });
    expect(table.deleteFromRequest("ann", { keys: ["seat"], isForce: true })).toEqual(["seat"]);
    expect(synced()).toEqual({});
  });

  test("the operator (null) overwrites and deletes anything, and may name the owner", () => {
    const { table, updates } = attributes();
    table.setFromRequest("ann", { attributes: { seat: "ann" } }, T0);
    table.setFromRequest(null, { attributes: { seat: "reserved" } }, T0, "bob");
    expect(table.query().seat).toMatchObject({ value: "reserved", ownerId: "bob" });
    expect(table.deleteFromRequest(null, { keys: ["seat"] })).toEqual(["seat"]);
    expect(updates.at(-1)).toEqual({ set: {}, deleted: ["seat"], by: null });
  });

  test("keys set with isDeleteAfterOwnerLeft go when their owner leaves, the others stay", () => {
    const { table, updates, synced } = attributes();
    table.setFromRequest("ann", { attributes: { seat: "ann" }, isDeleteAfterOwnerLeft: true }, T0);
    table.setFromRequest("ann", { attributes: { note: "stays" } }, T0);
    table.setFromRequest("bob", { attributes: { bobSeat: "bob" }, isDeleteAfterOwnerLeft: true }, T0);
    const before = updates.length;
    table.ownerLeft("ann");
    expect(synced()).toEqual({ note: "stays", bobSeat: "bob" });
    expect(updates.slice(before)).toEqual([{ set: {}, deleted: ["seat"], by: null }]);
    table.ownerLeft("cid"); // owns nothing: no notice
    expect(updates.length).toBe(before + 1);
  });

  test("every set gives the key a new, higher version; expectedVersion makes it compare-and-set (ATTRIBUTE_VERSION_CONFLICT)", () => {
    const { table } = attributes();
    table.setFromRequest("ann", { attributes: { a: "1" }, expectedVersion: 0 }, T0);
    table.setFromRequest("ann", { attributes: { b: "1" } }, T0);
    table.setFromRequest("ann", { attributes: { a: "2" }, expectedVersion: 1 }, T0);
    expect(table.query()).toHaveProperty("a.version", 3);
    expect(table.versionClock).toBe(3);
    expect(codeOf(() => table.setFromRequest("ann", { attributes: { a: "3" }, expectedVersion: 1 }, T0))).toBe(
      ErrorCode.ATTRIBUTE_VERSION_CONFLICT,
    );
    expect(codeOf(() => table.setFromRequest("ann", { attributes: { new: "x" }, expectedVersion: 5 }, T0))).toBe(
      ErrorCode.ATTRIBUTE_VERSION_CONFLICT,
    );
    expect(table.query()).toHaveProperty("a.value", "2");
  });

  test("limits: a batch over 20 keys, a room over 100 keys, a bad key and a missing key are refused, changing nothing", () => {
    const { table, updates, synced } = attributes();
    const pairs = (from: number, count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${from + i}`, "v"]));
    expect(codeOf(() => table.setFromRequest("ann", { attributes: pairs(0, ATTRIBUTE_LIMITS.maxBatch + 1) }, T0))).toBe(
      ErrorCode.ATTRIBUTE_BATCH_LIMIT,
    );
    for (let i = 0; i < ATTRIBUTE_LIMITS.maxKeys; i += ATTRIBUTE_LIMITS.maxBatch)
      table.setFromRequest("ann", { attributes: pairs(i, ATTRIBUTE_LIMITS.maxBatch) }, T0);
    const notices = updates.length;
    expect(codeOf(() => table.setFromRequest("ann", { attributes: { k0: "changed", extra: "v" } }, T0))).toBe(
      ErrorCode.ATTRIBUTE_COUNT_LIMIT,
    );
    expect(codeOf(() => table.setFromRequest("ann", { attributes: { "bad key": "v" } }, T0))).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(codeOf(() => table.setFromRequest("ann", { attributes: { long: "v".repeat(ATTRIBUTE_LIMITS.maxValueLength + 1) } }, T0))).toBe(
      ErrorCode.ILLEGAL_ARGUMENT,
    );
    expect(codeOf(() => table.deleteFromRequest("ann", { keys: ["k0", "missing"] }))).toBe(ErrorCode.ATTRIBUTE_KEY_MISSING);
    expect(Object.keys(synced())).toHaveLength(ATTRIBUTE_LIMITS.maxKeys);
    expect(synced().k0).toBe("v");
    expect(updates.length).toBe(notices);
  });

  test("a request that is not the expected shape is refused with PARAMETER", () => {
    const { table } = attributes();
    expect(codeOf(() => table.setFromRequest("ann", undefined, T0))).toBe(ErrorCode.PARAMETER);
    expect(codeOf(() => table.setFromRequest("ann", { attributes: {} }, T0))).toBe(ErrorCode.PARAMETER);
    expect(codeOf(() => table.deleteFromRequest("ann", { keys: "k0" }))).toBe(ErrorCode.PARAMETER);
  });

  test("keys named like Object.prototype properties are ordinary keys", () => {
    const { table, synced } = attributes();
    table.setFromRequest("ann", { attributes: { constructor: "c", toString: "t" } }, T0);
    expect(synced()).toEqual({ constructor: "c", toString: "t" });
    expect(Object.keys(table.query())).toEqual(["constructor", "toString"]);
  });

  test("a room that comes back is seeded with its stored attributes and version clock; only once", () => {
    const { table, synced } = attributes();
    table.seed({ seat: { value: "ann", ownerId: "ann", autoDelete: false, version: 7, updatedAt: T0 } }, 9);
    expect(synced()).toEqual({ seat: "ann" });
    table.setFromRequest("ann", { attributes: { seat: "ann again" } }, T0);
    expect(table.query()).toHaveProperty("seat.version", 10);
    expect(() => table.seed({}, 0)).toThrow();
  });
});
