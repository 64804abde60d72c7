import { ChatError, ErrorCode } from "./errors";
import { assertHoldableRoomId, isObjectPrototypeName } from "./objectKeys";

/** Room ids: ASCII letters, digits, `_` and `-`, 1..64 chars (Colyseus' WS route and RongCloud both limit it). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** User ids: RongCloud's alphabet (letters, digits, `+ = - _`), 1..64 chars. */
export const USER_ID_PATTERN = /^[A-Za-z0-9+=_-]{1,64}$/;
/** Longest display name accepted for a room or a user. */
export const MAX_NAME_LENGTH = 128;

/** Returns `roomId` when valid; throws ILLEGAL_ARGUMENT naming the rule otherwise. */
export function assertRoomId(roomId: unknown, field = "roomId"): string {
  if (typeof roomId !== "string" || !ROOM_ID_PATTERN.test(roomId)) {
    throw new ChatError(ErrorCode.ILLEGAL_ARGUMENT, `${field} must be 1..64 characters of [A-Za-z0-9_-], got ${JSON.stringify(roomId)}`);
  }
  return assertHoldableRoomId(roomId, field);
}

/** Returns `userId` when valid; throws ILLEGAL_ARGUMENT naming the rule otherwise. */
export function assertUserId(userId: unknown, field = "userId"): string {
  if (typeof userId !== "string" || !USER_ID_PATTERN.test(userId)) {
    throw new ChatError(ErrorCode.ILLEGAL_ARGUMENT, `${field} must be 1..64 characters of [A-Za-z0-9+=_-], got ${JSON.stringify(userId)}`);
  }
  // the members map of the synchronized state and MessagePack cannot carry these names as keys (core/objectKeys)
  if (isObjectPrototypeName(userId)) {
    throw new ChatError(
      ErrorCode.ILLEGAL_ARGUMENT,
      `${field} must not be the name of a JavaScript Object.prototype property, got ${JSON.stringify(userId)}`,
    );
  }
  return userId;
}

/** Returns a display name (defaulting to `fallback`), at most {@link MAX_NAME_LENGTH} characters. */
export function assertName(name: unknown, fallback: string, field = "name"): string {
  if (name === undefined || name === null || name === "") return fallback;
  if (typeof name !== "string" || name.length > MAX_NAME_LENGTH) {
    throw new ChatError(ErrorCode.ILLEGAL_ARGUMENT, `${field} must be a string of at most ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}
