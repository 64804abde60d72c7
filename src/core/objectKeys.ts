/**
 * Names that plain JavaScript objects already answer to (the properties of `Object.prototype`),
 * and what to do about ids and keys that spell them.
 *
 * Our own code keeps ids and keys in Maps or null-prototype objects, so any name works there. Two
 * libraries do not, and cannot be fixed from outside:
 * - Colyseus' matchmaker keeps the rooms of a process in a plain object keyed by room id
 *   (node_modules/@colyseus/core/src/MatchMaker.ts:37 `const rooms = {}`): a room `__proto__`
 *   replaces that object's prototype, a room `hasOwnProperty` breaks every `rooms.hasOwnProperty()`
 *   call (graceful shutdown, :793 and :827), and on a process that does not host a room named
 *   after any inherited property, `rooms[roomId]` (:413, :783) finds the inherited function, so
 *   seat reservations for it fail ("already full") and `getLocalRoomById` answers a function.
 *   Hence such room ids are refused ({@link assertHoldableRoomId}).
 * - msgpackr, which carries every room message both ways, renames a `__proto__` map key to
 *   `__proto_` when decoding (its prototype-pollution guard), so a key `__proto__` cannot travel in a
 *   message. Hence attribute keys `__proto__` are refused; the other names work.
 * - @colyseus/schema's MapSchema keeps key -> wire index in a plain object
 *   (node_modules/@colyseus/schema/src/encoder/MapJournal.ts:29 `indexByKey = {}`): a key
 *   `constructor`, `toString`, ... finds an inherited "index" and is never sent as added, so it
 *   never reaches clients. {@link holdAnyMapKey} gives one MapSchema a null-prototype table.
 */
import { ChatError, ErrorCode, type ChatErrorCode } from "./errors";

/** The own properties of `Object.prototype`, every one of them valid by our id and key alphabets. */
export const OBJECT_PROTOTYPE_NAMES: readonly string[] = Object.freeze([
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
]);

const NAMES = new Set(OBJECT_PROTOTYPE_NAMES);

/** True for a name a plain object inherits (case-sensitive: `ToString` is an ordinary name). */
export function isObjectPrototypeName(name: string): boolean {
  return NAMES.has(name);
}

/**
 * Returns `roomId` unless it is the name of an `Object.prototype` property, which Colyseus'
 * matchmaker cannot hold as a room id (see the module comment); then throws `code`
 * [ILLEGAL_ARGUMENT] naming the rule.
 */
export function assertHoldableRoomId(roomId: string, field = "roomId", code: ChatErrorCode = ErrorCode.ILLEGAL_ARGUMENT): string {
  if (isObjectPrototypeName(roomId)) {
    throw new ChatError(
      code,
      `${field} must not be the name of a JavaScript Object.prototype property (${OBJECT_PROTOTYPE_NAMES.join(", ")}): Colyseus' matchmaker keys rooms by id in a plain object; got ${JSON.stringify(roomId)}`,
    );
  }
  return roomId;
}

/** The one key msgpackr (room messages) cannot carry: it decodes it as `__proto_`. */
export const UNCARRIED_KEY = "__proto__";

/** The part of a MapSchema {@link holdAnyMapKey} changes (its journal, @colyseus/schema 5). */
interface Journal {
  indexByKey?: unknown;
  reset?: () => void;
}

function nullPrototypeCopy(table: object): Record<string, number> {
  const copy = Object.create(null) as Record<string, number>;
  for (const [key, index] of Object.entries(table)) copy[key] = index as number;
  return copy;
}

/**
 * Makes one MapSchema able to synchronize keys named after `Object.prototype` properties
 * (`constructor`, `toString`, ..., `__proto__`): its key -> index table becomes a null-prototype
 * object, now and after every `clear()`. Returns false (changing nothing) when the map is not
 * shaped as in @colyseus/schema 5, so a caller can refuse such keys instead.
 */
export function holdAnyMapKey(map: unknown): boolean {
  const found = (map as { journal?: unknown } | null | undefined)?.journal;
  if (typeof found !== "object" || found === null) return false;
  const journal = found as Journal;
  const { indexByKey, reset } = journal;
  if (typeof indexByKey !== "object" || indexByKey === null || typeof reset !== "function") return false;
  if (Object.getPrototypeOf(indexByKey) !== null) journal.indexByKey = nullPrototypeCopy(indexByKey);
  if (!Object.hasOwn(journal, "reset")) {
    // MapSchema.clear() resets the journal with a fresh plain object: keep it null-prototype
    journal.reset = function (this: { indexByKey: unknown }) {
      reset.call(this);
      this.indexByKey = nullPrototypeCopy(this.indexByKey as object);
    };
  }
  return true;
}
