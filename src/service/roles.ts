/**
 * Room roles (src/core/roles.ts) in the store, shared by the rooms and the operator API: one
 * store set per room and role (`Scope.roomRole`), keyed by room id, so roles outlive the room
 * instance as bans do. Every change is announced on the room's bus topic, so the room reloads
 * them at once, wherever it runs.
 */
import { ChatError, ErrorCode } from "../core/errors";
import { ROOM_ROLES, roleCapacity, type RoomRole } from "../core/roles";
import { addCapped } from "./cappedSet";
import type { ChatContext } from "./context";
import { Scope, Topic } from "./scopes";

/** One user's role in a room. */
export interface RoleEntry {
  userId: string;
  role: RoomRole;
}

async function announce(ctx: ChatContext, roomId: string): Promise<void> {
  await ctx.store.bus.publish(Topic.room(roomId), { type: "roles" });
}

/**
 * Every role of a room, highest role first, then by user id. A user found in two roles' sets
 * (a change interrupted half-way) counts with the higher one.
 */
export async function listRoles(ctx: ChatContext, roomId: string): Promise<RoleEntry[]> {
  const now = ctx.now();
  const lists = await Promise.all(ROOM_ROLES.map((role) => ctx.store.sets.list(Scope.roomRole(roomId, role), now)));
  const seen = new Set<string>();
  const entries: RoleEntry[] = [];
  ROOM_ROLES.forEach((role, i) => {
    const users = (lists[i] ?? []).map((e) => e.member).sort();
    for (const userId of users) {
      if (seen.has(userId)) continue;
      seen.add(userId);
      entries.push({ userId, role });
    }
  });
  return entries;
}

/** The roles of a room as a map by user id. */
export async function readRoles(ctx: ChatContext, roomId: string): Promise<Map<string, RoomRole>> {
  return new Map((await listRoles(ctx, roomId)).map((e) => [e.userId, e.role]));
}

/**
 * Gives `userIds` the role `role` in a room (their previous role goes). At most 50 admins and 50
 * moderators per room (PARAMETER naming the list, its cap and the size the call would make, and
 * nothing changes); the owner is one user, who replaces the previous owner (that one becomes a
 * member).
 */
export async function setRole(ctx: ChatContext, roomId: string, userIds: readonly string[], role: RoomRole): Promise<void> {
  if (role === "owner") {
    if (userIds.length !== 1)
      throw new ChatError(ErrorCode.PARAMETER, `role owner takes exactly one userId (a room has one owner), got ${userIds.length}`);
    await ctx.store.sets.clear(Scope.roomRole(roomId, "owner"));
    await ctx.store.sets.add(Scope.roomRole(roomId, "owner"), userIds, null);
  } else {
    await addCapped(ctx, Scope.roomRole(roomId, role), userIds, {
      max: roleCapacity(role),
      what: `${role}s list of room ${roomId}`,
      unit: "users",
    });
  }
  await Promise.all(ROOM_ROLES.filter((r) => r !== role).map((r) => ctx.store.sets.remove(Scope.roomRole(roomId, r), userIds)));
  await announce(ctx, roomId);
}

/** Takes every role of `userIds` in a room: they are members again. Users without a role are ignored. */
export async function removeRoles(ctx: ChatContext, roomId: string, userIds: readonly string[]): Promise<void> {
  await Promise.all(ROOM_ROLES.map((role) => ctx.store.sets.remove(Scope.roomRole(roomId, role), userIds)));
  await announce(ctx, roomId);
}

/**
 * Makes the user whose entry created the room its owner, unless the room already has one (roles
 * outlive the room: an owner set before, by an earlier creation or the operator API, stays).
 * Resolves true when `creatorId` became the owner. A room has no other process while its creation
 * runs (it holds the id's claim), so the check and the write do not race another creation.
 */
export async function claimOwnership(ctx: ChatContext, roomId: string, creatorId: string): Promise<boolean> {
  if ((await ctx.store.sets.count(Scope.roomRole(roomId, "owner"), ctx.now())) > 0) return false;
  await ctx.store.sets.add(Scope.roomRole(roomId, "owner"), [creatorId], null);
  await Promise.all(ROOM_ROLES.filter((r) => r !== "owner").map((r) => ctx.store.sets.remove(Scope.roomRole(roomId, r), [creatorId])));
  return true;
}
