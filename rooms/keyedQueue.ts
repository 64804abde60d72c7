/**
 * Runs async calls one after another per key (a sender's messages through `onBeforeMessage`), so
 * a key's calls finish in the order they were made while different keys run side by side.
 */
export class KeyedQueue {
  /** The last call queued per key, while it runs. */
  private readonly tails = new Map<string, Promise<unknown>>();

  /**
   * Starts `call` once every earlier call of `key` has settled (a failed one does not stop the
   * next) and resolves or rejects as `call` does.
   */
  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const run = previous ? previous.then(call, call) : call();
    this.tails.set(key, run);
    const forget = () => {
      if (this.tails.get(key) === run) this.tails.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  /** Keys with calls still queued or running. */
  get size(): number {
    return this.tails.size;
  }

  /** Forgets `key`'s queue: its next call starts at once (the key's member left). */
  forget(key: string): void {
    this.tails.delete(key);
  }
}
