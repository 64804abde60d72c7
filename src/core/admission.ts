/**
 * Message admission (README "Configuration"): which room messages are distributed when a room is
 * flooded, and how fast one user may send. Pure: the caller passes the time.
 *
 * The room rule ({@link RoomAdmission.decide}), with `n` = messages admitted in the last `windowMs`
 * (protected ones included) and `normalShare` = windowSize - reservedHigh:
 * - protected user or protected type: always admitted (and counted in `n`);
 * - low class (a low-priority TYPE, whatever priority the sender claimed, or priority "low"):
 *   admitted while n < floor(normalShare / 2);
 * - normal priority: admitted while n < normalShare;
 * - high priority: admitted while n < windowSize.
 * With the defaults (40 / 200 ms, 20 reserved): low up to 10, normal up to 20, high up to 40 per
 * window. So low traffic is shed first, normal next, and the last `reservedHigh` slots are only
 * ever used by high-priority (or protected) messages.
 */
import { ChatError, ErrorCode } from "./errors";

/** Priority a message was sent with (ZIM's low/medium/high). */
export type Priority = "low" | "normal" | "high";

/** Room window settings. Defaults: 40 messages / 200 ms, 20 reserved for high priority. */
export interface AdmissionOptions {
  windowSize: number;
  windowMs: number;
  reservedHigh: number;
}

/** What admission needs to know about one message. */
export interface AdmissionRequest {
  priority: Priority;
  /** the message type is in the room's (operator-set) low-priority type set */
  lowPriorityType: boolean;
  /** the sender is allowlisted or the type is protected */
  protected: boolean;
}

/** Timestamps in arrival order, dropping those older than a window from the front. */
class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: number) {}

  /** Entries t with now - t < windowMs. */
  count(now: number): number {
    // at() is undefined past the end
    let oldest = this.times.at(this.head);
    while (oldest !== undefined && now - oldest >= this.windowMs) oldest = this.times.at(++this.head);
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

/** The admission window of one room. */
export class RoomAdmission {
  private readonly window: SlidingWindow;
  private readonly limits: Readonly<Record<Priority, number>>;
  private droppedCount = 0;
  private admittedCount = 0;

  /** Throws ChatError(PARAMETER) unless windowSize >= 1, windowMs > 0 and 0 <= reservedHigh <= windowSize (integers for the counts). */
  constructor(options: AdmissionOptions) {
    const { windowSize, windowMs, reservedHigh } = options;
    if (!Number.isInteger(windowSize) || windowSize < 1) {
      throw new ChatError(ErrorCode.PARAMETER, `admission windowSize must be an integer >= 1, got ${windowSize}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new ChatError(ErrorCode.PARAMETER, `admission windowMs must be a number of ms > 0, got ${windowMs}`);
    }
    if (!Number.isInteger(reservedHigh) || reservedHigh < 0 || reservedHigh > windowSize) {
      throw new ChatError(
        ErrorCode.PARAMETER,
        `admission reservedHigh must be an integer in 0..windowSize (${windowSize}), got ${reservedHigh}`,
      );
    }
    const normalShare = windowSize - reservedHigh;
    this.limits = { low: Math.floor(normalShare / 2), normal: normalShare, high: windowSize };
    this.window = new SlidingWindow(windowMs);
  }

  /** Decides at `now` by the rule in this module's header. Returns "admit" (counted in the window) or "drop" (counted in {@link dropped}). */
  decide(now: number, msg: AdmissionRequest): "admit" | "drop" {
    const inWindow = this.window.count(now);
    const cls: Priority = msg.lowPriorityType ? "low" : msg.priority;
    if (!msg.protected && inWindow >= this.limits[cls]) {
      this.droppedCount++;
      return "drop";
    }
    this.window.add(now);
    this.admittedCount++;
    return "admit";
  }

  /** Messages admitted in the window ending at `now`. */
  load(now: number): number {
    return this.window.count(now);
  }

  /** Total drops since creation. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Total admissions since creation. */
  get admitted(): number {
    return this.admittedCount;
  }
}

/** Per-user send rate: at most `perSecond` sends in any sliding window of `windowMs` (1000). */
export class SendRateLimiter {
  private readonly users = new Map<string, SlidingWindow>();

  /** Throws ChatError(PARAMETER) unless perSecond is an integer >= 1 and windowMs > 0. */
  constructor(
    private readonly perSecond: number,
    private readonly windowMs = 1000,
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) {
      throw new ChatError(ErrorCode.PARAMETER, `send rate perSecond must be an integer >= 1, got ${perSecond}`);
    }
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new ChatError(ErrorCode.PARAMETER, `send rate windowMs must be a number of ms > 0, got ${windowMs}`);
    }
  }

  /** True if `userId` may send at `now` (and the send is counted); false if over the rate (not counted). */
  tryConsume(userId: string, now: number): boolean {
    let window = this.users.get(userId);
    if (!window) {
      window = new SlidingWindow(this.windowMs);
      this.users.set(userId, window);
    }
    if (window.count(now) >= this.perSecond) return false;
    window.add(now);
    return true;
  }

  /** Forget a user's history (it left). */
  forget(userId: string): void {
    this.users.delete(userId);
  }
}
