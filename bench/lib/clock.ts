/** Microseconds of the system-wide monotonic clock (CLOCK_MONOTONIC): comparable across processes. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Content bytes of every benchmark message (the issue's ~100 B). */
export const CONTENT_BYTES = 100;

/** A ~100-byte message content carrying its send time, for send-to-receive latency. */
export function stampedContent(seq: number): string {
  const head = `${nowUs()}:${seq}:`;
  return head + "x".repeat(Math.max(0, CONTENT_BYTES - head.length));
}

/** The send time (µs) inside a {@link stampedContent}; NaN when it carries none. */
export function stampOf(content: string): number {
  return Number(content.slice(0, content.indexOf(":")));
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
