/**
 * Event webhooks: RongCloud's chatroom status sync, with exit reasons, device counts, per-room
 * order, retries and (on Redis) durability. `createWebhooks(chat, options)` listens to
 * `chat.events` (roomCreated, memberJoined, memberLeft, roomDestroyed), collects the events for
 * `batchMs` (or until `maxBatch`) and POSTs each batch, as a JSON array, signed, to every URL.
 * docs/webhooks.md is the receiver's reference.
 */
import { z } from "zod";
import { httpUrl, redisKeyPrefix } from "../schemas/fields";
import { parseInput } from "../schemas/parse";
import type { ChatEventMap, ChatEvents } from "../service/events";
import { createBullmqWebhookQueue } from "./webhooksBullmq";
import type { DeliveryObserver, RetryPolicy } from "./webhooksDelivery";
import { WEBHOOK_EVENTS, webhookEventOf, type WebhookEvent, type WebhookEventName } from "./webhooksPayload";
import { createMemoryWebhookQueue, type WebhookQueue } from "./webhooksQueue";

/** Options of {@link createWebhooks}. */
export interface WebhooksOptions {
  /** Receivers (http or https); each gets every batch, on a stream of its own. */
  urls: string[];
  /** Sent as App-Key and used, with the secret, to sign every request. */
  appKey: string;
  appSecret: string;
  /** A durable BullMQ queue on this Redis; unset: an in-process queue, lost on restart. */
  redisUrl?: string;
  /** Prefix of the queue's Redis keys [`chat-webhooks`]: processes sharing it share the queue. */
  prefix?: string;
  /** How long events are collected into one batch, ms [250]. */
  batchMs?: number;
  /** Most events in one batch [100]. */
  maxBatch?: number;
  /** Tries per batch and URL before it is given up [8]. */
  attempts?: number;
  /** Wait after the first failed try, doubling after each further one, ms [500]. */
  backoffMs?: number;
  /** Longest wait between two tries, ms [30000]. */
  maxBackoffMs?: number;
  /** Time limit of one request, ms [5000]. */
  timeoutMs?: number;
  /** In-process queue only: how long `close()` waits for queued batches to be delivered, ms [5000]. */
  closeTimeoutMs?: number;
  /** The fetch to send with [globalThis.fetch]. */
  fetch?: typeof fetch;
  /**
   * Told of every finished delivery try (one batch to one URL): its outcome ("ok", "retry" or
   * "failed" when the batch is given up) and duration in seconds, e.g. `metrics.observeWebhook`.
   */
  observe?: DeliveryObserver;
  /** Redis queue only: told of every error of its Redis connection ("webhooks"), e.g. `metrics.redisError`. */
  onRedisError?: (connection: string) => void;
}

/** What {@link createWebhooks} returns. */
export interface Webhooks {
  /**
   * Stops listening, queues the batch being collected and stops the queue. In-process queue: waits
   * up to `closeTimeoutMs` for the queued batches to be delivered; what is left is lost (logged).
   * Redis: the batch under way goes back to the head of the queue for the next instance.
   */
  close(): Promise<void>;
  /** Deliveries (one batch to one URL) not done yet: queued, under way, or being collected. */
  depth(): Promise<number>;
}

/** Default values of the optional settings. */
export const WEBHOOK_DEFAULTS = {
  prefix: "chat-webhooks",
  batchMs: 250,
  maxBatch: 100,
  attempts: 8,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  timeoutMs: 5000,
  closeTimeoutMs: 5000,
} as const;

const int = (min: number, max: number) => z.int().min(min).max(max);

const optionsSchema = z.object({
  urls: z.array(httpUrl).min(1).max(16),
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  redisUrl: z.string().min(1).optional(),
  prefix: redisKeyPrefix.default(WEBHOOK_DEFAULTS.prefix),
  batchMs: int(0, 60_000).default(WEBHOOK_DEFAULTS.batchMs),
  maxBatch: int(1, 10_000).default(WEBHOOK_DEFAULTS.maxBatch),
  attempts: int(1, 1000).default(WEBHOOK_DEFAULTS.attempts),
  backoffMs: int(0, 3_600_000).default(WEBHOOK_DEFAULTS.backoffMs),
  maxBackoffMs: int(0, 3_600_000).default(WEBHOOK_DEFAULTS.maxBackoffMs),
  timeoutMs: int(1, 600_000).default(WEBHOOK_DEFAULTS.timeoutMs),
  closeTimeoutMs: int(0, 600_000).default(WEBHOOK_DEFAULTS.closeTimeoutMs),
  fetch: z.custom<typeof fetch>((value) => typeof value === "function", "must be a function").optional(),
  observe: z.custom<DeliveryObserver>((value) => typeof value === "function", "must be a function").optional(),
  onRedisError: z.custom<(connection: string) => void>((value) => typeof value === "function", "must be a function").optional(),
});

type Listener<K extends WebhookEventName> = (payload: ChatEventMap[K][0]) => void;

/**
 * Sends the room events of `chat` to the webhooks of `options` (docs/webhooks.md). Throws a
 * ChatError PARAMETER (1002) naming a bad option.
 */
export function createWebhooks(chat: { readonly events: ChatEvents }, options: WebhooksOptions): Webhooks {
  const o = parseInput(optionsSchema, options, { root: "webhooks options" });
  const policy: RetryPolicy = { attempts: o.attempts, backoffMs: o.backoffMs, maxBackoffMs: o.maxBackoffMs, timeoutMs: o.timeoutMs };
  const queueOptions = {
    urls: [...new Set(o.urls)],
    appKey: o.appKey,
    appSecret: o.appSecret,
    policy,
    fetch: o.fetch ?? globalThis.fetch,
    observe: o.observe,
    onRedisError: o.onRedisError,
  };
  const queue: WebhookQueue =
    o.redisUrl === undefined
      ? createMemoryWebhookQueue(queueOptions, o.closeTimeoutMs)
      : createBullmqWebhookQueue(queueOptions, o.redisUrl, o.prefix);

  let buffer: WebhookEvent[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** Batches handed to the queue, one after another so they keep their order. */
  let enqueuing: Promise<void> = Promise.resolve();
  let adding = 0;
  let closing: Promise<void> | undefined;

  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    adding++;
    enqueuing = enqueuing
      .then(() => queue.enqueue(batch))
      .catch((e: unknown) => console.error(`webhooks: ${batch.length} event(s) could not be queued (they are lost):`, e))
      .finally(() => adding--);
  };

  const push = (event: WebhookEvent): void => {
    buffer.push(event);
    if (buffer.length >= o.maxBatch) flush();
    else timer ??= setTimeout(flush, o.batchMs);
  };

  const listeners = new Map<WebhookEventName, Listener<WebhookEventName>>();
  for (const name of WEBHOOK_EVENTS) {
    const listener: Listener<WebhookEventName> = (payload) => push(webhookEventOf(name, payload));
    listeners.set(name, listener);
    (chat.events.on as (event: WebhookEventName, fn: Listener<WebhookEventName>) => void)(name, listener);
  }

  return {
    close() {
      closing ??= (async () => {
        for (const [name, listener] of listeners)
          (chat.events.off as (event: WebhookEventName, fn: Listener<WebhookEventName>) => void)(name, listener);
        flush();
        await enqueuing;
        await queue.close();
      })();
      return closing;
    },
    async depth() {
      const collecting = buffer.length > 0 ? 1 : 0;
      return (collecting + adding) * queueOptions.urls.length + (await queue.depth());
    },
  };
}

export { WebhookEventStatus, WebhookEventType, type WebhookEvent, type WebhookEventName } from "./webhooksPayload";
export { bodySignature, type DeliveryObserver, type DeliveryOutcome } from "./webhooksDelivery";
