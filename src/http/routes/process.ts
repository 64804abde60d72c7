/**
 * `/process/drain.json`: drains the process that answers (chat.drain(), docs/deployment.md). Not a
 * RongCloud endpoint: an operator's deploy script calls it on each process's own address before
 * stopping it. Signed, rate-limited and audited like every operator call; the standalone server
 * serves it, a studio adds it with `chat.router({ extraRoutes: [drainRoute] })`.
 */
import type { OperatorRoute } from "./route";

export const drainRoute: OperatorRoute = {
  path: "/process/drain.json",
  /** Answers once this process's chat rooms are closed: `{ code: 200, processId, closedRooms }`. */
  handle: async (ctx) => {
    const closedRooms = ctx.drain.isDraining ? 0 : ctx.drain.roomCount;
    await ctx.drain.drain();
    return { processId: ctx.drain.processId(), closedRooms };
  },
};
