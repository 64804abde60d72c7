/**
 * The room's rule timers: the destroy check (core/destroyPolicy) and the offline kick-out check
 * (core/kickout, timer mode). Each runs on an injected scheduler and clock, and re-checks its rule
 * at least every {@link MAX_TIMER_MS}, so a deadline is met to the second even when the clock
 * jumps (tests) or the rule changes under a pending timer (an operator's new destroy policy).
 */
import type { DestroyCause, DestroyPolicy, RoomActivity } from "../src/core/destroyPolicy";
import { dueDestroy, nextDestroy } from "../src/core/destroyPolicy";
import type { OfflineKickout } from "../src/core/kickout";

/** Longest wait of a rule timer before it checks its rule again (ms). */
export const MAX_TIMER_MS = 1000;

/** A pending timer; clearing it (also twice, or after it fired) stops it. */
export interface TimerHandle {
  clear(): void;
}

/** Runs `callback` once after `ms` (Colyseus' room clock, or setTimeout in tests). */
export type Schedule = (callback: () => void, ms: number) => TimerHandle;

/** How long a timer for `deadline` waits at `now`: until the deadline, at most {@link MAX_TIMER_MS}, never negative. */
export function recheckDelay(deadline: number, now: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, deadline - now));
}

/** What the destroy timer reads and calls. */
export interface DestroyTimerHost {
  schedule: Schedule;
  now(): number;
  /** The room's destroy policy as it is now (it may change between checks). */
  policy(): DestroyPolicy;
  /** The room's activity as it is now. */
  activity(): RoomActivity;
  /** The room is due to be destroyed: called once per arming, when the check finds a cause. */
  onDue(cause: DestroyCause): void;
}

/** Destroys the room when its destroy policy says so. */
export class DestroyTimer {
  private timer: TimerHandle | undefined;

  constructor(private readonly host: DestroyTimerHost) {}

  /**
   * (Re)arms the check after anything that moves the deadline (a join, a leave, a new policy):
   * replaces a pending check; none is armed when the policy never destroys (keep-alive).
   */
  arm(): void {
    this.clear();
    const next = nextDestroy(this.host.policy(), this.host.activity());
    if (!next) return;
    this.timer = this.host.schedule(() => this.check(), recheckDelay(next.at, this.host.now()));
  }

  /** Stops the pending check, if any. */
  clear(): void {
    this.timer?.clear();
    this.timer = undefined;
  }

  private check(): void {
    this.timer = undefined;
    const cause = dueDestroy(this.host.policy(), this.host.activity(), this.host.now());
    if (cause) this.host.onDue(cause);
    else this.arm();
  }
}

/** What the kick-out timer reads and calls. */
export interface KickoutTimerHost {
  schedule: Schedule;
  now(): number;
  /** The room's offline members and their windows. */
  kickout: OfflineKickout;
  /** Protected users are never kicked out. */
  isProtected(userId: string): boolean;
  /** Members whose window ended (never empty): the room removes them with OFFLINE. */
  onDue(userIds: string[]): void;
}

/** Timer mode of the offline kick-out: removes offline members when their window ends. */
export class KickoutTimer {
  private timer: TimerHandle | undefined;

  constructor(private readonly host: KickoutTimerHost) {}

  /**
   * (Re)arms the check for the earliest pending window after a member went offline. With no
   * window pending (RongCloud mode, or nobody offline) a pending check is left as it is.
   */
  arm(): void {
    const deadline = this.host.kickout.nextDeadline();
    if (deadline === null) return;
    this.timer?.clear();
    this.timer = this.host.schedule(() => this.check(), recheckDelay(deadline, this.host.now()));
  }

  private check(): void {
    this.timer = undefined;
    const due = this.host.kickout.due(this.host.now(), (userId) => this.host.isProtected(userId));
    if (due.length > 0) this.host.onDue(due);
    this.arm();
  }
}
