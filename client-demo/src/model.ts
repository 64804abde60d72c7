/** What the demo keeps per joined room beyond ChatClient's live room info: messages and attributes. */
import type { AttributeInfo, AttributesUpdate, RecallNotice, RoomMessage } from "../../src/protocol";

/** A message as the demo shows it: recalled messages stay as a placeholder. */
export interface ShownMessage extends RoomMessage {
  /** Who recalled it: a user id, null for an operator; undefined while not recalled. */
  recalledBy?: string | null;
}

/** An attribute as shown: value and, when known, its owner. */
export interface ShownAttribute {
  value: string;
  ownerId?: string;
}

/** The most messages kept per room in the page. */
const MAX_MESSAGES = 300;

/** Messages (by id, shown by seq) and attributes of one room, fed by ChatClient events and queries. */
export class RoomModel {
  private readonly messages = new Map<string, ShownMessage>();
  private attrs = new Map<string, ShownAttribute>();
  /** Messages received while this room was not the one on screen. */
  unread = 0;

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

  /** Replaces every attribute with the answer of a full query. */
  setAllAttributes(all: Record<string, AttributeInfo>): void {
    this.attrs = new Map(Object.entries(all).map(([key, info]) => [key, { value: info.value, ownerId: info.ownerId }]));
  }

  /** Applies a change notice: keys set by `by` (null = operator) and keys deleted. */
  applyAttributes(update: AttributesUpdate): void {
    for (const [key, value] of Object.entries(update.set)) this.attrs.set(key, { value, ownerId: update.by ?? undefined });
    for (const key of update.deleted) this.attrs.delete(key);
  }

  /** Attributes sorted by key. */
  attributes(): [string, ShownAttribute][] {
    return [...this.attrs.entries()].sort(([a], [b]) => a.localeCompare(b));
  }
}
