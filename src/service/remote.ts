import { matchMaker } from "@colyseus/core";
import { ChatError, ErrorCode, isChatError, type ChatErrorCode } from "../core/errors";
import type { ChatContext } from "./context";
import { assertRoomExists } from "./roomExists";

/**
 * Result of a room method called through matchMaker.remoteRoomCall. Errors travel as data because
 * a method that throws on another process reaches the caller only as a timeout, losing its code.
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

/**
 * Calls an operator method of a room wherever it lives and unwraps its {@link Outcome}.
 * Throws ROOM_NOT_EXIST when no such room is listed (at once) or none answers, or the method's ChatError.
 */
export async function callRoom<T>(ctx: ChatContext, roomId: string, method: string, args: unknown[]): Promise<T> {
  // an unlisted room would otherwise cost the remote call's whole timeout
  await assertRoomExists(ctx, roomId);
  let result: Outcome<T>;
  try {
    result = (await matchMaker.remoteRoomCall(roomId, method, args)) as Outcome<T>;
  } catch {
    throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${roomId} does not exist`);
  }
  if (!result || typeof result !== "object" || !("ok" in result)) throw new ChatError(ErrorCode.INTERNAL, `room ${roomId} gave no answer to ${method}`);
  if (!result.ok) throw new ChatError(result.code, result.message);
  return result.value;
}
