/** What the demo tells people, in words: refusals by error code and exits by reason. */
import { ChatClientError, ClientErrorCode, ErrorCode, ExitReason } from "../../src/client";

const REFUSALS: Partial<Record<number, string>> = {
  [ErrorCode.MUTED]: "You are muted in this room (or the whole room is muted), so you cannot send.",
  [ErrorCode.SEND_RATE_LIMITED]: "You are sending too fast (rate limited). Wait a moment and try again.",
  [ErrorCode.MESSAGE_TOO_LARGE]: "That message is too large to send.",
  [ErrorCode.DISTRIBUTION_STOPPED]: "This room is not distributing messages right now.",
  [ErrorCode.MESSAGE_DROPPED]: "The room is too busy: your message was dropped. Try again.",
  [ErrorCode.BANNED]: "You are banned from this room.",
  [ErrorCode.NOT_IN_ROOM]: "You are not in this room (or not connected to it).",
  [ErrorCode.ROOM_NOT_EXIST]: "That room does not exist.",
  [ErrorCode.ROOM_ALREADY_EXISTS]: "A room with that id already exists.",
  [ErrorCode.ROOM_COUNT_LIMIT]: "The server has as many rooms as it allows.",
  [ErrorCode.JOINED_ROOMS_LIMIT]: "You are in as many rooms as you may be at once.",
  [ErrorCode.ROOM_FULL]: "That room is full.",
  [ErrorCode.AUTH_FAILED]: "The server refused your user token.",
  [ErrorCode.ATTRIBUTE_NOT_OWNER]: 'Another member owns that attribute: tick "force" to overwrite it.',
  [ErrorCode.ATTRIBUTE_COUNT_LIMIT]: "The room has as many attributes as it may.",
  [ErrorCode.ATTRIBUTE_VERSION_CONFLICT]: "Someone changed that attribute first.",
  [ErrorCode.ATTRIBUTE_KEY_MISSING]: "There is no attribute with that key.",
  [ErrorCode.MESSAGE_NOT_FOUND]: "That message is no longer in the room's history.",
  [ErrorCode.NOT_MESSAGE_SENDER]: "Only the sender can recall a message.",
  [ErrorCode.SHUTTING_DOWN]: "The server is shutting down.",
  [ErrorCode.SLOW_MODE]: "This room is in slow mode: wait a little before your next message.",
  [ErrorCode.CONTENT_BLOCKED]: "That message was refused by the room's word filter.",
  [ClientErrorCode.CONNECT_FAILED]: "The server could not be reached.",
  [ClientErrorCode.CONNECT_TIMEOUT]: "The server took too long to answer.",
};

/** A refusal or failure as a sentence, with the server's own detail and code, e.g. "You are muted ... (23408)". */
export function refusal(e: unknown): string {
  if (e instanceof ChatClientError) {
    const words = REFUSALS[e.code];
    if (!words) return `${e.message} (${e.code})`;
    return `${words} (${e.code})`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The banner for leaving room `room` for `reason`; undefined for a requested leave (LEFT). */
export function exitBanner(reason: ExitReason, room: string): string | undefined {
  switch (reason) {
    case ExitReason.LEFT:
      return undefined;
    case ExitReason.KICKED:
      return `You were removed from ${room} by an operator (kicked). You may enter again.`;
    case ExitReason.BANNED:
      return `You were banned from ${room}. You cannot enter it again until the ban ends.`;
    case ExitReason.DISMISSED:
      return `${room} was closed by an operator (dismissed).`;
    case ExitReason.EXPIRED:
      return `${room} expired (no activity, its lifetime ended, or it stayed empty) and was closed.`;
    case ExitReason.OFFLINE:
      return `You were offline too long and left ${room} (offline kick-out).`;
    case ExitReason.SHUTDOWN:
      return `The server shut down: you are no longer in ${room}.`;
  }
}
