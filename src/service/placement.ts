/**
 * Where a joiner of a live room is seated (docs/scaling.md "Live rooms"): on the room's owner
 * process until that holds `shardThreshold` of the room's connections, then on a relay shard of
 * the room on another process. Only with a store shared by processes: in memory there is one
 * process, and a relay beside its owner would only add work.
 */
import type { IRoomCache } from "@colyseus/core";
import { MATCHMAKING_FILTER_KEY as FILTER_KEY } from "../protocol";
import type { ChatContext } from "./context";
import { SHARD_KEY } from "./shardWire";

/** True when rooms of this process may spread over processes. */
export function shardingOn(ctx: Pick<ChatContext, "config" | "store">): boolean {
  return ctx.config.shardThreshold > 0 && ctx.store.claims.isAlive !== undefined;
}

/** True when a joiner of the room listed as `owner` goes to a relay. */
export function seatsOnRelay(ctx: Pick<ChatContext, "config" | "store">, owner: IRoomCache | undefined): boolean {
  return owner !== undefined && shardingOn(ctx) && owner.clients >= ctx.config.shardThreshold;
}

/** True for the listing (or creation options) of a relay shard. */
export function isRelay(metadataOrOptions: unknown): boolean {
  return (metadataOrOptions as Record<string, unknown> | undefined)?.[SHARD_KEY] === 1;
}

/** Relay creations under way on this process, by chatroom id: concurrent joiners share one. */
const creating = new Map<string, Promise<IRoomCache>>();

/**
 * A relay of `roomId` with a free seat: the least-filled listed one, else a new one (placed by
 * the process selector on the least-loaded process, see plugin/drain.ts placeRelays).
 */
export async function relayWithRoom(ctx: ChatContext, roomType: string, roomId: string): Promise<IRoomCache> {
  const free = (await ctx.directory.relays(roomId)).filter((listing) => !listing.locked);
  free.sort((a, b) => a.clients - b.clients);
  const [best] = free;
  if (best) return best;
  let pending = creating.get(roomId);
  if (!pending) {
    pending = ctx.directory.create(roomType, { roomId, [FILTER_KEY]: roomId, [SHARD_KEY]: 1 });
    creating.set(roomId, pending);
    void pending.finally(() => creating.delete(roomId)).catch(() => undefined);
  }
  return pending;
}
