import { ChatError, ErrorCode } from "../core/errors";
import type { RoomMessage } from "../protocol";
import type { ChatContext } from "./context";

/**
 * Who asks to recall a message: a member (its own messages, and others' when
 * `assertMayRecallOthers` - the room's role rule - lets it), the operator acting in the room
 * (any message), or the operator API on behalf of the sender it names (RongCloud's fromUserId:
 * that sender's messages only).
 */
export type Recaller =
  | { kind: "member"; userId: string; assertMayRecallOthers?: ((senderUserID: string, messageID: string) => void) | undefined }
  | { kind: "operator" }
  | { kind: "operatorAs"; senderUserID: string };

/**
 * The one rule of recalling: the message must be among the room's kept history (the last
 * `historySize`), and a member or a named sender may recall only what it sent. Resolves with the
 * message; removes nothing. Throws MESSAGE_NOT_FOUND or NOT_MESSAGE_SENDER, worded for the door
 * the recaller came through (the operator API names "chatroom" and "fromUserId", as RongCloud).
 */
export async function findRecallable(ctx: ChatContext, roomId: string, messageID: string, by: Recaller): Promise<RoomMessage> {
  const kept = await ctx.store.history.query(roomId, { limit: ctx.config.historySize, direction: "backward" });
  const found = kept.find((m) => m.messageID === messageID);
  const operatorApi = by.kind === "operatorAs";
  if (!found) {
    throw new ChatError(
      ErrorCode.MESSAGE_NOT_FOUND,
      `message ${messageID} is not in the history of ${operatorApi ? "chatroom" : "room"} ${roomId}`,
    );
  }
  if (by.kind === "member" && found.senderUserID !== by.userId) {
    if (!by.assertMayRecallOthers)
      throw new ChatError(ErrorCode.NOT_MESSAGE_SENDER, `only the sender (${found.senderUserID}) may recall message ${messageID}`);
    by.assertMayRecallOthers(found.senderUserID, messageID);
  }
  if (by.kind === "operatorAs" && found.senderUserID !== by.senderUserID) {
    throw new ChatError(
      ErrorCode.NOT_MESSAGE_SENDER,
      `message ${messageID} was sent by ${found.senderUserID}, not by fromUserId ${by.senderUserID}`,
    );
  }
  return found;
}
