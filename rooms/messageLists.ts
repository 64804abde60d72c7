import type { ChatContext } from "../src/service/context";
import { Scope } from "../src/service/scopes";
import type { MessageLists } from "./MessagePipeline";

/**
 * Reads a room's message settings from the store: the app-wide low-priority and protected message
 * types, and whether distribution is stopped in room `roomId`. Rejects when the store does.
 */
export async function loadMessageLists(ctx: ChatContext, roomId: string): Promise<MessageLists> {
  const { sets } = ctx.store;
  const now = ctx.now();
  const [low, protectedTypes, stopped] = await Promise.all([
    sets.list(Scope.lowPriorityTypes, now),
    sets.list(Scope.protectedTypes, now),
    sets.has(Scope.distributionStopped, roomId, now),
  ]);
  return {
    lowPriorityTypes: new Set(low.map((e) => e.member)),
    protectedTypes: new Set(protectedTypes.map((e) => e.member)),
    distributionStopped: stopped,
  };
}
