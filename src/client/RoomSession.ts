import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../core/errors";
import { CloseCodeOf, ExitReason, exitReasonOfCloseCode } from "../core/exitReasons";
import {
  ClientRequest,
  ServerMessage,
  type SwitchLeaveRequest,
  type AttributesUpdate,
  type HistorySync,
  type MemberInfo,
  type MembersChangedPayload,
  type RecallNotice,
  type RoleChange,
  type RoomInfo,
  type RoomRole,
  type RoomMessage,
  type TypingNotice,
} from "../protocol";
import { ChatClientError, ClientErrorCode, errorFromBody, toClientError } from "./errors";
import { MessageFeed } from "./MessageFeed";

/** A member as the SDK decodes it from the room's schema state (rooms/ChatState.ts). */
interface MemberView {
  userName: string;
  joinedAt: number;
  online: boolean;
  devices: number;
  fields?: MapView<string>;
}

/** Read-only view of a schema MapSchema: what the client needs of it. */
export interface MapView<V> {
  readonly size: number;
  forEach(callback: (value: V, key: string) => void): void;
  get(key: string): V | undefined;
}

/** The room's schema state as the SDK decodes it (by reflection: the client does not import the server's classes). */
export interface ChatStateView {
  roomId: string;
  roomName: string;
  createdAt: number;
  memberCount: number;
  members?: MapView<MemberView>;
  attributes?: MapView<string>;
  /** Room roles by user id (absent: a plain member). */
  roles?: MapView<string>;
  /** Slow mode seconds (0 = off; absent from servers without slow mode). */
  slowModeSeconds?: number;
}

/** An SDK room carrying the chat state. */
export type ChatSdkRoom = Room<unknown, ChatStateView>;

/**
 * Where a session's messages stopped: a later session of the same room incarnation (same
 * `createdAt`) resumes after `lastSeq` instead of starting from its join history.
 */
export interface ResumePoint {
  createdAt: number;
  lastSeq: number;
}

/** What a session reports to its owner. */
export type SessionEvent =
  | { type: "interrupted" }
  | { type: "reconnected" }
  /** The session is over for good; `reason` is the exit reason, `closeCode` the WebSocket close code. */
  | { type: "ended"; reason: ExitReason; closeCode: number }
  | { type: "membersJoined"; payload: MembersChangedPayload }
  | { type: "membersLeft"; payload: MembersChangedPayload }
  /** Room messages in seq order, each once (the join history first, then live and recovered ones). */
  | { type: "messages"; messages: RoomMessage[] }
  | { type: "recalled"; notice: RecallNotice }
  | { type: "attributesUpdated"; update: AttributesUpdate }
  /** A member started or stopped typing (a hint: never held, never queued). */
  | { type: "typing"; notice: TypingNotice }
  /** Users' room roles changed; the state shows them already. */
  | { type: "rolesChanged"; changes: RoleChange[] }
  /** The room's slow mode changed (seconds between one member's messages, 0 = off). */
  | { type: "slowModeChanged"; seconds: number };

/** Events about the room's content: held until {@link RoomSession.start}, so none is lost while joining. */
type ContentEvent = Extract<SessionEvent, { type: "messages" | "recalled" | "attributesUpdated" }>;

/** A member batch as received: the server always sends `members`, but a payload is not trusted to. */
type ReceivedMembers = Partial<MembersChangedPayload> | undefined;

/** A received member batch with its `members` (none when it came without). */
const membersBatch = (payload: ReceivedMembers): MembersChangedPayload => ({ ...payload, members: payload?.members ?? [] });

const ROLES: ReadonlySet<unknown> = new Set<RoomRole>(["owner", "admin", "moderator"]);

/** The role changes of a ROLES_CHANGED payload that are well formed (a payload is not trusted to be). */
function roleChanges(payload: unknown): RoleChange[] {
  if (!Array.isArray(payload)) return [];
  return payload.flatMap((item: unknown) => {
    const { userId, role } = (item ?? {}) as { userId?: unknown; role?: unknown };
    if (typeof userId !== "string" || (role !== null && !ROLES.has(role))) return [];
    return [{ userId, role: role as RoomRole | null }];
  });
}

/** How long a consented leave waits for the server's close before closing the socket itself. */
const LEAVE_TIMEOUT_MS = 5000;

/**
 * One joined room: the only owner of its SDK Room. Turns the SDK's drop/reconnect/leave
 * callbacks and the room's member messages into {@link SessionEvent}s, and answers the room's
 * live info from the schema state.
 */
export class RoomSession {
  private interrupted = false;
  private ended = false;
  private leaveRequested = false;
  private readonly endWaiters: (() => void)[] = [];
  /**
   * joinedAt of the members in the room's first state, by userId. The server batches member
   * events, so the first batch after this client's join can announce members that were already
   * in that state; those are not news and are filtered out (a later rejoin has a new joinedAt).
   */
  private readonly initialMembers = new Map<string, number>();
  /** Resolves on the room's first state (the join is complete); rejects if the session ends first. */
  readonly ready: Promise<void>;
  private readonly feed: MessageFeed;
  /** Content events waiting for {@link start}; null once started. */
  private contentQueue: ContentEvent[] | null = [];
  /** The slow mode last reported (the first state's, then each change). */
  private slowModeSeconds = 0;

  constructor(
    /** The room id (the server's Colyseus roomId). */
    readonly roomID: string,
    private readonly room: ChatSdkRoom,
    private readonly sink: (event: SessionEvent) => void,
    /**
     * The room was re-entered with a reconnection token (ChatClient.resumeRoom): no join history
     * comes, so the session asks for the kept messages (SYNC) once its state has arrived.
     */
    resumed = false,
    /**
     * The session this one replaces after a SHUTDOWN (ChatClient moving to another process): when
     * the room is the same incarnation (same createdAt), messages resume after its lastSeq with no
     * loss or repeat; a room that was destroyed and created anew starts fresh.
     */
    resumeFrom?: ResumePoint,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      room.onStateChange.once((state: ChatStateView | undefined) => {
        state?.members?.forEach((m, userId) => this.initialMembers.set(userId, m.joinedAt));
        this.slowModeSeconds = state?.slowModeSeconds ?? 0;
        // the first state comes before the join history: the feed knows before it arrives
        if (resumeFrom && state?.createdAt === resumeFrom.createdAt) this.feed.resumeAfter(resumeFrom.lastSeq);
        resolve();
      });
      room.onStateChange((state: ChatStateView | undefined) => {
        const seconds = state?.slowModeSeconds ?? 0;
        if (seconds === this.slowModeSeconds || this.ended) return;
        this.slowModeSeconds = seconds;
        this.sink({ type: "slowModeChanged", seconds });
      });
      this.endWaiters.push(() =>
        reject(new ChatClientError(ClientErrorCode.CONNECT_FAILED, `room ${roomID} closed before its state arrived`)),
      );
    });
    this.ready.catch(() => undefined);
    if (resumed)
      this.ready.then(
        () => this.feed.reconnected(),
        () => undefined,
      );
    // Registered before the first frame is read: JOIN_HISTORY follows the first state at once.
    this.feed = new MessageFeed({
      request: (type, payload) => this.request(type, payload),
      isConnected: () => !this.ended && !this.interrupted,
      deliver: (messages) => this.content({ type: "messages", messages }),
    });
    room.onMessage(ServerMessage.JOIN_HISTORY, (history: HistorySync) => this.feed.joined(history));
    room.onMessage(ServerMessage.MESSAGES, (messages: RoomMessage[]) => this.feed.received(messages));
    room.onMessage(ServerMessage.RECALLED, (notice: RecallNotice) => this.content({ type: "recalled", notice }));
    room.onMessage(ServerMessage.ATTRIBUTES_UPDATED, (update: AttributesUpdate) => this.content({ type: "attributesUpdated", update }));
    room.onDrop(() => {
      if (this.ended) return;
      this.interrupted = true;
      this.sink({ type: "interrupted" });
    });
    room.onReconnect(() => {
      if (this.ended || this.leaveRequested) {
        // a leave was requested while the connection was down: finish it now that it is back
        void this.room.leave(true);
        return;
      }
      this.interrupted = false;
      this.sink({ type: "reconnected" });
      // messages broadcast while this connection was down never arrive live
      this.feed.reconnected();
    });
    room.onLeave((code: number) => this.end(code));
    room.onMessage(ServerMessage.MEMBERS_JOINED, (payload: ReceivedMembers) => this.onMembersJoined(membersBatch(payload)));
    room.onMessage(ServerMessage.MEMBERS_LEFT, (received: ReceivedMembers) => {
      const payload = membersBatch(received);
      for (const m of payload.members) this.initialMembers.delete(m.userId);
      this.sink({ type: "membersLeft", payload });
    });
    room.onMessage(ServerMessage.TYPING, (notice: Partial<TypingNotice> | undefined) => {
      if (typeof notice?.userId === "string")
        this.sink({ type: "typing", notice: { userId: notice.userId, typing: notice.typing === true } });
    });
    room.onMessage(ServerMessage.ROLES_CHANGED, (payload: unknown) => {
      const changes = roleChanges(payload);
      if (changes.length > 0) this.sink({ type: "rolesChanged", changes });
    });
    // messages this client version has no handler for are ignored rather than logged
    room.onMessage("*", () => undefined);
  }

  /** True while the connection is down and the SDK is reconnecting. */
  get isInterrupted(): boolean {
    return this.interrupted;
  }

  /**
   * The SDK's reconnection token of this connection (`roomId:token`): ChatClient.resumeRoom re-enters
   * the room with it, e.g. after a page reload, while the server still holds the member.
   */
  get reconnectionToken(): string {
    return this.room.reconnectionToken;
  }

  /** Where this session's messages stopped, for a later session of the room; undefined before its join history. */
  resumePoint(): ResumePoint | undefined {
    const lastSeq = this.feed.lastSeq;
    const createdAt = (this.room.state as ChatStateView | undefined)?.createdAt;
    return lastSeq === null || createdAt === undefined ? undefined : { createdAt, lastSeq };
  }

  /** True once this client asked to leave (a close that follows is no reason to re-enter). */
  get isLeaving(): boolean {
    return this.leaveRequested;
  }

  /** True once the session has ended (left, removed, or given up reconnecting). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Starts reporting content events (messages, recalls, attribute changes), first those held since the join. */
  start(): void {
    const queued = this.contentQueue;
    if (queued === null) return;
    this.contentQueue = null;
    for (const event of queued) this.sink(event);
  }

  /** The room as the schema state describes it now. */
  info(): RoomInfo {
    const state = this.room.state as ChatStateView | undefined;
    const members: MemberInfo[] = [];
    state?.members?.forEach((m, userId) => {
      const member: MemberInfo = { userId, userName: m.userName, joinedAt: m.joinedAt, online: m.online, devices: m.devices };
      const role = this.roleOf(userId);
      if (role !== null) member.role = role;
      if (m.fields && m.fields.size > 0) {
        const fields = Object.create(null) as Record<string, string>;
        m.fields.forEach((value, key) => (fields[key] = value));
        member.fields = fields;
      }
      members.push(member);
    });
    return {
      roomID: this.roomID,
      roomName: state?.roomName ?? this.roomID,
      createdAt: state?.createdAt ?? 0,
      memberCount: state?.memberCount ?? members.length,
      members,
      slowModeSeconds: state?.slowModeSeconds ?? 0,
    };
  }

  /** A user's room role as the schema state holds it now (null: a plain member), present in the room or not. */
  roleOf(userId: string): RoomRole | null {
    const role = (this.room.state as ChatStateView | undefined)?.roles?.get(userId);
    return ROLES.has(role) ? (role as RoomRole) : null;
  }

  /** Every room role as the schema state holds it now, by user id (null prototype). */
  roles(): Record<string, RoomRole> {
    const result = Object.create(null) as Record<string, RoomRole>;
    (this.room.state as ChatStateView | undefined)?.roles?.forEach((role, userId) => {
      if (ROLES.has(role)) result[userId] = role as RoomRole;
    });
    return result;
  }

  /** The room's attributes as the schema state holds them now. */
  attributes(): Record<string, string> {
    const result: Record<string, string> = {};
    (this.room.state as ChatStateView | undefined)?.attributes?.forEach((value, key) => (result[key] = value));
    return result;
  }

  /**
   * Registers `handler` for server message `type` (for features built on top of the session);
   * returns a function that removes it.
   */
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- T lets a caller name the payload type its handler reads, as @colyseus/sdk's onMessage<Payload> does; with `unknown`, typed handlers would not compile
  onMessage<T>(type: string, handler: (payload: T) => void): () => void {
    return this.room.onMessage(type, handler);
  }

  /**
   * Sends request `type` and resolves with the server's reply; rejects with a ChatClientError
   * carrying the server's code (NOT_IN_ROOM while the connection is down).
   */
  async request<T>(type: string, payload?: unknown): Promise<T> {
    if (this.ended || this.interrupted) throw new ChatClientError(ErrorCode.NOT_IN_ROOM, `not connected to room ${this.roomID}`);
    try {
      return await this.room.request(type, payload);
    } catch (e) {
      // a refusal (ctx.reject) carries the server's { code, message } as `reason`
      const refused = errorFromBody((e as { reason?: unknown }).reason);
      if (refused) throw refused;
      const code = (e as { code?: unknown }).code;
      if (typeof code === "number" && (Object.values(ErrorCode) as number[]).includes(code)) {
        throw new ChatClientError(code, (e as Error).message);
      }
      throw toClientError(e, `request "${type}"`);
    }
  }

  /**
   * Leaves for room `to` (ChatClient.switchRoom): tells the server it is a switch, so its leave
   * hook and the other members see SWITCHED, then leaves as {@link leave} does. This client
   * reports the exit as LEFT, as ZIM does.
   */
  async leaveForSwitch(to: string): Promise<void> {
    if (!this.ended && !this.interrupted) {
      await this.request(ClientRequest.SWITCH_LEAVE, { to } satisfies SwitchLeaveRequest).catch(() => undefined);
    }
    return this.leave();
  }

  /**
   * Leaves the room (consented: the server removes the member at once, reason LEFT) and
   * resolves once the session has ended. While the connection is down the leave cannot reach
   * the server: the session ends here at once and the SDK stops reconnecting (or leaves as soon
   * as an attempt already under way gets through).
   */
  leave(): Promise<void> {
    if (this.ended) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.endWaiters.push(resolve));
    if (this.leaveRequested) return done;
    this.leaveRequested = true;
    if (this.interrupted) {
      this.room.reconnection.enabled = false;
      this.room.reconnection.maxRetries = 0;
      this.end(CloseCodeOf[ExitReason.LEFT]);
      return done;
    }
    const timer = setTimeout(() => {
      this.room.reconnection.enabled = false;
      this.room.connection.close();
      this.end(CloseCodeOf[ExitReason.LEFT]);
    }, LEAVE_TIMEOUT_MS);
    void this.room.leave(true).finally(() => clearTimeout(timer));
    return done;
  }

  private onMembersJoined(payload: MembersChangedPayload): void {
    const members = payload.members.filter((m) => {
      const known = this.initialMembers.get(m.userId);
      if (known === undefined) return true;
      this.initialMembers.delete(m.userId);
      return known !== m.joinedAt;
    });
    // a batch of counts only (big rooms) still carries the member count
    if (members.length > 0 || typeof payload.memberCount === "number")
      this.sink({ type: "membersJoined", payload: { ...payload, members } });
  }

  private content(event: ContentEvent): void {
    if (this.ended) return;
    if (this.contentQueue) this.contentQueue.push(event);
    else this.sink(event);
  }

  private end(closeCode: number): void {
    if (this.ended) return;
    this.ended = true;
    this.interrupted = false;
    this.feed.stop();
    this.contentQueue = null;
    this.sink({ type: "ended", reason: this.reasonOf(closeCode), closeCode });
    for (const resolve of this.endWaiters.splice(0)) resolve();
  }

  /**
   * The exit reason of a close: the exit table's entry for the close code when there is one
   * (4000 = LEFT, 4101 = KICKED, ...); LEFT for our own leave; otherwise the SDK gave up
   * reconnecting (or the server closed with an error), and the server removes such a member as
   * OFFLINE when its window ends.
   */
  private reasonOf(closeCode: number): ExitReason {
    return exitReasonOfCloseCode(closeCode) ?? (this.leaveRequested ? ExitReason.LEFT : ExitReason.OFFLINE);
  }
}
