import { Room, type Client, type Deferred, type MessageContext } from "@colyseus/core";
import type { Delayed } from "@colyseus/timer";
import { ChatError, ErrorCode, isChatError } from "../src/core/errors";
import { CloseCodeOf, ExitReason, exitReasonOfCloseCode, opensReconnectionWindow } from "../src/core/exitReasons";
import { Membership } from "../src/core/membership";
import { MAX_MEMBER_PAGE, MemberList } from "../src/core/memberList";
import { OfflineKickout } from "../src/core/kickout";
import { dueDestroy, makeDestroyPolicy, nextDestroy, type DestroyCause, type DestroyPolicy, type RoomActivity } from "../src/core/destroyPolicy";
import { assertName } from "../src/core/ids";
import { ClientRequest, ServerMessage, type AttributesUpdate, type MemberQueryResult, type ErrorBody, type HistorySync, type MemberInfo, type MembersChangedPayload, type RecallNotice, type RoomInfo, type RoomMessage } from "../src/protocol";
import type { ChatContext } from "../src/service/context";
import { ModerationCache } from "../src/service/moderationCache";
import { readRoomPolicy } from "../src/service/roomPolicy";
import { forgetDestroyedRoom } from "../src/service/rooms";
import type { CreateOptions, JoinOptions } from "../src/service/entry";
import { Scope, Topic, type RoomCommand } from "../src/service/scopes";
import { ChatState, MemberState } from "./ChatState";
import { fullStateSerializer } from "./FullStateSerializer";
import { MessagePipeline } from "./MessagePipeline";
import { RoomAttributes } from "./RoomAttributes";
import { outcome, type Outcome } from "../src/service/remote";

/**
 * Timers re-check their rule at least this often, so a deadline is met to the second even when
 * the injected clock jumps (tests) or the policy changes under a pending timer.
 */
const MAX_TIMER_MS = 1000;

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
  /** Which members the schema state lists (the first config.memberListCap), and member pages. */
  private memberList!: MemberList;
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
  private pipeline!: MessagePipeline;
  private moderation!: ModerationCache;
  private unregisterModeration: (() => void) | undefined;
  private attributes!: RoomAttributes;
  private closingReason: ExitReason | undefined;

  /** Colyseus' schema serializer, with the full-state buffer kept once a big room outgrows it. */
  override setSerializer(serializer: Parameters<Room["setSerializer"]>[0]): void {
    super.setSerializer(fullStateSerializer(serializer));
  }

  override async onCreate(options: CreateOptions): Promise<void> {
    const { config, store } = this.ctx;
    const now = this.ctx.now();
    this.policy = makeDestroyPolicy(
      { emptyDelayS: options.config.roomDestroyDelayTime },
      { emptyDelayS: config.destroyDelayS, inactivityMin: config.inactivityMin },
    );
    assertName(options.roomName, options.roomId, "roomName");
    if (!(await this.ctx.claims.claim(options.roomId))) {
      throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${options.roomId} already exists`);
    }
    this.claimed = true;
    this.roomId = options.roomId;
    this.memberList = new MemberList(config.memberListCap);
    this.kickout = new OfflineKickout({ mode: config.kickoutMode, windowMs: config.reconnectWindowS * 1000, messageLimit: config.kickoutMessageLimit });
    this.activity = { createdAt: now, lastActivityAt: now, memberCount: 0, emptySince: null, everJoined: false };
    this.state.roomId = options.roomId;
    this.state.roomName = options.roomName;
    this.state.createdAt = now;

    this.moderation = new ModerationCache(this.ctx, options.roomId);
    this.unregisterModeration = this.ctx.moderationCaches.register(options.roomId, this.moderation);
    this.pipeline = new MessagePipeline(this.ctx, {
      assertMaySend: (userId, now) => this.moderation.assertMaySend(userId, now),
      roomId: this.roomId,
      broadcastMessages: (messages) => this.broadcast(ServerMessage.MESSAGES, messages),
      onDelivered: () => this.noteRoomMessage(),
      isProtectedUser: (userId) => this.protectedUsers.has(userId),
    });
    this.attributes = new RoomAttributes({
      stateAttributes: this.state.attributes,
      broadcastAttributes: (update: AttributesUpdate) => this.broadcast(ServerMessage.ATTRIBUTES_UPDATED, update),
    });
    if (options.config.roomAttributes && options.creatorId) {
      this.attributes.setFromRequest(options.creatorId, { attributes: options.config.roomAttributes }, now);
    }
    await this.pipeline.init();
    const onCommand = (payload: unknown) => this.onCommand(payload as RoomCommand);
    this.unsubscribers.push(await store.bus.subscribe(Topic.room(this.roomId), onCommand));
    this.unsubscribers.push(await store.bus.subscribe(Topic.allRooms, onCommand));
    await Promise.all([this.refreshModeration(), this.refreshLists()]);
    this.basePolicy = this.policy;
    this.policy = await readRoomPolicy(this.ctx, this.roomId, this.basePolicy);

    this.onMessage(ClientRequest.INFO, () => this.info());
    type Handler = (userId: string, body: unknown) => unknown;
    // A refused request is answered with { code, message } (the SDK's error.reason); only faults are thrown (and logged).
    const member = (handler: Handler) => async (client: Client<{ userData: ConnectionData }>, body: unknown, reply: MessageContext) => {
      try {
        return await handler(this.memberOf(client), body);
      } catch (e) {
        if (!isChatError(e)) throw e;
        return reply.reject({ code: e.code, message: e.message } satisfies ErrorBody);
      }
    };
    this.onMessage(ClientRequest.SEND, member((userId, body) => this.pipeline.sendFromMember(userId, body)));
    this.onMessage(ClientRequest.RECALL, member((userId, body) => this.recall((body as { messageID?: unknown } | undefined)?.messageID, userId)));
    this.onMessage(ClientRequest.HISTORY, member((_userId, body) => this.pipeline.history(body)));
    this.onMessage(ClientRequest.SYNC, member((_userId, body) => this.pipeline.sync(body)));
    this.onMessage(ClientRequest.SET_ATTRIBUTES, member((userId, body) => ({ keys: this.attributes.setFromRequest(userId, body, this.ctx.now()) })));
    this.onMessage(ClientRequest.DELETE_ATTRIBUTES, member((userId, body) => ({ keys: this.attributes.deleteFromRequest(userId, body) })));
    this.onMessage(ClientRequest.QUERY_ATTRIBUTES, member(() => this.attributes.query()));
    this.onMessage(ClientRequest.QUERY_MEMBERS, member((_userId, body) => this.queryMembers(body)));
    this.scheduleDestroyCheck();
  }

  /** Re-checks the ban at the socket: a ban set between the entry route and the connection still holds. */
  override async onAuth(_client: Client<{ userData: ConnectionData }>, options: JoinOptions): Promise<boolean> {
    if (await this.ctx.store.sets.has(Scope.banned(this.roomId), options.userId, this.ctx.now())) {
      throw new ChatError(ErrorCode.BANNED, `user ${options.userId} is banned from room ${this.roomId}`);
    }
    return true;
  }

  override async onJoin(client: Client<{ userData: ConnectionData }>, options: JoinOptions): Promise<void> {
    const now = this.ctx.now();
    client.userData = { userId: options.userId };
    const change = this.membership.connect(client.sessionId, options.userId, options.userName, now);
    this.touch(now);
    if (change.joined) {
      const record = this.membership.get(options.userId)!;
      if (this.memberList.add(record.userId).listed) this.listMember(record.userId);
      this.syncMemberCount();
      this.activity.memberCount = this.membership.size;
      this.activity.emptySince = null;
      this.activity.everJoined = true;
      this.queueMemberEvent("joined", record.userId);
      this.background(this.ctx.store.sets.add(Scope.userRooms(record.userId), [this.roomId], null), "indexing the member's rooms");
    }
    if (change.cameOnline) this.kickout.forget(options.userId);
    this.syncMember(options.userId);
    this.scheduleDestroyCheck();
    client.send(ServerMessage.JOIN_HISTORY, (await this.pipeline.joinHistory()) satisfies HistorySync);
  }

  override onDrop(client: Client<{ userData: ConnectionData }>, code?: number): void {
    if (!opensReconnectionWindow(code)) return;
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
    this.pipeline?.dispose();
    this.unregisterModeration?.();
    const cleanups: Promise<unknown>[] = [
      ...this.membership.userIds().map((userId) => this.ctx.store.sets.remove(Scope.userRooms(userId), [this.roomId])),
      ...this.unsubscribers.map((unsubscribe) => unsubscribe()),
    ];
    // Settings that die with the room (mute-all, exceptions, protected users, destroy override, keep-alive); not on shutdown.
    if (this.claimed && (this.closingReason === ExitReason.DISMISSED || this.closingReason === ExitReason.EXPIRED)) cleanups.push(forgetDestroyedRoom(this.ctx, this.roomId));
    // Released last, so a room re-created with this id never sees the old room's cleanup.
    if (this.claimed) cleanups.push(Promise.allSettled(cleanups).then(() => this.ctx.claims.release(this.roomId)));
    // a store that fails here must not take the process down: an unreleased claim lapses by its TTL
    for (const result of await Promise.allSettled(cleanups)) {
      if (result.status === "rejected") console.error(`cleanup of room ${this.roomId} failed:`, result.reason);
    }
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
    // messages delivered before the removal reach the removed members too
    this.pipeline.flush();
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
    this.pipeline?.flush();
    void this.disconnect(CloseCodeOf[reason]);
  }

  /** The member behind a connection; throws NOT_IN_ROOM for a connection that is no member (left meanwhile). */
  private memberOf(client: Client<{ userData: ConnectionData }>): string {
    const userId = client.userData?.userId;
    if (userId === undefined || !this.membership.has(userId)) throw new ChatError(ErrorCode.NOT_IN_ROOM, `not a member of room ${this.roomId}`);
    return userId;
  }

  /** Recalls a message (by its sender, or by the operator with null) and tells every member. */
  private async recall(messageID: unknown, byUserId: string | null): Promise<RoomMessage> {
    const message = await this.pipeline.recall(messageID, byUserId);
    this.pipeline.flush();
    this.broadcast(ServerMessage.RECALLED, { messageID: message.messageID, seq: message.seq, recalledBy: byUserId } satisfies RecallNotice);
    return message;
  }

  /** Operator API (any process, via matchMaker.remoteRoomCall): publish a message ignoring mutes. */
  operatorPublish(senderUserID: string, type: string, content: string): Outcome<RoomMessage | null> {
    return outcome(() => this.pipeline.publish(senderUserID, type, content) ?? null);
  }

  /** Operator API: recall any message. */
  operatorRecall(messageID: string): Promise<Outcome<RoomMessage>> {
    return outcome(() => this.recall(messageID, null));
  }

  /** Operator API: set attributes owned by `ownerId`; without `isForce` only keys that are new or already `ownerId`'s. */
  operatorSetAttributes(ownerId: string, attributes: Record<string, string>, autoDelete: boolean, isForce: boolean): Outcome<string[]> {
    // acting as the owner unless forced: the operator actor (null) would overwrite anything
    return outcome(() => this.attributes.setFromRequest(isForce ? null : ownerId, { attributes, isDeleteAfterOwnerLeft: autoDelete, isForce }, this.ctx.now(), ownerId));
  }

  /** Operator API: delete attributes; `actor` null ignores ownership. */
  operatorDeleteAttributes(actor: string | null, keys: string[]): Outcome<string[]> {
    return outcome(() => this.attributes.deleteFromRequest(actor, { keys, isForce: actor === null }));
  }

  /** Operator API: every attribute with owner and version. */
  operatorQueryAttributes(): Outcome<ReturnType<RoomAttributes["query"]>> {
    return outcome(() => this.attributes.query());
  }

  /** Operator API: admission counters (messages admitted and dropped since creation). */
  operatorMessageStats(): Outcome<{ admitted: number; dropped: number; lastSeq: number }> {
    return outcome(() => ({ ...this.pipeline.stats(), lastSeq: this.pipeline.lastSeq }));
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
        this.background(this.refreshModeration(), "reloading moderation");
        break;
      case "policy":
        this.background(this.refreshPolicy(), "reloading the destroy policy");
        break;
      case "lists":
        this.background(this.refreshLists(), "reloading the message lists");
        break;
      case "publish":
        try {
          this.pipeline.publish(command.senderUserID, command.messageType, command.content);
        } catch {
          // distribution stopped: an app-wide broadcast skips this room
        }
        break;
    }
  }

  private async refreshModeration(): Promise<void> {
    const [entries] = await Promise.all([this.ctx.store.sets.list(Scope.protectedUsers(this.roomId), this.ctx.now()), this.moderation.reload()]);
    this.protectedUsers.clear();
    for (const entry of entries) {
      this.protectedUsers.add(entry.member);
      // protected users are never auto-kicked, so they leave the kick-out rule altogether
      this.kickout.forget(entry.member);
    }
  }

  private async refreshLists(): Promise<void> {
    const { sets } = this.ctx.store;
    const now = this.ctx.now();
    const [low, protectedTypes, stopped] = await Promise.all([
      sets.list(Scope.lowPriorityTypes, now),
      sets.list(Scope.protectedTypes, now),
      sets.has(Scope.distributionStopped, this.roomId, now),
    ]);
    this.pipeline.setLists({
      lowPriorityTypes: new Set(low.map((e) => e.member)),
      protectedTypes: new Set(protectedTypes.map((e) => e.member)),
      distributionStopped: stopped,
    });
  }

  private async refreshPolicy(): Promise<void> {
    this.policy = await readRoomPolicy(this.ctx, this.roomId, this.basePolicy);
    this.scheduleDestroyCheck();
  }

  /**
   * Runs store work the room does not wait for. A failure (the store unreachable) is logged:
   * left unhandled, the rejection would reach Colyseus' uncaughtException handler, which shuts
   * the whole server down.
   */
  private background(work: Promise<unknown>, what: string): void {
    work.catch((e: unknown) => console.error(`room ${this.roomId}: ${what} failed:`, e instanceof Error ? e.message : e));
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
    const { wasListed, promoted } = this.memberList.remove(userId);
    if (wasListed) this.state.members.delete(userId);
    if (promoted !== undefined) this.listMember(promoted);
    this.syncMemberCount();
    this.activity.memberCount = this.membership.size;
    if (this.membership.size === 0) this.activity.emptySince = now;
    this.touch(now);
    this.kickout.forget(userId);
    this.pipeline.forgetUser(userId);
    this.attributes.ownerLeft(userId);
    this.background(this.ctx.store.sets.remove(Scope.userRooms(userId), [this.roomId]), "unindexing the member's rooms");
    this.scheduleDestroyCheck();
  }

  private memberInfo(userId: string, fallback?: MemberInfo): MemberInfo {
    const record = this.membership.get(userId);
    if (!record) return fallback ?? { userId, userName: userId, joinedAt: 0, online: false, devices: 0 };
    return { userId, userName: record.userName, joinedAt: record.joinedAt, online: this.membership.isOnline(userId), devices: this.membership.devices(userId) };
  }

  /** Adds a member to the schema state's (capped) member list. */
  private listMember(userId: string): void {
    const record = this.membership.get(userId);
    if (!record) return;
    const member = new MemberState();
    member.userId = record.userId;
    member.userName = record.userName;
    member.joinedAt = record.joinedAt;
    this.state.members.set(record.userId, member);
    this.syncMember(userId);
  }

  /** One page of every member, in join order. Throws PARAMETER naming a bad count or nextFlag. */
  private queryMembers(body: unknown): MemberQueryResult {
    const { count = MAX_MEMBER_PAGE, nextFlag } = (body ?? {}) as { count?: unknown; nextFlag?: unknown };
    if (nextFlag !== undefined && typeof nextFlag !== "string") throw new ChatError(ErrorCode.PARAMETER, "nextFlag must be a string");
    let page;
    try {
      page = this.memberList.page(nextFlag, count as number);
    } catch (e) {
      throw new ChatError(ErrorCode.PARAMETER, (e as Error).message);
    }
    return { members: page.userIds.map((userId) => this.memberInfo(userId)), nextFlag: page.nextFlag, memberCount: this.membership.size };
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
    const interval = this.isLarge() ? this.ctx.config.largeRoomCountMs : (this.patchRate ?? 50);
    this.flushTimer ??= this.clock.setTimeout(() => this.flushMemberEvents(), interval);
  }

  private isLarge(): boolean {
    return this.memberList.isLarge(this.membership.size);
  }

  /**
   * Up to the cap the state's count changes with the list, in the same patch. Above it the count
   * waits for the next member-event flush, so a join storm does not re-send (and re-encode) the
   * state to every member on every patch.
   */
  private syncMemberCount(): void {
    if (!this.isLarge()) this.state.memberCount = this.membership.size;
  }

  /** Above the member-list cap only counts go out, so member traffic stays linear in the members. */
  private flushMemberEvents(): void {
    this.flushTimer = undefined;
    const { joined, left, reasons } = this.pending;
    this.pending = { joined: [], left: [], reasons: {} };
    const memberCount = this.membership.size;
    this.state.memberCount = memberCount;
    const big = this.isLarge();
    if (joined.length > 0) {
      this.broadcast(ServerMessage.MEMBERS_JOINED, { members: big ? [] : joined, count: joined.length, memberCount } satisfies MembersChangedPayload);
    }
    if (left.length > 0) {
      this.broadcast(ServerMessage.MEMBERS_LEFT, { members: big ? [] : left, reasons: big ? {} : reasons, count: left.length, memberCount } satisfies MembersChangedPayload);
    }
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
