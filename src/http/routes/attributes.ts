/**
 * Room attribute endpoints (RongCloud chatroom KV): chatroom/entry/set, remove, query, batch/set,
 * batch/remove. The room applies the rules (core/attributes) all or nothing and tells its members.
 */
import { ATTRIBUTE_LIMITS } from "../../core/attributes";
import { ChatError, ErrorCode } from "../../core/errors";
import { deleteAttributes, notifyAttributeChange, queryAttributes, setAttributes } from "../../service/attributes";
import {
  boolParam,
  checkMessageType,
  jsonOrRepeatedListParam,
  listParam,
  optionalString,
  requiredString,
  roomIdParam,
  stringRecordParam,
  userIdParam,
  type Form,
} from "../form";
import type { OperatorRoute } from "./route";

/** Keys per entry/query.json call (RongCloud: 100). */
export const ENTRY_QUERY_MAX_KEYS = 100;

/** RongCloud's KV budgets count pairs, shared by set and batch/set (and by remove and batch/remove). */
const SET_BUCKET = "chatroom/entry:set";
const REMOVE_BUCKET = "chatroom/entry:remove";

/** The optional change-notification message (objectName + content) of entry/set and entry/remove. */
function notification(form: Form): { type: string; content: string | undefined } | undefined {
  const type = optionalString(form, "objectName", Number.MAX_SAFE_INTEGER);
  const content = optionalString(form, "content", Number.MAX_SAFE_INTEGER);
  if (type === undefined) return undefined;
  return { type: checkMessageType("objectName", type), content };
}

/** entryInfo with 1..20 pairs (more: the room's ATTRIBUTE_BATCH_LIMIT, 23429). */
export function entryInfoParam(form: Form): Record<string, string> {
  const pairs = stringRecordParam(form, "entryInfo");
  if (Object.keys(pairs).length === 0)
    throw new ChatError(ErrorCode.PARAMETER, `entryInfo must hold 1..${ATTRIBUTE_LIMITS.maxBatch} pairs, got none`);
  return pairs;
}

/** Rate-limit cost of a batch: its size, or 1 when the handler will refuse it (unreadable, empty or over 20). */
function batchCost(count: () => number): number {
  try {
    const n = count();
    return n >= 1 && n <= ATTRIBUTE_LIMITS.maxBatch ? n : 1;
  } catch {
    return 1;
  }
}

const pairCount = (form: Form) => batchCost(() => Object.keys(stringRecordParam(form, "entryInfo")).length);
const keyCount = (form: Form) => batchCost(() => jsonOrRepeatedListParam(form, "entryKeys").length);

export const attributeRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/entry/set.json",
    bucket: SET_BUCKET,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const userId = userIdParam(form);
      const key = requiredString(form, "key", Number.MAX_SAFE_INTEGER);
      const value = requiredString(form, "value", Number.MAX_SAFE_INTEGER);
      const autoDelete = boolParam(form, "autoDelete", false);
      const notify = notification(form);
      // Owner-only, as RongCloud: a key of another user answers 23424 (batch/set forces).
      await setAttributes(ctx, roomId, userId, { [key]: value }, { autoDelete, isForce: false });
      if (notify) await notifyAttributeChange(ctx, roomId, userId, notify.type, notify.content ?? JSON.stringify({ type: 1, key, value }));
    },
  },
  {
    path: "/chatroom/entry/batch/set.json",
    bucket: SET_BUCKET,
    cost: pairCount,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const ownerId = userIdParam(form, "entryOwnerId");
      const pairs = entryInfoParam(form);
      const autoDelete = boolParam(form, "autoDelete", false);
      await setAttributes(ctx, roomId, ownerId, pairs, { autoDelete, isForce: true });
    },
  },
  {
    path: "/chatroom/entry/remove.json",
    bucket: REMOVE_BUCKET,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const userId = userIdParam(form);
      const key = requiredString(form, "key", Number.MAX_SAFE_INTEGER);
      const notify = notification(form);
      await deleteAttributes(ctx, roomId, userId, [key]);
      if (notify) await notifyAttributeChange(ctx, roomId, userId, notify.type, notify.content ?? JSON.stringify({ type: 2, key }));
    },
  },
  {
    path: "/chatroom/entry/batch/remove.json",
    bucket: REMOVE_BUCKET,
    cost: keyCount,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      userIdParam(form, "entryOwnerId");
      // A forced delete, as RongCloud documents: ownership is ignored.
      await deleteAttributes(ctx, roomId, null, jsonOrRepeatedListParam(form, "entryKeys"));
    },
  },
  {
    path: "/chatroom/entry/query.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const keys = listParam(form, "keys", { max: ENTRY_QUERY_MAX_KEYS, required: false, check: (_name, key) => key });
      const found = await queryAttributes(ctx, roomId, keys);
      return {
        keys: Object.entries(found).map(([key, a]) => ({
          key,
          value: a.value,
          // the docs' name and the Go SDK's tag: strictly case-sensitive decoders find either
          userId: a.ownerId,
          userID: a.ownerId,
          autoDelete: a.autoDelete ? "1" : "0",
          lastSetTime: String(a.updatedAt),
        })),
      };
    },
  },
];
