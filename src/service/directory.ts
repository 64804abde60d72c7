/**
 * Which Colyseus room types are chat rooms of one chatrooms instance, and where their rooms are
 * listed. Services find and create rooms through it, never by a fixed type name, so a studio may
 * register its chat room types under any names, beside room types of its own.
 */
import type { AuthContext, IRoomCache } from "@colyseus/core";
import { ChatError, ErrorCode } from "../core/errors";
import { DEFAULT_ROOM_TYPE, MATCHMAKING_FILTER_KEY } from "../protocol";
import { isRelay } from "./placement";
import { SHARD_KEY } from "./shardWire";
import { colyseusMatchmaker, type Matchmaker, type SeatReservation } from "./matchmaker";
import { roomCalls } from "./remote";
import type { RoomCalls } from "./roomOperations";

/** The static property a bound chat room class carries its context under (plugin/bindRoom). */
export const CHAT_CONTEXT = Symbol.for("colyseus-chatrooms.context");
/** The static property a bound chat room class carries the app's own static onAuth under, if any. */
export const APP_ON_AUTH = Symbol.for("colyseus-chatrooms.appOnAuth");

/** A room class's own static onAuth (Colyseus' signature). */
export type AppOnAuth = (token: string, options: unknown, context: AuthContext) => unknown;

/** The chat room types of one chatrooms instance. */
export interface RoomDirectory {
  /** Names under which this instance's room classes are registered with Colyseus now. */
  roomTypes(): string[];
  /** True when `name` is one of {@link roomTypes}. */
  isChatType(name: string): boolean;
  /** The type rooms created by the operator API get; throws INTERNAL when none is registered. */
  operatorRoomType(): string;
  /** The app's own static onAuth of a chat room type, if its class has one. */
  appOnAuth(roomType: string): AppOnAuth | undefined;
  /** The listing of a live chat room with this id anywhere in the cluster, if any. */
  find(roomId: string): Promise<IRoomCache | undefined>;
  /**
   * What holds this id, in one listing look-up: the live chat room of that id, or the type of a live
   * room of another type (a game room, another chatrooms instance's chat room). Colyseus room ids
   * are one namespace: a chat room could never be created with an id another type holds.
   */
  lookup(roomId: string): Promise<{ chatRoom?: IRoomCache; otherType?: string }>;
  /** Every live chat room of this instance in the cluster (owners only: relay shards are no rooms of their own). */
  listAll(): Promise<IRoomCache[]>;
  /** The relay shards of chatroom `roomId` listed now (service/placement.ts). */
  relays(roomId: string): Promise<IRoomCache[]>;
  /**
   * The operations of the chat room `roomId` on whichever process hosts it. Each call throws
   * ROOM_NOT_EXIST at once when no chat room of this instance is listed under the id (or none
   * answers), else the room's own ChatError (see {@link RoomCalls}).
   */
  room(roomId: string): RoomCalls;
  /**
   * {@link room} for a caller that knows the room lives (a relay shard calling its owner, see
   * rooms/RelayShard.ts): no listing look-up first, so a call costs one remote round trip; a room
   * that is gone answers ROOM_NOT_EXIST after the call's timeout.
   */
  knownRoom(roomId: string): RoomCalls;
  /**
   * Creates a room of `roomType` through the matchmaker; the room's onCreate applies the rules of
   * creating. Rejects with whatever the matchmaker throws (see entry's toChatError).
   */
  create(roomType: string, options: Record<string, unknown>): Promise<IRoomCache>;
  /** Reserves a seat in a listed room, carrying `auth` as the seat's auth data; rejects as the matchmaker does. */
  reserveSeat(listing: IRoomCache, options: Record<string, unknown>, auth: unknown): Promise<SeatReservation>;
}

/**
 * A directory over the matchmaker's registered handlers: a type belongs to the instance whose
 * `processToken` its bound class carries. `matchmaker` is Colyseus' own unless a test passes a fake.
 */
export function createRoomDirectory(
  processToken: string,
  preferredType: string | undefined,
  matchmaker: Matchmaker = colyseusMatchmaker,
): RoomDirectory {
  const roomTypes = (): string[] => {
    const names: string[] = [];
    for (const [name, handler] of Object.entries(matchmaker.getAllHandlers())) {
      const bound = (handler.klass as Record<symbol, { processToken?: string } | undefined>)[CHAT_CONTEXT];
      if (bound?.processToken === processToken) names.push(name);
    }
    return names;
  };
  const isChatType = (name: string): boolean => roomTypes().includes(name);
  const lookup = async (roomId: string): Promise<{ chatRoom?: IRoomCache; otherType?: string }> => {
    const listing = await matchmaker.getRoomById(roomId);
    if (!listing) return {};
    return isChatType(listing.name) ? { chatRoom: listing } : { otherType: listing.name };
  };
  const find = async (roomId: string): Promise<IRoomCache | undefined> => (await lookup(roomId)).chatRoom;
  const link = {
    isListed: async (roomId: string) => (await find(roomId)) !== undefined,
    remoteRoomCall: (roomId: string, method: string, args: unknown[], timeoutMs?: number) =>
      matchmaker.remoteRoomCall(roomId, method, args, timeoutMs),
  };
  // knownRoom's calls skip the listing look-up (the caller knows the room lives)
  const knownLink = { ...link, isListed: () => Promise.resolve(true) };
  return {
    roomTypes,
    isChatType,
    operatorRoomType() {
      const types = roomTypes();
      const chosen = preferredType ?? (types.includes(DEFAULT_ROOM_TYPE) ? DEFAULT_ROOM_TYPE : types[0]);
      if (chosen === undefined || !types.includes(chosen)) {
        throw new ChatError(
          ErrorCode.INTERNAL,
          preferredType === undefined
            ? "no chat room type is registered: add chat.defineRoom(...) to defineServer's rooms"
            : `operatorRoomType ${JSON.stringify(preferredType)} is not registered with chat.defineRoom(...); registered: ${types.join(", ") || "none"}`,
        );
      }
      return chosen;
    },
    find,
    lookup,
    appOnAuth(roomType) {
      const handlers = matchmaker.getAllHandlers();
      if (!Object.hasOwn(handlers, roomType)) return undefined;
      return (handlers[roomType]?.klass as Record<symbol, AppOnAuth | undefined> | undefined)?.[APP_ON_AUTH];
    },
    async listAll() {
      const types = new Set(roomTypes());
      return (await matchmaker.query({})).filter((listing) => types.has(listing.name) && !isRelay(listing.metadata));
    },
    async relays(roomId) {
      const types = new Set(roomTypes());
      return (await matchmaker.query({ [MATCHMAKING_FILTER_KEY]: roomId, [SHARD_KEY]: 1 } as Partial<IRoomCache>)).filter((listing) =>
        types.has(listing.name),
      );
    },
    room: (roomId) => roomCalls(link, roomId),
    knownRoom: (roomId) => roomCalls(knownLink, roomId),
    create: (roomType, options) => matchmaker.createRoom(roomType, options),
    reserveSeat: (listing, options, auth) => matchmaker.reserveSeatFor(listing, options, auth),
  };
}
