/**
 * Moderation endpoints: block (ban), gag (mute), mute-all and its exceptions, global mute and
 * protected users (user whitelist). Lists answer RongCloud's shapes; times are end times.
 */
import { MODERATION_LIMITS } from "../../core/moderation";
import * as moderation from "../../service/moderation";
import { boolParam, intParam, minutesParam, optionalString, roomIdParam, userIdsParam, type Form } from "../form";
import { timedUsersAnswer } from "../wireTime";
import type { OperatorRoute } from "./route";

const { usersPerCall, protectedUsersPerRoom } = MODERATION_LIMITS;

/** Pages of ban/query.json. */
export const MUTE_ALL_QUERY = { defaultSize: 50, maxSize: 1000 } as const;

/**
 * Validates `needNotify` and `extra`. Accepted for SDK compatibility; the notification to clients
 * is not sent yet (it needs a client message type of its own).
 */
function acceptNotify(form: Form): void {
  boolParam(form, "needNotify", false);
  optionalString(form, "extra", Number.MAX_SAFE_INTEGER);
}

const roomUsers = (form: Form, max: number = usersPerCall) => ({ roomId: roomIdParam(form), userIds: userIdsParam(form, max) });

export const moderationRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/user/block/add.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form);
      const m = minutesParam(form);
      acceptNotify(form);
      await moderation.banUsers(ctx, roomId, userIds, m);
    },
  },
  {
    path: "/chatroom/user/block/rollback.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form);
      acceptNotify(form);
      await moderation.unbanUsers(ctx, roomId, userIds);
    },
  },
  {
    path: "/chatroom/user/block/list.json",
    readOnly: true,
    handle: async (ctx, form) => timedUsersAnswer(await moderation.listBanned(ctx, roomIdParam(form))),
  },
  {
    path: "/chatroom/user/gag/add.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form);
      const m = minutesParam(form);
      acceptNotify(form);
      await moderation.muteUsers(ctx, roomId, userIds, m);
    },
  },
  {
    path: "/chatroom/user/gag/rollback.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form);
      acceptNotify(form);
      await moderation.unmuteUsers(ctx, roomId, userIds);
    },
  },
  {
    path: "/chatroom/user/gag/list.json",
    readOnly: true,
    handle: async (ctx, form) => timedUsersAnswer(await moderation.listMuted(ctx, roomIdParam(form))),
  },
  {
    path: "/chatroom/ban/add.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      acceptNotify(form);
      await moderation.setMuteAll(ctx, roomId, true);
    },
  },
  {
    path: "/chatroom/ban/rollback.json",
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      acceptNotify(form);
      await moderation.setMuteAll(ctx, roomId, false);
    },
  },
  {
    path: "/chatroom/ban/check.json",
    readOnly: true,
    handle: async (ctx, form) => ({ status: (await moderation.isMuteAll(ctx, roomIdParam(form))) ? 1 : 0 }),
  },
  {
    path: "/chatroom/ban/query.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const size = intParam(form, "size", { min: 1, max: MUTE_ALL_QUERY.maxSize, default: MUTE_ALL_QUERY.defaultSize });
      const page = intParam(form, "page", { min: 1, max: Number.MAX_SAFE_INTEGER, default: 1 });
      const ids = await moderation.listMuteAllRooms(ctx);
      return { chatroomIds: ids.slice((page - 1) * size, page * size) };
    },
  },
  {
    path: "/chatroom/user/ban/whitelist/add.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form);
      acceptNotify(form);
      await moderation.addMuteExceptions(ctx, roomId, userIds);
    },
  },
  {
    path: "/chatroom/user/ban/whitelist/rollback.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form);
      acceptNotify(form);
      await moderation.removeMuteExceptions(ctx, roomId, userIds);
    },
  },
  {
    path: "/chatroom/user/ban/whitelist/query.json",
    readOnly: true,
    handle: async (ctx, form) => ({ userIds: await moderation.listMuteExceptions(ctx, roomIdParam(form)) }),
  },
  {
    path: "/chatroom/user/ban/add.json",
    handle: async (ctx, form) => {
      const userIds = userIdsParam(form, usersPerCall);
      const m = minutesParam(form);
      acceptNotify(form);
      await moderation.muteGlobally(ctx, userIds, m);
    },
  },
  {
    path: "/chatroom/user/ban/remove.json",
    handle: async (ctx, form) => {
      const userIds = userIdsParam(form, usersPerCall);
      acceptNotify(form);
      await moderation.unmuteGlobally(ctx, userIds);
    },
  },
  {
    path: "/chatroom/user/ban/query.json",
    readOnly: true,
    handle: async (ctx) => timedUsersAnswer(await moderation.listGloballyMuted(ctx)),
  },
  {
    path: "/chatroom/user/whitelist/add.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form, protectedUsersPerRoom);
      await moderation.addProtectedUsers(ctx, roomId, userIds);
    },
  },
  {
    path: "/chatroom/user/whitelist/remove.json",
    handle: async (ctx, form) => {
      const { roomId, userIds } = roomUsers(form, protectedUsersPerRoom);
      await moderation.removeProtectedUsers(ctx, roomId, userIds);
    },
  },
  {
    path: "/chatroom/user/whitelist/query.json",
    readOnly: true,
    handle: async (ctx, form) => ({ users: await moderation.listProtectedUsers(ctx, roomIdParam(form)) }),
  },
];
