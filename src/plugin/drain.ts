/**
 * Room placement that skips draining processes: a wrapper of Colyseus' `selectProcessIdToCreateRoom`
 * (the server option deciding which process creates a new room). Colyseus alone would keep placing
 * rooms on a process that is going away: `stats.excludeProcess` is undone by the next room dispose
 * (`stats.persist`), so the draining marks live in the chat store instead (service/drain.ts).
 */
import { matchMaker } from "@colyseus/core";
import { chooseProcess, leastLoaded, relayProcess } from "../core/drain";
import { isRelay } from "../service/placement";
import type { ChatContext } from "../service/context";
import { drainingProcesses } from "../service/drain";

/** Colyseus' callback choosing the process that creates a room (its `SelectProcessIdCallback`). */
export type SelectProcessId = matchMaker.SelectProcessIdCallback;

/** Colyseus' default choice: the process with the fewest rooms, else this one. */
async function fewestRooms(): Promise<string> {
  return leastLoaded(await matchMaker.stats.fetchAll(), new Set()) ?? matchMaker.processId;
}

/**
 * `inner` [Colyseus' default: the process with the fewest rooms], except that a draining process
 * is replaced by the least loaded process that is not draining. When the store cannot be read the
 * choice of `inner` stands (logged): placement must not fail because Redis hiccups.
 */
export function skipDrainingProcesses(ctx: Pick<ChatContext, "store" | "now">, inner: SelectProcessId = fewestRooms): SelectProcessId {
  return async (roomName, clientOptions) => {
    const preferred = await inner(roomName, clientOptions);
    let draining: Set<string>;
    try {
      draining = await drainingProcesses(ctx.store.sets, ctx.now());
    } catch (e) {
      console.error("room placement: reading the draining processes failed:", e instanceof Error ? e.message : e);
      return preferred;
    }
    if (!draining.has(preferred)) return preferred;
    return chooseProcess(preferred, await matchMaker.stats.fetchAll(), draining) ?? preferred;
  };
}

/**
 * `inner`, except for a relay shard of a live room (service/placement.ts): it goes to the process
 * with the fewest connections that holds no part of that room yet (core/drain relayProcess).
 */
export function placeRelays(ctx: Pick<ChatContext, "store" | "now" | "directory">, inner: SelectProcessId = fewestRooms): SelectProcessId {
  return async (roomName, clientOptions) => {
    if (!isRelay(clientOptions)) return inner(roomName, clientOptions);
    const roomId = (clientOptions as Record<string, unknown>).roomId;
    try {
      const [owner, relays, processes, draining] = await Promise.all([
        typeof roomId === "string" ? ctx.directory.find(roomId) : undefined,
        typeof roomId === "string" ? ctx.directory.relays(roomId) : [],
        matchMaker.stats.fetchAll(),
        drainingProcesses(ctx.store.sets, ctx.now()),
      ]);
      const hosting = new Set([owner, ...relays].flatMap((listing) => (listing ? [listing.processId] : [])));
      return relayProcess(processes, hosting, draining) ?? (await inner(roomName, clientOptions));
    } catch (e) {
      console.error("relay placement failed; placing as any room:", e instanceof Error ? e.message : e);
      return inner(roomName, clientOptions);
    }
  };
}
