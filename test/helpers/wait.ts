/** Waiting for an observable condition, without the server helpers (for store and unit suites). */

/** Resolves when `predicate` holds, polling every `intervalMs` (10); rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5000, what = "condition", intervalMs = 10): Promise<void> {
  // performance.now, not Date.now: the deadline holds while a test fakes Date (helpers/fakeDate.ts)
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
