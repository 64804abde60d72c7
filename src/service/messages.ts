/**
 * Operator message use-cases: publish to rooms, broadcast to every room, recall, read history and
 * admission counters. They work for a room on any process: room methods are called through
 * `ctx.directory.room(roomId)`, app-wide sends go over the bus ({@link Topic.allRooms}), history
 * is read from the store (so it is readable even when the room is not live).
 */
import { ChatError, ErrorCode, isChatError } from "../core/errors";
import type { RoomMessage } from "../protocol";
import type { HistoryQuery } from "../store/types";
import type { ChatContext } from "./context";
import { distributionStopped } from "./messageLists";
import { findRecallable } from "./recall";
import type { MessageStats } from "./roomOperations";
import { Topic, type RoomCommand } from "./scopes";

/** A message the operator sends (RongCloud fromUserId / objectName / content). */
export interface OperatorMessage {
  /** shown as the sender; need not be a member, is never checked against mutes or bans */
  senderUserID: string;
  type: string;
  content: string;
}

/** What {@link publishToRooms} did in each room. */
export interface PublishResult {
  /** rooms that delivered the message, with the message as numbered there */
  delivered: { roomId: string; message: RoomMessage }[];
  /** rooms whose admission window was full (the drop is counted in the room's stats) */
  dropped: string[];
}

export type { MessageStats } from "./roomOperations";

/**
 * Publishes one message to each room, ignoring mutes, as high priority (low-priority types are
 * still shed first, protected types never). Before sending anything it checks every room: throws
 * ROOM_NOT_EXIST naming the rooms that are not live, or DISTRIBUTION_STOPPED naming the stopped
 * ones, and then nothing is sent. A room failing after these checks (destroyed meanwhile) throws
 * its error, naming the rooms that had already delivered.
 */
export async function publishToRooms(ctx: ChatContext, roomIds: readonly string[], message: OperatorMessage): Promise<PublishResult> {
  const live = await Promise.all(roomIds.map((roomId) => ctx.directory.find(roomId)));
  const missing = roomIds.filter((_, i) => !live[i]);
  if (missing.length > 0) throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `chatroom ${missing.join(", ")} does not exist; nothing was sent`);
  const stopped = await distributionStopped(ctx, roomIds);
  const stoppedIds = roomIds.filter((_, i) => stopped[i]);
  if (stoppedIds.length > 0) {
    throw new ChatError(
      ErrorCode.DISTRIBUTION_STOPPED,
      `message distribution is stopped in chatroom ${stoppedIds.join(", ")}; nothing was sent`,
    );
  }
  const outcomes = await Promise.allSettled(
    roomIds.map(async (roomId) => ({
      roomId,
      message: await ctx.directory.room(roomId).operatorPublish(message.senderUserID, message.type, message.content),
    })),
  );
  const result: PublishResult = { delivered: [], dropped: [] };
  let failure: unknown;
  for (const o of outcomes) {
    if (o.status === "rejected") failure ??= o.reason;
    else if (o.value.message === null) result.dropped.push(o.value.roomId);
    else result.delivered.push({ roomId: o.value.roomId, message: o.value.message });
  }
  if (failure !== undefined) {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the room's own rejection, passed on as it came
    if (!isChatError(failure) || result.delivered.length === 0) throw failure;
    throw new ChatError(failure.code, `${failure.message} (already delivered in ${result.delivered.map((d) => d.roomId).join(", ")})`);
  }
  return result;
}

/**
 * Sends one message to every live room of the cluster over the bus. Each room numbers, stores and
 * delivers it like any other message (so sequence numbers stay gap-free); rooms with distribution
 * stopped, or whose admission window is full, skip it. Resolves once the message is on the bus.
 */
export async function broadcastToAllRooms(ctx: ChatContext, message: OperatorMessage): Promise<void> {
  const command: RoomCommand = { type: "publish", senderUserID: message.senderUserID, messageType: message.type, content: message.content };
  await ctx.store.bus.publish(Topic.allRooms, command);
}

/**
 * Recalls a kept message of `roomId` sent by `senderUserID`: it leaves history and, when the room
 * is live (on any process), every member receives a recall notice. A room that is no longer live
 * only loses the message from its history (so a room re-created with that id does not replay it).
 * Throws MESSAGE_NOT_FOUND when the room's history does not hold it, NOT_MESSAGE_SENDER when it
 * was sent by someone else.
 */
export async function recallMessage(ctx: ChatContext, roomId: string, messageID: string, senderUserID: string): Promise<RoomMessage> {
  const found = await findRecallable(ctx, roomId, messageID, { kind: "operatorAs", senderUserID });
  if (await ctx.directory.find(roomId)) {
    try {
      return await ctx.directory.room(roomId).operatorRecall(messageID);
    } catch (e) {
      // the room went away meanwhile: fall through to the history
      if (!isChatError(e) || e.code !== ErrorCode.ROOM_NOT_EXIST || (await ctx.directory.find(roomId))) throw e;
    }
  }
  await ctx.store.history.remove(roomId, messageID);
  return found;
}

/** A page of a room's kept history (oldest first, as the store returns it) and the room's last seq. */
export async function queryHistory(
  ctx: ChatContext,
  roomId: string,
  query: HistoryQuery,
): Promise<{ messages: RoomMessage[]; lastSeq: number }> {
  const [messages, lastSeq] = await Promise.all([ctx.store.history.query(roomId, query), ctx.store.history.lastSeq(roomId)]);
  return { messages, lastSeq };
}

/** Admission counters of a live room on any process; ROOM_NOT_EXIST otherwise. */
export function messageStats(ctx: ChatContext, roomId: string): Promise<MessageStats> {
  return ctx.directory.room(roomId).operatorMessageStats();
}
