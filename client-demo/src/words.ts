/** What the demo tells people, in words: refusals, exits, member notices, typing. Never a raw code or id. */
import { ChatClientError, ClientErrorCode, ErrorCode, ExitReason } from "../../src/client";

const REFUSALS = new Map<number, string>([
  [ErrorCode.MUTED, "You are muted in this room, so your message was not sent."],
  [ErrorCode.SEND_RATE_LIMITED, "You are sending too fast. Wait a moment and retry."],
  [ErrorCode.MESSAGE_TOO_LARGE, "That message is too long to send. Shorten it and try again."],
  [ErrorCode.DISTRIBUTION_STOPPED, "This room is paused by an operator: messages are not being delivered."],
  [ErrorCode.MESSAGE_DROPPED, "The room is very busy and your message was dropped. Retry in a moment."],
  [ErrorCode.BANNED, "You are banned from this room."],
  [ErrorCode.NOT_IN_ROOM, "You are not connected to this room right now."],
  [ErrorCode.ROOM_NOT_EXIST, "That room does not exist."],
  [ErrorCode.ROOM_ALREADY_EXISTS, "A room with that name already exists."],
  [ErrorCode.ROOM_COUNT_LIMIT, "The server has as many rooms as it allows. Join an existing one."],
  [ErrorCode.JOINED_ROOMS_LIMIT, "You are in as many rooms as you may be at once. Leave one first."],
  [ErrorCode.ROOM_FULL, "That room is full."],
  [ErrorCode.AUTH_FAILED, "The server did not accept your sign-in token."],
  [ErrorCode.MESSAGE_NOT_FOUND, "That message can no longer be unsent."],
  [ErrorCode.NOT_MESSAGE_SENDER, "Only the sender can unsend a message."],
  [ErrorCode.SHUTTING_DOWN, "The server is restarting. Try again shortly."],
  [ErrorCode.SLOW_MODE, "This room is in slow mode: wait a little before your next message."],
  [ErrorCode.CONTENT_BLOCKED, "That message was refused by the room's word filter."],
  [ErrorCode.ROLE_FORBIDDEN, "Your role in this room does not allow that."],
  [ClientErrorCode.CONNECT_FAILED, "The server could not be reached."],
  [ClientErrorCode.CONNECT_TIMEOUT, "The server took too long to answer."],
]);

/** A refusal or failure as a sentence a player understands (the server's detail only for codes we have no words for). */
export function refusal(e: unknown): string {
  if (e instanceof ChatClientError) return REFUSALS.get(e.code) ?? `Something went wrong: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** Whether a send refused with `e` may succeed when simply tried again later (network, rate, load). */
export function retryable(e: unknown): boolean {
  if (!(e instanceof ChatClientError)) return true;
  const codes: number[] = [
    ErrorCode.SEND_RATE_LIMITED,
    ErrorCode.MESSAGE_DROPPED,
    ErrorCode.NOT_IN_ROOM,
    ClientErrorCode.CONNECT_FAILED,
    ClientErrorCode.CONNECT_TIMEOUT,
  ];
  return codes.includes(e.code);
}

/** The notice for leaving room `room` (its display name) for `reason`; undefined for a requested leave (LEFT). */
export function exitBanner(reason: ExitReason, room: string): string | undefined {
  switch (reason) {
    case ExitReason.LEFT:
    case ExitReason.SWITCHED:
      return undefined;
    case ExitReason.KICKED:
      return `You were removed from ${room} by a moderator. You may join it again.`;
    case ExitReason.BANNED:
      return `You were banned from ${room}. You cannot join it again until the ban ends.`;
    case ExitReason.DISMISSED:
      return `${room} was closed by a moderator.`;
    case ExitReason.EXPIRED:
      return `${room} was closed because it was inactive.`;
    case ExitReason.OFFLINE:
      return `You were offline too long and left ${room}.`;
    case ExitReason.SHUTDOWN:
      return `The server restarted: you are no longer in ${room}.`;
  }
}

/** The timeline notice when member `name` leaves for `reason`. */
export function leftNotice(name: string, reason: ExitReason | undefined): string {
  switch (reason) {
    case ExitReason.KICKED:
      return `${name} was removed by a moderator`;
    case ExitReason.BANNED:
      return `${name} was banned`;
    case ExitReason.OFFLINE:
      return `${name} lost connection and left`;
    case ExitReason.SWITCHED:
      return `${name} moved to another room`;
    case ExitReason.DISMISSED:
    case ExitReason.EXPIRED:
    case ExitReason.SHUTDOWN:
    case ExitReason.LEFT:
    case undefined:
      return `${name} left`;
  }
}

/** "Bob is typing…", "Bob and Cleo are typing…", "4 people are typing…"; "" for nobody. */
export function typingText(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return "";
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  return `${String(names.length)} people are typing…`;
}

/** "1 member", "3 members". */
export function memberCountText(count: number): string {
  return count === 1 ? "1 member" : `${String(count)} members`;
}

/** A room id made from what a player typed: "Game night!" -> "game-night"; "" when nothing usable is left. */
export function roomIdOf(typed: string): string {
  return typed
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}
