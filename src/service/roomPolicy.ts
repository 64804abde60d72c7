/**
 * Operator settings of a room's auto-destroy: destroy type/time overrides and keep-alive. Stored in
 * `ctx.store.sets` so any process can change them; every change publishes {type:"policy"} on the
 * room's topic and the room re-reads {@link readRoomPolicy}.
 */
import { applyDestroyOverride, decodeDestroyOverride, encodeDestroyOverride, type DestroyOverride } from "../core/destroyOverride";
import type { DestroyPolicy } from "../core/destroyPolicy";
import { ChatError, ErrorCode } from "../core/errors";
import type { ChatContext } from "./context";
import { assertRoomExists } from "./roomExists";
import { Scope, Topic, type RoomCommand } from "./scopes";

async function announcePolicy(ctx: ChatContext, roomId: string): Promise<void> {
  await ctx.store.bus.publish(Topic.room(roomId), { type: "policy" } satisfies RoomCommand);
}

/** Stores the operator's destroy type/time for a room (no check that it exists) and tells the room. */
export async function storeDestroyOverride(ctx: ChatContext, roomId: string, override: DestroyOverride): Promise<void> {
  const scope = Scope.destroyOverride(roomId);
  await ctx.store.sets.clear(scope);
  await ctx.store.sets.add(scope, [encodeDestroyOverride(override)], null);
  await announcePolicy(ctx, roomId);
}

/** Sets the destroy type/time of a live room (ROOM_NOT_EXIST otherwise); it applies at once. */
export async function setDestroyOverride(ctx: ChatContext, roomId: string, override: DestroyOverride): Promise<void> {
  await assertRoomExists(ctx, roomId);
  await storeDestroyOverride(ctx, roomId, override);
}

/** The operator's destroy type/time for a room, or null when it follows the server defaults. */
export async function getDestroyOverride(ctx: ChatContext, roomId: string): Promise<DestroyOverride | null> {
  const entries = await ctx.store.sets.list(Scope.destroyOverride(roomId), ctx.now());
  for (const entry of entries) {
    const override = decodeDestroyOverride(entry.member);
    if (override) return override;
  }
  return null;
}

/** True when the room is on the keep-alive list. */
export function isKeptAlive(ctx: ChatContext, roomId: string): Promise<boolean> {
  return ctx.store.sets.has(Scope.keepAlive, roomId, ctx.now());
}

/**
 * The policy a room must follow now: `base` (its configured defaults) with the operator's
 * destroy override and keep-alive flag applied. Rooms call this on create and on {type:"policy"}.
 */
export async function readRoomPolicy(ctx: ChatContext, roomId: string, base: DestroyPolicy): Promise<DestroyPolicy> {
  const [override, keepAlive] = await Promise.all([getDestroyOverride(ctx, roomId), isKeptAlive(ctx, roomId)]);
  return { ...applyDestroyOverride(base, override), keepAlive };
}

/**
 * Puts a live room on the keep-alive list (never auto-destroyed). Throws KEEPALIVE_ROOM_MISSING
 * (1015) when the room does not exist and KEEPALIVE_QUOTA (1016) when `keepAliveMax` rooms are kept.
 */
export async function addKeepAlive(ctx: ChatContext, roomId: string): Promise<void> {
  await assertRoomExists(ctx, roomId, ErrorCode.KEEPALIVE_ROOM_MISSING);
  const kept = await listKeepAlive(ctx);
  const max = ctx.config.keepAliveMax;
  if (!kept.includes(roomId) && kept.length >= max) {
    throw new ChatError(ErrorCode.KEEPALIVE_QUOTA, `at most ${max} chatrooms can be kept alive (CHAT_KEEPALIVE_MAX)`);
  }
  await ctx.store.sets.add(Scope.keepAlive, [roomId], null);
  await announcePolicy(ctx, roomId);
}

/** Takes a room off the keep-alive list; its normal destroy rules apply again at once. */
export async function removeKeepAlive(ctx: ChatContext, roomId: string): Promise<void> {
  await ctx.store.sets.remove(Scope.keepAlive, [roomId]);
  await announcePolicy(ctx, roomId);
}

/** Kept-alive room ids, sorted. */
export async function listKeepAlive(ctx: ChatContext): Promise<string[]> {
  return (await ctx.store.sets.list(Scope.keepAlive, ctx.now())).map((e) => e.member).sort();
}

/** Forgets a destroyed room's destroy override and keep-alive entry. */
export async function clearRoomPolicy(ctx: ChatContext, roomId: string): Promise<void> {
  await Promise.all([ctx.store.sets.clear(Scope.destroyOverride(roomId)), ctx.store.sets.remove(Scope.keepAlive, [roomId])]);
}
