/**
 * Room roles (our extension, not in RongCloud): give users the owner, admin or moderator role of a
 * room, take it, and list a room's roles (src/core/roles.ts says what each role may do from the
 * client). Roles are kept by room id, like bans: a room need not be live, and they outlive it.
 */
import { ChatError, ErrorCode } from "../../core/errors";
import { MODERATION_LIMITS } from "../../core/moderation";
import { isObjectPrototypeName } from "../../core/objectKeys";
import { isRoomRole, ROOM_ROLES, type RoomRole } from "../../core/roles";
import * as roles from "../../service/roles";
import { requiredString, roomIdParam, userIdsParam, type Form } from "../form";
import type { OperatorRoute } from "./route";

/** Users per set/remove call, as the moderation calls. */
const USERS_PER_CALL = MODERATION_LIMITS.usersPerCall;

/** The repeated `userId` (1..20), refusing names no member can have (Object.prototype properties). */
function roleUsers(form: Form): string[] {
  const userIds = userIdsParam(form, USERS_PER_CALL);
  for (const userId of userIds) {
    if (isObjectPrototypeName(userId))
      throw new ChatError(
        ErrorCode.PARAMETER,
        `userId must not be the name of an Object.prototype property, got ${JSON.stringify(userId)}`,
      );
  }
  return userIds;
}

function roleParam(form: Form): RoomRole {
  const role = requiredString(form, "role", 16);
  if (!isRoomRole(role))
    throw new ChatError(ErrorCode.PARAMETER, `role must be one of ${ROOM_ROLES.join(", ")}, got ${JSON.stringify(role)}`);
  return role;
}

export const roleRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/role/set.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const userIds = roleUsers(form);
      const role = roleParam(form);
      await roles.setRole(ctx, roomId, userIds, role);
    },
  },
  {
    path: "/chatroom/role/remove.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      await roles.removeRoles(ctx, roomId, roleUsers(form));
    },
  },
  {
    path: "/chatroom/role/query.json",
    readOnly: true,
    handle: async (ctx, form) => ({ users: await roles.listRoles(ctx, roomIdParam(form)) }),
  },
];
