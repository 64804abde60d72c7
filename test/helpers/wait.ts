/** Waiting for an observable condition, without the server helpers (for store and unit suites). */

/** Resolves when `predicate` holds, polling every `intervalMs` (10); rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = "condition",
  intervalMs = 10,
): Promise<void> {
  // performance.now, not Date.now: the deadline holds while a test fakes Date (helpers/fakeDate.ts)
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * `promise`, or `fallback` when it has not settled within `timeoutMs`: bounds a wait for an event
 * whose absence the caller reports (the timer is cleared either way, so it holds nothing open).
 */
export async function within<T, F>(promise: Promise<T>, timeoutMs: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves once `ms` have passed since `since` (a `Date.now()` reading). Only for a wait that is
 * itself what a test is about (an outage that must outlast a grace period), never for "long enough
 * for something to happen": wait for that something instead.
 */
export async function untilElapsed(since: number, ms: number): Promise<void> {
  for (let left = ms - (Date.now() - since); left > 0; left = ms - (Date.now() - since)) {
    await new Promise((r) => setTimeout(r, left));
  }
}
