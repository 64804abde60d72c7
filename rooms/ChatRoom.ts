import { generateId, Room, type Client, type Deferred, type MessageContext } from "@colyseus/core";
import { ChatError, ErrorCode, errorBody, isChatError } from "../src/core/errors";
import { CloseCodeOf, ExitReason, forgetsRoom, opensReconnectionWindow } from "../src/core/exitReasons";
import { Membership, type MemberRecord } from "../src/core/membership";
import { MemberList } from "../src/core/memberList";
import { OfflineKickout } from "../src/core/kickout";
import { makeDestroyPolicy, type DestroyPolicy, type RoomActivity } from "../src/core/destroyPolicy";
import { assertName, assertRoomId, USER_ID_PATTERN } from "../src/core/ids";
import { isObjectPrototypeName } from "../src/core/objectKeys";
import type { ValidSend } from "../src/core/messages";
import {
  ClientRequest,
  ServerMessage,
  type AttributesUpdate,
  type JoinOptions,
  type HistorySync,
  type RecallNotice,
  type RoomInfo,
  type RoomMessage,
} from "../src/protocol";
import type { ChatContext } from "../src/service/context";
import {
  admit,
  assertCreatable,
  assertNotBanned,
  FILTER_KEY,
  isAdmitted,
  parseJoinOptions,
  parseRoomConfig,
  toMatchmakingError,
  type AdmittedEntry,
  type CreateOptions,
} from "../src/service/entry";
import { ModerationCache } from "../src/service/moderationCache";
import { readRoomPolicy } from "../src/service/roomPolicy";
import { trackRoomRecord } from "../src/service/restore";
import { claimOwnership } from "../src/service/roles";
import { isStaff } from "../src/core/roles";
import { Scope, Topic, type RoomCommand } from "../src/service/scopes";
import { ChatState } from "./ChatState";
import { fullStateSerializer } from "./FullStateSerializer";
import { MessagePipeline } from "./MessagePipeline";
import { RoomAttributes } from "./RoomAttributes";
import { RoomSnapshot } from "./roomSnapshot";
import { outcome, type Outcome } from "../src/service/remote";
import type { ChatRoomOperations, MessageStats } from "../src/service/roomOperations";
import { checkHookMessage, runRefusableHook, type ChatMember, type ChatMessageDraft, type MemberEnterInfo } from "./memberHooks";
import { KeyedQueue } from "./keyedQueue";
import { leaveReason } from "./leaveReason";
import { RoomMembers } from "./RoomMembers";
import { RoomRoles } from "./RoomRoles";
import { RoomTyping } from "./RoomTyping";
import { DestroyTimer, KickoutTimer } from "./roomTimers";
import { loadMessageLists } from "./messageLists";
import { cleanUpRoom } from "./roomCleanup";
import { contextOf } from "./roomContext";
import { sharePatchClock } from "./patchClock";
import { RelayShard, type ReconnectionWindow } from "./RelayShard";
import { ShardHub, type RemoteConnection } from "./ShardHub";
import { isRelay, shardingOn } from "../src/service/placement";
import { relayRoomId, SHARD_KEY, type ShardSnapshot } from "../src/service/shardWire";

/** A member connection: this process's Colyseus client, or one a relay shard holds (rooms/ShardHub.ts). */
type Connection = Client | RemoteConnection;

/** A member request's handler: the member, the body, the connection when it is this process's. */
type RequestHandler = (userId: string, body: unknown, client: Client<{ userData: ConnectionData }> | undefined) => unknown;

/** Per-connection data the room keeps on `client.userData`. */
interface ConnectionData {
  userId: string;
  /** Set by SWITCH_LEAVE: this connection's consented leave is a switch to that room. */
  switchingTo?: string;
}

/**
 * A chatroom: the Colyseus room behind every chat room type. It translates Colyseus hooks into
 * the pure rules of src/core (membership, kick-out, destroy policy) and keeps the schema state in
 * step. Register it (or a subclass) with `chat.defineRoom(...)`, which binds it to its chatrooms.
 *
 * Subclasses customise it through the documented hooks: {@link onMemberEnter},
 * {@link onMemberLeave}, {@link onBeforeMessage}, and {@link setMemberFields}. Each hook fires
 * once per member (not per connection), after the room's state is updated.
 */
export class ChatRoom extends Room<{ state: ChatState; client: Client<{ userData: ConnectionData }> }> implements ChatRoomOperations {
  private boundContext: ChatContext | undefined;

  /** The chatrooms this room type was registered with (chat.defineRoom). */
  protected get ctx(): ChatContext {
    return (this.boundContext ??= contextOf(this.constructor));
  }

  override state = new ChatState();
  override autoDispose = false;

  private readonly membership = new Membership();
  /** The member list, count, events and custom fields everyone sees. */
  private members!: RoomMembers;
  private kickout!: OfflineKickout;
  private kickoutTimer!: KickoutTimer;
  private destroyTimer!: DestroyTimer;
  private policy!: DestroyPolicy;
  /** The policy from config and room options, before operator overrides (service/roomPolicy). */
  private basePolicy!: DestroyPolicy;
  private activity!: RoomActivity;
  /** Reconnection windows by sessionId (rejecting one ends the window). */
  private readonly windows = new Map<string, { reject?: (reason?: unknown) => void }>();
  /** Why a member is being removed, set before its connections close. */
  private readonly exitReasons = new Map<string, ExitReason>();
  private readonly protectedUsers = new Set<string>();
  private readonly unsubscribers: (() => Promise<void>)[] = [];
  private claimed = false;
  private pipeline!: MessagePipeline;
  private moderation!: ModerationCache;
  private unregisterModeration: (() => void) | undefined;
  private attributes!: RoomAttributes;
  private typing!: RoomTyping;
  /** Owner, admins and moderators, and the member requests that act by role. */
  private roles!: RoomRoles;
  /** Stops the roles' write-back after a store data loss (service/restore). */
  private untrackRoles: (() => void) | undefined;
  /** The room's accepted state in the store, restored when the room comes back after a crash (rooms/roomSnapshot.ts). */
  private snapshot: RoomSnapshot | undefined;
  private closingReason: ExitReason | undefined;
  /** Ends this room's tracking by the process drain (service/drain.ts); set once created. */
  private untrackLocal: (() => void) | undefined;
  /** Connections whose entry the enter hook refused: their removal is silent. */
  private readonly refusedSessions = new Set<string>();
  /** Per sender, the messages waiting on onBeforeMessage, so a sender's messages keep their order. */
  private readonly messageHooks = new KeyedQueue();
  /** The member requests by type, for this process's connections and for relays' (shardRequest). */
  private readonly handlers = new Map<string, RequestHandler>();
  /** Owner of a live room: its relay shards on other processes (docs/scaling.md); undefined without sharding. */
  private hub: ShardHub | undefined;
  /** Set when this room is a relay shard of a chatroom owned elsewhere: it only forwards and fans out. */
  private relay: RelayShard | undefined;
  /** Takes this room off the process's shared patch timer (rooms/patchClock.ts). */
  private leavePatchClock: (() => void) | undefined;
  /** Sessions of a relay whose process died: held until the window ends, then gone. */
  private readonly lostSessions = new Set<string>();

  /** Colyseus' schema serializer, with the full-state buffer kept once a big room outgrows it. */
  override setSerializer(serializer: Parameters<Room["setSerializer"]>[0]): void {
    super.setSerializer(fullStateSerializer(serializer));
  }

  override async onCreate(rawOptions: CreateOptions | undefined): Promise<void> {
    try {
      await this.createRoom(rawOptions);
    } catch (e) {
      // the matchmaker answers with the error's code as HTTP status: see toMatchmakingError
      throw toMatchmakingError(e);
    }
  }

  private async createRoom(rawOptions: CreateOptions | undefined): Promise<void> {
    this.leavePatchClock = sharePatchClock(this);
    const { config, store } = this.ctx;
    const now = this.ctx.now();
    const roomId = assertRoomId(rawOptions?.roomId);
    // a draining process takes no new rooms (placement sends them elsewhere; this catches a race)
    this.ctx.drain.assertAccepting(roomId);
    if (isRelay(rawOptions) && shardingOn(this.ctx)) return this.createRelay(roomId);
    const options = {
      roomId,
      roomName: assertName(rawOptions?.roomName, roomId, "roomName"),
      creatorId: typeof rawOptions?.userId === "string" ? rawOptions.userId : null,
      config: parseRoomConfig(rawOptions?.config),
    };
    await assertCreatable(this.ctx, roomId);
    // onLost: another process took the id over while this one was cut off from the store
    if (!(await this.ctx.claims.claim(options.roomId, () => this.closeRoom(ExitReason.SHUTDOWN)))) {
      throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `room ${options.roomId} already exists`);
    }
    this.claimed = true;
    this.roomId = options.roomId;
    // A room coming back after its process died takes back its name, options and creation time.
    this.snapshot = await RoomSnapshot.open(this.ctx, roomId, options);
    const createdAt = this.snapshot.restored?.createdAt ?? now;
    // the user whose entry created the room owns it (rooms of the operator API or server code have no creator)
    const creatorId = options.creatorId;
    if (!this.snapshot.restored && creatorId !== null && USER_ID_PATTERN.test(creatorId) && !isObjectPrototypeName(creatorId)) {
      await claimOwnership(this.ctx, roomId, creatorId);
    }
    this.policy = makeDestroyPolicy(
      { emptyDelayS: options.config.roomDestroyDelayTime },
      { emptyDelayS: config.destroyDelayS, inactivityMin: config.inactivityMin },
    );
    // what matchmaking filters by, also for rooms created by server code without it
    await this.setMetadata({ [FILTER_KEY]: roomId, [SHARD_KEY]: 0 }, false);
    const schedule = (fn: () => void, ms: number) => this.clock.setTimeout(fn, ms);
    this.members = new RoomMembers({
      roomId,
      state: this.state,
      membership: this.membership,
      memberList: new MemberList(config.memberListCap),
      largeRoomCountMs: config.largeRoomCountMs,
      patchIntervalMs: () => this.patchRate ?? 50,
      broadcast: (type, payload) => this.broadcast(type, payload),
      schedule,
      roleOf: (userId) => this.roles.roleOrNone(userId),
    });
    this.kickout = new OfflineKickout({
      mode: config.kickoutMode,
      windowMs: config.reconnectWindowS * 1000,
      messageLimit: config.kickoutMessageLimit,
    });
    const timerHost = { schedule, now: () => this.ctx.now() };
    this.kickoutTimer = new KickoutTimer({
      ...timerHost,
      kickout: this.kickout,
      isProtected: (userId) => this.protectedUsers.has(userId),
      onDue: (due) => this.removeMembers(due, ExitReason.OFFLINE),
    });
    this.destroyTimer = new DestroyTimer({
      ...timerHost,
      policy: () => this.policy,
      activity: () => this.activity,
      onDue: () => this.closeRoom(ExitReason.EXPIRED),
    });
    this.activity = { createdAt, lastActivityAt: now, memberCount: 0, emptySince: null, everJoined: false };
    this.state.roomId = options.roomId;
    this.state.roomName = options.roomName;
    this.state.createdAt = createdAt;

    this.moderation = new ModerationCache(this.ctx, options.roomId);
    this.unregisterModeration = this.ctx.moderationCaches.register(options.roomId, this.moderation);
    this.pipeline = new MessagePipeline(this.ctx, {
      assertMaySend: (userId, now) => this.moderation.assertMaySend(userId, now),
      roomId: this.roomId,
      broadcastMessages: (messages) => this.broadcast(ServerMessage.MESSAGES, messages),
      onDelivered: (message) => {
        this.noteRoomMessage();
        this.ctx.events.publish("messageDelivered", { roomId: this.roomId, message });
      },
      isProtectedUser: (userId) => this.protectedUsers.has(userId),
      slowModeSeconds: () => this.moderation.slowModeSeconds(),
      isSlowModeExempt: (userId) => this.isSlowModeExempt(userId),
      wordFilters: () => this.moderation.wordFilters(),
      isShadowBanned: (userId, now) => this.moderation.isShadowBanned(userId, now),
      sendToMember: (userId, messages) => {
        for (const client of this.connectionsOf(userId)) client.send(ServerMessage.MESSAGES, messages);
      },
      beforeMessage:
        this.onBeforeMessage === ChatRoom.prototype.onBeforeMessage ? undefined : (userId, draft) => this.runMessageHook(userId, draft),
    });
    this.roles = new RoomRoles(this.ctx, {
      roomId,
      stateRoles: this.state.roles,
      isMember: (userId) => this.membership.has(userId),
      kick: (userId) => this.removeMembers([userId], ExitReason.KICKED),
      announce: (changes) => this.broadcast(ServerMessage.ROLES_CHANGED, changes, { afterNextPatch: true }),
    });
    this.typing = new RoomTyping({
      broadcastExcept: (userId, notice) => {
        // a shadow-banned member's typing would announce messages that never come
        if (this.moderation.isShadowBanned(userId, this.ctx.now())) return;
        this.broadcast(ServerMessage.TYPING, notice, { except: this.connectionsOf(userId) });
      },
      memberCount: () => this.membership.size,
      memberListCap: config.memberListCap,
      now: () => this.ctx.now(),
    });
    this.attributes = new RoomAttributes({
      stateAttributes: this.state.attributes,
      broadcastAttributes: (update: AttributesUpdate) => {
        this.broadcast(ServerMessage.ATTRIBUTES_UPDATED, update);
        this.snapshot?.attributesChanged();
      },
    });
    if (this.snapshot.restored) {
      this.snapshot.restoreAttributes(this.attributes);
    } else if (options.config.roomAttributes && options.creatorId) {
      this.attributes.setFromRequest(options.creatorId, { attributes: options.config.roomAttributes }, now);
    }
    await this.pipeline.init();
    const onCommand = (payload: unknown) => this.onCommand(payload as RoomCommand);
    this.unsubscribers.push(await store.bus.subscribe(Topic.room(this.roomId), onCommand));
    this.unsubscribers.push(await store.bus.subscribe(Topic.allRooms, onCommand));
    await Promise.all([this.refreshModeration(), this.refreshLists(), this.roles.reload()]);
    this.untrackRoles = trackRoomRecord(this.ctx, this.roles);
    this.basePolicy = this.policy;
    this.policy = await readRoomPolicy(this.ctx, this.roomId, this.basePolicy);
    this.snapshot.start(
      {
        attributes: this.attributes,
        policy: () => this.policy,
        activity: () => this.activity,
        isMember: (userId) => this.membership.has(userId),
        members: () => this.membership.userIds(),
        setTimeout: (fn, ms) => this.clock.setTimeout(fn, ms),
      },
      createdAt,
      options,
    );

    this.onMessage(ClientRequest.INFO, () => this.info());
    // A refused request is answered with { code, message } (the SDK's error.reason); only faults are thrown (and logged).
    const handle = (type: string, handler: RequestHandler): void => {
      this.handlers.set(type, handler);
      this.onRequest(type, (client, body) => handler(this.memberOf(client), body, client));
    };
    handle(ClientRequest.SEND, async (userId, body) => {
      // a closing room numbers nothing more: its members may not hear it, and a sender must not see it accepted
      if (this.closingReason !== undefined) {
        throw new ChatError(ErrorCode.SHUTTING_DOWN, `room ${this.roomId} is closing: send again once back in the room`);
      }
      try {
        const sent = await this.pipeline.sendFromMember(userId, body);
        this.typing.messageSent(userId);
        return sent;
      } catch (e) {
        if (isChatError(e)) this.ctx.events.publish("messageRefused", { roomId: this.roomId, userId, code: e.code, at: this.ctx.now() });
        throw e;
      }
    });
    handle(ClientRequest.RECALL, (userId, body) => this.recall((body as { messageID?: unknown } | undefined)?.messageID, userId));
    handle(ClientRequest.HISTORY, (_userId, body) => this.pipeline.history(body));
    handle(ClientRequest.SYNC, (_userId, body) => this.pipeline.sync(body));
    handle(ClientRequest.SET_ATTRIBUTES, (userId, body) => ({ keys: this.attributes.setFromRequest(userId, body, this.ctx.now()) }));
    handle(ClientRequest.DELETE_ATTRIBUTES, (userId, body) => ({ keys: this.attributes.deleteFromRequest(userId, body) }));
    handle(ClientRequest.QUERY_ATTRIBUTES, () => this.attributes.query());
    handle(ClientRequest.QUERY_MEMBERS, (_userId, body) => this.members.query(body));
    handle(ClientRequest.TYPING, (userId, body) => this.typing.fromRequest(userId, body));
    handle(ClientRequest.KICK, (userId, body) => this.roles.kick(userId, body));
    handle(ClientRequest.MUTE, (userId, body) => this.roles.mute(userId, body));
    handle(ClientRequest.UNMUTE, (userId, body) => this.roles.unmute(userId, body));
    handle(ClientRequest.SET_ROLE, (userId, body) => this.roles.setRole(userId, body));
    handle(ClientRequest.SWITCH_LEAVE, (_userId, body, client) => switchLeave(client, body));
    this.onUnknownMessage();
    if (shardingOn(this.ctx)) {
      this.hub = new ShardHub({
        roomId,
        ctx: this.ctx,
        lastSeq: () => this.pipeline.lastSeq,
        sessionsLost: (sessionIds) => this.sessionsLost(sessionIds),
      });
    }
    this.destroyTimer.arm();
    this.untrackLocal = this.ctx.drain.track(roomId, { close: () => this.closeRoom(ExitReason.SHUTDOWN) });
    this.ctx.events.publish("roomCreated", { roomId, roomType: this.roomName, createdBy: options.creatorId, at: now });
  }

  /**
   * Seats reserved by the SDK's matchmaking or the entry route were admitted already (static
   * onAuth); the ban is re-checked here, so a ban set in between still holds. Seats reserved by
   * server code without that admission go through every entry rule now.
   */
  override async onJoin(client: Client<{ userData: ConnectionData }>, options: JoinOptions | undefined): Promise<void> {
    const chatroomId = this.relay ? this.state.roomId : this.roomId;
    let entry: AdmittedEntry;
    if (isAdmitted(client.auth)) {
      entry = client.auth;
      if (options?.roomId !== undefined && options.roomId !== chatroomId) {
        throw new ChatError(ErrorCode.PARAMETER, `roomId ${JSON.stringify(options.roomId)} differs from the room joined (${chatroomId})`);
      }
    } else {
      entry = await admit(this.ctx, parseJoinOptions(options, chatroomId), "joinById");
    }
    client.userData = { userId: entry.userId };
    if (this.relay) {
      await this.relay.join(client, entry, options);
      return;
    }
    await assertNotBanned(this.ctx, entry.userId, this.roomId);
    await this.enterMember(client.sessionId, entry, options);
    client.send(ServerMessage.JOIN_HISTORY, (await this.pipeline.joinHistory()) satisfies HistorySync);
  }

  /**
   * A member connection enters (of this process or of a relay): the membership, the state, the
   * enter hook (which may refuse it: the session is then marked for a silent removal), the join
   * event. `options` are the join options the enter hook sees.
   */
  private async enterMember(sessionId: string, entry: AdmittedEntry, options: unknown): Promise<void> {
    const now = this.ctx.now();
    const change = this.membership.connect(sessionId, entry.userId, entry.userName, now);
    this.touch(now);
    if (change.joined) {
      this.members.added(entry.userId);
      this.activity.memberCount = this.membership.size;
      this.activity.emptySince = null;
      this.activity.everJoined = true;
      this.background(this.ctx.store.sets.add(Scope.userRooms(entry.userId), [this.roomId], null), "indexing the member's rooms");
    }
    if (change.cameOnline) this.kickout.forget(entry.userId);
    this.members.sync(entry.userId);
    this.destroyTimer.arm();
    if (change.joined && this.onMemberEnter !== ChatRoom.prototype.onMemberEnter) {
      const info: MemberEnterInfo = { options: { ...(options as object) } };
      if (entry.switchedFrom !== undefined) info.switchedFrom = entry.switchedFrom;
      try {
        await runRefusableHook("onMemberEnter", this.roomId, () => this.onMemberEnter(this.members.view(entry.userId), info));
      } catch (e) {
        // the entry is refused: the member goes without a trace (no join or leave event, no leave hook)
        this.refusedSessions.add(sessionId);
        throw e;
      }
    }
    if (change.joined) {
      // announced once the enter hook let the member in
      this.members.announceJoined(entry.userId);
      this.ctx.events.publish("memberJoined", {
        roomId: this.roomId,
        userId: entry.userId,
        devices: this.membership.devices(entry.userId),
        at: now,
      });
    }
  }

  /**
   * A member entered (its first connection; not a reconnect, not a second device), after the state
   * lists it. `info.switchedFrom` names the room it switched from. Throw a ChatError to refuse the
   * entry: its code and message reach the client, and the member is removed without a leave event.
   * Any other exception is logged and refuses the entry with INTERNAL. Default: nothing.
   */
  protected async onMemberEnter(_member: ChatMember, _info: MemberEnterInfo): Promise<void> {}

  /**
   * A member left (its last connection is gone for good), after the state dropped it. `reason` is
   * the exit reason: LEFT, SWITCHED (ChatClient.switchRoom), KICKED, BANNED, OFFLINE, DISMISSED,
   * EXPIRED or SHUTDOWN. Not awaited by the room; an exception is logged. Default: nothing.
   */
  protected async onMemberLeave(_member: ChatMember, _reason: ExitReason): Promise<void> {}

  /**
   * A member's message, after the size, rate, mute and distribution checks and before it gets its
   * seq. Return it, a changed copy (`{ type, content, priority? }`, checked like a client's send),
   * or undefined to keep it; throw a ChatError to refuse it: its code and message reach the sender
   * (ChatClient rejects with them). A sender's messages stay in order while the hook runs. Any
   * other exception, or an invalid result, is logged and answered with INTERNAL. Default: unchanged.
   */
  protected async onBeforeMessage(_member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft | undefined> {
    return message;
  }

  /**
   * Sets a member's custom fields (replacing its previous ones), e.g. from `onMemberEnter`: at most
   * 16 names of 1..32 [A-Za-z0-9_-] with string values of at most 512 characters. Other members see
   * them in the synchronized state (`members.get(id).fields`) and in ChatClient's member info.
   * Throws PARAMETER naming the bad field, NOT_IN_ROOM for a user who is not a member.
   */
  protected setMemberFields(userId: string, fields: Record<string, string>): void {
    this.members.setFields(userId, fields);
  }

  /**
   * True when slow mode does not apply to `userId`: the one place that decides it. The room's staff
   * (owner, admins, moderators) and its protected users (the operator API's user whitelist,
   * `/chatroom/user/whitelist/add.json`).
   */
  protected isSlowModeExempt(userId: string): boolean {
    return isStaff(this.roles.roleOf(userId)) || this.protectedUsers.has(userId);
  }

  /** A member as the hooks see it; NOT_IN_ROOM when `userId` is not a member. */
  protected member(userId: string): ChatMember {
    return this.members.member(userId);
  }

  /** onBeforeMessage for one message, after the sender's earlier ones. */
  private runMessageHook(userId: string, draft: ValidSend): Promise<ValidSend> {
    return this.messageHooks.run(userId, async () => {
      const started = performance.now();
      const timed = (outcome: "pass" | "replace" | "refuse" | "error") => {
        const seconds = (performance.now() - started) / 1000;
        this.ctx.events.publish("hookTimed", { roomId: this.roomId, hook: "onBeforeMessage", seconds, outcome });
      };
      let result: ChatMessageDraft | undefined;
      try {
        result = await runRefusableHook("onBeforeMessage", this.roomId, () =>
          this.onBeforeMessage(this.members.view(userId), { ...draft }),
        );
      } catch (e) {
        timed(isChatError(e) && e.code !== ErrorCode.INTERNAL ? "refuse" : "error");
        throw e;
      }
      const unchanged =
        result === undefined || (result.type === draft.type && result.content === draft.content && result.priority === draft.priority);
      timed(unchanged ? "pass" : "replace");
      return checkHookMessage(result, draft, this.ctx.config.maxMessageBytes);
    });
  }

  override onDrop(client: Client<{ userData: ConnectionData }>, code?: number): void {
    if (this.relay) {
      this.relay.dropped(client, code, () => this.allowReconnection(client, "manual") as unknown as ReconnectionWindow);
      return;
    }
    if (!opensReconnectionWindow(code)) return;
    if (!this.membership.userOf(client.sessionId)) return;
    const window = this.allowReconnection(client, "manual") as Deferred<Client> | Promise<Client>;
    this.windows.set(client.sessionId, window as { reject?: (reason?: unknown) => void });
    window.catch(() => undefined);
    this.memberDropped(client.sessionId);
  }

  /** A member connection dropped and may come back within the reconnection window (its relay's, for a relay's). */
  private memberDropped(sessionId: string): void {
    const change = this.membership.hold(sessionId);
    if (!change) return;
    const now = this.ctx.now();
    if (change.wentOffline) {
      // the member's fate is the kick-out rule's, which protected users are exempt from
      if (!this.protectedUsers.has(change.userId)) {
        this.kickout.drop(change.userId, now);
        this.kickoutTimer.arm();
      }
    } else {
      // another device keeps the member online: this connection only gets the plain window
      this.clock.setTimeout(() => this.endWindow(sessionId), this.ctx.config.reconnectWindowS * 1000);
    }
    this.members.sync(change.userId);
  }

  override onReconnect(client: Client<{ userData: ConnectionData }>): void {
    if (this.relay) {
      this.relay.reconnected(client);
      return;
    }
    this.windows.delete(client.sessionId);
    this.memberReconnected(client.sessionId);
  }

  private memberReconnected(sessionId: string): void {
    const change = this.membership.restore(sessionId);
    if (!change) return;
    if (change.cameOnline) this.kickout.forget(change.userId);
    this.members.sync(change.userId);
  }

  override onLeave(client: Client<{ userData: ConnectionData }>, code?: number): void {
    if (this.relay) {
      this.relay.left(client, code, client.userData?.switchingTo);
      return;
    }
    this.windows.delete(client.sessionId);
    this.memberDisconnected(client.sessionId, code, client.userData?.switchingTo !== undefined);
  }

  /** A member connection is gone for good (`switching`: it announced a switch to another room first). */
  private memberDisconnected(sessionId: string, code: number | undefined, switching: boolean): void {
    this.hub?.removeSession(sessionId);
    this.lostSessions.delete(sessionId);
    const refused = this.refusedSessions.delete(sessionId);
    const change = this.membership.disconnect(sessionId);
    if (!change) return;
    if (change.left) {
      const reason = leaveReason({ removedFor: this.exitReasons.get(change.userId), closingFor: this.closingReason, switching, code });
      this.exitReasons.delete(change.userId);
      this.removeMemberState(change.userId, reason, refused ? undefined : change.removed);
    } else {
      this.members.sync(change.userId);
    }
  }

  override async onDispose(): Promise<void> {
    this.leavePatchClock?.();
    if (this.relay) {
      this.untrackLocal?.();
      await this.relay.dispose();
      return;
    }
    this.hub?.dispose();
    if (this.claimed)
      this.ctx.events.publish("roomDestroyed", {
        roomId: this.roomId,
        reason: this.closingReason ?? ExitReason.EXPIRED,
        at: this.ctx.now(),
      });
    // undefined when onCreate failed before the pipeline was built
    (this.pipeline as MessagePipeline | undefined)?.dispose();
    this.unregisterModeration?.();
    this.untrackRoles?.();
    const { roomId, claimed, closingReason, unsubscribers, snapshot } = this;
    await cleanUpRoom(this.ctx, { roomId, claimed, closingReason, userIds: this.membership.userIds(), unsubscribers, snapshot });
    // after the id's claim is released: a drain waiting for this room may now see it come back elsewhere
    this.untrackLocal?.();
  }

  override onBeforeShutdown(): void {
    this.closeRoom(ExitReason.SHUTDOWN);
  }

  /** The open connections of a member (its devices), here or on relays. */
  private connectionsOf(userId: string): Connection[] {
    return this.membership
      .liveSessions(userId)
      .flatMap((sessionId) => this.clients.get(sessionId) ?? this.hub?.connection(sessionId) ?? []);
  }

  /**
   * Every broadcast of the room (the chat's and a subclass's own) reaches the members on relay
   * shards too: one frame per turn for all of them (rooms/ShardHub.ts).
   */
  override broadcast(type: string | number, ...args: unknown[]): void {
    (super.broadcast as (type: string | number, ...rest: unknown[]) => void)(type, ...args);
    if (!this.hub?.active) return;
    const [payload, options] = args as [unknown, { except?: Connection | Connection[]; afterNextPatch?: boolean } | undefined];
    const except = options?.except === undefined ? [] : [options.except].flat().map((connection) => connection.sessionId);
    this.hub.broadcast(String(type), payload, except, options?.afterNextPatch === true);
  }

  /** After each patch of its own members, the state's changes go to the relays in order with the broadcasts. */
  override broadcastPatch(): boolean {
    const changed = super.broadcastPatch();
    this.hub?.statePatch(this.state);
    return changed;
  }

  /** Room info as ChatClient calls resolve with it. */
  info(): RoomInfo {
    return {
      roomID: this.roomId,
      roomName: this.state.roomName,
      createdAt: this.state.createdAt,
      memberCount: this.membership.size,
      members: this.members.all(),
      slowModeSeconds: this.state.slowModeSeconds,
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
      for (const client of this.connectionsOf(userId)) client.leave(CloseCodeOf[reason]);
      for (const sessionId of this.membership.heldSessions(userId)) this.endWindow(sessionId);
    }
  }

  /** Destroys the room: every member exits with `reason`. */
  closeRoom(reason: ExitReason): void {
    if (this.closingReason !== undefined) return;
    this.closingReason = reason;
    if (this.relay) {
      void this.disconnect(CloseCodeOf[reason]);
      return;
    }
    (this.pipeline as MessagePipeline | undefined)?.flush();
    // a room not gone for good (a shutdown) ends this process's part only: the relays carry it on
    // elsewhere, from the record its cleanup keeps (core/exitReasons forgetsRoom, rooms/roomCleanup)
    if (!forgetsRoom(reason)) this.hub?.handOff();
    else this.hub?.closeAll(CloseCodeOf[reason]);
    void this.disconnect(CloseCodeOf[reason]);
  }

  /** The member behind a connection; throws NOT_IN_ROOM for a connection that is no member (left meanwhile). */
  private memberOf(client: Client<{ userData: ConnectionData }>): string {
    const userId = client.userData?.userId;
    if (userId === undefined || !this.membership.has(userId))
      throw new ChatError(ErrorCode.NOT_IN_ROOM, `not a member of room ${this.roomId}`);
    return userId;
  }

  /**
   * Recalls a message (by its sender, by a member whose role allows recalling the sender's
   * messages, or by the operator with null) and tells every member.
   */
  private async recall(messageID: unknown, byUserId: string | null): Promise<RoomMessage> {
    const shadow = byUserId === null ? undefined : this.pipeline.recallShadow(messageID, byUserId);
    if (shadow) {
      // only its sender ever saw it, so only its sender hears of the recall
      const notice: RecallNotice = { messageID: shadow.messageID, seq: shadow.seq, recalledBy: byUserId };
      for (const client of this.connectionsOf(shadow.senderUserID)) client.send(ServerMessage.RECALLED, notice);
      return shadow;
    }
    const message = await this.pipeline.recall(
      messageID,
      byUserId,
      byUserId === null ? undefined : (senderUserID, id) => this.roles.assertMayRecall(byUserId, senderUserID, id),
    );
    this.pipeline.flush();
    if (byUserId !== null && message.senderUserID !== byUserId) {
      this.background(this.roles.recalledForOther(byUserId, message.senderUserID, message.messageID), "auditing a recall");
    }
    this.broadcast(ServerMessage.RECALLED, { messageID: message.messageID, seq: message.seq, recalledBy: byUserId } satisfies RecallNotice);
    return message;
  }

  /** Operator API (any process, via ctx.directory.room(roomId), see ChatRoomOperations): publish a message ignoring mutes. */
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
    return outcome(() =>
      this.attributes.setFromRequest(
        isForce ? null : ownerId,
        { attributes, isDeleteAfterOwnerLeft: autoDelete, isForce },
        this.ctx.now(),
        ownerId,
      ),
    );
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
  operatorMessageStats(): Outcome<MessageStats> {
    return outcome(() => ({ ...this.pipeline.stats(), lastSeq: this.pipeline.lastSeq }));
  }

  /** Relay shards: see {@link ChatRoomOperations.shardAttach}. */
  shardAttach(relayId: string): Outcome<ShardSnapshot> {
    return outcome(() => {
      if (this.closingReason !== undefined) throw new ChatError(ErrorCode.SHUTTING_DOWN, `room ${this.roomId} is closing`);
      return this.assertHub().attach(relayId, this.state);
    });
  }

  shardDetach(relayId: string): Outcome<null> {
    return outcome(() => {
      this.hub?.detach(relayId);
      return null;
    });
  }

  shardJoin(
    relayId: string,
    sessionId: string,
    entry: AdmittedEntry,
    options: Record<string, unknown>,
  ): Promise<Outcome<{ lastSeq: number }>> {
    return outcome(async () => {
      const hub = this.assertHub();
      if (!hub.has(relayId)) throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `relay ${relayId} is not attached to room ${this.roomId}`);
      if (this.closingReason !== undefined) throw new ChatError(ErrorCode.SHUTTING_DOWN, `room ${this.roomId} is closing`);
      await assertNotBanned(this.ctx, entry.userId, this.roomId);
      hub.addSession(relayId, sessionId);
      try {
        await this.enterMember(sessionId, entry, options);
      } catch (e) {
        // refused by the enter hook: gone without a trace, as a refused connection here
        this.memberDisconnected(sessionId, undefined, false);
        throw e;
      }
      return { lastSeq: this.pipeline.lastSeq };
    });
  }

  shardLeave(_relayId: string, sessionId: string, code: number | null, switchingTo: string | null): Outcome<null> {
    return outcome(() => {
      this.memberDisconnected(sessionId, code ?? undefined, switchingTo !== null);
      return null;
    });
  }

  shardDrop(_relayId: string, sessionId: string): Outcome<null> {
    return outcome(() => {
      this.memberDropped(sessionId);
      return null;
    });
  }

  shardReconnect(_relayId: string, sessionId: string): Outcome<null> {
    return outcome(() => {
      this.memberReconnected(sessionId);
      return null;
    });
  }

  shardRequest(relayId: string, sessionId: string, type: string, body: unknown): Promise<Outcome<unknown>> {
    return outcome(async () => {
      const userId = this.membership.userOf(sessionId);
      if (userId === undefined || this.hub?.relayOf(sessionId) !== relayId) {
        throw new ChatError(ErrorCode.NOT_IN_ROOM, `not a member of room ${this.roomId}`);
      }
      if (type === ClientRequest.INFO) return this.info();
      const handler = this.handlers.get(type);
      if (!handler || type === ClientRequest.SWITCH_LEAVE) throw unknownRequest(type);
      return await handler(userId, body ?? undefined, undefined);
    });
  }

  private assertHub(): ShardHub {
    if (!this.hub) throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${this.roomId} takes no relay shards here`);
    return this.hub;
  }

  /** A relay's process died: its sessions drop as lost connections, and are gone when their window ends. */
  private sessionsLost(sessionIds: string[]): void {
    for (const sessionId of sessionIds) {
      this.lostSessions.add(sessionId);
      this.memberDropped(sessionId);
      this.clock.setTimeout(() => {
        if (this.lostSessions.has(sessionId)) this.memberDisconnected(sessionId, CloseCodeOf[ExitReason.OFFLINE], false);
      }, this.ctx.config.reconnectWindowS * 1000);
    }
  }

  /**
   * This room is a relay shard of chatroom `chatroomId`, owned by a room on another process: it
   * holds the connections seated here and forwards everything else to the owner (rooms/RelayShard.ts).
   */
  private async createRelay(chatroomId: string): Promise<void> {
    this.roomId = relayRoomId(chatroomId, generateId);
    this.autoDispose = true;
    this.maxClients = this.ctx.config.shardThreshold;
    await this.setMetadata({ [FILTER_KEY]: chatroomId, [SHARD_KEY]: 1 }, false);
    const relay = new RelayShard({
      ctx: this.ctx,
      chatroomId,
      relayId: this.roomId,
      roomType: this.roomName,
      state: this.state,
      client: (sessionId) => this.clients.get(sessionId),
      broadcastLocal: (type, payload, except, afterNextPatch) => super.broadcast(type, payload, { except, afterNextPatch }),
      closeAll: (code) => void this.disconnect(code),
    });
    await relay.start();
    this.relay = relay;
    for (const type of Object.values(ClientRequest)) {
      if (type === ClientRequest.SWITCH_LEAVE) continue;
      this.onRequest(type, (client, body) => relay.request(client, type, body));
    }
    this.onMessage(ClientRequest.SWITCH_LEAVE, (client: Client<{ userData: ConnectionData }>, body: unknown) => switchLeave(client, body));
    this.onUnknownMessage();
    this.untrackLocal = this.ctx.drain.track(this.roomId, { close: () => this.closeRoom(ExitReason.SHUTDOWN) });
  }

  /**
   * Answers room.request(type) with `answer`'s value; a refusal (a ChatError) is answered with
   * { code, message } (the SDK's error.reason); only faults are thrown (and logged).
   */
  private onRequest(type: string, answer: (client: Client<{ userData: ConnectionData }>, body: unknown) => unknown): void {
    // Colyseus answers room.request() with what the handler's promise resolves to; the lint rule
    // matches the "*" overload, whose callback returns void
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    this.onMessage(type, async (client: Client<{ userData: ConnectionData }>, body: unknown, reply: MessageContext) => {
      try {
        return await answer(client, body);
      } catch (e) {
        if (!isChatError(e)) throw e;
        return reply.reject(errorBody(e));
      }
    });
  }

  /**
   * room.send() of a type without a handler: Colyseus would close the sender with 4002
   * (RoomMessages.#noHandler); answer one error frame instead and keep the member.
   */
  private onUnknownMessage(): void {
    this.onMessage("*", (client: Client<{ userData: ConnectionData }>, type: string | number) => {
      const error = unknownRequest(type);
      client.error(error.code, error.message);
    });
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
      case "roles":
        this.background(this.roles.reload(), "reloading the roles");
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
    // the cache reads the protected users with the rest of the room's moderation
    await this.moderation.reload();
    // synchronized to every client (ChatClient: roomSlowModeChanged)
    this.state.slowModeSeconds = this.moderation.slowModeSeconds();
    this.protectedUsers.clear();
    for (const userId of this.moderation.protectedUserIds()) {
      this.protectedUsers.add(userId);
      // protected users are never auto-kicked, so they leave the kick-out rule altogether
      this.kickout.forget(userId);
    }
  }

  private async refreshLists(): Promise<void> {
    this.pipeline.setLists(await loadMessageLists(this.ctx, this.roomId));
  }

  private async refreshPolicy(): Promise<void> {
    this.policy = await readRoomPolicy(this.ctx, this.roomId, this.basePolicy);
    this.destroyTimer.arm();
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
    // a relay's session: the relay ends it; a dead relay's: it is gone now
    this.hub?.endWindow(sessionId);
    if (this.lostSessions.has(sessionId)) this.memberDisconnected(sessionId, CloseCodeOf[ExitReason.OFFLINE], false);
  }

  private touch(now: number): void {
    this.activity.lastActivityAt = now;
  }

  /**
   * Drops a member that has left from the state and the rules, then runs the leave hook with
   * `removed` (the member as it was); without `removed` (a refused entry) nobody hears of it.
   */
  private removeMemberState(userId: string, reason: ExitReason, removed?: MemberRecord): void {
    const now = this.ctx.now();
    // a refused entry (no `removed`) was never announced, so its removal is not either
    if (removed) this.ctx.events.publish("memberLeft", { roomId: this.roomId, userId, reason, at: now });
    const member = this.members.removed(userId, reason, removed);
    this.activity.memberCount = this.membership.size;
    if (this.membership.size === 0) this.activity.emptySince = now;
    this.touch(now);
    this.kickout.forget(userId);
    this.pipeline.forgetUser(userId);
    this.attributes.ownerLeft(userId);
    this.typing.memberLeft(userId);
    this.background(this.ctx.store.sets.remove(Scope.userRooms(userId), [this.roomId]), "unindexing the member's rooms");
    this.destroyTimer.arm();
    if (member && this.onMemberLeave !== ChatRoom.prototype.onMemberLeave) {
      this.background(
        runRefusableHook("onMemberLeave", this.roomId, () => this.onMemberLeave(member, reason)),
        "onMemberLeave",
      );
    }
    this.messageHooks.forget(userId);
  }
}

/** SWITCH_LEAVE: marks the connection's coming leave as a switch to room `to`. */
function switchLeave(client: Client<{ userData: ConnectionData }> | undefined, body: unknown): object {
  const data = client?.userData;
  if (data) data.switchingTo = assertRoomId((body as { to?: unknown } | undefined)?.to, "to");
  return {};
}

function unknownRequest(type: string | number): ChatError {
  return new ChatError(
    ErrorCode.PARAMETER,
    `no message type ${JSON.stringify(String(type).slice(0, 64))} in this room: send chat requests with room.request(...)`,
  );
}
