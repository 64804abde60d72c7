/**
 * What the demo keeps per joined room beyond ChatClient's live room info: messages (with their
 * sending state), join/leave notices, the draft and the composer's status line. Pure data: no DOM,
 * no client calls; times are passed in.
 */
import type { RecallNotice, RoomMessage } from "../../src/protocol";

/** A message as the demo shows it: recalled messages stay as a placeholder. */
export interface ShownMessage extends RoomMessage {
  /** Who recalled it: a user id, null for an operator; undefined while not recalled. */
  recalledBy?: string | null;
}

/** A message of this user not yet stored by the room: waiting for the connection, on its way, or refused. */
export interface OutgoingMessage {
  localId: string;
  content: string;
  /** `queued`: waits for the connection; `sending`: asked; `failed`: refused (see `error`). */
  state: "queued" | "sending" | "failed";
  error?: string;
  createdAt: number;
}

/** A line in the timeline that is not a message: "Bob joined", "Cleo was removed by a moderator". */
export interface Notice {
  id: string;
  text: string;
  /** Shown after the message with this seq (0: before every message). */
  afterSeq: number;
  at: number;
}

/** The status line under the composer: a refusal (error) or nothing. */
export interface ComposerStatus {
  text: string;
  error: boolean;
}

/** The most messages kept per room in the page. */
const MAX_MESSAGES = 500;
/** The most notices kept per room. */
const MAX_NOTICES = 200;

let nextLocal = 0;

/** Messages, notices, outgoing messages and the composer state of one room. */
export class RoomModel {
  private readonly messages = new Map<string, ShownMessage>();
  private readonly notices: Notice[] = [];
  readonly outbox: OutgoingMessage[] = [];
  /** Messages received while this room was not the one on screen. */
  unread = 0;
  /** What the composer held when the user moved to another room. */
  draft = "";
  status: ComposerStatus = { text: "", error: false };
  /** No older history to load (the server's first page was short or empty). */
  olderDone = false;
  loadingOlder = false;
  /** Arrived while the list was scrolled up: the "new messages" cue is shown. */
  newBelow = false;

  constructor(
    readonly roomID: string,
    /** The name the room had when entered (ChatClient's live info is used while in it). */
    readonly roomName: string,
  ) {}

  /** Adds messages (duplicates by id are ignored, so history and live delivery may overlap); returns how many were new. */
  addMessages(list: readonly RoomMessage[]): number {
    let added = 0;
    for (const message of list) {
      if (this.messages.has(message.messageID)) continue;
      this.messages.set(message.messageID, { ...message });
      added++;
    }
    if (this.messages.size > MAX_MESSAGES) {
      for (const old of this.list().slice(0, this.messages.size - MAX_MESSAGES)) this.messages.delete(old.messageID);
    }
    return added;
  }

  /** Marks a message recalled (it keeps its place, its content is no longer shown). */
  recall(notice: RecallNotice): void {
    const message = this.messages.get(notice.messageID);
    if (message) message.recalledBy = notice.recalledBy;
  }

  /** Messages in seq order. */
  list(): ShownMessage[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The newest message (for the room list's preview). */
  last(): ShownMessage | undefined {
    let newest: ShownMessage | undefined;
    for (const m of this.messages.values()) if (!newest || m.seq > newest.seq) newest = m;
    return newest;
  }

  /** The smallest seq shown, or undefined with no message. */
  oldestSeq(): number | undefined {
    let oldest: number | undefined;
    for (const m of this.messages.values()) if (oldest === undefined || m.seq < oldest) oldest = m.seq;
    return oldest;
  }

  /** Adds a notice placed after the newest message known now. */
  notice(text: string, at: number): void {
    this.notices.push({ id: `n${String(++nextLocal)}`, text, afterSeq: this.last()?.seq ?? 0, at });
    if (this.notices.length > MAX_NOTICES) this.notices.splice(0, this.notices.length - MAX_NOTICES);
  }

  /** Notices in the order they came. */
  noticeList(): readonly Notice[] {
    return this.notices;
  }

  /** Puts a message of this user in the outbox; `queued` while the connection is down. */
  enqueue(content: string, state: OutgoingMessage["state"], at: number): OutgoingMessage {
    const out: OutgoingMessage = { localId: `l${String(++nextLocal)}`, content, state, createdAt: at };
    this.outbox.push(out);
    return out;
  }

  /** Removes a message from the outbox (stored by the room, or discarded by the user). */
  settle(localId: string): void {
    const i = this.outbox.findIndex((o) => o.localId === localId);
    if (i >= 0) this.outbox.splice(i, 1);
  }

  /** The outbox entry `localId`, if still there. */
  outgoing(localId: string): OutgoingMessage | undefined {
    return this.outbox.find((o) => o.localId === localId);
  }
}
