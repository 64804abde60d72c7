import { generateId } from "@colyseus/core";
import { RoomAdmission, SendRateLimiter, type Priority } from "../src/core/admission";
import { ChatError, ErrorCode } from "../src/core/errors";
import { parseHistoryQuery, parseSend, type ValidSend } from "../src/core/messages";
import { SlowModeGate } from "../src/core/slowMode";
import { applyWordFilter, contentBlocked, type CompiledWordFilter } from "../src/core/wordFilter";
import { syncSchema } from "../src/schemas/messages";
import { parseInput } from "../src/schemas/parse";
import type { HistorySync, RoomMessage } from "../src/protocol";
import type { ChatContext } from "../src/service/context";
import { findRecallable } from "../src/service/recall";
import { MessageBatcher } from "./MessageBatcher";
import { joinHistory, missedMessages } from "./historyReads";
import { flushWrites } from "../src/transport/CoalescingClient";
import type { HistoryQuery } from "../src/store/types";

/** What the pipeline needs from its room. */
export interface PipelineHost {
  readonly roomId: string;
  /** Sends messages to every online member (a batch: every message delivered in one turn). */
  broadcastMessages(messages: RoomMessage[]): void;
  /** A message was delivered: inactivity and offline kick-out rules count it. */
  onDelivered(message: RoomMessage): void;
  /** Resolves when the user may send now; throws ChatError(MUTED) otherwise (the room's moderation cache). */
  assertMaySend(userId: string, now: number): Promise<void>;
  /** Protected users are never dropped by admission. */
  isProtectedUser(userId: string): boolean;
  /** The room's slow-mode seconds now (0 = off; the moderation cache, after assertMaySend). */
  slowModeSeconds(): number;
  /** True when slow mode does not apply to the user (the room's one exemption rule, ChatRoom.isSlowModeExempt). */
  isSlowModeExempt(userId: string): boolean;
  /** The app-wide and room word filters, compiled (the moderation cache). */
  wordFilters(): readonly CompiledWordFilter[];
  /** True while the user is shadow-banned here or everywhere: its messages reach only itself. */
  isShadowBanned(userId: string, now: number): boolean;
  /** Sends messages to the live connections of one member only (a shadow-banned sender's own messages). */
  sendToMember(userId: string, messages: RoomMessage[]): void;
  /**
   * The app's veto or change of a member's message (the room's onBeforeMessage), when it has one:
   * resolves with the message to send, or throws the ChatError the sender gets.
   */
  beforeMessage?(userId: string, draft: ValidSend): Promise<ValidSend>;
}

/** Room-side message settings, cached from the store and refreshed on bus notices. */
export interface MessageLists {
  lowPriorityTypes: ReadonlySet<string>;
  protectedTypes: ReadonlySet<string>;
  distributionStopped: boolean;
}

/** How long a sender's answer waits for its message to be in history, at most (the store may be down). */
export const STORE_ACK_WAIT_MS = 500;

/** Largest page of a history query. */
export const MAX_HISTORY_PAGE = 50;

/**
 * Everything a room does with messages: validation, per-user rate, mutes, distribution switch,
 * admission, numbering, history and recall. Every accepted message goes through {@link deliver}.
 */
export class MessagePipeline {
  private seq = 0;
  private readonly admission: RoomAdmission;
  private readonly rate: SendRateLimiter;
  private readonly batcher: MessageBatcher;
  private readonly slowMode = new SlowModeGate();
  /**
   * Recent messages of shadow-banned senders (never in history), by id, so their sender can
   * recall them as if they were real; the oldest go first past the room's history size.
   */
  private readonly shadowMessages = new Map<string, RoomMessage>();
  private lists: MessageLists = { lowPriorityTypes: new Set(), protectedTypes: new Set(), distributionStopped: false };

  constructor(
    private readonly ctx: ChatContext,
    private readonly host: PipelineHost,
  ) {
    this.rate = new SendRateLimiter(ctx.config.sendRatePerSecond);
    this.batcher = new MessageBatcher((messages) => {
      host.broadcastMessages(messages);
      // the batch's frames leave now, not one event-loop iteration later (see flushWrites)
      flushWrites();
    });
    const windowSize = ctx.config.admissionWindow;
    this.admission = new RoomAdmission({ windowSize, windowMs: 200, reservedHigh: Math.floor(windowSize / 2) });
  }

  /** Continues the room's sequence where its history left it (a room id that comes back keeps counting). */
  async init(): Promise<void> {
    this.seq = await this.ctx.store.history.lastSeq(this.host.roomId);
  }

  setLists(lists: MessageLists): void {
    this.lists = lists;
  }

  /** Sequence number of the last message delivered in this room. */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * A member's send, checked in this order (docs/moderation.md "Order of checks"): PARAMETER /
   * MESSAGE_TOO_LARGE (bad message), SEND_RATE_LIMITED, MUTED, DISTRIBUTION_STOPPED, SLOW_MODE,
   * the word filter (CONTENT_BLOCKED, or the content masked), the app's hooks (onBeforeMessage,
   * the before-send callback), MESSAGE_DROPPED (room over its admission window). A shadow-banned
   * sender's message then goes to its own connections only (see {@link deliverShadow}).
   */
  async sendFromMember(userId: string, body: unknown): Promise<RoomMessage> {
    const parsed = parseSend(body, this.ctx.config.maxMessageBytes);
    const now = this.ctx.now();
    if (!this.rate.tryConsume(userId, now)) {
      throw new ChatError(
        ErrorCode.SEND_RATE_LIMITED,
        `sending too fast: at most ${this.ctx.config.sendRatePerSecond} messages per second per user`,
      );
    }
    await this.host.assertMaySend(userId, now);
    this.assertDistributing();
    const seconds = this.host.isSlowModeExempt(userId) ? 0 : this.host.slowModeSeconds();
    const undoSlowMode = this.slowMode.pass(userId, this.host.roomId, now, seconds);
    try {
      const filtered = applyWordFilter(this.host.wordFilters(), parsed.content);
      if (filtered.action === "block") throw contentBlocked("content", this.host.roomId);
      const draft = { ...parsed, content: filtered.content };
      const { type, content, priority } = this.host.beforeMessage ? await this.host.beforeMessage(userId, draft) : draft;
      this.admit(type, priority, this.host.isProtectedUser(userId));
      const shadow = this.host.isShadowBanned(userId, this.ctx.now());
      const message = shadow ? this.deliverShadow(userId, type, content) : await this.deliverStored(userId, type, content);
      if (filtered.flagged.length > 0) {
        this.ctx.events.publish("messageFlagged", {
          roomId: this.host.roomId,
          userId,
          message,
          flagged: filtered.flagged,
          shadowBanned: shadow,
          at: message.timestamp,
        });
      }
      return message;
    } catch (e) {
      // a refused message costs the sender no slow-mode wait
      undoSlowMode();
      throw e;
    }
  }

  /**
   * A message from the operator API: ignores mutes and rates, still honours the distribution
   * switch and admission (as high priority). Returns undefined when admission dropped it.
   */
  publish(senderUserID: string, type: string, content: string): RoomMessage | undefined {
    this.assertDistributing();
    try {
      this.admit(type, "high", false);
    } catch {
      return undefined;
    }
    return this.deliver(senderUserID, type, content);
  }

  /** Drops the message (counted) unless the room's admission window has room for it. */
  private admit(type: string, priority: Priority, protectedSender: boolean): void {
    const decision = this.admission.decide(this.ctx.now(), {
      priority,
      lowPriorityType: this.lists.lowPriorityTypes.has(type),
      protected: protectedSender || this.lists.protectedTypes.has(type),
    });
    if (decision === "drop") {
      throw new ChatError(
        ErrorCode.MESSAGE_DROPPED,
        `room ${this.host.roomId} is over its message rate (${this.ctx.config.admissionWindow} per 200 ms); ${priority}-priority message dropped`,
      );
    }
  }

  private assertDistributing(): void {
    if (this.lists.distributionStopped) {
      throw new ChatError(ErrorCode.DISTRIBUTION_STOPPED, `message distribution is stopped in room ${this.host.roomId}`);
    }
  }

  /**
   * Numbers, stores and queues one message for this turn's broadcast batch. History is written
   * in send order on one connection. Resolves once the store has it, so a sender that sees its
   * message accepted knows it survives its room's process (a failover brings it back from history);
   * the members get it without waiting for that. While the store is unreachable the room keeps
   * chatting: after {@link STORE_ACK_WAIT_MS} the sender is answered anyway, and the append goes
   * out when the store is back (README "Reliability").
   */
  private async deliverStored(senderUserID: string, type: string, content: string): Promise<RoomMessage> {
    const stored = this.store(senderUserID, type, content);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stored.written, new Promise((resolve) => (timer = setTimeout(resolve, STORE_ACK_WAIT_MS)))]);
    clearTimeout(timer);
    return stored.message;
  }

  /** {@link deliverStored} without waiting for the store (the operator API's publish). */
  private deliver(senderUserID: string, type: string, content: string): RoomMessage {
    return this.store(senderUserID, type, content).message;
  }

  private store(senderUserID: string, type: string, content: string): { message: RoomMessage; written: Promise<void> } {
    const message: RoomMessage = { messageID: generateId(), seq: ++this.seq, timestamp: this.ctx.now(), senderUserID, type, content };
    const written = this.ctx.store.history.append(this.host.roomId, message, this.ctx.config.historySize).catch((e: unknown) => {
      console.error(`history append failed in room ${this.host.roomId}:`, e);
    });
    this.batcher.push(message);
    this.host.onDelivered(message);
    return { message, written };
  }

  /**
   * A shadow-banned member's message: it takes the next seq (so the sender's own stream stays
   * gap-free) but goes to the sender's connections only, is never stored in history and counts for
   * no room rule; other members' clients see a seq gap, which their next SYNC closes, as after a
   * recall. Kept briefly so its sender may recall it ({@link recallShadow}).
   */
  private deliverShadow(senderUserID: string, type: string, content: string): RoomMessage {
    const message: RoomMessage = { messageID: generateId(), seq: ++this.seq, timestamp: this.ctx.now(), senderUserID, type, content };
    // what was queued before it reaches the sender first, so its stream stays in seq order
    this.batcher.flush();
    this.host.sendToMember(senderUserID, [message]);
    this.shadowMessages.set(message.messageID, message);
    for (const id of this.shadowMessages.keys()) {
      if (this.shadowMessages.size <= this.ctx.config.historySize) break;
      this.shadowMessages.delete(id);
    }
    return message;
  }

  /**
   * Recalls a shadow message for its sender (`byUserId`): undefined when `messageID` is none of
   * the kept shadow messages of that sender, so the caller goes on with {@link recall}.
   */
  recallShadow(messageID: unknown, byUserId: string): RoomMessage | undefined {
    if (typeof messageID !== "string") return undefined;
    const message = this.shadowMessages.get(messageID);
    if (message?.senderUserID !== byUserId) return undefined;
    this.shadowMessages.delete(messageID);
    return message;
  }

  /**
   * Recalls a message: its sender may, or the operator (`byUserId` null), by the rule of
   * service/recall; another member only when `assertMayRecallOthers` (the room's roles) lets it.
   * Removes it from history and returns it. Throws PARAMETER (bad messageID), MESSAGE_NOT_FOUND,
   * NOT_MESSAGE_SENDER or what `assertMayRecallOthers` throws (ROLE_FORBIDDEN).
   */
  async recall(
    messageID: unknown,
    byUserId: string | null,
    assertMayRecallOthers?: (senderUserID: string, messageID: string) => void,
  ): Promise<RoomMessage> {
    if (typeof messageID !== "string" || messageID.length === 0 || messageID.length > 64) {
      throw new ChatError(ErrorCode.PARAMETER, "messageID must be a string of 1..64 characters");
    }
    const found = await findRecallable(
      this.ctx,
      this.host.roomId,
      messageID,
      byUserId === null ? { kind: "operator" } : { kind: "member", userId: byUserId, assertMayRecallOthers },
    );
    await this.ctx.store.history.remove(this.host.roomId, messageID);
    return found;
  }

  /** A history page (at most 50), oldest first. Throws PARAMETER naming a bad bound. */
  async history(body: unknown): Promise<RoomMessage[]> {
    const query: HistoryQuery = parseHistoryQuery(body, MAX_HISTORY_PAGE);
    return this.ctx.store.history.query(this.host.roomId, query);
  }

  /** Messages after `afterSeq` (reconnect recovery) plus the room's last seq, so gaps from recalls close too. */
  async sync(body: unknown): Promise<HistorySync> {
    const { afterSeq } = parseInput(syncSchema, body, { root: "sync request" });
    const lastSeq = this.seq;
    return { messages: await missedMessages(this.ctx, this.host.roomId, afterSeq, lastSeq), lastSeq };
  }

  /** The last messages a joining member receives, with the seq they bring it up to. */
  joinHistory(): Promise<HistorySync> {
    return joinHistory(this.ctx, this.host.roomId, this.seq);
  }

  /** Admission counters since the room was created. */
  stats(): { admitted: number; dropped: number } {
    return { admitted: this.admission.admitted, dropped: this.admission.dropped };
  }

  /** Broadcasts the messages queued this turn now, so a notice sent next follows them. */
  flush(): void {
    this.batcher.flush();
  }

  /** Stops broadcasting (the room is being disposed). */
  dispose(): void {
    this.batcher.dispose();
  }

  forgetUser(userId: string): void {
    this.rate.forget(userId);
    this.slowMode.forget(userId);
  }
}
