/**
 * What a process does when its store's connection comes back (src/store/redis.ts, "Recovery"):
 * it puts back what it owns, in order, bounded and logged.
 *
 * 1. Its room-id claims: renewed, and taken back where they vanished (ClaimKeeper.reclaim). A
 *    claim found held by another process closes that room here (ClaimKeeper's onLost).
 * 2. Only when Redis lost its data meanwhile (the store's epoch changed):
 *    - the moderation its rooms hold (bans, mutes, global mutes, mute-all, mute exceptions,
 *      protected users), as it was when the connection dropped, by ModerationCaches.writeBack's
 *      rule: unexpired entries with their original expiry, never over a change made since the loss;
 *    - its rooms' records (rooms/roomSnapshot.ts), written again in full, and their roles
 *      (rooms/RoomRoles.ts, by the store's restore rule: never over a change made since the loss).
 * Room listings and the process's registration are Colyseus' and are put back by the standalone
 * server's backends (src/standalone/backends.ts) on their own connections' reconnect.
 *
 * Installed once per store, by the first room this process creates; a process without rooms
 * holds nothing to put back.
 */
import type { ChatStore, StoreConnectionChange } from "../store/types";
import type { ChatContext } from "./context";
import type { ModerationSnapshot } from "./moderationCache";

/** A restore gives up (and says so) after this long; what it did not finish is retried by the claim beat and the next change. */
const RESTORE_TIMEOUT_MS = 30_000;

/** Something that writes its whole record again after a data loss (a room's snapshot). */
export interface RecordHolder {
  rewrite(): Promise<void>;
}

interface Recovery {
  records: Set<RecordHolder>;
  /** What the rooms held when the connection dropped. */
  snapshot: ModerationSnapshot | undefined;
  running: Promise<void>;
}

const recoveries = new WeakMap<ChatStore, Recovery>();

/**
 * Starts watching the store of `ctx` (once per store; later calls only make sure it is watched).
 * Resolves once the store has marked its data, so a loss after this is detected.
 */
export async function watchStoreRecovery(ctx: ChatContext): Promise<void> {
  const { store } = ctx;
  if (!store.recovery || recoveries.has(store)) return;
  const recovery: Recovery = { records: new Set(), snapshot: undefined, running: Promise.resolve() };
  recoveries.set(store, recovery);
  try {
    await store.recovery.watch((change) => onChange(ctx, recovery, change));
  } catch (e) {
    recoveries.delete(store); // the next room tries again
    throw e;
  }
}

/** Registers a room's record for rewriting after a data loss; returns the function that unregisters it. */
export function trackRoomRecord(ctx: ChatContext, holder: RecordHolder): () => void {
  const recovery = recoveries.get(ctx.store);
  recovery?.records.add(holder);
  return () => {
    recovery?.records.delete(holder);
  };
}

function onChange(ctx: ChatContext, recovery: Recovery, change: StoreConnectionChange): void {
  if (change.state === "down") {
    // before any reload can replace it with what a Redis that lost its data says
    recovery.snapshot ??= ctx.moderationCaches.snapshot();
    console.warn(
      `store connection lost: this process holds ${ctx.claims.names().length} room id claims and ${ctx.moderationCaches.size} rooms' moderation; restoring them when it is back`,
    );
    return;
  }
  const snapshot = recovery.snapshot;
  recovery.snapshot = undefined;
  recovery.running = recovery.running.then(() => restore(ctx, recovery, change.lost, snapshot));
}

async function restore(ctx: ChatContext, recovery: Recovery, lost: boolean, snapshot: ModerationSnapshot | undefined): Promise<void> {
  const started = Date.now();
  const done: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), RESTORE_TIMEOUT_MS);
  });
  const steps = async (): Promise<void> => {
    const claims = await ctx.claims.reclaim();
    done.push(
      `${claims.held} claims renewed (${claims.retaken.length} taken back${claims.lostToOthers.length > 0 ? `, lost to another process: ${claims.lostToOthers.join(", ")}` : ""})`,
    );
    if (!lost) return;
    const entries = snapshot ? await ctx.moderationCaches.writeBack(snapshot, ctx.store.sets) : 0;
    done.push(`${entries} moderation entries put back`);
    const records = [...recovery.records];
    await Promise.all(records.map((r) => r.rewrite()));
    done.push(`${records.length} room records rewritten`);
  };
  try {
    const outcome = await Promise.race([steps().then(() => "done" as const), timeout]);
    const what = lost ? "Redis lost its data" : "Redis kept its data";
    if (outcome === "timeout")
      console.error(`store reconnected (${what}): restore gave up after ${RESTORE_TIMEOUT_MS} ms; done: ${done.join("; ") || "nothing"}`);
    else console.warn(`store reconnected (${what}): ${done.join("; ")} in ${Date.now() - started} ms`);
  } catch (e) {
    console.error(`store reconnected: restore failed after ${done.join("; ") || "nothing"}:`, e instanceof Error ? e.message : e);
  } finally {
    clearTimeout(timer);
  }
}
