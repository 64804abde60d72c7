/** Room lifecycle endpoints: create, create_new, destroy, destroy/set, get, query. */
import { makeDestroyOverride } from "../../core/destroyOverride";
import { ChatError, ErrorCode } from "../../core/errors";
import { MODERATION_LIMITS } from "../../core/moderation";
import { checkAttributePairs, setAttributes } from "../../service/attributes";
import { messageStats } from "../../service/messages";
import { setDestroyOverride } from "../../service/roomPolicy";
import { createRoomWithOptions, createRooms, destroyRooms, getRoom, queryRooms } from "../../service/rooms";
import {
  boolParam,
  checkName,
  checkRoomId,
  optionalIntParam,
  optionalString,
  roomIdParam,
  roomIdsParam,
  userIdParam,
  userIdsParam,
  type Form,
} from "../form";
import { entryInfoParam } from "./attributes";
import { formatWireTime } from "../wireTime";
import type { OperatorRoute } from "./route";

/** Rooms per create.json call, rooms per query.json call and ids per destroy.json call. */
export const ROOM_LIMITS = { createPerCall: 100, queryPerCall: 20, destroyPerCall: 100 } as const;

const CREATE_KEY = /^chatroom\[(.*)\]$/;

/** The `chatroom[<id>]=<name>` pairs of a create.json form. */
function roomsToCreate(form: Form): { roomId: string; name: string }[] {
  const rooms: { roomId: string; name: string }[] = [];
  for (const [key, value] of Object.entries(form)) {
    const id = CREATE_KEY.exec(key)?.[1];
    if (id === undefined) continue;
    if (Array.isArray(value)) throw new ChatError(ErrorCode.PARAMETER, `${key} must be given once`);
    const roomId = checkRoomId(key, id);
    rooms.push({ roomId, name: value ? checkName(key, value) : roomId });
  }
  if (rooms.length === 0) throw new ChatError(ErrorCode.PARAMETER, "chatroom[<id>]=<name> is required (one key per room)");
  if (rooms.length > ROOM_LIMITS.createPerCall) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `chatroom[<id>] takes at most ${ROOM_LIMITS.createPerCall} rooms per call, got ${rooms.length}`,
    );
  }
  return rooms;
}

/** Reads destroyType/destroyTime as create_new and destroy/set take them. */
function destroyOverride(form: Form) {
  return makeDestroyOverride(
    optionalIntParam(form, "destroyType", 0, 1),
    optionalIntParam(form, "destroyTime", 0, Number.MAX_SAFE_INTEGER),
  );
}

/**
 * create_new's initial attributes: entryOwnerId and entryInfo together or neither (PARAMETER).
 * Checked against the attribute rules before the room is created, so a bad pair creates nothing.
 */
function initialAttributes(form: Form): { ownerId: string; pairs: Record<string, string> } | undefined {
  const owner = optionalString(form, "entryOwnerId", Number.MAX_SAFE_INTEGER);
  const info = optionalString(form, "entryInfo", Number.MAX_SAFE_INTEGER);
  if (owner === undefined && info === undefined) return undefined;
  if (owner === undefined || info === undefined)
    throw new ChatError(ErrorCode.PARAMETER, "entryOwnerId and entryInfo (initial attributes) must be given together");
  const attributes = { ownerId: userIdParam(form, "entryOwnerId"), pairs: entryInfoParam(form) };
  checkAttributePairs(attributes.pairs);
  return attributes;
}

export const roomRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/create.json",
    handle: async (ctx, form) => createRooms(ctx, roomsToCreate(form)),
  },
  {
    path: "/chatroom/create_new.json",
    handle: async (ctx, form) => {
      const options = {
        roomId: roomIdParam(form),
        destroy: destroyOverride(form),
        muteAll: boolParam(form, "isBan", false),
        muteExceptions: userIdsParam(form, MODERATION_LIMITS.muteExceptionsPerRoom, "whiteUserIds", false),
      };
      const attributes = initialAttributes(form);
      if (!(await createRoomWithOptions(ctx, options)) || !attributes) return;
      await setAttributes(ctx, options.roomId, attributes.ownerId, attributes.pairs, { autoDelete: false, isForce: true });
    },
  },
  {
    path: "/chatroom/destroy.json",
    handle: async (ctx, form) => destroyRooms(ctx, roomIdsParam(form, ROOM_LIMITS.destroyPerCall)),
  },
  {
    path: "/chatroom/destroy/set.json",
    handle: async (ctx, form) => setDestroyOverride(ctx, roomIdParam(form), destroyOverride(form)),
  },
  {
    path: "/chatroom/get.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const [room, stats] = await Promise.all([getRoom(ctx, roomId), messageStats(ctx, roomId)]);
      return {
        chatroomId: room.roomId,
        createTime: room.createdAt,
        memberCount: room.memberCount,
        destroyType: room.destroyType,
        destroyTime: room.destroyTime,
        ban: room.muteAll,
        // our extension: admission counters (messages delivered and dropped since creation)
        messageCount: stats.admitted,
        droppedCount: stats.dropped,
      };
    },
  },
  {
    path: "/chatroom/query.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const rooms = await queryRooms(ctx, roomIdsParam(form, ROOM_LIMITS.queryPerCall));
      return { chatRooms: rooms.map((r) => ({ chrmId: r.roomId, name: r.name, time: formatWireTime(r.createdAt) })) };
    },
  },
];
