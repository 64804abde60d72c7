/**
 * Moderation use-cases shared by the rooms and the operator API: ban (block), mute (gag),
 * mute-all with exceptions, global mute and protected users. All state lives in
 * `ctx.store.sets` (shared by every process); every change is announced on the bus so rooms
 * react at once, wherever they run. Timed entries are keyed by room id, so they outlive the room.
 */
import { ExitReason } from "../core/exitReasons";
import { expiryAfterMinutes, MODERATION_LIMITS } from "../core/moderation";
import type { ExpiringEntry } from "../store/types";
import { addCapped } from "./cappedSet";
import type { ChatContext } from "./context";
import { assertRoomExists } from "./roomExists";
import { Scope, Topic, type RoomCommand } from "./scopes";

/** Tells the rooms on `topic` (this process's at once, others over the bus) that moderation changed. */
export async function announce(ctx: ChatContext, topic: string, command: RoomCommand): Promise<void> {
  // this process's rooms reload now, so the change holds for the very next send; others on the notice
  if (command.type === "moderation") ctx.moderationCaches.reload(topic);
  await ctx.store.bus.publish(topic, command);
}

/** Puts users in a timed scope (ban, mute, shadow ban...) for `minutes` and tells the rooms on `topic`. */
export async function addTimed(ctx: ChatContext, scope: string, topic: string, userIds: readonly string[], minutes: number): Promise<void> {
  await ctx.store.sets.add(scope, userIds, expiryAfterMinutes(ctx.now(), minutes));
  await announce(ctx, topic, { type: "moderation" });
}

/** Takes users out of a timed scope and tells the rooms on `topic`; users not in it are ignored. */
export async function removeTimed(ctx: ChatContext, scope: string, topic: string, userIds: readonly string[]): Promise<void> {
  await ctx.store.sets.remove(scope, userIds);
  await announce(ctx, topic, { type: "moderation" });
}

/** Bans users from a room for `minutes`: members are removed now (BANNED) and entry is refused until expiry. */
export async function banUsers(ctx: ChatContext, roomId: string, userIds: readonly string[], minutes: number): Promise<void> {
  await ctx.store.sets.add(Scope.banned(roomId), userIds, expiryAfterMinutes(ctx.now(), minutes));
  await announce(ctx, Topic.room(roomId), { type: "remove", userIds: [...userIds], reason: ExitReason.BANNED });
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** Lifts bans; users not banned are ignored. */
export async function unbanUsers(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await ctx.store.sets.remove(Scope.banned(roomId), userIds);
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** Current bans of a room with their end times. */
export function listBanned(ctx: ChatContext, roomId: string): Promise<ExpiringEntry[]> {
  return ctx.store.sets.list(Scope.banned(roomId), ctx.now());
}

/** Mutes users in a room for `minutes`: they keep reading but their sends are refused (MUTED). */
export function muteUsers(ctx: ChatContext, roomId: string, userIds: readonly string[], minutes: number): Promise<void> {
  return addTimed(ctx, Scope.muted(roomId), Topic.room(roomId), userIds, minutes);
}

/** Lifts room mutes. */
export function unmuteUsers(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  return removeTimed(ctx, Scope.muted(roomId), Topic.room(roomId), userIds);
}

/** Current mutes of a room with their end times. */
export function listMuted(ctx: ChatContext, roomId: string): Promise<ExpiringEntry[]> {
  return ctx.store.sets.list(Scope.muted(roomId), ctx.now());
}

/** Mutes users in every room for `minutes`; overrides mute exceptions. */
export function muteGlobally(ctx: ChatContext, userIds: readonly string[], minutes: number): Promise<void> {
  return addTimed(ctx, Scope.globallyMuted, Topic.allRooms, userIds, minutes);
}

/** Lifts global mutes. */
export function unmuteGlobally(ctx: ChatContext, userIds: readonly string[]): Promise<void> {
  return removeTimed(ctx, Scope.globallyMuted, Topic.allRooms, userIds);
}

/** Current global mutes with their end times. */
export function listGloballyMuted(ctx: ChatContext): Promise<ExpiringEntry[]> {
  return ctx.store.sets.list(Scope.globallyMuted, ctx.now());
}

/**
 * Turns mute-all on or off for a live room (ROOM_NOT_EXIST otherwise). Members on the room's
 * mute-exceptions list may still send. Cleared when the room is destroyed.
 */
export async function setMuteAll(ctx: ChatContext, roomId: string, on: boolean): Promise<void> {
  await assertRoomExists(ctx, roomId);
  if (on) await ctx.store.sets.add(Scope.muteAllRooms, [roomId], null);
  else await ctx.store.sets.remove(Scope.muteAllRooms, [roomId]);
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** True while the room is in mute-all. */
export function isMuteAll(ctx: ChatContext, roomId: string): Promise<boolean> {
  return ctx.store.sets.has(Scope.muteAllRooms, roomId, ctx.now());
}

/** Ids of the rooms in mute-all, sorted, so pages are stable. */
export async function listMuteAllRooms(ctx: ChatContext): Promise<string[]> {
  const entries = await ctx.store.sets.list(Scope.muteAllRooms, ctx.now());
  return entries.map((e) => e.member).sort();
}

/**
 * Adds users to a live room's mute-exceptions list (at most 20 in the list; PARAMETER when the
 * call would go over). Kept while the users are away; cleared when the room is destroyed.
 */
export async function addMuteExceptions(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await assertRoomExists(ctx, roomId);
  await addCapped(ctx, Scope.muteExceptions(roomId), userIds, {
    max: MODERATION_LIMITS.muteExceptionsPerRoom,
    what: "mute-exceptions list",
    unit: "users",
  });
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** Removes users from the mute-exceptions list. */
export async function removeMuteExceptions(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await ctx.store.sets.remove(Scope.muteExceptions(roomId), userIds);
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** User ids on the mute-exceptions list. */
export async function listMuteExceptions(ctx: ChatContext, roomId: string): Promise<string[]> {
  return (await ctx.store.sets.list(Scope.muteExceptions(roomId), ctx.now())).map((e) => e.member);
}

/**
 * Protects users of a live room from automatic (offline) kick-out; at most 5 per room
 * (PARAMETER when the call would go over). Cleared when the room is destroyed.
 */
export async function addProtectedUsers(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await assertRoomExists(ctx, roomId);
  await addCapped(ctx, Scope.protectedUsers(roomId), userIds, {
    max: MODERATION_LIMITS.protectedUsersPerRoom,
    what: "protected-users list (user whitelist)",
    unit: "users",
  });
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** Removes protection from users. */
export async function removeProtectedUsers(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await ctx.store.sets.remove(Scope.protectedUsers(roomId), userIds);
  await announce(ctx, Topic.room(roomId), { type: "moderation" });
}

/** Protected user ids of a room. */
export async function listProtectedUsers(ctx: ChatContext, roomId: string): Promise<string[]> {
  return (await ctx.store.sets.list(Scope.protectedUsers(roomId), ctx.now())).map((e) => e.member);
}

/**
 * Forgets the moderation state that dies with a room (mute-all, mute exceptions, protected users,
 * slow mode, the room's word filter).
 * Bans and mutes are kept: they outlive the room, as RongCloud documents.
 */
export async function clearRoomModeration(ctx: ChatContext, roomId: string): Promise<void> {
  await Promise.all([
    ctx.store.sets.remove(Scope.muteAllRooms, [roomId]),
    ctx.store.sets.clear(Scope.muteExceptions(roomId)),
    ctx.store.sets.clear(Scope.protectedUsers(roomId)),
    ctx.store.sets.clear(Scope.slowMode(roomId)),
    ctx.store.sets.clear(Scope.roomWordFilter(roomId)),
  ]);
}
