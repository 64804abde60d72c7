/**
 * The two reads of a room's history that bring a member's stream up to a seq: what a joiner gets,
 * and what a member that missed messages gets. One place for both, used by the owner room
 * (MessagePipeline) and by relay shards (RelayShard), which read the same store.
 */
import type { HistorySync, RoomMessage } from "../src/protocol";
import type { ChatContext } from "../src/service/context";

/** Messages delivered to a member when it joins. */
export const JOIN_HISTORY_COUNT = 10;

/** The last {@link JOIN_HISTORY_COUNT} messages up to `lastSeq`, with that seq: what a joining member receives. */
export async function joinHistory(ctx: ChatContext, roomId: string, lastSeq: number): Promise<HistorySync> {
  const messages = await ctx.store.history.query(roomId, { beforeSeq: lastSeq + 1, limit: JOIN_HISTORY_COUNT, direction: "backward" });
  return { messages, lastSeq };
}

/** The stored messages after `afterSeq` up to `lastSeq` (at most the history size), oldest first: what a member missed. */
export async function missedMessages(ctx: ChatContext, roomId: string, afterSeq: number, lastSeq: number): Promise<RoomMessage[]> {
  const messages = await ctx.store.history.query(roomId, { afterSeq, limit: ctx.config.historySize, direction: "forward" });
  return messages.filter((m) => m.seq <= lastSeq);
}
