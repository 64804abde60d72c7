import { generateId } from "@colyseus/core";
import { RoomAdmission, SendRateLimiter, type Priority } from "../src/core/admission";
import { ChatError, ErrorCode } from "../src/core/errors";
import { parseHistoryQuery, parseSend, type ValidSend } from "../src/core/messages";
import { syncSchema } from "../src/schemas/messages";
import { parseInput } from "../src/schemas/parse";
import type { HistorySync, RoomMessage } from "../src/protocol";
import type { ChatContext } from "../src/service/context";
import { findRecallable } from "../src/service/recall";
import { MessageBatcher } from "./MessageBatcher";
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

/** Messages delivered to a member when it joins. */
export const JOIN_HISTORY_COUNT = 10;
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
   * A member's send. Throws ChatError: PARAMETER / MESSAGE_TOO_LARGE (bad message),
   * SEND_RATE_LIMITED, MUTED, DISTRIBUTION_STOPPED, MESSAGE_DROPPED (room over its admission window).
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
    const { type, content, priority } = this.host.beforeMessage ? await this.host.beforeMessage(userId, parsed) : parsed;
    this.admit(type, priority, this.host.isProtectedUser(userId));
    return this.deliver(userId, type, content);
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
   * in send order on one connection.
   */
  private deliver(senderUserID: string, type: string, content: string): RoomMessage {
    const message: RoomMessage = { messageID: generateId(), seq: ++this.seq, timestamp: this.ctx.now(), senderUserID, type, content };
    this.ctx.store.history.append(this.host.roomId, message, this.ctx.config.historySize).catch((e: unknown) => {
      console.error(`history append failed in room ${this.host.roomId}:`, e);
    });
    this.batcher.push(message);
    this.host.onDelivered(message);
    return message;
  }

  /**
   * Recalls a message: only its sender may, or the operator (`byUserId` null), by the rule of
   * service/recall. Removes it from history and returns it. Throws PARAMETER (bad messageID),
   * MESSAGE_NOT_FOUND or NOT_MESSAGE_SENDER.
   */
  async recall(messageID: unknown, byUserId: string | null): Promise<RoomMessage> {
    if (typeof messageID !== "string" || messageID.length === 0 || messageID.length > 64) {
      throw new ChatError(ErrorCode.PARAMETER, "messageID must be a string of 1..64 characters");
    }
    const found = await findRecallable(
      this.ctx,
      this.host.roomId,
      messageID,
      byUserId === null ? { kind: "operator" } : { kind: "member", userId: byUserId },
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
    const messages = await this.ctx.store.history.query(this.host.roomId, {
      afterSeq,
      limit: this.ctx.config.historySize,
      direction: "forward",
    });
    return { messages: messages.filter((m) => m.seq <= lastSeq), lastSeq };
  }

  /** The last messages a joining member receives, with the seq they bring it up to. */
  async joinHistory(): Promise<HistorySync> {
    const lastSeq = this.seq;
    const messages = await this.ctx.store.history.query(this.host.roomId, {
      beforeSeq: lastSeq + 1,
      limit: JOIN_HISTORY_COUNT,
      direction: "backward",
    });
    return { messages, lastSeq };
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
  }
}
