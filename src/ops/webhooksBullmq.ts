/**
 * The durable webhook queue: BullMQ on Redis. One BullMQ queue per URL (`<prefix>:webhook-<hash of
 * the URL>:*` keys), one job per batch, processed by a worker of concurrency 1 under a global
 * concurrency of 1 (`queue.setGlobalConcurrency(1)`), so that of all the processes sharing the
 * prefix exactly one delivers a URL's head batch at a time, in the order the jobs were added.
 *
 * The retries happen inside the job (see deliverBatch), not as BullMQ retries: a BullMQ retry
 * parks the failed job in the delayed set and lets the next job run, which would deliver a room's
 * later events before its earlier ones. A job whose tries all failed ends in BullMQ's failed set
 * (the last 1000 are kept, for inspection or a manual retry) and the stream moves on.
 *
 * Restarts: `close()` interrupts the job under way and moves it back to the head of the wait list
 * (`job.moveToWait` + WaitingError), so the next instance with the same prefix delivers it first.
 * A crashed process leaves its job active; BullMQ's stalled-job check (after the lock expires, 30 s)
 * moves it back to the head too, and it is delivered again: delivery is at least once.
 *
 * bullmq is loaded when the first Redis queue is made, so apps without one never load it.
 */
import { createHash } from "node:crypto";
import type { Job, Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { deliverBatch, FailureLog, type DeliveryTarget, type RetryPolicy } from "./webhooksDelivery";
import type { WebhookEvent } from "./webhooksPayload";
import { targetOf, type WebhookQueue, type WebhookQueueOptions } from "./webhooksQueue";

type BullMQ = typeof import("bullmq");

/** What a job holds: one batch. */
interface BatchJob {
  events: WebhookEvent[];
}

/** Failed jobs kept per URL. */
const FAILED_KEPT = 1000;
/** Times a job may be found stalled (its process died) and be taken up again. */
const MAX_STALLED = 1000;

/** The BullMQ queue name of a URL: URLs may hold `:` and other characters BullMQ names must not. */
export function webhookQueueName(url: string): string {
  return `webhook-${createHash("sha1").update(url).digest("hex").slice(0, 16)}`;
}

class BullStream {
  readonly queue: Queue<BatchJob>;
  private readonly worker: Worker<BatchJob>;
  private readonly stop = new AbortController();
  readonly ready: Promise<void>;

  constructor(
    private readonly bullmq: BullMQ,
    connection: Redis,
    prefix: string,
    private readonly target: DeliveryTarget,
    private readonly policy: RetryPolicy,
    redisLog: FailureLog,
  ) {
    const name = webhookQueueName(target.url);
    this.queue = new bullmq.Queue<BatchJob>(name, { connection, prefix });
    this.worker = new bullmq.Worker<BatchJob>(name, (job, token) => this.process(job, token), {
      connection,
      prefix,
      concurrency: 1,
      autorun: false,
      maxStalledCount: MAX_STALLED,
    });
    const onError = (e: unknown) => redisLog.failed(e instanceof Error ? e.message : String(e));
    this.queue.on("error", onError);
    this.worker.on("error", onError);
    this.ready = this.queue.setGlobalConcurrency(1).then(() => {
      this.worker.run().catch(onError);
    });
    this.ready.catch(onError);
  }

  async add(events: WebhookEvent[]): Promise<void> {
    await this.ready;
    await this.queue.add("batch", { events }, { removeOnComplete: true, removeOnFail: FAILED_KEPT });
  }

  private async process(job: Job<BatchJob>, token: string | undefined): Promise<void> {
    let delivered: boolean;
    try {
      delivered = await deliverBatch(this.target, job.data.events, this.policy, this.stop.signal);
    } catch (e) {
      if (!this.stop.signal.aborted) throw e;
      // closing: back to the head of the wait list, for the next instance
      await job.moveToWait(token);
      throw new this.bullmq.WaitingError();
    }
    if (!delivered) throw new Error(`gave up after ${this.policy.attempts} tries`);
  }

  async close(): Promise<void> {
    this.stop.abort(new Error("webhooks closed"));
    await this.ready.catch(() => undefined);
    await this.worker.close();
    await this.queue.close();
  }
}

/**
 * The BullMQ queue on the Redis at `redisUrl`, keys under `prefix`. Durable: a batch is in Redis
 * once `enqueue` resolved and stays there until a receiver accepted it or every try failed.
 */
export function createBullmqWebhookQueue(options: WebhookQueueOptions, redisUrl: string, prefix: string): WebhookQueue {
  const redisLog = new FailureLog("webhook queue Redis");
  // BullMQ's workers need maxRetriesPerRequest null (commands wait for a reconnection instead of failing)
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connection.on("error", (e: Error) => {
    options.onRedisError?.("webhooks");
    redisLog.failed(e.message);
  });
  connection.on("ready", () => redisLog.succeeded());
  const loaded: Promise<BullStream[]> = import("bullmq").then((bullmq) =>
    options.urls.map((url) => new BullStream(bullmq, connection, prefix, targetOf(options, url), options.policy, redisLog)),
  );
  // a failure to load surfaces in enqueue/depth/close; not unhandled meanwhile
  loaded.catch(() => undefined);
  return {
    async enqueue(events) {
      const streams = await loaded;
      await Promise.all(streams.map((stream) => stream.add(events)));
    },
    async depth() {
      const streams = await loaded;
      const counts = await Promise.all(
        streams.map((s) => s.queue.getJobCounts("active", "wait", "prioritized", "delayed", "waiting-children")),
      );
      return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    },
    async close() {
      try {
        const streams = await loaded;
        await Promise.all(streams.map((stream) => stream.close()));
      } finally {
        await connection.quit().catch(() => connection.disconnect());
      }
    },
  };
}
