/**
 * Offline kick-out (README "Rooms and their lifecycle"): a member whose last connection dropped stays in
 * the room, marked offline, until this module says it must be removed with exit reason OFFLINE.
 * Pure: the caller reports drops, returns and room messages with the time.
 */
import { ChatError, ErrorCode } from "./errors";

/**
 * "rongcloud": kicked by room traffic (the (limit+1)-th message since the drop inside the window,
 * or any message once the window has passed). "timer": kicked when the window ends, traffic or not.
 */
export type KickoutMode = "rongcloud" | "timer";

/** Kick-out settings. Defaults: rongcloud, 30 000 ms, 30 messages. */
export interface KickoutOptions {
  mode: KickoutMode;
  /** reconnection window in ms (30000) */
  windowMs: number;
  /** messages tolerated inside the window (30: the 31st kicks) */
  messageLimit: number;
}

interface Offline {
  droppedAt: number;
  /** room messages seen since the drop (RongCloud mode) */
  messages: number;
  /** timer mode: due() found the window over while the user was protected; left out of nextDeadline */
  passedOver: boolean;
}

/** Tracks offline members of one room and decides who is kicked, and when. */
export class OfflineKickout {
  private readonly offline = new Map<string, Offline>();

  /** Throws ChatError(PARAMETER) when windowMs is not > 0 or messageLimit is not an integer >= 0. */
  constructor(private readonly options: KickoutOptions) {
    if (!Number.isFinite(options.windowMs) || options.windowMs <= 0) {
      throw new ChatError(ErrorCode.PARAMETER, `kickout windowMs must be a number of ms > 0, got ${options.windowMs}`);
    }
    if (!Number.isInteger(options.messageLimit) || options.messageLimit < 0) {
      throw new ChatError(ErrorCode.PARAMETER, `kickout messageLimit must be an integer >= 0, got ${options.messageLimit}`);
    }
    // options may come from plain JavaScript
    const mode: unknown = options.mode;
    if (mode !== "rongcloud" && mode !== "timer") {
      throw new ChatError(ErrorCode.PARAMETER, `kickout mode must be "rongcloud" or "timer", got ${JSON.stringify(mode)}`);
    }
  }

  /** A member went offline (its last connection dropped) at `now`. Re-dropping an already offline user keeps the first drop time and count. */
  drop(userId: string, now: number): void {
    if (!this.offline.has(userId)) this.offline.set(userId, { droppedAt: now, messages: 0, passedOver: false });
  }

  /** The member came back (reconnected) or left for good: forget it. Unknown users are ignored. */
  forget(userId: string): void {
    this.offline.delete(userId);
  }

  /** True while the user is tracked as offline (dropped and neither forgotten nor returned by a kick). */
  isOffline(userId: string): boolean {
    return this.offline.has(userId);
  }

  /**
   * A room message arrived at `now`. RongCloud mode: returns the users to kick now, i.e. those for
   * whom this is message number messageLimit+1 since their own drop, or who have been offline for
   * at least windowMs. Timer mode: returns []. `isProtected(userId)` users are never returned (they
   * stay offline). Returned users are forgotten.
   */
  onRoomMessage(now: number, isProtected: (userId: string) => boolean): string[] {
    if (this.options.mode !== "rongcloud") return [];
    const kicked: string[] = [];
    for (const [userId, state] of this.offline) {
      state.messages += 1;
      const windowOver = now - state.droppedAt >= this.options.windowMs;
      if ((windowOver || state.messages > this.options.messageLimit) && !isProtected(userId)) kicked.push(userId);
    }
    for (const userId of kicked) this.offline.delete(userId);
    return kicked;
  }

  /**
   * Timer mode: users whose window ended (now - droppedAt >= windowMs), forgotten once returned.
   * RongCloud mode: []. Protected users are never returned; they stay offline and are returned by
   * a later call once no longer protected.
   */
  due(now: number, isProtected: (userId: string) => boolean): string[] {
    if (this.options.mode !== "timer") return [];
    const kicked: string[] = [];
    for (const [userId, state] of this.offline) {
      if (now - state.droppedAt < this.options.windowMs) continue;
      if (isProtected(userId)) state.passedOver = true;
      else kicked.push(userId);
    }
    for (const userId of kicked) this.offline.delete(userId);
    return kicked;
  }

  /**
   * Timer mode: earliest time due() will return someone (ignoring protection), or null when no
   * window is pending. A protected user that due() already passed over is left out, so a timer
   * armed on this value never fires in a loop. RongCloud mode: null.
   */
  nextDeadline(): number | null {
    if (this.options.mode !== "timer") return null;
    let next: number | null = null;
    for (const state of this.offline.values()) {
      if (state.passedOver) continue;
      const at = state.droppedAt + this.options.windowMs;
      if (next === null || at < next) next = at;
    }
    return next;
  }

  /** Users currently offline, in drop order. */
  offlineUsers(): string[] {
    return [...this.offline.keys()];
  }
}
