import { TYPING_EXPIRY_MS, TYPING_REPEAT_MS } from "../protocol";

/** The clock the typing trackers read: real time by default, a fake one in tests. */
export interface TypingClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const realClock: TypingClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * This client's side of typing in one room: turns `set(true)` on every keystroke into at most
 * one `typing: true` notice per {@link TYPING_REPEAT_MS}, and `set(false)` into one `typing: false`
 * (only after a `true` was sent). `send` is the request to the room; its failures are ignored
 * (typing is a hint, never worth an error).
 */
export class TypingSender {
  private lastSentAt: number | undefined;
  private typing = false;

  constructor(
    private readonly send: (typing: boolean) => Promise<unknown>,
    private readonly clock: TypingClock = realClock,
  ) {}

  /** True while this client has told the room it is typing (and not yet that it stopped). */
  get isTyping(): boolean {
    return this.typing;
  }

  /** This user is typing (call it on every keystroke) or stopped. */
  set(typing: boolean): void {
    const now = this.clock.now();
    if (typing) {
      if (this.typing && this.lastSentAt !== undefined && now - this.lastSentAt < TYPING_REPEAT_MS) return;
      this.typing = true;
      this.lastSentAt = now;
      this.send(true).catch(() => undefined);
      return;
    }
    if (!this.typing) return;
    this.typing = false;
    this.lastSentAt = undefined;
    this.send(false).catch(() => undefined);
  }

  /**
   * The user's message went out: the room stops showing it as typing by itself, so no `false` is
   * sent, and the next keystroke sends `true` again at once.
   */
  messageSent(): void {
    this.typing = false;
    this.lastSentAt = undefined;
  }
}

/**
 * Who is typing in one room, from the room's typing notices: a typist is forgotten
 * {@link TYPING_EXPIRY_MS} after its last notice, when it says it stopped, when its message
 * arrives, or when it leaves. `changed` is called with the user ids typing now (in the order they
 * started) whenever that list changes.
 */
export class TypingWatcher {
  /** Expiry timer of each typist, in the order they started typing. */
  private readonly typists = new Map<string, unknown>();

  constructor(
    private readonly changed: (userIDs: string[]) => void,
    private readonly clock: TypingClock = realClock,
  ) {}

  /** User ids typing now, in the order they started. */
  get userIDs(): string[] {
    return [...this.typists.keys()];
  }

  /** A typing notice from the room. */
  notice(userId: string, typing: boolean): void {
    if (!typing) {
      this.forget(userId);
      return;
    }
    const known = this.typists.has(userId);
    this.clock.clearTimeout(this.typists.get(userId));
    this.typists.set(
      userId,
      this.clock.setTimeout(() => this.forget(userId), TYPING_EXPIRY_MS),
    );
    if (!known) this.changed(this.userIDs);
  }

  /** `userId` is no longer typing (its message arrived, it left, or it said so). */
  forget(userId: string): void {
    if (!this.typists.has(userId)) return;
    this.clock.clearTimeout(this.typists.get(userId));
    this.typists.delete(userId);
    this.changed(this.userIDs);
  }

  /** The room is left: forgets everyone without reporting. */
  stop(): void {
    for (const timer of this.typists.values()) this.clock.clearTimeout(timer);
    this.typists.clear();
  }
}
