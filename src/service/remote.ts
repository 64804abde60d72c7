/**
 * Calling a chat room on any process: errors travel as data ({@link Outcome}) and are turned back
 * into ChatErrors on the caller's side by {@link roomCalls}, the typed view of a room behind
 * `ctx.directory.room(roomId)`.
 */
import { ChatError, ErrorCode, isChatError, type ChatErrorCode } from "../core/errors";
import { ROOM_OPERATIONS, type RoomCalls, type RoomOperation } from "./roomOperations";

/**
 * Result of a room method called through the matchmaker's remoteRoomCall. Errors travel as data
 * because a method that throws on another process reaches the caller only as a timeout, losing its code.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; code: ChatErrorCode; message: string };

function failure(e: unknown): { ok: false; code: ChatErrorCode; message: string } {
  if (isChatError(e)) return { ok: false, code: e.code, message: e.message };
  console.error(e);
  return { ok: false, code: ErrorCode.INTERNAL, message: "internal error" };
}

/** Runs `fn` and wraps its value or its ChatError as an {@link Outcome}. */
export function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>>;
export function outcome<T>(fn: () => T): Outcome<T>;
export function outcome<T>(fn: () => T | Promise<T>): Outcome<T> | Promise<Outcome<T>> {
  try {
    const value = fn();
    if (value instanceof Promise) return value.then((v) => ({ ok: true as const, value: v }), failure);
    return { ok: true, value };
  } catch (e) {
    return failure(e);
  }
}

/** What {@link roomCalls} needs to reach a room: whether it is listed, and the remote call itself. */
export interface RoomLink {
  /** True when a chat room with this id is listed anywhere in the cluster. */
  isListed(roomId: string): Promise<boolean>;
  /** The matchmaker's remoteRoomCall (see Matchmaker.remoteRoomCall). */
  remoteRoomCall(roomId: string, method: string, args: unknown[], timeoutMs?: number): Promise<unknown>;
}

function isOutcome(answer: unknown): answer is Outcome<unknown> {
  return typeof answer === "object" && answer !== null && "ok" in answer;
}

async function callRoom(link: RoomLink, roomId: string, method: RoomOperation, args: unknown[]): Promise<unknown> {
  const gone = () => new ChatError(ErrorCode.ROOM_NOT_EXIST, `chatroom ${roomId} does not exist`);
  // an unlisted room would otherwise cost the remote call's whole timeout
  if (!(await link.isListed(roomId))) throw gone();
  const shape = ROOM_OPERATIONS[method];
  let answer: unknown;
  try {
    answer = await link.remoteRoomCall(roomId, method, args, shape.timeoutMs);
  } catch {
    throw gone();
  }
  if (shape.answer === "value") return answer;
  if (!isOutcome(answer)) throw new ChatError(ErrorCode.INTERNAL, `room ${roomId} gave no answer to ${method}`);
  if (!answer.ok) throw new ChatError(answer.code, answer.message);
  return answer.value;
}

/**
 * The operations of the room `roomId` (see {@link RoomCalls} for what each call resolves and
 * throws). Nothing is called until a method is.
 */
export function roomCalls(link: RoomLink, roomId: string): RoomCalls {
  const calls: Partial<Record<RoomOperation, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const method of Object.keys(ROOM_OPERATIONS) as RoomOperation[]) {
    calls[method] = (...args) => callRoom(link, roomId, method, args);
  }
  // each method is built from the one table the compiler checks against ChatRoomOperations
  return calls as unknown as RoomCalls;
}
