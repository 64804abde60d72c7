/**
 * What a ChatRoom subclass sees of members and messages in its hooks, and the checks applied to
 * what the hooks hand back: custom member fields and changed messages are validated like any
 * client input, and a failing hook is logged and turned into a clear error, never a crash.
 */
import type { Priority } from "../src/core/admission";
import { ChatError, ErrorCode, isChatError } from "../src/core/errors";
import type { ExitReason } from "../src/core/exitReasons";
import { parseSend } from "../src/core/messages";
import { parseMemberFields } from "../src/schemas/memberFields";
import type { RoomRole } from "../src/core/roles";

/** A member as the hooks see it: one user, whatever its number of connections. */
export interface ChatMember {
  readonly userId: string;
  readonly userName: string;
  /** When the member joined (ms epoch). */
  readonly joinedAt: number;
  /** At least one connection is live (not inside a reconnection window). */
  readonly online: boolean;
  /** Live connections (devices). */
  readonly devices: number;
  /** The app's custom fields ({@link ChatRoom.setMemberFields}); other members see them too. */
  readonly fields: Readonly<Record<string, string>>;
  /** The member's room role (owner, admin, moderator); absent for a plain member. */
  readonly role?: RoomRole;
}

/** Second argument of `onMemberEnter`. */
export interface MemberEnterInfo {
  /** The room the member switched from (ChatClient.switchRoom), if this entry is a switch. */
  switchedFrom?: string;
  /** The client's join options as sent (for app-specific data; validated fields are on `member`). */
  options: Readonly<Record<string, unknown>>;
}

/** A member's message as `onBeforeMessage` receives it and may return it (changed or not). */
export interface ChatMessageDraft {
  type: string;
  content: string;
  priority: Priority;
}

/** Re-exported for hook signatures. */
export type { ExitReason };

/** Most custom fields per member. */
export const MAX_MEMBER_FIELDS = 16;
/** Field names: 1..32 of [A-Za-z0-9_-]. */
export const MEMBER_FIELD_KEY = /^[A-Za-z0-9_-]{1,32}$/;
/** Longest field value, in characters. */
export const MAX_MEMBER_FIELD_VALUE = 512;

/**
 * Validates custom member fields; returns a null-prototype copy. Throws PARAMETER naming the
 * field and the limit it broke.
 */
export function checkMemberFields(fields: unknown): Record<string, string> {
  return parseMemberFields(fields, {
    maxFields: MAX_MEMBER_FIELDS,
    key: MEMBER_FIELD_KEY,
    keyRule: "1..32 characters of [A-Za-z0-9_-]",
    maxValue: MAX_MEMBER_FIELD_VALUE,
  });
}

/**
 * What `onBeforeMessage` returned, checked like a member's send (type, content size, priority);
 * `undefined` keeps the message as it was. A bad result is the app's fault: INTERNAL, naming the
 * field, so the sender learns the message was not sent and the log says why.
 */
export function checkHookMessage(result: unknown, original: ChatMessageDraft, maxMessageBytes: number): ChatMessageDraft {
  if (result === undefined) return original;
  try {
    return parseSend(result, maxMessageBytes);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    console.error(`onBeforeMessage returned an invalid message: ${reason}`);
    throw new ChatError(ErrorCode.INTERNAL, `message not sent: the room's onBeforeMessage hook returned an invalid message (${reason})`);
  }
}

/**
 * Runs an app hook that may refuse with a ChatError: a ChatError passes through unchanged (its
 * code and message reach the client); anything else is logged and becomes INTERNAL naming the hook.
 */
export async function runRefusableHook<T>(hook: string, roomId: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (isChatError(e)) throw e;
    console.error(`room ${roomId}: ${hook} hook failed:`, e);
    throw new ChatError(ErrorCode.INTERNAL, `the room's ${hook} hook failed`);
  }
}
