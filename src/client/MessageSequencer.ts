import type { HistorySync, RoomMessage } from "../protocol";

/** A join history or SYNC reply as the server sent it: one without `messages` carries none. */
export type ReceivedHistory = Pick<HistorySync, "lastSeq"> & { messages?: readonly RoomMessage[] };

/** What the owner of a {@link MessageSequencer} must do after one input. */
export interface SequencerStep {
  /** Messages to hand to the app now: ascending seq, none seen before. */
  deliver: RoomMessage[];
  /** When set, send SYNC `{ afterSeq: syncAfter }` and pass the reply to {@link MessageSequencer.synced}. */
  syncAfter?: number;
}

/**
 * Exactly-once, in-order delivery of one room's messages, from three sources that overlap and
 * may arrive in any order: the join history (once), live batches, and SYNC replies. Pure: it
 * decides and returns {@link SequencerStep}s; the owner does the I/O.
 *
 * The rules, with `lastSeq` = the highest seq handed out (or covered by a reply):
 * - live messages before the join history are held;
 * - a live message with seq <= lastSeq is a duplicate and dropped; seq == lastSeq + 1 is
 *   delivered; a higher seq is held (a gap) and a SYNC after lastSeq is asked for;
 * - a join history or SYNC reply `{ messages, lastSeq: L }` delivers its messages (and held ones)
 *   above lastSeq in order, then moves lastSeq to at least L: seqs the reply does not carry were
 *   recalled or trimmed from history and will never come; held messages then drain in order;
 * - after a reconnect a SYNC is always asked for: messages broadcast while offline never arrive live;
 * - after a re-entry into the same room (ChatClient moving off a draining process), the sequencer
 *   resumes from its old lastSeq ({@link resumeAfter}): the join history then shows only the last
 *   messages, so it counts as live messages (duplicates dropped, gaps held) and a SYNC after the
 *   old lastSeq fills in what came between.
 *
 * A SYNC reply is a complete statement about (afterSeq, L], so a late or duplicate reply is safe.
 */
export class MessageSequencer {
  private last: number | null = null;
  private readonly held = new Map<number, RoomMessage>();
  private syncsInFlight = 0;
  /** A reconnect happened and no SYNC has answered since: messages may be missing even without a visible gap. */
  private stale = false;
  /** {@link resumeAfter} was called and the join history has not come yet. */
  private resuming = false;

  /** Highest seq delivered or known to be gone; null until the join history (or a first SYNC) came. */
  get lastSeq(): number | null {
    return this.last;
  }

  /** Live messages waiting for a gap before them to close. */
  get heldCount(): number {
    return this.held.size;
  }

  /**
   * Continues from `lastSeq`, the last seq an earlier connection to the same room incarnation
   * delivered (same createdAt): call it before the new connection's join history. Nothing up to
   * `lastSeq` is delivered again, and nothing after it is skipped.
   */
  resumeAfter(lastSeq: number): void {
    if (this.last !== null) return;
    this.last = lastSeq;
    this.resuming = true;
  }

  /** The JOIN_HISTORY payload, sent once when this connection joined. */
  joined(history: ReceivedHistory): SequencerStep {
    if (!this.resuming) return this.covered(history);
    this.resuming = false;
    // the last few messages only: what came between lastSeq and them needs a SYNC
    this.stale = true;
    return this.received(history.messages ?? []);
  }

  /** A live MESSAGES batch. */
  received(messages: readonly RoomMessage[]): SequencerStep {
    const deliver: RoomMessage[] = [];
    for (const message of messages) {
      if (this.last !== null && message.seq <= this.last) continue;
      if (this.last !== null && message.seq === this.last + 1) {
        deliver.push(message);
        this.last = message.seq;
        deliver.push(...this.drain());
      } else {
        this.held.set(message.seq, message);
      }
    }
    return { deliver, syncAfter: this.syncIfGap() };
  }

  /** The reply to a SYNC this sequencer asked for. */
  synced(reply: ReceivedHistory): SequencerStep {
    this.syncsInFlight = Math.max(0, this.syncsInFlight - 1);
    this.stale = false;
    return this.covered(reply);
  }

  /** A SYNC this sequencer asked for failed (connection lost, timeout); {@link retry} may ask again. */
  syncFailed(): void {
    this.syncsInFlight = Math.max(0, this.syncsInFlight - 1);
  }

  /** Asks for a SYNC again when one is still needed (a gap, or no answer since a reconnect) and none is under way. */
  retry(): SequencerStep {
    return { deliver: [], syncAfter: this.syncIfGap() };
  }

  /**
   * The connection came back after a drop: SYNC after lastSeq (after 0 when the join history
   * was lost with the old connection).
   */
  reconnected(): SequencerStep {
    this.stale = true;
    this.syncsInFlight++;
    return { deliver: [], syncAfter: this.last ?? 0 };
  }

  /** Applies a join history or SYNC reply: everything up to `lastSeq` is now known. */
  private covered({ messages, lastSeq }: ReceivedHistory): SequencerStep {
    const base = this.last ?? 0;
    const bySeq = new Map<number, RoomMessage>();
    for (const [seq, message] of this.held) {
      if (seq > lastSeq) continue;
      this.held.delete(seq);
      bySeq.set(seq, message);
    }
    for (const message of messages ?? []) bySeq.set(message.seq, message);
    const deliver = [...bySeq.values()].filter((m) => m.seq > base).sort((a, b) => a.seq - b.seq);
    this.last = Math.max(base, lastSeq, deliver.at(-1)?.seq ?? 0);
    deliver.push(...this.drain());
    return { deliver, syncAfter: this.syncIfGap() };
  }

  /** Held messages that now follow lastSeq without a gap (and forgets held duplicates). */
  private drain(): RoomMessage[] {
    const out: RoomMessage[] = [];
    if (this.last === null) return out;
    for (const seq of this.held.keys()) if (seq <= this.last) this.held.delete(seq);
    for (let next = this.held.get(this.last + 1); next; next = this.held.get(this.last + 1)) {
      this.held.delete(next.seq);
      out.push(next);
      this.last = next.seq;
    }
    return out;
  }

  private syncIfGap(): number | undefined {
    const gap = this.last !== null && this.held.size > 0;
    if ((!gap && !this.stale) || this.syncsInFlight > 0) return undefined;
    this.syncsInFlight++;
    return this.last ?? 0;
  }
}
