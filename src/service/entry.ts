/**
 * The rules of entering a chat room, in one place for every door: the SDK's matchmaking calls
 * (checked by ChatRoom's static onAuth), the `/chat/enter` route, and seats reserved by server
 * code (checked by the room when the connection arrives).
 */
import { ServerError, type AuthContext, type IRoomCache } from "@colyseus/core";
import { DESTROY_LIMITS } from "../core/destroyPolicy";
import { ChatError, ErrorCode, isChatError, matchmakingStatusOf } from "../core/errors";
import { assertName, assertRoomId, assertUserId } from "../core/ids";
import { codedMessage, MATCHMAKING_FILTER_KEY, parseCodedMessage, type EnterMode, type RoomConfig } from "../protocol";
import type { ChatContext } from "./context";
import type { SeatReservation } from "./matchmaker";
import { Scope } from "./scopes";
import { relayWithRoom, seatsOnRelay } from "./placement";
import { SHARD_KEY } from "./shardWire";

/** How a room is being entered: the route's modes, plus joinById (a live room named by id). */
export type EntryMode = EnterMode | "joinById";

/** What ChatRoom.onCreate receives from the matchmaker (client join options, or the operator API's). */
export interface CreateOptions {
  roomId: string;
  roomName?: string;
  /** The creating member's user id; absent when the operator API creates the room. */
  userId?: string;
  config?: RoomConfig;
  /** The matchmaking filter key: the room id again (Colyseus does not filter by `roomId`). */
  chatRoomId?: string;
}

/** A validated entry: who enters which room, with what. */
export interface EntryRequest {
  roomId: string;
  roomName: string;
  userId: string;
  userName: string;
  token: string | undefined;
  config: RoomConfig;
  switchedFrom: string | undefined;
}

/**
 * The seat's auth data once the entry rules passed (ChatRoom's static onAuth or the route).
 * A seat without it (reserved by server code) is checked by the room when its connection arrives.
 */
export interface AdmittedEntry {
  chatAdmitted: true;
  userId: string;
  userName: string;
  switchedFrom?: string;
}

/** The option key chat room types filter matchmaking by (Colyseus reserves `roomId` itself). */
export const FILTER_KEY = MATCHMAKING_FILTER_KEY;

const ENTER_MODES: readonly EnterMode[] = ["create", "join", "enter"];
const CLAIM_POLL_MS = 25;
const CLAIM_POLL_TIMEOUT_MS = 5000;

/**
 * The error to throw from a room's matchmaking hooks (static onAuth, onCreate) for `e`: a
 * ServerError with the code's matchmaking status and a {@link codedMessage}, which the SDK reports
 * as `{ code: status, message }` and ChatClient turns back into our code. Other errors pass unchanged.
 */
export function toMatchmakingError(e: unknown): unknown {
  if (!isChatError(e)) return e;
  return new ServerError(matchmakingStatusOf(e.code), codedMessage(e.code, e.message));
}

/**
 * Colyseus' SeatReservationError (not exported): the listed room did not take the seat (it is not
 * taking remote calls yet, it is closing, or its process is gone). Known by its messages.
 */
function isSeatReservationFailure(e: Error): boolean {
  return !(e instanceof ServerError) && /is not available|is already full|no longer available/.test(e.message);
}

const SEAT_ATTEMPTS = 5;
const SEAT_RETRY_MS = 50;

/** Converts what the matchmaker throws (a {@link toMatchmakingError}, or another fault) into a ChatError. */
export function toChatError(e: unknown): ChatError {
  if (isChatError(e)) return e;
  const coded = e instanceof Error ? parseCodedMessage(e.message) : undefined;
  if (coded) return new ChatError(coded.code, coded.message);
  // a seat in a listing whose room or process is gone
  if (e instanceof Error && isSeatReservationFailure(e)) {
    return new ChatError(ErrorCode.ROOM_NOT_EXIST, `the room is not available now (${e.message}); try again`);
  }
  if (e instanceof ServerError && Object.values(ErrorCode).includes(e.code as ErrorCode)) {
    return new ChatError(e.code, e.message);
  }
  return new ChatError(ErrorCode.INTERNAL, e instanceof Error ? e.message : String(e));
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ChatError(ErrorCode.PARAMETER, `${what} must be an object`);
  return value as Record<string, unknown>;
}

/** Validates a room's creation options (ZIM's advanced config); throws PARAMETER naming the field. */
export function parseRoomConfig(raw: unknown): RoomConfig {
  if (raw === undefined || raw === null) return {};
  const config = asObject(raw, "config");
  const delay = config.roomDestroyDelayTime;
  const { min, max } = DESTROY_LIMITS.emptyDelayS;
  if (delay !== undefined && (typeof delay !== "number" || !Number.isInteger(delay) || delay < min || delay > max)) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `config.roomDestroyDelayTime must be an integer number of seconds in ${min}..${max}, got ${JSON.stringify(delay)}`,
    );
  }
  const attributes = config.roomAttributes;
  if (attributes !== undefined && (typeof attributes !== "object" || attributes === null || Array.isArray(attributes))) {
    throw new ChatError(ErrorCode.PARAMETER, "config.roomAttributes must be an object of string values");
  }
  return { roomDestroyDelayTime: delay, roomAttributes: attributes as Record<string, string> | undefined };
}

/**
 * Validates join options from a client (SDK matchmaking options or the route's body). `roomId`
 * is the call's own id when it names one (joinById). Throws PARAMETER / ILLEGAL_ARGUMENT naming
 * the field and its limit.
 */
export function parseJoinOptions(raw: unknown, roomIdOfCall?: string): EntryRequest {
  const options = asObject(raw ?? {}, "join options");
  if (roomIdOfCall !== undefined && options.roomId !== undefined && options.roomId !== roomIdOfCall) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `roomId ${JSON.stringify(options.roomId)} differs from the room joined by id (${roomIdOfCall})`,
    );
  }
  const roomId = assertRoomId(roomIdOfCall ?? options.roomId);
  const userId = assertUserId(options.userId);
  if (options.token !== undefined && typeof options.token !== "string") throw new ChatError(ErrorCode.PARAMETER, "token must be a string");
  const switchedFrom = options.switchedFrom === undefined ? undefined : assertRoomId(options.switchedFrom, "switchedFrom");
  return {
    roomId,
    roomName: assertName(options.roomName, roomId, "roomName"),
    userId,
    userName: assertName(options.userName, userId, "userName"),
    token: options.token,
    config: parseRoomConfig(options.config),
    switchedFrom,
  };
}

/** Validates the body of the `/chat/enter` route: join options plus `mode`. */
export function parseEnterRequest(body: unknown): EntryRequest & { mode: EnterMode } {
  const b = asObject(body, "body");
  if (!ENTER_MODES.includes(b.mode as EnterMode)) {
    throw new ChatError(ErrorCode.PARAMETER, `mode must be one of ${ENTER_MODES.join(", ")}`);
  }
  return { ...parseJoinOptions(b), mode: b.mode as EnterMode };
}

/** Throws ROOM_COUNT_LIMIT when the cluster holds `maxRooms` chat rooms. */
export async function assertRoomCountBelowLimit(ctx: ChatContext): Promise<void> {
  const max = ctx.config.maxRooms;
  if (max === undefined) return;
  const rooms = await ctx.directory.listAll();
  if (rooms.length >= max) {
    throw new ChatError(ErrorCode.ROOM_COUNT_LIMIT, `room count limit reached: at most ${max} rooms (CHAT_MAX_ROOMS)`);
  }
}

async function assertMayJoinMoreRooms(ctx: ChatContext, userId: string, roomId: string): Promise<void> {
  const rooms = await ctx.store.sets.list(Scope.userRooms(userId), ctx.now());
  let others = rooms.filter((r) => r.member !== roomId).map((r) => r.member);
  if (others.length >= ctx.config.maxRoomsPerUser) {
    // A crashed process leaves its members in the index: count only rooms whose id is still claimed.
    const live = await Promise.all(others.map(async (id) => (await ctx.store.claims.holder(id)) !== undefined));
    const stale = others.filter((_, i) => !live[i]);
    if (stale.length > 0) await ctx.store.sets.remove(Scope.userRooms(userId), stale);
    others = others.filter((_, i) => live[i]);
  }
  if (others.length >= ctx.config.maxRoomsPerUser) {
    throw new ChatError(
      ErrorCode.JOINED_ROOMS_LIMIT,
      `user ${userId} is already in ${others.length} rooms: at most ${ctx.config.maxRoomsPerUser} (CHAT_MAX_ROOMS_PER_USER)`,
    );
  }
}

/** Throws BANNED while `userId` is banned from `roomId`. */
export async function assertNotBanned(ctx: ChatContext, userId: string, roomId: string): Promise<void> {
  if (await ctx.store.sets.has(Scope.banned(roomId), userId, ctx.now())) {
    throw new ChatError(ErrorCode.BANNED, `user ${userId} is banned from room ${roomId}`);
  }
}

/**
 * Every rule of entering, for every door: the user's token, bans, the rooms-per-user limit, and
 * what `mode` demands of the room's existence (create: must not exist, join/joinById: must
 * exist) and of the room count (when this entry would create a room). Resolves with the auth
 * data the seat carries. Throws ChatError: AUTH_FAILED, BANNED, JOINED_ROOMS_LIMIT,
 * ROOM_ALREADY_EXISTS, ROOM_NOT_EXIST, ROOM_COUNT_LIMIT.
 */
export async function admit(ctx: ChatContext, request: EntryRequest, mode: EntryMode): Promise<AdmittedEntry> {
  return (await checkEntry(ctx, request, mode)).admitted;
}

/** {@link admit}, also resolving with the live chat room it found (undefined: the entry would create it). */
async function checkEntry(
  ctx: ChatContext,
  request: EntryRequest,
  mode: EntryMode,
): Promise<{ admitted: AdmittedEntry; listing: IRoomCache | undefined }> {
  ctx.authenticate(request.userId, request.token);
  const [held] = await Promise.all([
    ctx.directory.lookup(request.roomId),
    assertNotBanned(ctx, request.userId, request.roomId),
    assertMayJoinMoreRooms(ctx, request.userId, request.roomId),
  ]);
  const listing = held.chatRoom;
  if (mode === "create" && listing) throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${request.roomId} already exists`);
  if ((mode === "join" || mode === "joinById") && !listing)
    throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${request.roomId} does not exist`);
  if (!listing) {
    assertNotOtherType(request.roomId, held.otherType);
    await assertRoomCountBelowLimit(ctx);
  }
  const admitted: AdmittedEntry = { chatAdmitted: true, userId: request.userId, userName: request.userName };
  if (request.switchedFrom !== undefined) admitted.switchedFrom = request.switchedFrom;
  return { admitted, listing };
}

/** Throws ROOM_ALREADY_EXISTS when a room of another type holds the id (Colyseus room ids are one namespace). */
function assertNotOtherType(roomId: string, otherType: string | undefined): void {
  if (otherType !== undefined) {
    throw new ChatError(
      ErrorCode.ROOM_ALREADY_EXISTS,
      `room id ${roomId} is taken by a room of type ${otherType}: chat room ids share Colyseus' one namespace of room ids`,
    );
  }
}

/**
 * The rules of creating a chat room with this id, checked by the room itself (onCreate) whoever
 * asked for it: no room of another type holds the id, and the cluster is below `maxRooms`.
 */
export async function assertCreatable(ctx: ChatContext, roomId: string): Promise<void> {
  const [held] = await Promise.all([ctx.directory.lookup(roomId), assertRoomCountBelowLimit(ctx)]);
  assertNotOtherType(roomId, held.otherType);
}

/** True for seat auth data written by {@link admit}. */
export function isAdmitted(auth: unknown): auth is AdmittedEntry {
  return typeof auth === "object" && auth !== null && (auth as { chatAdmitted?: unknown }).chatAdmitted === true;
}

/**
 * Creates a room with a caller-chosen id, of `roomType` (the operator API's type by default).
 * Exactly one room per id in the cluster: the room's onCreate claims the id in the store, and a
 * second creator gets ROOM_ALREADY_EXISTS.
 */
export async function createRoom(
  ctx: ChatContext,
  options: CreateOptions,
  roomType = ctx.directory.operatorRoomType(),
): Promise<IRoomCache> {
  if (await ctx.directory.find(options.roomId)) {
    throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${options.roomId} already exists`);
  }
  // the other rules of creating (other types' ids, the room count) are the room's own: see assertCreatable
  try {
    return await ctx.directory.create(roomType, { ...options, [FILTER_KEY]: options.roomId });
  } catch (e) {
    const err = toChatError(e);
    // A room created on another process fails over IPC with its message only, not its code:
    // a claimed id means another creator won.
    if (err.code === ErrorCode.INTERNAL && (await ctx.store.claims.holder(options.roomId)) !== undefined) {
      throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${options.roomId} already exists`);
    }
    throw err;
  }
}

/** Waits for the listing of a room whose id another caller has just claimed. */
async function awaitClaimedRoom(ctx: ChatContext, roomId: string): Promise<IRoomCache | undefined> {
  const deadline = Date.now() + CLAIM_POLL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const listing = await ctx.directory.find(roomId);
    if (listing) return listing;
    if ((await ctx.store.claims.holder(roomId)) === undefined) return undefined;
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }
  return undefined;
}

/**
 * The live listing of room `roomId`, which is created (and restored from its record, if it has
 * one) when none is listed: how a relay shard brings back the owner of its room after the
 * owner's process died (rooms/RelayShard.ts). Concurrent callers get the one room.
 */
export async function ensureRoom(ctx: ChatContext, roomId: string, roomType: string): Promise<IRoomCache> {
  return (await ctx.directory.find(roomId)) ?? createOrAwait(ctx, { roomId }, roomType);
}

/** Creates the room; when another creator won its id meanwhile, the listing of that creator's room. */
async function createOrAwait(ctx: ChatContext, options: CreateOptions, roomType: string): Promise<IRoomCache> {
  try {
    return await createRoom(ctx, options, roomType);
  } catch (e) {
    const err = toChatError(e);
    if (err.code !== ErrorCode.ROOM_ALREADY_EXISTS) throw err;
    const claimed = await awaitClaimedRoom(ctx, options.roomId);
    if (!claimed) throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${options.roomId} was closing; try again`);
    return claimed;
  }
}

/**
 * The `/chat/enter` route: {@link admit} and the room class's own static onAuth (as on the SDK's
 * door), then find or create the room as `mode` asks, and
 * reserve a seat the client consumes over WebSocket. Concurrent enters of one id make one room.
 */
export async function enter(
  ctx: ChatContext,
  request: EntryRequest & { mode: EnterMode },
  roomType?: string,
  authContext?: AuthContext,
): Promise<SeatReservation> {
  const type = roomType ?? ctx.directory.operatorRoomType();
  const checked = await checkEntry(ctx, request, request.mode);
  const { admitted } = checked;
  let { listing } = checked;
  // the room class's own static onAuth applies on this door too
  const appOnAuth = ctx.directory.appOnAuth(type);
  if (appOnAuth)
    await appOnAuth(request.token ?? authContext?.token ?? "", { ...request }, authContext ?? { headers: new Headers(), ip: undefined });
  if (!listing) {
    const options: CreateOptions = { roomId: request.roomId, roomName: request.roomName, userId: request.userId, config: request.config };
    // a "create" that loses the race fails; an "enter" joins the room that won
    listing =
      request.mode === "create"
        ? await createRoom(ctx, options, type).catch((e: unknown) => {
            throw toChatError(e);
          })
        : await createOrAwait(ctx, options, type);
  }
  // past the owner's share of a live room, the seat is on a relay shard (service/placement.ts)
  if (seatsOnRelay(ctx, listing)) listing = await relayWithRoom(ctx, type, request.roomId);
  const joinOptions = { roomId: request.roomId, userId: request.userId, userName: request.userName };
  // A room is listed a moment before it takes remote calls, and a closing room refuses seats: as
  // Colyseus' own joinOrCreate does, ask again (bounded) for the room listed under the id now.
  for (let attempt = 1; ; attempt++) {
    try {
      return await ctx.directory.reserveSeat(listing, joinOptions, admitted);
    } catch (e) {
      const err = toChatError(e);
      if (attempt >= SEAT_ATTEMPTS || !(e instanceof Error) || !isSeatReservationFailure(e)) throw err;
      await new Promise((resolve) => setTimeout(resolve, SEAT_RETRY_MS * attempt));
      const again = await ctx.directory.find(request.roomId);
      if (!again) throw err;
      listing = again;
    }
  }
}

/** The matchmaking call behind an HTTP matchmake request (`/matchmake/<method>/<room type or id>`). */
const MATCHMAKE_PATH = /\/matchmake\/([A-Za-z]+)\/([^/?#]+)/;
const MODE_OF_METHOD: Readonly<Record<string, EntryMode>> = { joinOrCreate: "enter", create: "create", join: "join", joinById: "joinById" };

/**
 * Every rule of entering, checked at matchmaking time for the SDK's `joinOrCreate`, `create`,
 * `join` and `joinById` on a chat room type: join options, the user token, bans, the
 * rooms-per-user and room-count limits, and the room's existence as the call demands. A refusal
 * reaches the SDK as its code (e.g. 23409 BANNED). `chat.defineRoom` installs it as the type's
 * static onAuth, before the room class's own.
 */
export async function admitMatchmaking(
  ctx: ChatContext,
  token: string | undefined,
  options: unknown,
  context: AuthContext | undefined,
): Promise<AdmittedEntry> {
  const call = matchmakeCall(context);
  const request = parseJoinOptions(options, call?.mode === "joinById" ? call.target : undefined);
  if (request.token === undefined && token) request.token = token;
  const { admitted, listing } = await checkEntry(ctx, request, call?.mode ?? "enter");
  // Colyseus reserves `roomId` as a filter: matchmaking finds the room by this key instead.
  const mutable = options as Record<string, unknown>;
  mutable.roomId = request.roomId;
  mutable[FILTER_KEY] = request.roomId;
  // and by this one whether the owner room or one of its relay shards (service/placement.ts)
  mutable[SHARD_KEY] = seatsOnRelay(ctx, listing) ? 1 : 0;
  return admitted;
}

function matchmakeCall(context: AuthContext | undefined): { mode: EntryMode; target: string } | undefined {
  const url: unknown = (context?.req as { url?: unknown } | undefined)?.url;
  if (typeof url !== "string") return undefined;
  const [, method, target] = MATCHMAKE_PATH.exec(url) ?? [];
  const mode = method === undefined ? undefined : MODE_OF_METHOD[method];
  return mode && target !== undefined ? { mode, target: decodeURIComponent(target) } : undefined;
}
