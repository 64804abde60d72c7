/**
 * The typing-indicator rule (README "Client API"): which of a member's typing requests become a
 * notice to the other members. Pure: the caller passes the time.
 * - a change (started, stopped) goes out at once; "stopped" only after a "typing" went out;
 * - a repeat of "typing" at most once per {@link TYPING_REPEAT_MS};
 * - whatever a client sends, at most {@link TYPING_BURST} notices per member per
 *   {@link TYPING_REPEAT_MS} (a "stopped" dropped by that bound expires at the receivers);
 * - a sent message ends typing without a notice (receivers drop a typist whose message arrives),
 *   and the next keystroke is shown at once.
 */
import { TYPING_REPEAT_MS } from "../protocol";

/** Most notices relayed for one member per {@link TYPING_REPEAT_MS}. */
export const TYPING_BURST = 4;

interface Typist {
  /** Whether the other members were last told it is typing. */
  shown: boolean;
  /** When its last "typing" went out. */
  typingAt: number;
  /** Start of its current {@link TYPING_REPEAT_MS} window and the notices relayed in it. */
  windowStart: number;
  relayed: number;
}

/** The rule's state for the members of one room. */
export class TypingRule {
  private readonly typists = new Map<string, Typist>();

  /** Whether `userId` saying `typing` at `now` goes out as a notice (and records it when it does). */
  relay(userId: string, typing: boolean, now: number): boolean {
    let typist = this.typists.get(userId);
    if (!typist) {
      if (!typing) return false;
      typist = { shown: false, typingAt: 0, windowStart: now, relayed: 0 };
      this.typists.set(userId, typist);
    }
    if (typing && typist.shown && now - typist.typingAt < TYPING_REPEAT_MS) return false;
    if (!typing && !typist.shown) return false;
    if (now - typist.windowStart >= TYPING_REPEAT_MS) {
      typist.windowStart = now;
      typist.relayed = 0;
    }
    if (typist.relayed >= TYPING_BURST) return false;
    typist.relayed++;
    typist.shown = typing;
    if (typing) typist.typingAt = now;
    return true;
  }

  /** The member's message went out: it is no longer shown as typing; its window stays. */
  messageSent(userId: string): void {
    const typist = this.typists.get(userId);
    if (typist) typist.shown = false;
  }

  /** The member left: forgotten. */
  memberLeft(userId: string): void {
    this.typists.delete(userId);
  }
}
