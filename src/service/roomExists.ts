import { ChatError, ErrorCode } from "../core/errors";
import type { ChatContext } from "./context";

/**
 * Resolves when a chat room with this id is live anywhere in the cluster; otherwise throws
 * ChatError(`code`), ROOM_NOT_EXIST (23410) unless the caller needs another code (keep-alive: 1015).
 */
export async function assertRoomExists(ctx: ChatContext, roomId: string, code: ErrorCode = ErrorCode.ROOM_NOT_EXIST): Promise<void> {
  if (!(await ctx.directory.find(roomId))) throw new ChatError(code, `chatroom ${roomId} does not exist`);
}
