/**
 * The queue between the chat events and the receivers: one ordered stream of batches per URL.
 * Two implementations with the same behaviour: {@link createMemoryWebhookQueue} (this process,
 * lost on restart) and the BullMQ one in webhooksBullmq.ts (Redis, survives restarts).
 *
 * Order: a stream delivers its head batch (retrying with backoff as long as the policy allows)
 * before it starts on the next, so a room's later events never overtake its earlier ones, even
 * across batches and failures. The price is head-of-line blocking: while a URL fails, every
 * room's events for that URL wait (other URLs are not held up).
 */
import {
  deliverBatch,
  FailureLog,
  type DeliveryObserver,
  type DeliveryTarget,
  type RetryPolicy,
  type SigningCredentials,
} from "./webhooksDelivery";
import type { WebhookEvent } from "./webhooksPayload";

/** What the webhooks need of a queue. */
export interface WebhookQueue {
  /** Queues one batch for every URL; batches are delivered in the order they were queued. */
  enqueue(events: WebhookEvent[]): Promise<void>;
  /** Deliveries (one batch to one URL) queued or under way. */
  depth(): Promise<number>;
  /** Stops delivering (see each implementation for what happens to what is left). */
  close(): Promise<void>;
}

/** What every queue is built from. */
export interface WebhookQueueOptions extends SigningCredentials {
  urls: readonly string[];
  policy: RetryPolicy;
  fetch: typeof fetch;
  observe?: DeliveryObserver;
  /** Told of every error of a queue's own Redis connection. */
  onRedisError?: ((connection: string) => void) | undefined;
}

/** The delivery target of one URL, with its own failure log. */
export function targetOf(options: WebhookQueueOptions, url: string): DeliveryTarget {
  const { appKey, appSecret, fetch, observe } = options;
  return { url, appKey, appSecret, fetch, observe, log: new FailureLog(`webhook ${url}`) };
}

/** One URL's batches in this process, delivered one at a time, head first. */
class MemoryStream {
  private readonly batches: WebhookEvent[][] = [];
  private readonly stop = new AbortController();
  private active = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly target: DeliveryTarget,
    private readonly policy: RetryPolicy,
  ) {}

  get size(): number {
    return this.batches.length;
  }

  get events(): number {
    return this.batches.reduce((sum, batch) => sum + batch.length, 0);
  }

  push(batch: WebhookEvent[]): void {
    if (this.stop.signal.aborted) return;
    this.batches.push(batch);
    if (!this.active) this.running = this.run();
  }

  /** Resolves when the stream is empty (or stopped). */
  idle(): Promise<void> {
    return this.running;
  }

  abort(): void {
    this.stop.abort(new Error("webhooks closed"));
  }

  private async run(): Promise<void> {
    this.active = true;
    try {
      for (let head = this.batches.at(0); head !== undefined && !this.stop.signal.aborted; head = this.batches.at(0)) {
        try {
          await deliverBatch(this.target, head, this.policy, this.stop.signal);
        } catch {
          return; // aborted: the head stays queued (and is lost with the process)
        }
        this.batches.shift();
      }
    } finally {
      this.active = false;
    }
  }
}

/**
 * The in-process queue: ordered, retried, but held in memory, so whatever is queued when the
 * process ends is lost. `close()` waits up to `drainMs` for the queued batches to be delivered,
 * then stops and logs what it drops.
 */
export function createMemoryWebhookQueue(options: WebhookQueueOptions, drainMs: number): WebhookQueue {
  const streams = new Map<string, MemoryStream>();
  for (const url of options.urls) streams.set(url, new MemoryStream(targetOf(options, url), options.policy));
  return {
    async enqueue(events) {
      for (const stream of streams.values()) stream.push(events);
    },
    async depth() {
      let depth = 0;
      for (const stream of streams.values()) depth += stream.size;
      return depth;
    },
    async close() {
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.all([...streams.values()].map((s) => s.idle()));
      await Promise.race([drained, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
      for (const [url, stream] of streams) {
        stream.abort();
        await stream.idle();
        if (stream.size > 0)
          console.error(
            `webhook ${url}: closed with ${stream.events} event(s) in ${stream.size} batch(es) undelivered (in-memory queue: they are lost)`,
          );
      }
    },
  };
}
