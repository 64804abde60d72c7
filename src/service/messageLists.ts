/**
 * Message settings shared by every process: the app-wide low-priority and protected message types
 * (RongCloud chatroom/message/priority and chatroom/whitelist) and the per-room distribution
 * switch (stop/resumeDistribution). State lives in `ctx.store.sets` with no expiry; every change
 * is announced on the bus ({type:"lists"}) so rooms refresh their cached lists at once.
 */
import { addCapped } from "./cappedSet";
import type { ChatContext } from "./context";
import { assertRoomExists } from "./roomExists";
import { Scope, Topic, type RoomCommand } from "./scopes";

/** RongCloud's limits: types per list and per add/remove call. Each type is at most 32 characters. */
export const MESSAGE_TYPE_LIST_LIMITS = {
  lowPriority: { total: 20, perCall: 5 },
  protected: { total: 20, perCall: 20 },
} as const;

/** Which app-wide type list. */
export type TypeList = "lowPriority" | "protected";

const SCOPE: Record<TypeList, string> = { lowPriority: Scope.lowPriorityTypes, protected: Scope.protectedTypes };
const WHAT: Record<TypeList, string> = {
  lowPriority: "low-priority message types list",
  protected: "protected message types list (message whitelist)",
};

const LISTS_CHANGED: RoomCommand = { type: "lists" };

/**
 * Adds types to an app-wide list. Throws PARAMETER when the list would hold more than its total
 * (20), naming the current size and the size after the call; then nothing is added.
 */
export async function addMessageTypes(ctx: ChatContext, list: TypeList, types: readonly string[]): Promise<void> {
  await addCapped(ctx, SCOPE[list], types, { max: MESSAGE_TYPE_LIST_LIMITS[list].total, what: WHAT[list], unit: "types" });
  await ctx.store.bus.publish(Topic.allRooms, LISTS_CHANGED);
}

/** Removes types from an app-wide list; types not on it are ignored. */
export async function removeMessageTypes(ctx: ChatContext, list: TypeList, types: readonly string[]): Promise<void> {
  await ctx.store.sets.remove(SCOPE[list], types);
  await ctx.store.bus.publish(Topic.allRooms, LISTS_CHANGED);
}

/** The types on an app-wide list, sorted. */
export async function listMessageTypes(ctx: ChatContext, list: TypeList): Promise<string[]> {
  return (await ctx.store.sets.list(SCOPE[list], ctx.now())).map((e) => e.member).sort();
}

/**
 * Stops message distribution in a live room (ROOM_NOT_EXIST otherwise): members' sends are refused
 * with DISTRIBUTION_STOPPED and operator publishes too; nothing is delivered until resumed.
 * The switch dies with the room.
 */
export async function stopDistribution(ctx: ChatContext, roomId: string): Promise<void> {
  await assertRoomExists(ctx, roomId);
  await ctx.store.sets.add(Scope.distributionStopped, [roomId], null);
  await ctx.store.bus.publish(Topic.room(roomId), LISTS_CHANGED);
}

/** Resumes distribution; idempotent, also for a room that does not exist. */
export async function resumeDistribution(ctx: ChatContext, roomId: string): Promise<void> {
  await ctx.store.sets.remove(Scope.distributionStopped, [roomId]);
  await ctx.store.bus.publish(Topic.room(roomId), LISTS_CHANGED);
}

/** For each room, whether its distribution is stopped (same order as `roomIds`). */
export function distributionStopped(ctx: ChatContext, roomIds: readonly string[]): Promise<boolean[]> {
  return ctx.store.sets.hasMany(Scope.distributionStopped, roomIds, ctx.now());
}

/** Forgets a destroyed room's distribution switch, so a room re-created with its id distributes. */
export async function clearDistribution(ctx: ChatContext, roomId: string): Promise<void> {
  await ctx.store.sets.remove(Scope.distributionStopped, [roomId]);
}
