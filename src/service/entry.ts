import { matchMaker, ServerError, type IRoomCache } from "@colyseus/core";
import { DESTROY_LIMITS } from "../core/destroyPolicy";
import { ChatError, ErrorCode, isChatError } from "../core/errors";
import { assertName, assertRoomId, assertUserId } from "../core/ids";
import { CHATROOM, type EnterMode, type EnterRequest, type RoomConfig } from "../protocol";
import type { ChatContext } from "./context";
import { Scope } from "./scopes";

/** Options the matchmaker passes to ChatRoom.onCreate. */
export interface CreateOptions {
  roomId: string;
  roomName: string;
  creatorId: string | null;
  config: RoomConfig;
}

/** Options carried by a seat reservation to ChatRoom.onJoin. */
export interface JoinOptions {
  userId: string;
  userName: string;
}

const ENTER_MODES: readonly EnterMode[] = ["create", "join", "enter"];
const CLAIM_POLL_MS = 25;
const CLAIM_POLL_TIMEOUT_MS = 5000;

/** Converts what the matchmaker throws (ServerError with our code from onCreate) into a ChatError. */
export function toChatError(e: unknown): ChatError {
  if (isChatError(e)) return e;
  if (e instanceof ServerError && Object.values(ErrorCode).includes(e.code as ErrorCode)) {
    return new ChatError(e.code as ErrorCode, e.message);
  }
  return new ChatError(ErrorCode.INTERNAL, e instanceof Error ? e.message : String(e));
}

/** Validates the untyped body of an enter request; throws ChatError naming the bad field. */
export function parseEnterRequest(body: unknown): EnterRequest {
  if (typeof body !== "object" || body === null) throw new ChatError(ErrorCode.PARAMETER, "body must be a JSON object");
  const b = body as Record<string, unknown>;
  if (!ENTER_MODES.includes(b.mode as EnterMode)) {
    throw new ChatError(ErrorCode.PARAMETER, `mode must be one of ${ENTER_MODES.join(", ")}`);
  }
  const roomId = assertRoomId(b.roomId);
  const userId = assertUserId(b.userId);
  if (b.token !== undefined && typeof b.token !== "string") throw new ChatError(ErrorCode.PARAMETER, "token must be a string");
  const config = b.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ChatError(ErrorCode.PARAMETER, "config must be an object");
  }
  const delay = (config as RoomConfig).roomDestroyDelayTime;
  const { min, max } = DESTROY_LIMITS.emptyDelayS;
  if (delay !== undefined && (typeof delay !== "number" || !Number.isInteger(delay) || delay < min || delay > max)) {
    throw new ChatError(ErrorCode.PARAMETER, `config.roomDestroyDelayTime must be an integer number of seconds in ${min}..${max}, got ${JSON.stringify(delay)}`);
  }
  const attributes = (config as RoomConfig).roomAttributes;
  if (attributes !== undefined && (typeof attributes !== "object" || attributes === null || Array.isArray(attributes))) {
    throw new ChatError(ErrorCode.PARAMETER, "config.roomAttributes must be an object of string values");
  }
  return {
    mode: b.mode as EnterMode,
    roomId,
    roomName: assertName(b.roomName, roomId, "roomName"),
    userId,
    userName: assertName(b.userName, userId, "userName"),
    token: b.token as string | undefined,
    config: config as RoomConfig,
  };
}

/** The listing of a live room with this id anywhere in the cluster, if any. */
export async function findRoom(roomId: string): Promise<IRoomCache | undefined> {
  const listing = await matchMaker.getRoomById(roomId);
  return listing && listing.name === CHATROOM ? listing : undefined;
}

async function assertRoomCountBelowLimit(ctx: ChatContext): Promise<void> {
  const max = ctx.config.maxRooms;
  if (max === undefined) return;
  const rooms = await matchMaker.query({ name: CHATROOM });
  if (rooms.length >= max) {
    throw new ChatError(ErrorCode.ROOM_COUNT_LIMIT, `room count limit reached: at most ${max} rooms (CHAT_MAX_ROOMS)`);
  }
}

/**
 * Creates a room with a caller-chosen id. Exactly one room per id in the cluster: the room's
 * onCreate claims the id in the store, and a second creator gets ROOM_ALREADY_EXISTS.
 */
export async function createRoom(ctx: ChatContext, options: CreateOptions): Promise<IRoomCache> {
  if (await findRoom(options.roomId)) {
    throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${options.roomId} already exists`);
  }
  await assertRoomCountBelowLimit(ctx);
  try {
    return await matchMaker.createRoom(CHATROOM, options);
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
    const listing = await findRoom(roomId);
    if (listing) return listing;
    if ((await ctx.store.claims.holder(roomId)) === undefined) return undefined;
    await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
  }
  return undefined;
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

async function assertNotBanned(ctx: ChatContext, userId: string, roomId: string): Promise<void> {
  if (await ctx.store.sets.has(Scope.banned(roomId), userId, ctx.now())) {
    throw new ChatError(ErrorCode.BANNED, `user ${userId} is banned from room ${roomId}`);
  }
}

/**
 * The one way into a room: checks the user, the limits and bans, finds or creates the room as
 * `mode` asks, and reserves a seat the client consumes over WebSocket.
 * Throws ChatError: ROOM_NOT_EXIST (join), ROOM_ALREADY_EXISTS (create), ROOM_COUNT_LIMIT,
 * JOINED_ROOMS_LIMIT, BANNED, ILLEGAL_ARGUMENT.
 */
export async function enter(ctx: ChatContext, request: EnterRequest, authenticate: (userId: string, token?: string) => Promise<void>): Promise<matchMaker.ISeatReservation> {
  await authenticate(request.userId, request.token);
  await assertNotBanned(ctx, request.userId, request.roomId);
  await assertMayJoinMoreRooms(ctx, request.userId, request.roomId);

  let listing = await findRoom(request.roomId);
  if (request.mode === "create" && listing) {
    throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${request.roomId} already exists`);
  }
  if (request.mode === "join" && !listing) {
    throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${request.roomId} does not exist`);
  }
  if (!listing) {
    const options: CreateOptions = {
      roomId: request.roomId,
      roomName: request.roomName ?? request.roomId,
      creatorId: request.userId,
      config: request.config ?? {},
    };
    try {
      listing = await createRoom(ctx, options);
    } catch (e) {
      const err = toChatError(e);
      if (request.mode === "create" || err.code !== ErrorCode.ROOM_ALREADY_EXISTS) throw err;
      listing = await awaitClaimedRoom(ctx, request.roomId);
      if (!listing) throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${request.roomId} was closing; try again`);
    }
  }
  const joinOptions: JoinOptions = { userId: request.userId, userName: request.userName ?? request.userId };
  try {
    return await matchMaker.reserveSeatFor(listing, joinOptions);
  } catch (e) {
    throw toChatError(e);
  }
}
