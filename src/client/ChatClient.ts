import { Client } from "@colyseus/sdk";
import { ErrorCode } from "../core/errors";
import { ExitReason } from "../core/exitReasons";
import {
  CHAT_JOIN_OPTION_KEYS,
  ClientRequest,
  DEFAULT_ROOM_TYPE,
  type AttributeInfo,
  type DeleteAttributesRequest,
  type EnterMode,
  type HistoryRequest,
  type JoinOptions,
  type MemberActionRequest,
  type MemberInfo,
  type MemberQueryRequest,
  type MemberQueryResult,
  type MembersChangedPayload,
  type MuteMemberRequest,
  type RoomConfig,
  type RoomInfo,
  type RoomMessage,
  type RoomRole,
  type SendMessageRequest,
  type SetAttributesRequest,
  type SetRoleRequest,
  type TypingRequest,
} from "../protocol";
import { ChatClientError, ClientErrorCode, toClientError } from "./errors";
import { TypedEmitter, type ChatClientEvents, type RoomEvent } from "./events";
import { DEFAULT_MOVE_ON_SHUTDOWN_MS, endsMove, nextMoveDelay } from "./moveRule";
import { RoomSession, type ChatSdkRoom, type ChatStateView, type ResumePoint, type SessionEvent } from "./RoomSession";
import { TypingSender, TypingWatcher } from "./typing";

/** The SDK's automatic reconnection settings ChatClient lets you tune (see @colyseus/sdk `room.reconnection`). */
export interface ReconnectionSettings {
  /** Reconnect automatically after a network drop [true]. */
  enabled: boolean;
  /** Attempts before giving up [15]. */
  maxRetries: number;
  /** Shortest delay between attempts, ms [100]. */
  minDelay: number;
  /** Longest delay between attempts, ms [5000]. */
  maxDelay: number;
  /** A room must have been joined this long (ms) before a drop is retried [0; the SDK's own default is 5000]. */
  minUptime: number;
}

/** Options of {@link ChatClient}. */
export interface ChatClientOptions {
  /** This user's id: 1..64 characters of [A-Za-z0-9+=_-]. */
  userId: string;
  /** Display name shown to other members [userId]. */
  userName?: string;
  /** User token from the operator API (`/user/getToken.json`); required when the server has an app secret. */
  token?: string;
  /** Entering a room fails with CONNECT_TIMEOUT (event `connectTimeout`) after this many ms [15000]. */
  connectTimeoutMs?: number;
  /** Overrides of the SDK's reconnection settings, applied to every room. */
  reconnection?: Partial<ReconnectionSettings>;
  /** The chat room type's name on the server (the key it is registered under in `defineServer`) ["chatroom"]. */
  roomType?: string;
  /**
   * App-specific data sent with every entry (e.g. `{ team: "red" }`); the room's `onMemberEnter`
   * hook reads it as `info.options`. It cannot override the chat's own join options.
   */
  joinData?: Record<string, unknown>;
  /**
   * When a room closes with SHUTDOWN (its process drains or stops for a deploy), re-enter it by
   * itself for up to this many ms (backoff 100 ms doubling to 2 s), so the room comes back on a live
   * process with no message lost or repeated; 0 = do not [30000]. Meanwhile the room is reported
   * as reconnecting (connecting/interrupted) and back (connected/success); when it gives up (time
   * out, or a refusal that will not change: ban, limits, auth, parameters, an app's own refusal),
   * as exited with SHUTDOWN (disconnected/interrupted, `exitRoom(roomID, SHUTDOWN)`).
   */
  moveOnShutdownMs?: number;
}

/** Name and id of a room to create, enter or switch to (ZIM's ZIMRoomInfo). */
export interface RoomTarget {
  roomID: string;
  roomName?: string;
}

/** Result of {@link ChatClient.queryRoomMemberList} (ZIM's ZIMRoomMemberQueriedResult). */
export interface RoomMemberQueriedResult {
  roomID: string;
  memberList: MemberInfo[];
  /** Pass it as `nextFlag` for the next page; "" when this page was the last. */
  nextFlag: string;
  /** Exact number of members in the room now. */
  memberCount: number;
}

/** Options of {@link ChatClient.setRoomAttributes} (ZIM's ZIMRoomAttributesSetConfig, plus compare-and-set). */
export type RoomAttributesSetConfig = Omit<SetAttributesRequest, "attributes">;

/** Options of {@link ChatClient.deleteRoomAttributes} (ZIM's ZIMRoomAttributesDeleteConfig). */
export type RoomAttributesDeleteConfig = Omit<DeleteAttributesRequest, "keys">;

/** An entry into one room as the internal `enter` performs it. */
/** The roomID of a target an app passed (from plain JavaScript, anything: checked where it is used). */
function roomIdOf(target: RoomTarget | undefined): unknown {
  return target?.roomID;
}

interface EntryPlan {
  mode: EnterMode;
  target: RoomTarget;
  config?: RoomConfig;
  /** Event with state `connecting` announcing the attempt. */
  start: RoomEvent;
  /** Event with state `disconnected` when the attempt fails (`roomNotExist`/`connectTimeout` may replace it). */
  failed: RoomEvent;
  /** The room this entry switches from (switchRoom). */
  switchedFrom?: string;
  /** Re-enter with this SDK reconnection token instead of matchmaking (resumeRoom). */
  reconnectionToken?: string;
  /** Where the messages of the session this entry replaces stopped (a move after SHUTDOWN). */
  resumeFrom?: ResumePoint;
}

/** A room being re-entered after its process shut it down; `cancel` ends the tries (a leave meanwhile). */
interface Move {
  cancelled(): boolean;
  cancel(): void;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;

/** Entries ask this many times while the room they found is closing. */
const ENTER_ATTEMPTS = 4;
const ENTER_RETRY_MS = 100;

/** Colyseus' code for a seat whose room went away before the connection arrived. */
const SEAT_EXPIRED = 524;

/**
 * Whether an entry failed only because the room it found was closing (its last member had just
 * left): its seat expired, or (enter) its id was still held. Asking again then lands in the room
 * that follows, or gives join its ROOM_NOT_EXIST.
 */
function closedUnderEntry(mode: EnterMode, raw: unknown, error: ChatClientError): boolean {
  if (mode === "create") return false;
  if ((raw as { code?: unknown } | null)?.code === SEAT_EXPIRED) return true;
  return mode === "enter" && error.code === ErrorCode.ROOM_ALREADY_EXISTS;
}

/** The SDK's matchmaking call for each way of entering. */
const METHOD_OF_MODE = { create: "create", join: "join", enter: "joinOrCreate" } as const satisfies Record<EnterMode, string>;

/** The `roomStateChanged` event after a room ends for `reason`. */
const EVENT_OF_EXIT: Readonly<Record<ExitReason, RoomEvent>> = {
  [ExitReason.LEFT]: "success",
  [ExitReason.KICKED]: "kickedOut",
  [ExitReason.BANNED]: "kickedOut",
  [ExitReason.OFFLINE]: "kickedOut",
  [ExitReason.DISMISSED]: "roomNotExist",
  [ExitReason.EXPIRED]: "roomNotExist",
  [ExitReason.SHUTDOWN]: "interrupted",
  [ExitReason.SWITCHED]: "success",
};

/**
 * Chatrooms for apps, with ZEGOCLOUD ZIM's room API over @colyseus/sdk. Works in Node and in
 * browsers. Entering calls resolve with the room's {@link RoomInfo}, the others with what they
 * did (each method says what; docs/client-api.md has the table); every call rejects with a
 * {@link ChatClientError}. `roomStateChanged`, `roomMemberJoined`, `roomMemberLeft` and
 * `exitRoom` report what happens to the rooms this client is in.
 *
 * One ChatClient is one device of one user: `leaveAllRoom` leaves this client's rooms only.
 */
export class ChatClient extends TypedEmitter<ChatClientEvents> {
  /** The underlying SDK client (for its `http` and `auth` helpers). */
  readonly sdk: Client;
  /** This client's user id. */
  readonly userId: string;
  private readonly userName: string | undefined;
  private readonly token: string | undefined;
  private readonly connectTimeoutMs: number;
  private readonly reconnection: Partial<ReconnectionSettings>;
  private readonly roomType: string;
  private readonly joinData: Record<string, unknown>;
  /** The one owner of each joined room's SDK Room, by room id. */
  private readonly sessions = new Map<string, RoomSession>();
  /** Entries under way, by room id, so two calls for one room share one connection. */
  private readonly entering = new Map<string, Promise<RoomInfo>>();
  /** This client's typing notices, per joined room. */
  private readonly typingSenders = new Map<string, TypingSender>();
  /** Who is typing, per joined room. */
  private readonly typingWatchers = new Map<string, TypingWatcher>();
  private readonly moveOnShutdownMs: number;
  /** Rooms being re-entered after a SHUTDOWN, by room id (their old, ended session stays in `sessions` meanwhile). */
  private readonly moves = new Map<string, Move>();

  /**
   * @param endpoint the server's address, e.g. "ws://localhost:2567" (http(s):// works too).
   */
  constructor(endpoint: string, options: ChatClientOptions) {
    super();
    this.sdk = new Client(endpoint);
    this.userId = options.userId;
    this.userName = options.userName;
    this.token = options.token;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.reconnection = { minUptime: 0, ...options.reconnection };
    this.roomType = options.roomType ?? DEFAULT_ROOM_TYPE;
    this.moveOnShutdownMs = options.moveOnShutdownMs ?? DEFAULT_MOVE_ON_SHUTDOWN_MS;
    // the chat's own options are set per entry, never by joinData
    this.joinData = Object.fromEntries(Object.entries(options.joinData ?? {}).filter(([key]) => !CHAT_JOIN_OPTION_KEYS.includes(key)));
  }

  /** The rooms this client is in, as their schema state describes them now. */
  get rooms(): RoomInfo[] {
    return [...this.sessions.values()].map((session) => session.info());
  }

  /** One room this client is in, as its schema state describes it now; undefined when not in it. */
  room(roomID: string): RoomInfo | undefined {
    return this.sessions.get(roomID)?.info();
  }

  /**
   * Creates room `roomID` and joins it. Events: connecting/activeCreate, then connected/success
   * or disconnected/createFailed. Rejects with ROOM_ALREADY_EXISTS when the id exists anywhere,
   * ROOM_COUNT_LIMIT, JOINED_ROOMS_LIMIT, ILLEGAL_ARGUMENT (bad id, name or config), BANNED.
   */
  async createRoom(roomInfo: RoomTarget, config?: RoomConfig): Promise<RoomInfo> {
    return this.enter({ mode: "create", target: roomInfo, config, start: "activeCreate", failed: "createFailed" });
  }

  /**
   * Joins the existing room `roomID`. Events: connecting/activeEnter, then connected/success,
   * or disconnected/roomNotExist (ROOM_NOT_EXIST) or disconnected/enterFailed (BANNED,
   * JOINED_ROOMS_LIMIT, ILLEGAL_ARGUMENT, ...). Resolves at once, without events, when this
   * client is already in the room.
   */
  async joinRoom(roomID: string): Promise<RoomInfo> {
    return this.enter({ mode: "join", target: { roomID }, start: "activeEnter", failed: "enterFailed" });
  }

  /**
   * Joins room `roomID`, creating it (with `roomName` and `config`) when it does not exist.
   * Events and errors as {@link joinRoom}, plus ROOM_COUNT_LIMIT when it had to be created.
   */
  async enterRoom(roomInfo: RoomTarget, config?: RoomConfig): Promise<RoomInfo> {
    return this.enter({ mode: "enter", target: roomInfo, config, start: "activeEnter", failed: "enterFailed" });
  }

  /**
   * Re-enters a room this client (or this page before a reload) was in, with the reconnection
   * token {@link reconnectionToken} gave, while the server still holds the member (its
   * reconnection window: until the offline kick-out rule removes it). Other members see the
   * member come back online, not leave and join. Messages the room still keeps arrive through
   * `roomMessageReceived` as after a join (the kept history, not only the last 10). Events:
   * connecting/activeEnter, then connected/success or disconnected/enterFailed. Rejects with
   * CONNECT_FAILED when the token is no longer valid (the member was removed, the room is gone)
   * or malformed; then enter the room anew. Resolves at once when this client is already in the room.
   */
  async resumeRoom(reconnectionToken: string): Promise<RoomInfo> {
    const roomID = typeof reconnectionToken === "string" ? reconnectionToken.split(":")[0] : undefined;
    if (!roomID) throw new ChatClientError(ErrorCode.ILLEGAL_ARGUMENT, "reconnectionToken must be a string roomId:token");
    return this.enter({ mode: "join", target: { roomID }, start: "activeEnter", failed: "enterFailed", reconnectionToken });
  }

  /**
   * The reconnection token of room `roomID` (undefined when this client is not in it). Keep it
   * where a reload finds it (e.g. sessionStorage) and pass it to {@link resumeRoom}; read it
   * again before storing, as the SDK may renew it when it reconnects by itself.
   */
  reconnectionToken(roomID: string): string | undefined {
    return this.sessions.get(roomID)?.reconnectionToken;
  }

  /**
   * Tells room `roomID` whether this user is typing. Call it with `true` on every keystroke: a
   * `typing: true` notice goes out at most once per TYPING_REPEAT_MS (3 s), so the other members'
   * indicator, which forgets a typist 6 s after its last notice, stays on while the user types.
   * Call it with `false` when the user stops (input cleared, idle, left the field): one
   * `typing: false` goes out, only if `true` was sent. Sending a message ends typing by itself.
   * Never throws: nothing is sent when this client is not in the room or its connection is down.
   */
  setTyping(roomID: string, typing: boolean): void {
    const session = this.sessions.get(roomID);
    if (!session || session.isInterrupted) return;
    this.typingSenders.get(roomID)?.set(typing);
  }

  /** User ids of the other members typing in room `roomID` now, in the order they started ([] when not in it). */
  typingUsers(roomID: string): string[] {
    return this.typingWatchers.get(roomID)?.userIDs ?? [];
  }

  /**
   * Moves from room `fromRoomID` to room `toRoomInfo.roomID`: joins the target first (creating
   * it when missing and `isCreateWhenRoomNotExisted`), and leaves the source only once in it.
   * Events: connecting/activeSwitch for the target; then connected/success for the target and
   * disconnected/success for the source (plus `exitRoom(from, LEFT)`); or, when the target
   * cannot be joined, disconnected/switchFailed for the target and the source is kept.
   * Rejects with NOT_IN_ROOM (not in `fromRoomID`, no events), ILLEGAL_ARGUMENT (same room),
   * or the target's error (ROOM_NOT_EXIST, ROOM_COUNT_LIMIT, ...).
   */
  async switchRoom(
    fromRoomID: string,
    toRoomInfo: RoomTarget,
    isCreateWhenRoomNotExisted: boolean,
    config?: RoomConfig,
  ): Promise<RoomInfo> {
    const from = this.sessions.get(fromRoomID);
    if (!from) throw new ChatClientError(ErrorCode.NOT_IN_ROOM, `cannot switch from room ${fromRoomID}: this client is not in it`);
    const targetID = roomIdOf(toRoomInfo);
    if (targetID === fromRoomID) {
      throw new ChatClientError(ErrorCode.ILLEGAL_ARGUMENT, `cannot switch from room ${fromRoomID} to itself`);
    }
    let info: RoomInfo;
    const target = typeof targetID === "string" ? this.sessions.get(targetID) : undefined;
    if (target) {
      this.emit("roomStateChanged", target.roomID, "connecting", "activeSwitch");
      this.emit("roomStateChanged", target.roomID, "connected", "success");
      info = target.info();
    } else {
      const mode = isCreateWhenRoomNotExisted ? "enter" : "join";
      info = await this.enter({
        mode,
        target: toRoomInfo,
        config,
        start: "activeSwitch",
        failed: "switchFailed",
        switchedFrom: fromRoomID,
      });
    }
    if (this.moves.has(fromRoomID)) await this.leaveSession(from);
    else await from.leaveForSwitch(toRoomInfo.roomID);
    return info;
  }

  /**
   * Leaves room `roomID` (consented: other members see it with reason LEFT). Events:
   * disconnected/success and `exitRoom(roomID, LEFT)`. Resolves with the room as it was just
   * before leaving; rejects with NOT_IN_ROOM when this client is not in it.
   */
  async leaveRoom(roomID: string): Promise<RoomInfo> {
    const session = this.sessions.get(roomID);
    if (!session) throw new ChatClientError(ErrorCode.NOT_IN_ROOM, `cannot leave room ${roomID}: this client is not in it`);
    const info = session.info();
    await this.leaveSession(session);
    return info;
  }

  /**
   * Leaves every room this client is in (other devices of the user stay) and resolves with
   * their ids; each room emits disconnected/success and `exitRoom(roomID, LEFT)`.
   */
  async leaveAllRoom(): Promise<string[]> {
    const sessions = [...this.sessions.values()];
    await Promise.all(sessions.map((session) => this.leaveSession(session)));
    return sessions.map((session) => session.roomID);
  }

  /**
   * Sends a message to room `roomID` and resolves with it as the server numbered and stored it
   * (`{ messageID, seq, timestamp, senderUserID, type, content }`); every member, this client
   * included, also receives it through `roomMessageReceived`. `priority` ["normal"] decides
   * what a flooded room drops first. Rejects with NOT_IN_ROOM (not in the room, or its
   * connection is down: nothing is sent), MUTED, MESSAGE_TOO_LARGE, SEND_RATE_LIMITED,
   * DISTRIBUTION_STOPPED, SLOW_MODE (24013: sent again too soon in a room in slow mode, see
   * `roomSlowModeChanged`), CONTENT_BLOCKED (24014: the room's word filter), MESSAGE_DROPPED (the
   * room is over its admission window) or PARAMETER (bad type, content or priority). A word filter
   * may also deliver the content masked: the resolved message is what the room delivered. A refused message never costs the connection.
   */
  async sendRoomMessage(roomID: string, message: SendMessageRequest): Promise<RoomMessage> {
    const sent = await this.joinedSession(roomID, "send to").request<RoomMessage>(ClientRequest.SEND, message);
    this.typingSenders.get(roomID)?.messageSent();
    return sent;
  }

  /**
   * Recalls a message: one this user sent, or another's when this user's role outranks the
   * sender's (owner, admin, moderator: see {@link memberRole}). It leaves the room's history and
   * every member gets `roomMessageRecalled` (`recalledBy` this user). Resolves with the recalled
   * message. Rejects with NOT_IN_ROOM, NOT_MESSAGE_SENDER (someone else's message, and this user
   * has no role), ROLE_FORBIDDEN (a role that may not recall that sender's messages),
   * MESSAGE_NOT_FOUND (unknown, already recalled or no longer kept) or PARAMETER.
   */
  async recallRoomMessage(roomID: string, messageID: string): Promise<RoomMessage> {
    return this.joinedSession(roomID, "recall in").request<RoomMessage>(ClientRequest.RECALL, { messageID });
  }

  /**
   * A page of room `roomID`'s kept history (the server keeps the last 100 by default), oldest
   * first. Bounds are exclusive for seqs (`afterSeq`, `beforeSeq`) and inclusive for server times
   * (`since`, `until`); `limit` 1..50 [50]; `direction` "backward" (the newest matches; the
   * default) or "forward" (the oldest matches; the default when `afterSeq` or `since` is given).
   * Page back with `beforeSeq` = the first seq of the last page, forward with `afterSeq` = its
   * last seq. Rejects with NOT_IN_ROOM or PARAMETER (naming the bad field, e.g. limit 51).
   */
  async queryRoomHistory(roomID: string, query: HistoryRequest = {}): Promise<RoomMessage[]> {
    return this.joinedSession(roomID, "query the history of").request<RoomMessage[]>(ClientRequest.HISTORY, query);
  }

  /**
   * Sets 1..20 attributes of room `roomID`, all or nothing, owned by this user, and resolves with
   * the keys set; every member gets `roomAttributesUpdated`. `isForce` overwrites keys owned by
   * others; `isDeleteAfterOwnerLeft` deletes the keys when this user leaves the room;
   * `expectedVersion` makes it a compare-and-set: every key must be at that version (0 = must not
   * exist yet; see {@link queryRoomAttributeInfo}), so of two racing clients only one wins.
   * Rejects with NOT_IN_ROOM, ATTRIBUTE_BATCH_LIMIT (more than 20), ILLEGAL_ARGUMENT (a key not of
   * 1..128 characters of [A-Za-z0-9+=_-], a value over 4096 characters), ATTRIBUTE_NOT_OWNER,
   * ATTRIBUTE_VERSION_CONFLICT, ATTRIBUTE_COUNT_LIMIT (more than 100 keys in the room), PARAMETER.
   */
  async setRoomAttributes(roomID: string, attributes: Record<string, string>, config: RoomAttributesSetConfig = {}): Promise<string[]> {
    const request: SetAttributesRequest = { ...config, attributes };
    const reply = await this.joinedSession(roomID, "set attributes of").request<{ keys: string[] }>(ClientRequest.SET_ATTRIBUTES, request);
    return reply.keys;
  }

  /**
   * Deletes 1..20 attributes of room `roomID`, all or nothing, and resolves with the keys deleted;
   * every member gets `roomAttributesUpdated`. Only the owner may delete a key unless `isForce`.
   * Rejects with NOT_IN_ROOM, ATTRIBUTE_KEY_MISSING, ATTRIBUTE_NOT_OWNER, ATTRIBUTE_BATCH_LIMIT,
   * ILLEGAL_ARGUMENT, PARAMETER.
   */
  async deleteRoomAttributes(roomID: string, keys: string[], config: RoomAttributesDeleteConfig = {}): Promise<string[]> {
    const request: DeleteAttributesRequest = { ...config, keys };
    const reply = await this.joinedSession(roomID, "delete attributes of").request<{ keys: string[] }>(
      ClientRequest.DELETE_ATTRIBUTES,
      request,
    );
    return reply.keys;
  }

  /** Every attribute of room `roomID` as `{ key: value }`, asked of the server. Rejects with NOT_IN_ROOM. */
  async queryRoomAllAttributes(roomID: string): Promise<Record<string, string>> {
    const infos = await this.queryRoomAttributeInfo(roomID);
    return Object.fromEntries(Object.entries(infos).map(([key, info]) => [key, info.value]));
  }

  /**
   * Every attribute of room `roomID` with its owner, auto-delete flag, version (for
   * `expectedVersion`) and last change time. Rejects with NOT_IN_ROOM.
   */
  async queryRoomAttributeInfo(roomID: string): Promise<Record<string, AttributeInfo>> {
    return this.joinedSession(roomID, "query attributes of").request<Record<string, AttributeInfo>>(ClientRequest.QUERY_ATTRIBUTES);
  }

  /**
   * One page of every member of room `roomID`, in join order (ZIM's queryRoomMemberList). The
   * room's synchronized list (`room(roomID).members`) holds only the first 500 members of a big
   * room; this walks them all: start with `nextFlag` "" and pass each page's `nextFlag` until it
   * comes back "". A walk sees each member at most once while members come and go. `count`
   * 1..100 [100]. Rejects with NOT_IN_ROOM or PARAMETER (bad count or nextFlag).
   */
  async queryRoomMemberList(roomID: string, config: MemberQueryRequest = {}): Promise<RoomMemberQueriedResult> {
    const reply = await this.joinedSession(roomID, "query the members of").request<MemberQueryResult>(ClientRequest.QUERY_MEMBERS, config);
    return { roomID, memberList: reply.members, nextFlag: reply.nextFlag, memberCount: reply.memberCount };
  }

  /**
   * The room role of `userId` (this user by default) in room `roomID` as the room's state shows it
   * now: "owner", "admin", "moderator", or null for a plain member (and when this client is not in
   * the room). Roles are kept for users who are not in the room too.
   */
  memberRole(roomID: string, userId: string = this.userId): RoomRole | null {
    return this.sessions.get(roomID)?.roleOf(userId) ?? null;
  }

  /** Every room role of room `roomID` by user id ({} when this client is not in it). */
  roomRoles(roomID: string): Record<string, RoomRole> {
    return this.sessions.get(roomID)?.roles() ?? (Object.create(null) as Record<string, RoomRole>);
  }

  /**
   * Removes member `userId` from room `roomID`: every connection of theirs closes and they exit
   * with KICKED (they may enter again; a ban is the operator's). The owner and admins may, on a
   * member of a lower role. Rejects with NOT_IN_ROOM (this client, or `userId`, is not in the
   * room), ROLE_FORBIDDEN or PARAMETER.
   */
  async kickMember(roomID: string, userId: string): Promise<void> {
    await this.joinedSession(roomID, "kick from").request(ClientRequest.KICK, { userId } satisfies MemberActionRequest);
  }

  /**
   * Mutes `userId` in room `roomID` for `minutes` (1..43200): their sends are refused with MUTED,
   * as with the operator's mute (the same mute: listed by `/chatroom/user/gag/list.json`, ends on
   * time, lifted by either). The owner, admins and moderators may, on a user of a lower role,
   * present in the room or not. Rejects with NOT_IN_ROOM, ROLE_FORBIDDEN or PARAMETER.
   */
  async muteMember(roomID: string, userId: string, minutes: number): Promise<void> {
    await this.joinedSession(roomID, "mute in").request(ClientRequest.MUTE, { userId, minutes } satisfies MuteMemberRequest);
  }

  /** Lifts the room mute of `userId` in room `roomID` (whoever set it). Who may, and errors: as {@link muteMember}. */
  async unmuteMember(roomID: string, userId: string): Promise<void> {
    await this.joinedSession(roomID, "unmute in").request(ClientRequest.UNMUTE, { userId } satisfies MemberActionRequest);
  }

  /**
   * Gives `userId` the role `role` in room `roomID`, or takes their role with null. The owner sets
   * and unsets admins and moderators; an admin sets and unsets moderators; the owner changes only
   * through the operator API. Every member gets `roomMemberRoleChanged`. Rejects with NOT_IN_ROOM,
   * ROLE_FORBIDDEN, PARAMETER (bad role, or the room already has 50 of that role).
   */
  async setMemberRole(roomID: string, userId: string, role: Exclude<RoomRole, "owner"> | null): Promise<void> {
    await this.joinedSession(roomID, "set roles in").request(ClientRequest.SET_ROLE, { userId, role } satisfies SetRoleRequest);
  }

  /** The session of a room this client is in (for features layered on ChatClient). */
  protected session(roomID: string): RoomSession | undefined {
    return this.sessions.get(roomID);
  }

  /** The session of room `roomID`; throws NOT_IN_ROOM, without asking the server, when this client is not in it. */
  private joinedSession(roomID: string, what: string): RoomSession {
    const session = this.sessions.get(roomID);
    if (!session) throw new ChatClientError(ErrorCode.NOT_IN_ROOM, `cannot ${what} room ${roomID}: this client is not in it`);
    return session;
  }

  private async enter(plan: EntryPlan): Promise<RoomInfo> {
    const roomID = roomIdOf(plan.target);
    if (typeof roomID !== "string") throw new ChatClientError(ErrorCode.ILLEGAL_ARGUMENT, "roomID must be a string");
    const pending = this.entering.get(roomID);
    if (pending) {
      await pending.catch(() => undefined);
      return this.enter(plan);
    }
    const joined = this.sessions.get(roomID);
    if (joined) {
      if (plan.mode === "create")
        throw new ChatClientError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${roomID} already exists (this client is in it)`);
      return joined.info();
    }
    const attempt = this.connect(plan);
    this.entering.set(roomID, attempt);
    try {
      return await attempt;
    } finally {
      this.entering.delete(roomID);
    }
  }

  private async connect(plan: EntryPlan): Promise<RoomInfo> {
    const roomID = plan.target.roomID;
    this.emit("roomStateChanged", roomID, "connecting", plan.start);
    let session: RoomSession;
    try {
      session = await this.joinWithin(plan, this.connectTimeoutMs);
    } catch (e) {
      const error = toClientError(e, `entering room ${roomID}`);
      this.emit("roomStateChanged", roomID, "disconnected", this.failureEvent(plan, error));
      throw error;
    }
    this.install(session);
    return session.info();
  }

  /** Joins as {@link join} does, failing with CONNECT_TIMEOUT after `timeoutMs`; a join that completes later leaves at once. */
  private async joinWithin(plan: EntryPlan, timeoutMs: number): Promise<RoomSession> {
    const roomID = plan.target.roomID;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new ChatClientError(ClientErrorCode.CONNECT_TIMEOUT, `entering room ${roomID} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const joining = this.join(plan);
    try {
      const session = await Promise.race([joining, deadline]);
      if (session.isEnded) throw new ChatClientError(ClientErrorCode.CONNECT_FAILED, `room ${roomID} closed as it was joined`);
      return session;
    } catch (e) {
      // a join that completes after the deadline must not leave a member behind
      joining
        .then(
          (late) => late.leave(),
          () => undefined,
        )
        .catch(() => undefined);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Makes `session` the room's session: its events count from now, typing is wired to it, the app hears connected/success. */
  private install(session: RoomSession): void {
    const roomID = session.roomID;
    this.sessions.set(roomID, session);
    this.typingSenders.set(roomID, new TypingSender((typing) => session.request(ClientRequest.TYPING, { typing } satisfies TypingRequest)));
    this.typingWatchers.get(roomID)?.stop();
    this.typingWatchers.set(roomID, new TypingWatcher((userIDs) => this.emit("roomTypingChanged", userIDs, roomID)));
    this.emit("roomStateChanged", roomID, "connected", "success");
    session.start();
  }

  /** Forgets room `roomID` (its session ended for good). */
  private forget(roomID: string): void {
    this.sessions.delete(roomID);
    this.typingSenders.delete(roomID);
    this.typingWatchers.get(roomID)?.stop();
    this.typingWatchers.delete(roomID);
  }

  /** Leaves a room: a consented leave, or, while it is being re-entered after a SHUTDOWN, the end of the tries. */
  private async leaveSession(session: RoomSession): Promise<void> {
    const move = this.moves.get(session.roomID);
    if (!move) return session.leave();
    move.cancel();
    this.moves.delete(session.roomID);
    this.forget(session.roomID);
    this.emit("roomStateChanged", session.roomID, "disconnected", EVENT_OF_EXIT[ExitReason.LEFT]);
    this.emit("exitRoom", session.roomID, ExitReason.LEFT);
  }

  /**
   * The room's process shut it down (a drain, a deploy): re-enter it ("enter", so it is created
   * again on a live process) with backoff for up to moveOnShutdownMs, resuming its messages where
   * `old` stopped. Entries of the room asked for meanwhile wait for the outcome.
   */
  private startMove(old: RoomSession): void {
    const roomID = old.roomID;
    let wake: (() => void) | undefined;
    let cancelled = false;
    const move: Move = {
      cancelled: () => cancelled,
      cancel() {
        cancelled = true;
        wake?.();
      },
    };
    this.moves.set(roomID, move);
    this.typingWatchers.get(roomID)?.stop();
    this.emit("roomStateChanged", roomID, "connecting", "interrupted");
    const plan: EntryPlan = {
      mode: "enter",
      target: { roomID, roomName: old.info().roomName },
      start: "interrupted",
      failed: "interrupted",
      resumeFrom: old.resumePoint(),
    };
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        // in Node, a client still re-entering a room does not keep the process alive by itself
        (timer as { unref?: () => void }).unref?.();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const moving = this.move(plan, move, pause);
    this.entering.set(roomID, moving);
    moving
      .finally(() => {
        if (this.entering.get(roomID) === moving) this.entering.delete(roomID);
      })
      .catch(() => undefined);
  }

  private async move(plan: EntryPlan, move: Move, pause: (ms: number) => Promise<void>): Promise<RoomInfo> {
    const roomID = plan.target.roomID;
    const deadline = Date.now() + this.moveOnShutdownMs;
    let delay: number | undefined;
    let error: ChatClientError | undefined;
    while (!move.cancelled()) {
      try {
        const remaining = Math.max(1, deadline - Date.now());
        const session = await this.joinWithin(plan, Math.min(this.connectTimeoutMs, remaining));
        if (move.cancelled()) {
          await session.leave();
          break;
        }
        this.moves.delete(roomID);
        this.install(session);
        return session.info();
      } catch (e) {
        error = toClientError(e, `re-entering room ${roomID}`);
        delay = nextMoveDelay(delay);
        if (move.cancelled() || endsMove(error.code) || Date.now() + delay >= deadline) break;
        await pause(delay);
      }
    }
    if (!move.cancelled()) {
      this.moves.delete(roomID);
      this.forget(roomID);
      this.emit("roomStateChanged", roomID, "disconnected", EVENT_OF_EXIT[ExitReason.SHUTDOWN]);
      this.emit("exitRoom", roomID, ExitReason.SHUTDOWN);
    }
    throw error ?? new ChatClientError(ErrorCode.NOT_IN_ROOM, `left room ${roomID} while re-entering it`);
  }

  /**
   * The SDK's own matchmaking call for the mode (create, join, joinOrCreate) on the chat room type,
   * then the first state: the room is joined when this resolves.
   */
  private async join(plan: EntryPlan): Promise<RoomSession> {
    const options: JoinOptions & Record<string, unknown> = { ...this.joinData, roomId: plan.target.roomID, userId: this.userId };
    if (plan.target.roomName !== undefined) options.roomName = plan.target.roomName;
    if (this.userName !== undefined) options.userName = this.userName;
    if (this.token !== undefined) options.token = this.token;
    if (plan.config !== undefined) options.config = plan.config;
    if (plan.switchedFrom !== undefined) options.switchedFrom = plan.switchedFrom;
    const resumed = plan.reconnectionToken !== undefined;
    const room = plan.reconnectionToken !== undefined ? await this.reconnect(plan.reconnectionToken) : await this.matchmake(plan, options);
    Object.assign(room.reconnection, this.reconnection);
    // Created at once so no drop or message slips by; its events count once it is in `sessions`.
    const session: RoomSession = new RoomSession(
      plan.target.roomID,
      room,
      (event) => this.onSessionEvent(session, event),
      resumed,
      plan.resumeFrom,
    );
    await session.ready;
    return session;
  }

  /** The SDK's matchmaking call for the plan's mode, asked again while the room found was closing. */
  private async matchmake(plan: EntryPlan, options: JoinOptions & Record<string, unknown>): Promise<ChatSdkRoom> {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.sdk[METHOD_OF_MODE[plan.mode]]<ChatStateView>(this.roomType, options)) as ChatSdkRoom;
      } catch (e) {
        const error = toClientError(e, `entering room ${plan.target.roomID}`);
        if (attempt >= ENTER_ATTEMPTS || !closedUnderEntry(plan.mode, e, error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, ENTER_RETRY_MS * attempt));
      }
    }
  }

  /** The SDK's reconnect with a token from {@link reconnectionToken}. */
  private async reconnect(reconnectionToken: string): Promise<ChatSdkRoom> {
    try {
      return (await this.sdk.reconnect<ChatStateView>(reconnectionToken)) as ChatSdkRoom;
    } catch (e) {
      throw toClientError(e, `resuming room ${reconnectionToken.split(":")[0] ?? ""}`);
    }
  }

  private failureEvent(plan: EntryPlan, error: ChatClientError): RoomEvent {
    if (plan.start === "activeSwitch") return plan.failed;
    if (error.code === ClientErrorCode.CONNECT_TIMEOUT) return "connectTimeout";
    if (error.code === ErrorCode.ROOM_NOT_EXIST && plan.mode === "join") return "roomNotExist";
    return plan.failed;
  }

  private onSessionEvent(session: RoomSession, event: SessionEvent): void {
    const roomID = session.roomID;
    // a session still joining (or abandoned after a timeout) reports through its `ready` promise
    if (this.sessions.get(roomID) !== session) return;
    switch (event.type) {
      case "interrupted":
        this.emit("roomStateChanged", roomID, "connecting", "interrupted");
        break;
      case "reconnected":
        this.emit("roomStateChanged", roomID, "connected", "success");
        break;
      case "ended":
        if (event.reason === ExitReason.SHUTDOWN && this.moveOnShutdownMs > 0 && !session.isLeaving) {
          this.startMove(session);
          break;
        }
        this.forget(roomID);
        this.emit("roomStateChanged", roomID, "disconnected", EVENT_OF_EXIT[event.reason]);
        this.emit("exitRoom", roomID, event.reason);
        break;
      case "membersJoined":
      case "membersLeft": {
        const memberCount = event.payload.memberCount;
        if (typeof memberCount === "number") this.emit("roomMemberCountChanged", memberCount, roomID);
        const others = this.others(event.payload);
        if (others.members.length === 0) break;
        if (event.type === "membersJoined") this.emit("roomMemberJoined", others.members, roomID);
        else {
          for (const m of others.members) this.typingWatchers.get(roomID)?.forget(m.userId);
          this.emit("roomMemberLeft", others.members, roomID, others.reasons ?? {});
        }
        break;
      }
      case "messages": {
        const watcher = this.typingWatchers.get(roomID);
        for (const m of event.messages) watcher?.forget(m.senderUserID);
        this.emit("roomMessageReceived", event.messages, roomID);
        break;
      }
      case "typing":
        if (event.notice.userId !== this.userId) this.typingWatchers.get(roomID)?.notice(event.notice.userId, event.notice.typing);
        break;
      case "recalled":
        this.emit("roomMessageRecalled", event.notice, roomID);
        break;
      case "attributesUpdated":
        this.emit("roomAttributesUpdated", event.update, roomID);
        break;
      case "rolesChanged":
        this.emit("roomMemberRoleChanged", event.changes, roomID);
        break;
      case "slowModeChanged":
        this.emit("roomSlowModeChanged", event.seconds, roomID);
        break;
    }
  }

  /** The payload without this client's own user (its join is the call's result, not news). */
  private others(payload: MembersChangedPayload): MembersChangedPayload {
    const members = payload.members.filter((m) => m.userId !== this.userId);
    return { members, reasons: payload.reasons };
  }
}
