/**
 * Typing indicators of one room: relays a member's "typing" and "stopped" to the other members.
 * A change (started, stopped) goes out at once; a repeat of "typing" at most once per
 * {@link TYPING_REPEAT_MS}; and whatever a client sends, at most {@link TYPING_BURST} notices per
 * member per {@link TYPING_REPEAT_MS} (a "stopped" dropped by that bound expires at the receivers).
 * Rooms above the member-list cap relay nothing (who is typing among thousands is noise, and the
 * fan-out would cost a frame per member per typist).
 */
import { z } from "zod";
import { TYPING_REPEAT_MS, type TypingNotice } from "../src/protocol";
import { parseInput } from "../src/schemas/parse";

/** Most notices relayed for one member per {@link TYPING_REPEAT_MS}. */
export const TYPING_BURST = 4;

/** What RoomTyping needs from its room. */
export interface TypingHost {
  /** Sends `notice` to every member but `userId` (all of its connections). */
  broadcastExcept(userId: string, notice: TypingNotice): void;
  /** Members in the room now. */
  memberCount(): number;
  /** The member-list cap: above it, nothing is relayed. */
  readonly memberListCap: number;
  now(): number;
}

const requestSchema = z.strictObject({ typing: z.boolean() });

interface Typist {
  /** Whether the other members were last told it is typing. */
  shown: boolean;
  /** When its last "typing" went out. */
  typingAt: number;
  /** Start of its current {@link TYPING_REPEAT_MS} window and the notices relayed in it. */
  windowStart: number;
  relayed: number;
}

export class RoomTyping {
  private readonly typists = new Map<string, Typist>();

  constructor(private readonly host: TypingHost) {}

  /** A member's typing request (`{ typing: boolean }`); throws PARAMETER naming the field on bad input. */
  fromRequest(userId: string, body: unknown): Record<string, never> {
    const { typing } = parseInput(requestSchema, body, { root: "typing request" });
    if (this.host.memberCount() > this.host.memberListCap) return {};
    const now = this.host.now();
    let typist = this.typists.get(userId);
    if (!typist) {
      if (!typing) return {};
      typist = { shown: false, typingAt: 0, windowStart: now, relayed: 0 };
      this.typists.set(userId, typist);
    }
    const repeat = typing && typist.shown;
    if (repeat && now - typist.typingAt < TYPING_REPEAT_MS) return {};
    if (!typing && !typist.shown) return {};
    if (now - typist.windowStart >= TYPING_REPEAT_MS) {
      typist.windowStart = now;
      typist.relayed = 0;
    }
    if (typist.relayed >= TYPING_BURST) return {};
    typist.relayed++;
    typist.shown = typing;
    if (typing) typist.typingAt = now;
    this.host.broadcastExcept(userId, { userId, typing });
    return {};
  }

  /**
   * The member's message went out: receivers stop showing it as typing when the message arrives,
   * so nothing is sent, and its next keystroke shows it again at once.
   */
  messageSent(userId: string): void {
    const typist = this.typists.get(userId);
    if (typist) typist.shown = false;
  }

  /** The member left: forgotten (receivers drop typists who leave). */
  memberLeft(userId: string): void {
    this.typists.delete(userId);
  }
}
