/**
 * A fake `Date` (and nothing else) for time rules the server does not read from its injected
 * `now`: the operator API's rate limits (rate-limiter-flexible's memory buckets expire by
 * `Date.now()`). Timers, `performance` and `process.hrtime` stay real, so sockets, Colyseus and
 * the SDK run as usual; only wall-clock reads see the fake time, which stands still until
 * {@link advanceDate} moves it.
 */

/** Every API jest's fake timers can replace except `Date`. */
const REAL_APIS = [
  "hrtime",
  "nextTick",
  "performance",
  "queueMicrotask",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "setImmediate",
  "clearImmediate",
  "setInterval",
  "clearInterval",
  "setTimeout",
  "clearTimeout",
] as const;

/** Replaces `Date` with one frozen at the current time; undo with {@link restoreDate}. */
export function freezeDate(): void {
  jest.useFakeTimers({ doNotFake: [...REAL_APIS], now: Date.now() });
}

/** Moves the frozen `Date` forward by `ms` (e.g. past a one-second rate-limit window). */
export function advanceDate(ms: number): void {
  jest.setSystemTime(Date.now() + ms);
}

/** The real `Date` again. */
export function restoreDate(): void {
  jest.useRealTimers();
}

/**
 * Runs the enclosing describe block (or file) on a frozen `Date`: frozen in beforeAll, real again
 * in afterAll.
 */
export function useFrozenDate(): void {
  beforeAll(freezeDate);
  afterAll(restoreDate);
}

/**
 * Runs `calls` on a frozen `Date` moved one second on, so the operator API's rate-limit windows
 * (one second of Date.now()) start afresh and none ends in the middle of `calls`, which may move
 * it further with {@link advanceDate}; the real `Date` is back afterwards.
 */
export async function inFreshRateWindow<T>(calls: () => Promise<T>): Promise<T> {
  freezeDate();
  try {
    advanceDate(1000);
    return await calls();
  } finally {
    restoreDate();
  }
}
