import { generateId, Room, type Client, type Deferred } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import { ChatError, ErrorCode } from "../src/core/errors";
import { CloseCodeOf, ExitReason, exitReasonOfCloseCode } from "../src/core/exitReasons";
import { Membership } from "../src/core/membership";
import { OfflineKickout } from "../src/core/kickout";
import { dueDestroy, makeDestroyPolicy, nextDestroy, type DestroyCause, type DestroyPolicy, type RoomActivity } from "../src/core/destroyPolicy";
import { assertName } from "../src/core/ids";
import { parseSend } from "../src/core/messages";
import { ClientRequest, ServerMessage, type MemberInfo, type MembersChangedPayload, type RoomInfo, type RoomMessage } from "../src/protocol";
import type { ChatContext } from "../src/service/context";
import { canSend } from "../src/service/moderation";
import { readRoomPolicy } from "../src/service/roomPolicy";
import { forgetDestroyedRoom } from "../src/service/rooms";
import type { CreateOptions, JoinOptions } from "../src/service/entry";
import { Scope, Topic, type RoomCommand } from "../src/service/scopes";
import { ChatState, MemberState } from "./ChatState";

/**
 * Timers re-check their rule at least this often, so a deadline is met to the second even when
 * the injected clock jumps (tests) or the policy changes under a pending timer.
 */
const MAX_TIMER_MS = 1000;

/** Close codes after which a dropped connection gets no reconnection window. */
const NO_WINDOW_CLOSE_CODES = new Set<number>([4001, 4002, 4003]);

/** Per-connection data the room keeps on `client.userData`. */
interface ConnectionData {
  userId: string;
}

/**
 * The Colyseus room behind every chatroom. It translates Colyseus hooks into calls on the pure
 * rules of src/core (membership, kick-out, destroy policy) and keeps the schema state in step.
 * `ctx` is provided by the subclass createChatServer registers.
 */
export abstract class ChatRoom extends Room<{ state: ChatState; client: Client<{ userData: ConnectionData }> }> {
  protected abstract readonly ctx: ChatContext;

  override state = new ChatState();
  override autoDispose = false;

  private readonly membership = new Membership();
  private kickout!: OfflineKickout;
  private policy!: DestroyPolicy;
  /** The policy from config and room options, before operator overrides (service/roomPolicy). */
  private basePolicy!: DestroyPolicy;
  private activity!: RoomActivity;
  /** Reconnection windows by sessionId (rejecting one ends the window). */
  private readonly windows = new Map<string, { reject?: (reason?: unknown) => void }>();
  /** Why a member is being removed, set before its connections close. */
  private readonly exitReasons = new Map<string, ExitReason>();
  private readonly protectedUsers = new Set<string>();
  private pending: { joined: MemberInfo[]; left: MemberInfo[]; reasons: Record<string, ExitReason> } = { joined: [], left: [], reasons: {} };
  private flushTimer: Delayed | undefined;
  private destroyTimer: Delayed | undefined;
  private kickoutTimer: Delayed | undefined;
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  private claimed = false;
  private seq = 0;
  private closingReason: ExitReason | undefined;

  override async onCreate(options: CreateOptions): Promise<void> {
    const { config, store } = this.ctx;
    const now = this.ctx.now();
    this.policy = makeDestroyPolicy(
      { emptyDelayS: options.config.roomDestroyDelayTime },
      { emptyDelayS: config.destroyDelayS, inactivityMin: config.inactivityMin },
    );
    assertName(options.roomName, options.roomId, "roomName");
    if (!(await store.claims.claim(options.roomId, this.ctx.processToken))) {
      throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${options.roomId} already exists`);
    }
    this.claimed = true;
    this.roomId = options.roomId;
    this.kickout = new OfflineKickout({ mode: config.kickoutMode, windowMs: config.reconnectWindowS * 1000, messageLimit: config.kickoutMessageLimit });
    this.activity = { createdAt: now, lastActivityAt: now, memberCount: 0, emptySince: null, everJoined: false };
    this.state.roomId = options.roomId;
    this.state.roomName = options.roomName;
    this.state.createdAt = now;

    this.unsubscribers.push(await store.bus.subscribe(Topic.room(this.roomId), (payload) => this.onCommand(payload as RoomCommand)));
    await this.refreshModeration();
    this.basePolicy = this.policy;
    this.policy = await readRoomPolicy(this.ctx, this.roomId, this.basePolicy);

    this.onMessage(ClientRequest.INFO, () => this.info());
    this.onMessage(ClientRequest.SEND, (client: Client<{ userData: ConnectionData }>, body: unknown) => this.sendFromMember(client, body));
    this.scheduleDestroyCheck();
  }

  override onJoin(client: Client<{ userData: ConnectionData }>, options: JoinOptions): void {
    const now = this.ctx.now();
    client.userData = { userId: options.userId };
    const change = this.membership.connect(client.sessionId, options.userId, options.userName, now);
    this.touch(now);
    if (change.joined) {
      const record = this.membership.get(options.userId)!;
      const member = new MemberState();
      member.userId = record.userId;
      member.userName = record.userName;
      member.joinedAt = record.joinedAt;
      this.state.members.set(record.userId, member);
      this.state.memberCount = this.membership.size;
      this.activity.memberCount = this.membership.size;
      this.activity.emptySince = null;
      this.activity.everJoined = true;
      this.queueMemberEvent("joined", record.userId);
      void this.ctx.store.sets.add(Scope.userRooms(record.userId), [this.roomId], null);
    }
    if (change.cameOnline) this.kickout.forget(options.userId);
    this.syncMember(options.userId);
    this.scheduleDestroyCheck();
  }

  override onDrop(client: Client<{ userData: ConnectionData }>, code?: number): void {
    if (code === undefined || NO_WINDOW_CLOSE_CODES.has(code) || exitReasonOfCloseCode(code) !== undefined) return;
    const change = this.membership.hold(client.sessionId);
    if (!change) return;
    const now = this.ctx.now();
    const window = this.allowReconnection(client, "manual") as Deferred<Client> | Promise<Client>;
    this.windows.set(client.sessionId, window as { reject?: (reason?: unknown) => void });
    window.catch(() => undefined);
    if (change.wentOffline) {
      // the member's fate is the kick-out rule's, which protected users are exempt from
      if (!this.protectedUsers.has(change.userId)) {
        this.kickout.drop(change.userId, now);
        this.scheduleKickoutCheck();
      }
    } else {
      // another device keeps the member online: this connection only gets the plain window
      this.clock.setTimeout(() => this.endWindow(client.sessionId), this.ctx.config.reconnectWindowS * 1000);
    }
    this.syncMember(change.userId);
  }

  override onReconnect(client: Client<{ userData: ConnectionData }>): void {
    this.windows.delete(client.sessionId);
    const change = this.membership.restore(client.sessionId);
    if (!change) return;
    if (change.cameOnline) this.kickout.forget(change.userId);
    this.syncMember(change.userId);
  }

  override onLeave(client: Client<{ userData: ConnectionData }>, code?: number): void {
    this.windows.delete(client.sessionId);
    const change = this.membership.disconnect(client.sessionId);
    if (!change) return;
    if (change.left) {
      const reason = this.exitReasons.get(change.userId) ?? this.closingReason ?? (code !== undefined ? exitReasonOfCloseCode(code) : undefined) ?? ExitReason.OFFLINE;
      this.exitReasons.delete(change.userId);
      this.removeMemberState(change.userId, reason);
    } else {
      this.syncMember(change.userId);
    }
  }

  override async onDispose(): Promise<void> {
    for (const userId of this.membership.userIds()) {
      await this.ctx.store.sets.remove(Scope.userRooms(userId), [this.roomId]);
    }
    await Promise.all(this.unsubscribers.map((unsubscribe) => unsubscribe()));
    // Settings that die with the room (mute-all, exceptions, protected users, destroy override, keep-alive); not on shutdown.
    if (this.claimed && (this.closingReason === ExitReason.DISMISSED || this.closingReason === ExitReason.EXPIRED)) await forgetDestroyedRoom(this.ctx, this.roomId);
    if (this.claimed) await this.ctx.store.claims.release(this.roomId, this.ctx.processToken);
  }

  override onBeforeShutdown(): void {
    this.closeRoom(ExitReason.SHUTDOWN);
  }

  /** Room info as ChatClient calls resolve with it. */
  info(): RoomInfo {
    return {
      roomID: this.roomId,
      roomName: this.state.roomName,
      createdAt: this.state.createdAt,
      memberCount: this.membership.size,
      members: this.membership.userIds().map((userId) => this.memberInfo(userId)),
    };
  }

  /**
   * Removes members now, closing every connection of theirs with the reason's close code;
   * held (offline) connections lose their reconnection window.
   */
  removeMembers(userIds: readonly string[], reason: ExitReason): void {
    for (const userId of userIds) {
      if (!this.membership.has(userId)) continue;
      this.exitReasons.set(userId, reason);
      this.kickout.forget(userId);
      for (const sessionId of this.membership.liveSessions(userId)) {
        this.clients.getById(sessionId)?.leave(CloseCodeOf[reason]);
      }
      for (const sessionId of this.membership.heldSessions(userId)) this.endWindow(sessionId);
    }
  }

  /** Destroys the room: every member exits with `reason`. */
  closeRoom(reason: ExitReason): void {
    if (this.closingReason !== undefined) return;
    this.closingReason = reason;
    void this.disconnect(CloseCodeOf[reason]);
  }

  /** A member's send: validated, numbered and delivered to online members. Throws ChatError. */
  private async sendFromMember(client: Client<{ userData: ConnectionData }>, body: unknown): Promise<RoomMessage> {
    const userId = client.userData?.userId;
    if (userId === undefined || !this.membership.has(userId)) throw new ChatError(ErrorCode.NOT_IN_ROOM, `not a member of room ${this.roomId}`);
    const { type, content } = parseSend(body, this.ctx.config.maxMessageBytes);
    await canSend(this.ctx, this.roomId, userId, this.ctx.now());
    return this.deliver(userId, type, content);
  }

  /** Numbers a message and broadcasts it; the one place every accepted message goes through. */
  protected deliver(senderUserID: string, type: string, content: string): RoomMessage {
    const message: RoomMessage = { messageID: generateId(), seq: ++this.seq, timestamp: this.ctx.now(), senderUserID, type, content };
    this.broadcast(ServerMessage.MESSAGES, [message]);
    this.noteRoomMessage();
    return message;
  }

  /** Records a room message for the inactivity and offline kick-out rules. */
  protected noteRoomMessage(): void {
    const now = this.ctx.now();
    this.touch(now);
    const kicked = this.kickout.onRoomMessage(now, (userId) => this.protectedUsers.has(userId));
    if (kicked.length > 0) this.removeMembers(kicked, ExitReason.OFFLINE);
  }

  private onCommand(command: RoomCommand): void {
    switch (command.type) {
      case "remove":
        this.removeMembers(command.userIds, command.reason as ExitReason);
        break;
      case "destroy":
        this.closeRoom(command.reason as ExitReason);
        break;
      case "moderation":
        void this.refreshModeration();
        break;
      case "policy":
        void this.refreshPolicy();
        break;
    }
  }

  private async refreshModeration(): Promise<void> {
    const now = this.ctx.now();
    const entries = await this.ctx.store.sets.list(Scope.protectedUsers(this.roomId), now);
    this.protectedUsers.clear();
    for (const entry of entries) {
      this.protectedUsers.add(entry.member);
      // protected users are never auto-kicked, so they leave the kick-out rule altogether
      this.kickout.forget(entry.member);
    }
  }

  private async refreshPolicy(): Promise<void> {
    this.policy = await readRoomPolicy(this.ctx, this.roomId, this.basePolicy);
    this.scheduleDestroyCheck();
  }

  private endWindow(sessionId: string): void {
    this.windows.get(sessionId)?.reject?.(new Error("reconnection window closed"));
    this.windows.delete(sessionId);
  }

  private touch(now: number): void {
    this.activity.lastActivityAt = now;
  }

  private removeMemberState(userId: string, reason: ExitReason): void {
    const now = this.ctx.now();
    this.queueMemberEvent("left", userId, reason);
    this.state.members.delete(userId);
    this.state.memberCount = this.membership.size;
    this.activity.memberCount = this.membership.size;
    if (this.membership.size === 0) this.activity.emptySince = now;
    this.touch(now);
    this.kickout.forget(userId);
    void this.ctx.store.sets.remove(Scope.userRooms(userId), [this.roomId]);
    this.scheduleDestroyCheck();
  }

  private memberInfo(userId: string, fallback?: MemberInfo): MemberInfo {
    const record = this.membership.get(userId);
    if (!record) return fallback ?? { userId, userName: userId, joinedAt: 0, online: false, devices: 0 };
    return { userId, userName: record.userName, joinedAt: record.joinedAt, online: this.membership.isOnline(userId), devices: this.membership.devices(userId) };
  }

  private syncMember(userId: string): void {
    const member = this.state.members.get(userId);
    if (!member) return;
    member.online = this.membership.isOnline(userId);
    member.devices = Math.min(255, this.membership.devices(userId));
  }

  /** Collects member changes and sends them as one list per patch interval. */
  private queueMemberEvent(kind: "joined" | "left", userId: string, reason?: ExitReason): void {
    const state = this.state.members.get(userId);
    const info: MemberInfo = state
      ? { userId, userName: state.userName, joinedAt: state.joinedAt, online: kind === "joined", devices: kind === "joined" ? this.membership.devices(userId) : 0 }
      : this.memberInfo(userId);
    if (kind === "joined") {
      this.pending.joined.push(info);
    } else {
      this.pending.left.push(info);
      if (reason !== undefined) this.pending.reasons[userId] = reason;
    }
    this.flushTimer ??= this.clock.setTimeout(() => this.flushMemberEvents(), this.patchRate ?? 50);
  }

  private flushMemberEvents(): void {
    this.flushTimer = undefined;
    const { joined, left, reasons } = this.pending;
    this.pending = { joined: [], left: [], reasons: {} };
    if (joined.length > 0) this.broadcast(ServerMessage.MEMBERS_JOINED, { members: joined } satisfies MembersChangedPayload);
    if (left.length > 0) this.broadcast(ServerMessage.MEMBERS_LEFT, { members: left, reasons } satisfies MembersChangedPayload);
  }

  private scheduleDestroyCheck(): void {
    this.destroyTimer?.clear();
    this.destroyTimer = undefined;
    const next = nextDestroy(this.policy, this.activity);
    if (!next) return;
    this.destroyTimer = this.clock.setTimeout(() => this.checkDestroy(), Math.min(MAX_TIMER_MS, Math.max(0, next.at - this.ctx.now())));
  }

  private checkDestroy(): void {
    this.destroyTimer = undefined;
    const cause: DestroyCause | null = dueDestroy(this.policy, this.activity, this.ctx.now());
    if (cause) this.closeRoom(ExitReason.EXPIRED);
    else this.scheduleDestroyCheck();
  }

  private scheduleKickoutCheck(): void {
    const deadline = this.kickout.nextDeadline();
    if (deadline === null) return;
    this.kickoutTimer?.clear();
    this.kickoutTimer = this.clock.setTimeout(() => {
      this.kickoutTimer = undefined;
      const due = this.kickout.due(this.ctx.now(), (userId) => this.protectedUsers.has(userId));
      if (due.length > 0) this.removeMembers(due, ExitReason.OFFLINE);
      this.scheduleKickoutCheck();
    }, Math.min(MAX_TIMER_MS, Math.max(0, deadline - this.ctx.now())));
  }
}
