import { ChatError, ErrorCode } from "../src/core/errors";
import type { ChatContext } from "../src/service/context";
import { CHAT_CONTEXT } from "../src/service/directory";

/**
 * The context `chat.defineRoom` bound a room class to. Throws INTERNAL naming the class and the
 * fix for a class registered without it (`defineRoom(X)` instead of `chat.defineRoom(X)`).
 */
export function contextOf(klass: unknown): ChatContext {
  const ctx = (klass as Record<symbol, ChatContext | undefined>)[CHAT_CONTEXT];
  if (!ctx) {
    const name = (klass as { name?: string }).name ?? "ChatRoom";
    throw new ChatError(
      ErrorCode.INTERNAL,
      `${name} is not bound to chatrooms: register it with chat.defineRoom(${name}), not defineRoom(${name})`,
    );
  }
  return ctx;
}
