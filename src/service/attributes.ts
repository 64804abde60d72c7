/**
 * Operator use-cases for room attributes (RongCloud chatroom KV), for a room on any process: each
 * calls the room's operator method through `ctx.directory.room(roomId)`, and the room applies
 * core/attributes' rules (limits, ownership, all-or-nothing) and tells its members.
 */
import { AttributeTable } from "../core/attributes";
import { isChatError } from "../core/errors";
import type { AttributeInfo, RoomMessage } from "../protocol";
import type { ChatContext } from "./context";

/** Options of {@link setAttributes}. */
export interface OperatorSetOptions {
  /** delete the keys when `ownerId` leaves the room */
  autoDelete: boolean;
  /** overwrite keys owned by someone else; without it a key of another owner fails the whole call (ATTRIBUTE_NOT_OWNER) */
  isForce: boolean;
}

/**
 * Checks pairs against the attribute rules that do not depend on a room (1..20 pairs, key format
 * and length, value length) and throws the ChatError a room would (ATTRIBUTE_BATCH_LIMIT,
 * ILLEGAL_ARGUMENT, PARAMETER when empty). Lets a caller refuse before creating anything.
 */
export function checkAttributePairs(pairs: Record<string, string>): void {
  new AttributeTable().set(null, pairs, {}, 0);
}

/**
 * Sets attributes of a live room owned by `ownerId`, all or nothing; members get the change.
 * Resolves with the keys set. Throws ROOM_NOT_EXIST, or the rule the pairs broke (see AttributeTable.set).
 */
export function setAttributes(
  ctx: ChatContext,
  roomId: string,
  ownerId: string,
  pairs: Record<string, string>,
  options: OperatorSetOptions,
): Promise<string[]> {
  return ctx.directory.room(roomId).operatorSetAttributes(ownerId, pairs, options.autoDelete, options.isForce);
}

/**
 * Deletes attributes of a live room, all or nothing: as `actor` (only its own keys), or forced with
 * `actor` null. Resolves with the keys deleted. Throws ROOM_NOT_EXIST, ATTRIBUTE_KEY_MISSING,
 * ATTRIBUTE_NOT_OWNER, ATTRIBUTE_BATCH_LIMIT, ILLEGAL_ARGUMENT.
 */
export function deleteAttributes(ctx: ChatContext, roomId: string, actor: string | null, keys: readonly string[]): Promise<string[]> {
  return ctx.directory.room(roomId).operatorDeleteAttributes(actor, [...keys]);
}

/** Attributes of a live room with owner, version and time: all of them, or only `keys` (absent keys are left out). */
export async function queryAttributes(ctx: ChatContext, roomId: string, keys?: readonly string[]): Promise<Record<string, AttributeInfo>> {
  const all = await ctx.directory.room(roomId).operatorQueryAttributes();
  if (keys === undefined || keys.length === 0) return all;
  const picked = Object.create(null) as Record<string, AttributeInfo>;
  for (const key of keys) {
    const info = Object.hasOwn(all, key) ? all[key] : undefined;
    if (info !== undefined) picked[key] = info;
  }
  return picked;
}

/**
 * Best effort: sends the change-notification message an operator asked for with an attribute
 * change (RongCloud's objectName/content, e.g. RC:chrmKVNotiMsg). The change itself already
 * reached the members (state and roomAttributesUpdated), so a refusal (distribution stopped, room
 * gone, admission drop) does not fail the call. Resolves with the message, or null when not sent.
 */
export async function notifyAttributeChange(
  ctx: ChatContext,
  roomId: string,
  senderUserID: string,
  type: string,
  content: string,
): Promise<RoomMessage | null> {
  try {
    return await ctx.directory.room(roomId).operatorPublish(senderUserID, type, content);
  } catch (e) {
    if (isChatError(e)) return null;
    throw e;
  }
}
