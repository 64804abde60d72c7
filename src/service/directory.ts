/**
 * Which Colyseus room types are chat rooms of one chatrooms instance, and where their rooms are
 * listed. Services find and create rooms through it, never by a fixed type name, so a studio may
 * register its chat room types under any names, beside room types of its own.
 */
import { matchMaker, type AuthContext, type IRoomCache } from "@colyseus/core";
import { ChatError, ErrorCode } from "../core/errors";
import { DEFAULT_ROOM_TYPE } from "../protocol";

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
  /** Every live chat room of this instance in the cluster. */
  listAll(): Promise<IRoomCache[]>;
}

/**
 * A directory over the matchmaker's registered handlers: a type belongs to the instance whose
 * `processToken` its bound class carries.
 */
export function createRoomDirectory(processToken: string, preferredType: string | undefined): RoomDirectory {
  const roomTypes = (): string[] => {
    const names: string[] = [];
    for (const [name, handler] of Object.entries(matchMaker.getAllHandlers())) {
      const bound = (handler.klass as unknown as Record<symbol, { processToken?: string } | undefined>)[CHAT_CONTEXT];
      if (bound?.processToken === processToken) names.push(name);
    }
    return names;
  };
  const isChatType = (name: string): boolean => roomTypes().includes(name);
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
    async find(roomId) {
      return (await this.lookup(roomId)).chatRoom;
    },
    async lookup(roomId) {
      const listing = await matchMaker.getRoomById(roomId);
      if (!listing) return {};
      return isChatType(listing.name) ? { chatRoom: listing } : { otherType: listing.name };
    },
    appOnAuth(roomType) {
      const klass = matchMaker.getAllHandlers()[roomType]?.klass as unknown as Record<symbol, AppOnAuth | undefined> | undefined;
      return klass?.[APP_ON_AUTH];
    },
    async listAll() {
      const types = new Set(roomTypes());
      return (await matchMaker.query({})).filter((listing) => types.has(listing.name));
    },
  };
}
