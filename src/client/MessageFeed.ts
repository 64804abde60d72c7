import { ClientRequest, type HistorySync, type RoomMessage } from "../protocol";
import { MessageSequencer, type SequencerStep } from "./MessageSequencer";

/** What a {@link MessageFeed} needs from its room session. */
export interface FeedHost {
  /** Sends a request to the room (rejects while the connection is down). */
  request<T>(type: string, payload?: unknown): Promise<T>;
  /** True while the connection is up and the session not ended. */
  isConnected(): boolean;
  /** Hands messages to the app, in seq order, each once. */
  deliver(messages: RoomMessage[]): void;
}

/** Wait before asking again after a SYNC request failed while connected. */
const SYNC_RETRY_MS = 1000;

/**
 * One room's message stream: feeds JOIN_HISTORY, live batches, reconnects and SYNC replies to a
 * {@link MessageSequencer} and performs what it asks (deliver, SYNC). A failed SYNC is retried
 * while the connection is up; a drop is covered by the SYNC every reconnect sends.
 */
export class MessageFeed {
  private readonly sequencer = new MessageSequencer();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly host: FeedHost) {}

  /** Highest seq delivered (or known gone); null before the join history. */
  get lastSeq(): number | null {
    return this.sequencer.lastSeq;
  }

  /** Resumes after `lastSeq` of an earlier connection to the same room (see MessageSequencer.resumeAfter). */
  resumeAfter(lastSeq: number): void {
    this.sequencer.resumeAfter(lastSeq);
  }

  /** The room's JOIN_HISTORY payload. */
  joined(history: HistorySync): void {
    this.apply(this.sequencer.joined(history));
  }

  /** A live MESSAGES batch (anything but an array counts as empty). */
  received(messages: RoomMessage[]): void {
    this.apply(this.sequencer.received(Array.isArray(messages) ? messages : []));
  }

  /** The SDK reconnected: asks for what was sent meanwhile. */
  reconnected(): void {
    this.apply(this.sequencer.reconnected());
  }

  /** The session ended: no more requests or deliveries. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }

  private apply(step: SequencerStep): void {
    if (this.stopped) return;
    if (step.deliver.length > 0) this.host.deliver(step.deliver);
    if (step.syncAfter !== undefined) this.sync(step.syncAfter);
  }

  private sync(afterSeq: number): void {
    this.host.request<HistorySync>(ClientRequest.SYNC, { afterSeq }).then(
      (reply) => this.apply(this.sequencer.synced(reply)),
      () => {
        this.sequencer.syncFailed();
        if (this.stopped || !this.host.isConnected()) return;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => {
          if (this.host.isConnected()) this.apply(this.sequencer.retry());
        }, SYNC_RETRY_MS);
      },
    );
  }
}
