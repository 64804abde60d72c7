import { forgetsRoom, type ExitReason } from "../src/core/exitReasons";
import type { ChatContext } from "../src/service/context";
import { forgetDestroyedRoom } from "../src/service/rooms";
import { Scope } from "../src/service/scopes";
import type { RoomSnapshot } from "./roomSnapshot";

/** What a disposed room leaves behind in the store. */
export interface RoomRemains {
  roomId: string;
  /** This process held the room id's claim (the room was created, not refused). */
  claimed: boolean;
  /** Why the room closed (undefined: it emptied and was disposed without a reason). */
  closingReason: ExitReason | undefined;
  /** Members still indexed as in the room. */
  userIds: readonly string[];
  /** The room's bus subscriptions. */
  unsubscribers: readonly (() => Promise<void>)[];
  snapshot: RoomSnapshot | undefined;
}

/**
 * Cleans up after a disposed room: unindexes its members, ends its subscriptions, forgets the
 * settings that die with it (only when it is gone for good, not on shutdown), closes its snapshot,
 * and releases its id's claim last, so a room re-created with that id never sees this cleanup.
 * Never rejects: a failing store is logged (an unreleased claim lapses by its TTL).
 */
export async function cleanUpRoom(ctx: ChatContext, remains: RoomRemains): Promise<void> {
  const { roomId, claimed, closingReason, snapshot } = remains;
  const cleanups: Promise<unknown>[] = [
    ...remains.userIds.map((userId) => ctx.store.sets.remove(Scope.userRooms(userId), [roomId])),
    ...remains.unsubscribers.map((unsubscribe) => unsubscribe()),
  ];
  // settings that die with the room (mute-all, exceptions, protected users, destroy override, keep-alive)
  if (claimed && forgetsRoom(closingReason)) cleanups.push(forgetDestroyedRoom(ctx, roomId));
  // its record goes with them (the room is forgotten); a shutdown keeps it, as a crash does
  if (snapshot) cleanups.push(snapshot.close(closingReason));
  if (claimed) cleanups.push(Promise.allSettled(cleanups).then(() => ctx.claims.release(roomId)));
  for (const result of await Promise.allSettled(cleanups)) {
    if (result.status === "rejected") console.error(`cleanup of room ${roomId} failed:`, result.reason);
  }
}
