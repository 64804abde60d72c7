/**
 * Draining one process for a deploy (chat.drain()): it is marked as draining in the store, so every
 * process's room placement skips it (plugin/drain.ts), refuses new chat rooms itself, and closes its
 * chat rooms with SHUTDOWN. A shutdown keeps a room's record (core/exitReasons forgetsRoom), so its
 * members' clients re-enter and the room comes back, the same room, on a process that is not draining.
 */
import { ChatError, ErrorCode } from "../core/errors";
import type { ExpiringSetStore } from "../store/types";
import { Scope } from "./scopes";

/** How long a draining mark lasts unless renewed: a drainer that dies stops being skipped by then. */
export const DRAIN_MARK_TTL_MS = 30_000;
/** How long a drain waits for its mark to be written before it closes the rooms anyway. */
export const DRAIN_MARK_WAIT_MS = 2000;
/** How often a draining process renews its mark. */
export const DRAIN_MARK_RENEW_MS = 10_000;

/** A chat room of this process, as the drain closes it. */
export interface LocalRoom {
  /** Closes the room with SHUTDOWN (its record kept); the room untracks itself once disposed. */
  close(): void;
}

/** The processes marked as draining now (their Colyseus process ids). */
export async function drainingProcesses(sets: ExpiringSetStore, now: number): Promise<Set<string>> {
  return new Set((await sets.list(Scope.drainingProcesses, now)).map((entry) => entry.member));
}

/**
 * The drain state of this process's chatrooms: the chat rooms it hosts (tracked by the rooms
 * themselves) and whether it drains. One per chatrooms instance (ChatContext.drain).
 */
export class ProcessDrain {
  private readonly rooms = new Map<string, LocalRoom>();
  private draining: Promise<void> | undefined;
  private renewTimer: ReturnType<typeof setInterval> | undefined;
  private readonly emptyWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly sets: ExpiringSetStore,
    private readonly now: () => number,
    /** This process's id as Colyseus' matchmaker knows it (set once the server started). */
    readonly processId: () => string,
  ) {}

  /** True once {@link drain} was called. */
  get isDraining(): boolean {
    return this.draining !== undefined;
  }

  /** Chat rooms open on this process now. */
  get roomCount(): number {
    return this.rooms.size;
  }

  /** Throws SHUTTING_DOWN when this process drains: room `roomId` must be created on another one. */
  assertAccepting(roomId: string): void {
    if (this.isDraining) {
      throw new ChatError(ErrorCode.SHUTTING_DOWN, `this process is draining: room ${roomId} cannot be created here, ask again`);
    }
  }

  /**
   * Tracks a chat room this process created; returns the function its dispose calls. A room that
   * finished creating while the drain began is closed at once (on the next turn, after its creation).
   */
  track(roomId: string, room: LocalRoom): () => void {
    this.rooms.set(roomId, room);
    if (this.isDraining) setTimeout(() => room.close(), 0);
    return () => {
      if (this.rooms.get(roomId) !== room) return;
      this.rooms.delete(roomId);
      if (this.rooms.size === 0) for (const resolve of this.emptyWaiters.splice(0)) resolve();
    };
  }

  /**
   * Drains this process: marks it (renewed while it drains), stops creating rooms here, closes
   * every chat room here with SHUTDOWN, and resolves once they are all disposed (their ids
   * released, so they can come back elsewhere). Idempotent: a second call resolves with the first.
   * A store that cannot be written (or does not answer within 2 s) is logged: the rooms close all
   * the same, and a room placed here meanwhile is refused with SHUTTING_DOWN.
   */
  drain(): Promise<void> {
    this.draining ??= this.run();
    return this.draining;
  }

  /** Stops renewing the mark and removes it (the process is going away). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renewTimer);
    if (this.isDraining) await this.sets.remove(Scope.drainingProcesses, [this.processId()]);
  }

  private async run(): Promise<void> {
    const marked = this.mark().catch((e: unknown) => {
      console.error("drain: marking this process as draining failed:", e instanceof Error ? e.message : e);
    });
    // the mark first, so the rooms' members find the other processes placing them; but a store
    // that hangs (Redis down, commands queued) must not keep the rooms (and a shutdown) waiting
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([marked, new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_MARK_WAIT_MS)))]);
    clearTimeout(timer);
    if (!this.stopped) {
      this.renewTimer = setInterval(() => {
        this.mark().catch((e: unknown) => console.error("drain: renewing the mark failed:", e instanceof Error ? e.message : e));
      }, DRAIN_MARK_RENEW_MS);
      this.renewTimer.unref();
    }
    const emptied = new Promise<void>((resolve) => {
      if (this.rooms.size === 0) resolve();
      else this.emptyWaiters.push(resolve);
    });
    for (const room of [...this.rooms.values()]) room.close();
    await emptied;
  }

  private mark(): Promise<void> {
    return this.sets.add(Scope.drainingProcesses, [this.processId()], this.now() + DRAIN_MARK_TTL_MS);
  }
}
