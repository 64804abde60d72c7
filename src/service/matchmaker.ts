/**
 * The seam between the service layer and Colyseus' matchmaker: the handful of `matchMaker`
 * functions services use, behind one interface so unit tests can pass a fake (see
 * createRoomDirectory). {@link colyseusMatchmaker} is the only place in src/service that touches
 * Colyseus' global `matchMaker`; services reach it through `ctx.directory`.
 */
import { matchMaker, type IRoomCache } from "@colyseus/core";

/** A seat the matchmaker reserved: what a client consumes over WebSocket (Colyseus' ISeatReservation). */
export type SeatReservation = matchMaker.ISeatReservation;

/** A registered room type, as far as services look at it: the class Colyseus instantiates. */
export interface RoomHandler {
  readonly klass: unknown;
}

/** The matchmaker functions services use; each behaves as Colyseus' function of that name. */
export interface Matchmaker {
  /** The listing of a live room of any type with this id, anywhere in the cluster; undefined when none. */
  getRoomById(roomId: string): Promise<IRoomCache | undefined>;
  /** Every listing matching `conditions` ({} lists all rooms). */
  query(conditions: Partial<IRoomCache>): Promise<IRoomCache[]>;
  /** The room types registered on this process, by name. */
  getAllHandlers(): Readonly<Record<string, RoomHandler>>;
  /** Creates a room of `roomType` with `options` (its onCreate may refuse: the rejection carries its error). */
  createRoom(roomType: string, options: Record<string, unknown>): Promise<IRoomCache>;
  /** Reserves a seat in a listed room for a client with `options` and `auth` data (the room may refuse). */
  reserveSeatFor(listing: IRoomCache, options: Record<string, unknown>, auth: unknown): Promise<SeatReservation>;
  /**
   * Calls `method` with `args` on the room of `roomId` on whichever process hosts it. Rejects when
   * no room answers within `timeoutMs` [Colyseus' short presence timeout, 2 s by default].
   */
  remoteRoomCall(roomId: string, method: string, args: unknown[], timeoutMs?: number): Promise<unknown>;
}

/** The real matchmaker: Colyseus' global `matchMaker` of this process. */
export const colyseusMatchmaker: Matchmaker = {
  // null or undefined for an unknown id, whatever the declaration says
  getRoomById: async (roomId) => ((await matchMaker.getRoomById(roomId)) as IRoomCache | null | undefined) ?? undefined,
  query: (conditions) => matchMaker.query(conditions),
  getAllHandlers: () => matchMaker.getAllHandlers(),
  createRoom: (roomType, options) => matchMaker.createRoom(roomType, options),
  reserveSeatFor: (listing, options, auth) => matchMaker.reserveSeatFor(listing, options, auth),
  remoteRoomCall: (roomId, method, args, timeoutMs) => matchMaker.remoteRoomCall<Record<string, unknown>>(roomId, method, args, timeoutMs),
};
