import type { RoomMessage } from "../src/protocol";

/**
 * Collects the room messages delivered during one event-loop turn and hands them on as one
 * batch (one MESSAGES broadcast: one encode, one frame per member) from `setImmediate`. A burst
 * of K messages then costs each member one frame instead of K. Order is kept: batches leave in
 * delivery order, and {@link flush} sends what is pending at once, for notices that must follow
 * the messages they refer to (a recall).
 */
export class MessageBatcher {
  private pending: RoomMessage[] = [];
  private timer: NodeJS.Immediate | undefined;

  constructor(private readonly send: (messages: RoomMessage[]) => void) {}

  /** Queues a message for this turn's batch. */
  push(message: RoomMessage): void {
    this.pending.push(message);
    this.timer ??= setImmediate(() => this.flush());
  }

  /** Sends the pending batch now (no-op when empty). */
  flush(): void {
    if (this.timer !== undefined) clearImmediate(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.send(batch);
  }

  /** Drops what is pending and stops (the room is going away). */
  dispose(): void {
    if (this.timer !== undefined) clearImmediate(this.timer);
    this.timer = undefined;
    this.pending = [];
  }
}
