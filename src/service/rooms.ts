/**
 * Operator room operations: create, destroy, inspect, list members, kick. They work for a room on
 * any process: commands go over the bus (Topic.room) and reads through `ctx.directory.room(roomId)`,
 * which reaches the process that hosts the room.
 */
import { DestroyType, type DestroyOverride } from "../core/destroyOverride";
import { ChatError, ErrorCode } from "../core/errors";
import { ExitReason } from "../core/exitReasons";
import type { RoomInfo } from "../protocol";
import type { ChatContext } from "./context";
import { createRoom } from "./entry";
import { clearDistribution } from "./messageLists";
import { addMuteExceptions, clearRoomModeration, isMuteAll, setMuteAll } from "./moderation";
import { assertRoomExists } from "./roomExists";
import { clearRoomPolicy, getDestroyOverride, storeDestroyOverride } from "./roomPolicy";
import { Topic, type RoomCommand } from "./scopes";

/** How long {@link destroyRooms} waits for the rooms to be gone before answering anyway. */
const DESTROY_WAIT_MS = 3000;

/** A room as chatroom/get.json shows it. */
export interface RoomSummary {
  roomId: string;
  name: string;
  /** creation time, ms epoch */
  createdAt: number;
  memberCount: number;
  destroyType: DestroyType;
  /** minutes of the destroy rule in force */
  destroyTime: number;
  muteAll: boolean;
}

/** Options of {@link createRoomWithOptions}. */
export interface NewRoomOptions {
  roomId: string;
  destroy: DestroyOverride;
  muteAll: boolean;
  /** users who may send while the room is in mute-all (at most 20) */
  muteExceptions: readonly string[];
}

async function createIfMissing(ctx: ChatContext, roomId: string, name: string): Promise<boolean> {
  try {
    await createRoom(ctx, { roomId, roomName: name });
    return true;
  } catch (e) {
    if (e instanceof ChatError && e.code === ErrorCode.ROOM_ALREADY_EXISTS) return false;
    throw e;
  }
}

/**
 * Creates rooms that do not exist yet (an existing id is left as it is: idempotent). The rooms
 * follow the server's default destroy rules. Throws ROOM_COUNT_LIMIT when the cluster is full.
 */
export async function createRooms(ctx: ChatContext, rooms: readonly { roomId: string; name: string }[]): Promise<void> {
  for (const room of rooms) await createIfMissing(ctx, room.roomId, room.name);
}

/**
 * Creates one room with its destroy type/time, mute-all state and mute exceptions. An existing
 * room is left unchanged (idempotent success, as for {@link createRooms}). Resolves with true
 * when this call created the room.
 */
export async function createRoomWithOptions(ctx: ChatContext, options: NewRoomOptions): Promise<boolean> {
  if (!(await createIfMissing(ctx, options.roomId, options.roomId))) return false;
  await storeDestroyOverride(ctx, options.roomId, options.destroy);
  if (options.muteAll) await setMuteAll(ctx, options.roomId, true);
  if (options.muteExceptions.length > 0) await addMuteExceptions(ctx, options.roomId, options.muteExceptions);
  return true;
}

/**
 * Destroys rooms wherever they run: members exit with DISMISSED; unknown ids are ignored.
 * Resolves once the rooms are gone and cleaned up (or after a few seconds): gone from the
 * matchmaker, and their id's claim released, which a room does last, after its record and the
 * settings that die with it are deleted (Colyseus removes the listing before the room's dispose
 * runs, so the listing alone answered while the record could still be read).
 */
export async function destroyRooms(ctx: ChatContext, roomIds: readonly string[]): Promise<void> {
  const command: RoomCommand = { type: "destroy", reason: ExitReason.DISMISSED };
  await Promise.all(roomIds.map((roomId) => ctx.store.bus.publish(Topic.room(roomId), command)));
  const deadline = Date.now() + DESTROY_WAIT_MS;
  const live = async (roomId: string): Promise<boolean> =>
    (await ctx.directory.find(roomId)) !== undefined || (await ctx.store.claims.holder(roomId)) !== undefined;
  for (const roomId of roomIds) {
    while ((await live(roomId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}

/** Live info of a room, from whichever process hosts it; ROOM_NOT_EXIST when there is none. */
export function roomInfo(ctx: ChatContext, roomId: string): Promise<RoomInfo> {
  return ctx.directory.room(roomId).info();
}

/** What chatroom/get.json answers; ROOM_NOT_EXIST for a room that is not live. */
export async function getRoom(ctx: ChatContext, roomId: string): Promise<RoomSummary> {
  const [info, override, muteAll] = await Promise.all([roomInfo(ctx, roomId), getDestroyOverride(ctx, roomId), isMuteAll(ctx, roomId)]);
  return {
    roomId,
    name: info.roomName,
    createdAt: info.createdAt,
    memberCount: info.memberCount,
    destroyType: override?.type ?? DestroyType.INACTIVE,
    destroyTime: override?.minutes ?? ctx.config.inactivityMin,
    muteAll,
  };
}

/** Name and creation time of each live room among `roomIds`, in the order asked; missing ids are skipped. */
export async function queryRooms(
  ctx: ChatContext,
  roomIds: readonly string[],
): Promise<{ roomId: string; name: string; createdAt: number }[]> {
  const found = await Promise.all(
    roomIds.map(async (roomId) => {
      try {
        const info = await roomInfo(ctx, roomId);
        return { roomId, name: info.roomName, createdAt: info.createdAt };
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((room) => room !== undefined);
}

/** Members by join time (`order` "asc" oldest first), at most `count`, with the member total. */
export async function listMembers(
  ctx: ChatContext,
  roomId: string,
  count: number,
  order: "asc" | "desc",
): Promise<{ total: number; members: { userId: string; joinedAt: number }[] }> {
  const info = await roomInfo(ctx, roomId);
  const sorted = info.members.map((m) => ({ userId: m.userId, joinedAt: m.joinedAt })).sort((a, b) => a.joinedAt - b.joinedAt);
  if (order === "desc") sorted.reverse();
  return { total: info.memberCount, members: sorted.slice(0, count) };
}

/** For each user, whether it is a member of the room (offline members inside their window count). */
export async function membersPresent(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<boolean[]> {
  const members = new Set((await roomInfo(ctx, roomId)).members.map((m) => m.userId));
  return userIds.map((userId) => members.has(userId));
}

/** Removes members from a live room without banning them: they exit with KICKED and may come back. */
export async function kickMembers(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await assertRoomExists(ctx, roomId);
  await ctx.store.bus.publish(Topic.room(roomId), {
    type: "remove",
    userIds: [...userIds],
    reason: ExitReason.KICKED,
  } satisfies RoomCommand);
}

/**
 * Forgets what dies with a destroyed room: mute-all, mute exceptions, protected users, slow mode,
 * the room's word filter, destroy override, keep-alive and the distribution switch. Bans, mutes and
 * shadow bans stay (they are keyed by room id and outlive the room), and so does message history. The room calls this from onDispose after a
 * destroy (not on shutdown).
 */
export async function forgetDestroyedRoom(ctx: ChatContext, roomId: string): Promise<void> {
  await Promise.all([clearRoomModeration(ctx, roomId), clearRoomPolicy(ctx, roomId), clearDistribution(ctx, roomId)]);
}
