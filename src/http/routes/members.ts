/** Membership endpoints: user/query, user/exist, users/exist, and our user/kick extension. */
import { MODERATION_LIMITS } from "../../core/moderation";
import { kickMembers, listMembers, membersPresent } from "../../service/rooms";
import { intParam, roomIdParam, userIdParam, userIdsParam } from "../form";
import { formatWireTime } from "../wireTime";
import type { OperatorRoute } from "./route";

/** Members per user/query.json answer and user ids per users/exist.json call. */
export const MEMBER_LIMITS = { queryCount: 500, existPerCall: 1000 } as const;

export const memberRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/user/query.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const count = intParam(form, "count", { min: 1, max: MEMBER_LIMITS.queryCount });
      const order = intParam(form, "order", { min: 1, max: 2 }) === 1 ? "asc" : "desc";
      const { total, members } = await listMembers(ctx, roomId, count, order);
      return { total, users: members.map((m) => ({ id: m.userId, time: formatWireTime(m.joinedAt) })) };
    },
  },
  {
    path: "/chatroom/user/exist.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const [present] = await membersPresent(ctx, roomIdParam(form), [userIdParam(form)]);
      return { isInChrm: present };
    },
  },
  {
    path: "/chatroom/users/exist.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const userIds = userIdsParam(form, MEMBER_LIMITS.existPerCall);
      const present = await membersPresent(ctx, roomId, userIds);
      return { result: userIds.map((userId, i) => ({ userId, isInChrm: present[i] ? 1 : 0 })) };
    },
  },
  {
    // Our extension (Tencent TRTC RemoveUser): remove members without a ban; they exit with KICKED.
    path: "/chatroom/user/kick.json",
    handle: async (ctx, form) => kickMembers(ctx, roomIdParam(form), userIdsParam(form, MODERATION_LIMITS.usersPerCall)),
  },
];
