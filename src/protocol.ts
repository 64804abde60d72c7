/**
 * Wire names and payloads shared by the server (rooms/ChatRoom.ts), ChatClient and plain
 * @colyseus/sdk clients. Renaming anything here breaks the build, not production.
 */
import type { ExitReason } from "./core/exitReasons";
import type { RoomRole } from "./core/roles";

export type { RoomRole } from "./core/roles";

/**
 * Name the standalone server registers the chat room type under, and ChatClient's default
 * `roomType`. A studio registers its chat room types under names of its own.
 */
export const DEFAULT_ROOM_TYPE = "chatroom";

/**
 * Path of the entry route inside the chat router (POST JSON {@link EnterRequest}, answers
 * {@link EnterResponse}): sugar over the SDK's matchmaking calls for clients that cannot use them.
 */
export const ENTER_PATH = "/chat/enter";

/**
 * Options of the SDK's matchmaking calls on a chat room type:
 * `client.joinOrCreate(type, options)`, `create`, `join` and `joinById(roomId, options)`.
 */
export interface JoinOptions {
  /** The room's id, chosen by the caller: 1..64 of [A-Za-z0-9_-] (joinById takes it from its argument). */
  roomId?: string;
  /** Name of the room when this call creates it [roomId]. */
  roomName?: string;
  /** 1..64 of [A-Za-z0-9+=_-]. */
  userId: string;
  /** Display name [userId]. */
  userName?: string;
  /** User token from the operator API (`/user/getToken.json`); required when the server has an app secret. */
  token?: string;
  /** Options of a room this call creates. */
  config?: RoomConfig;
  /** Set by ChatClient.switchRoom: the room this member is switching from (reaches the enter hook). */
  switchedFrom?: string;
}

/**
 * The option key chat room types filter matchmaking by: the room id again, since Colyseus keeps
 * `roomId` for itself. The room type's static onAuth sets it from `roomId`.
 */
export const MATCHMAKING_FILTER_KEY = "chatRoomId";

/** Every join option the chat reads (JoinOptions and the filter key): app data sent along cannot take these names. */
export const CHAT_JOIN_OPTION_KEYS: readonly string[] = [
  "roomId",
  "roomName",
  "userId",
  "userName",
  "token",
  "config",
  "switchedFrom",
  MATCHMAKING_FILTER_KEY,
] satisfies readonly (keyof JoinOptions | typeof MATCHMAKING_FILTER_KEY)[];

/** How a client enters: create (fails if the id exists), join (fails if missing), enter (creates when missing). */
export type EnterMode = "create" | "join" | "enter";

/** Room options chosen by its creator (ZIM's ZIMRoomAdvancedConfig). */
export interface RoomConfig {
  /** Initial attributes, owned by the creator. */
  roomAttributes?: Record<string, string>;
  /** Seconds an empty room lives before it is destroyed (0..10800). */
  roomDestroyDelayTime?: number;
}

/** Body of POST {@link ENTER_PATH}. */
export interface EnterRequest {
  mode: EnterMode;
  roomId: string;
  roomName?: string;
  userId: string;
  userName?: string;
  /** Token from the operator API (`/user/getToken.json`); required when the server has an app secret. */
  token?: string;
  config?: RoomConfig;
}

/** Answer of POST {@link ENTER_PATH}: a Colyseus seat reservation to pass to `client.consumeSeatReservation`. */
export interface EnterResponse {
  seat: unknown;
}

/**
 * A refusal during matchmaking travels as an HTTP status (Colyseus answers matchmaking with the
 * thrown code as status) with our code leading the message: "[23409] user u1 is banned ...".
 */
export function codedMessage(code: number, message: string): string {
  return `[${code}] ${message}`;
}

/** The code and message of a {@link codedMessage}, or undefined for any other text. */
export function parseCodedMessage(text: string): { code: number; message: string } | undefined {
  const match = /^\[(\d+)\] ([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  // both groups always take part in a match: the defaults only satisfy the index types
  const [, code = "", message = ""] = match;
  return { code: Number(code), message };
}

/** Error body of every chat HTTP route and every failed room request. */
export interface ErrorBody {
  code: number;
  message: string;
}

/** A member as clients see it. */
export interface MemberInfo {
  userId: string;
  userName: string;
  joinedAt: number;
  online: boolean;
  devices: number;
  /** The app's custom member fields (set by the room's hooks; absent when none). */
  fields?: Record<string, string>;
  /** The member's room role; absent for a plain member. */
  role?: RoomRole;
}

/** Room info: what the INFO request and ChatClient's entering calls resolve with. */
export interface RoomInfo {
  roomID: string;
  roomName: string;
  createdAt: number;
  memberCount: number;
  members: MemberInfo[];
  /** Slow mode: seconds between one member's messages (0 = off). */
  slowModeSeconds: number;
}

/** Server -> client message names. */
export const ServerMessage = {
  /** {@link MembersChangedPayload}: members that joined since the last patch. */
  MEMBERS_JOINED: "roomMemberJoined",
  /** {@link MembersChangedPayload}: members that left since the last patch. */
  MEMBERS_LEFT: "roomMemberLeft",
  /** {@link RoomMessage}[]: messages delivered to online members, in seq order. */
  MESSAGES: "roomMessages",
  /** {@link HistorySync}: sent once on join: the last 10 messages and the room's current seq. */
  JOIN_HISTORY: "roomJoinHistory",
  /** {@link RecallNotice}: a message was recalled and left history. */
  RECALLED: "roomMessageRecalled",
  /** {@link AttributesUpdate}: room attributes were set or deleted. */
  ATTRIBUTES_UPDATED: "roomAttributesUpdated",
  /** {@link TypingNotice}: a member started or stopped typing (not sent in rooms over {@link MEMBER_LIST_CAP} members). */
  TYPING: "roomTyping",
  /**
   * {@link RoleChange}[]: users' room roles changed (through a member's SET_ROLE or the operator
   * API). Sent after the state patch that carries the new roles (`state.roles`).
   */
  ROLES_CHANGED: "roomMemberRoleChanged",
} as const;

/** Client -> server request names (room.request / onRequest style, answered with a reply). */
export const ClientRequest = {
  /** -> {@link RoomInfo} */
  INFO: "info",
  /** {@link SendMessageRequest} -> {@link RoomMessage} (the message as stored and delivered). */
  SEND: "sendMessage",
  /** { messageID } -> {@link RoomMessage}: the sender recalls its message. */
  RECALL: "recallMessage",
  /** {@link HistoryRequest} -> {@link RoomMessage}[] (oldest first, at most 50). */
  HISTORY: "queryHistory",
  /** { afterSeq } -> {@link HistorySync}: what a reconnected client missed (send it from onReconnect). */
  SYNC: "syncMessages",
  /** {@link SetAttributesRequest} -> { keys: string[] } */
  SET_ATTRIBUTES: "setAttributes",
  /** {@link DeleteAttributesRequest} -> { keys: string[] } */
  DELETE_ATTRIBUTES: "deleteAttributes",
  /** nothing -> Record<string, {@link AttributeInfo}> */
  QUERY_ATTRIBUTES: "queryAttributes",
  /** {@link MemberQueryRequest} -> {@link MemberQueryResult}: one page of every member, in join order. */
  QUERY_MEMBERS: "queryMembers",
  /**
   * {@link SwitchLeaveRequest} -> {}: this connection is about to leave for another room
   * (ChatClient.switchRoom). Its consented leave that follows is recorded as SWITCHED on the server.
   */
  SWITCH_LEAVE: "switchLeave",
  /**
   * {@link TypingRequest} -> {}: this member is typing (repeat every {@link TYPING_REPEAT_MS} while it
   * types) or stopped. The room tells the other members with {@link ServerMessage.TYPING}.
   */
  TYPING: "typing",
  /** {@link MemberActionRequest} -> {}: removes a member (every connection, exit reason KICKED). Owner and admins. */
  KICK: "kickMember",
  /** {@link MuteMemberRequest} -> {}: mutes a user in this room (as the operator's mute: sends refused MUTED). Owner, admins, moderators. */
  MUTE: "muteMember",
  /** {@link MemberActionRequest} -> {}: lifts a user's room mute. Owner, admins, moderators. */
  UNMUTE: "unmuteMember",
  /** {@link SetRoleRequest} -> {}: gives a user a role or takes it. The owner sets admins and moderators, admins set moderators. */
  SET_ROLE: "setMemberRole",
} as const;

/** Body of KICK and UNMUTE. */
export interface MemberActionRequest {
  userId: string;
}

/** Body of MUTE: `minutes` 1..43200, as the operator's mute. */
export interface MuteMemberRequest {
  userId: string;
  minutes: number;
}

/** Body of SET_ROLE: `role` null makes the user a plain member. */
export interface SetRoleRequest {
  userId: string;
  role: Exclude<RoomRole, "owner"> | null;
}

/** One entry of {@link ServerMessage.ROLES_CHANGED}: the user's role now (null: a plain member). */
export interface RoleChange {
  userId: string;
  role: RoomRole | null;
}

/** Body of {@link ClientRequest.TYPING}. */
export interface TypingRequest {
  typing: boolean;
}

/** Payload of {@link ServerMessage.TYPING}. */
export interface TypingNotice {
  userId: string;
  typing: boolean;
}

/** A typing client repeats `typing: true` this often; the room relays a repeat at most this often per member. */
export const TYPING_REPEAT_MS = 3000;
/** A receiver forgets a member's typing this long after the last notice (a lost "stopped" does not stick). */
export const TYPING_EXPIRY_MS = 6000;

/** Body of SWITCH_LEAVE. */
export interface SwitchLeaveRequest {
  /** The room the member switched to. */
  to: string;
}

/** Body of QUERY_MEMBERS (ZIM's ZIMRoomMemberQueryConfig). */
export interface MemberQueryRequest {
  /** Members per page, 1..100 [100]. */
  count?: number;
  /** "" (or absent) for the first page, then the previous page's `nextFlag`. */
  nextFlag?: string;
}

/** Reply of QUERY_MEMBERS. */
export interface MemberQueryResult {
  members: MemberInfo[];
  /** Pass it back for the next page; "" when this page was the last. */
  nextFlag: string;
  /** Exact number of members now. */
  memberCount: number;
}

/** Body of HISTORY: bounds are optional; `direction` defaults to backward (newest first page) unless afterSeq/since is given. */
export interface HistoryRequest {
  afterSeq?: number;
  beforeSeq?: number;
  since?: number;
  until?: number;
  limit?: number;
  direction?: "forward" | "backward";
}

/** Payload of JOIN_HISTORY and reply of SYNC: messages in seq order and the room's last seq at that moment. */
export interface HistorySync {
  messages: RoomMessage[];
  lastSeq: number;
}

/** Payload of RECALLED. `recalledBy` is who recalled it (the sender, or a member whose role allows it), or null for the operator API. */
export interface RecallNotice {
  messageID: string;
  seq: number;
  recalledBy: string | null;
}

/**
 * Body of SET_ATTRIBUTES. `expectedVersion` makes it a compare-and-set: every key must be at that
 * version (0 = must not exist yet), or nothing is set (ATTRIBUTE_VERSION_CONFLICT).
 */
export interface SetAttributesRequest {
  attributes: Record<string, string>;
  isForce?: boolean;
  isDeleteAfterOwnerLeft?: boolean;
  expectedVersion?: number;
}

/** Body of DELETE_ATTRIBUTES. */
export interface DeleteAttributesRequest {
  keys: string[];
  isForce?: boolean;
}

/** One attribute with its owner and version (reply of QUERY_ATTRIBUTES). */
export interface AttributeInfo {
  value: string;
  ownerId: string;
  autoDelete: boolean;
  version: number;
  updatedAt: number;
}

/** Payload of ATTRIBUTES_UPDATED: keys set (with new values) and keys deleted, and by whom (null = operator or owner left). */
export interface AttributesUpdate {
  set: Record<string, string>;
  deleted: string[];
  by: string | null;
}

/** Body of the SEND request. */
export interface SendMessageRequest {
  type: string;
  content: string;
  priority?: "low" | "normal" | "high";
}

/** A room message as the server assigned it. `seq` is the per-room sequence number (1, 2, ...). */
export interface RoomMessage {
  messageID: string;
  seq: number;
  timestamp: number;
  senderUserID: string;
  type: string;
  content: string;
}

/**
 * Payload of MEMBERS_JOINED / MEMBERS_LEFT, one per patch interval. While the room has at most
 * the server's member-list cap ({@link MEMBER_LIST_CAP} by default) members, `members` lists who joined (left) and `reasons` maps a left
 * member to its exit reason; above it, only the counts are sent (`members` empty, `count` = how
 * many joined or left), so member traffic stays linear in the members in big rooms.
 */
export interface MembersChangedPayload {
  members: MemberInfo[];
  reasons?: Record<string, ExitReason>;
  /** How many members joined (left) in this batch. */
  count?: number;
  /** Exact number of members after this batch. */
  memberCount?: number;
}

/**
 * Default of the members synchronized in the room state's `members` map (the server's
 * `memberListCap`): the first this many (by join order) are listed, `memberCount` is always exact. Page through everyone with QUERY_MEMBERS. Above it,
 * member events carry counts only (see {@link MembersChangedPayload}).
 */
export const MEMBER_LIST_CAP = 500;
