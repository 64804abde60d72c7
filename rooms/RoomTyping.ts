/**
 * Typing indicators of one room: parses a member's typing request, asks the rule
 * (src/core/typing.ts) whether it goes out, and relays it to the other members. Rooms above the
 * member-list cap relay nothing (who is typing among thousands is noise, and the fan-out would
 * cost a frame per member per typist).
 */
import { z } from "zod";
import { TypingRule } from "../src/core/typing";
import type { TypingNotice } from "../src/protocol";
import { parseInput } from "../src/schemas/parse";

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

export class RoomTyping {
  private readonly rule = new TypingRule();

  constructor(private readonly host: TypingHost) {}

  /** A member's typing request (`{ typing: boolean }`); throws PARAMETER naming the field on bad input. */
  fromRequest(userId: string, body: unknown): Record<string, never> {
    const { typing } = parseInput(requestSchema, body, { root: "typing request" });
    if (this.host.memberCount() > this.host.memberListCap) return {};
    if (this.rule.relay(userId, typing, this.host.now())) this.host.broadcastExcept(userId, { userId, typing });
    return {};
  }

  /** The member's message went out (receivers drop its typing when the message arrives: nothing is sent). */
  messageSent(userId: string): void {
    this.rule.messageSent(userId);
  }

  /** The member left (receivers drop typists who leave). */
  memberLeft(userId: string): void {
    this.rule.memberLeft(userId);
  }
}
