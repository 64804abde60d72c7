/**
 * Prometheus metrics of one chatrooms instance, through prom-client. `createMetrics(chat)` listens
 * to `chat.events` (rooms, members, messages delivered and refused) and offers observers for what
 * the events do not carry (hook and webhook latency, the webhook queue depth, Redis errors);
 * `metrics.handler` answers a scrape. docs/metrics.md lists every metric.
 *
 * Labels stay bounded: never a room id or a user id; exit reasons and refusal codes by name;
 * message types, hook names, webhook URLs and Redis connections capped (the rest is "other").
 * Every instance has a registry of its own unless one is given, so two instances never collide.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { z } from "zod";
import { ErrorCode } from "../core/errors";
import { ExitReason } from "../core/exitReasons";
import { parseInput } from "../schemas/parse";
import type { ChatEventMap, ChatEvents } from "../service/events";
import { FailureLog } from "./webhooksDelivery";

/** How often the default metrics sample the event loop's lag (prom-client's eventLoopMonitoringPrecision). */
const EVENT_LOOP_LAG_SAMPLE_MS = 100;

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** The registry to register into [a new Registry of this instance]. */
  registry?: Registry;
  /** Prefix of every chat metric's name [`chat_`]. */
  prefix?: string;
  /** Also register prom-client's default process and Node.js metrics (unprefixed) into the registry [true]. */
  defaultMetrics?: boolean;
  /**
   * Message types counted under their own `type` label; every other type is "other". Unset: the
   * first `maxMessageTypes` types seen get their own label.
   */
  messageTypes?: readonly string[];
  /** With `messageTypes` unset, how many distinct types get their own label [20]. */
  maxMessageTypes?: number;
  /** The chat's clock, ms (the `now` given to createChatrooms) [Date.now]: message timestamps are on it. */
  now?: () => number;
  /** How long a scrape waits for the webhook queue depth before it keeps the last value, ms [2000]. */
  depthTimeoutMs?: number;
}

/** The outcome of one webhook delivery try: delivered, failed and retried later, failed for good. */
export type WebhookOutcome = "ok" | "retry" | "failed";

/** The outcome of one message hook call: let through, replaced, refused (a ChatError), failed (another exception). */
export type HookOutcome = "pass" | "replace" | "refuse" | "error";

/** A scrape handler: `app.get("/metrics", metrics.handler)`, or a plain node:http request listener. */
export type MetricsHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What {@link createMetrics} returns. */
export interface ChatMetrics {
  /** The registry holding the metrics. */
  readonly registry: Registry;
  /** Answers the exposition text with the registry's content type (500 with a short text when collecting fails). */
  readonly handler: MetricsHandler;
  /** One webhook delivery try to `url` (query, fragment and credentials are left out of the label) took `seconds`. */
  observeWebhook(url: string, outcome: WebhookOutcome, seconds: number): void;
  /** One call of a message hook (`onBeforeMessage`, `beforeSend`, ...) took `seconds`. */
  observeHook(hook: "onBeforeMessage" | "beforeSend" | (string & {}), seconds: number, outcome: HookOutcome): void;
  /** Where the webhook queue depth comes from (e.g. `() => webhooks.depth()`); read at every scrape. */
  setWebhookQueueDepth(source: () => Promise<number>): void;
  /** A Redis connection (`connection` names it, e.g. "store", "presence") reported an error. */
  redisError(connection: string): void;
  /** Stops listening to the events and unregisters these metrics (a given registry keeps its other metrics). */
  close(): void;
}

/** Default metric name prefix. */
export const METRICS_PREFIX = "chat_";

/** Label value for everything past a label's cap or unknown (an app's own refusal code, a type over the cap). */
export const OTHER_LABEL = "other";

/** Delivery lag: the turn a message goes out in is usually well under a millisecond. */
const LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Hooks: in-process hooks take microseconds, the before-send callback is an HTTP call (1.5 s limit by default). */
const HOOK_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5];
/** Webhook requests: an HTTP call with a 5 s limit by default. */
const WEBHOOK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const NAME_OF_CODE = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));
const NAME_OF_REASON = new Map<number, string>(Object.entries(ExitReason).map(([name, reason]) => [reason, name]));

/** Name of a refusal code ("MUTED"), or "other" for a code outside ErrorCode (an app's own). */
export function refusalCodeName(code: number): string {
  return NAME_OF_CODE.get(code) ?? OTHER_LABEL;
}

/** Name of an exit reason ("LEFT"), or "other". */
function reasonName(reason: number): string {
  return NAME_OF_REASON.get(reason) ?? OTHER_LABEL;
}

/** A webhook URL as a label: scheme, host and path; never its credentials, query or fragment. */
export function webhookUrlLabel(url: string): string {
  try {
    const { protocol, host, pathname } = new URL(url);
    return `${protocol}//${host}${pathname}`;
  } catch {
    return "invalid";
  }
}

/** The values of one label: the allowed ones, or the first `cap` seen; anything else is "other". */
class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cap: number,
    private readonly allowed?: ReadonlySet<string>,
  ) {}

  of(value: string): string {
    if (this.allowed) return this.allowed.has(value) ? value : OTHER_LABEL;
    if (this.seen.has(value)) return value;
    if (this.seen.size >= this.cap) return OTHER_LABEL;
    this.seen.add(value);
    return value;
  }
}

const optionsSchema = z.object({
  registry: z.custom<Registry>((value) => value instanceof Registry, "must be a prom-client Registry").optional(),
  prefix: z
    .string()
    .regex(
      /^([a-zA-Z_:][a-zA-Z0-9_:]{0,63})?$/,
      "must be a Prometheus metric name prefix (up to 64 of [a-zA-Z0-9_:], not starting with a digit)",
    )
    .default(METRICS_PREFIX),
  defaultMetrics: z.boolean().default(true),
  messageTypes: z.array(z.string().min(1).max(64)).max(200).optional(),
  maxMessageTypes: z.int().min(0).max(200).default(20),
  now: z.custom<() => number>((value) => typeof value === "function", "must be a function").optional(),
  depthTimeoutMs: z.int().min(1).max(60_000).default(2000),
});

type Listeners = { [K in keyof ChatEventMap]: (payload: ChatEventMap[K][0]) => void };

const WEBHOOK_OUTCOMES: ReadonlySet<string> = new Set<WebhookOutcome>(["ok", "retry", "failed"]);
const HOOK_OUTCOMES: ReadonlySet<string> = new Set<HookOutcome>(["pass", "replace", "refuse", "error"]);

/** `value` when it is one of `known` (callers in plain JavaScript may pass anything), else "other". */
const known = (values: ReadonlySet<string>, value: string): string => (values.has(value) ? value : OTHER_LABEL);

/** A number of seconds worth observing (finite, not negative). */
const validSeconds = (seconds: number): boolean => Number.isFinite(seconds) && seconds >= 0;

/**
 * Prometheus metrics of the rooms of `chat` on this process (docs/metrics.md), from its events and
 * the observers the returned {@link ChatMetrics} offers. Throws a ChatError PARAMETER (1002)
 * naming a bad option. Start it before rooms open: gauges count what they saw created.
 */
export function createMetrics(chat: { readonly events: ChatEvents }, options: MetricsOptions = {}): ChatMetrics {
  const o = parseInput(optionsSchema, options, { root: "metrics options" });
  const ownRegistry = o.registry === undefined;
  const registry = o.registry ?? new Registry();
  const now = o.now ?? Date.now;
  const p = o.prefix;
  const registers = [registry];
  const ours: string[] = [];
  const named = (name: string): string => {
    ours.push(p + name);
    return p + name;
  };

  /** Per room seen created or joined: its members now. Room ids are keys of this map only, never labels. */
  const rooms = new Map<string, { members: number; created: boolean }>();
  let roomCount = 0;
  let memberCount = 0;

  new Gauge({
    name: named("rooms"),
    help: "Chat rooms open on this process (created and not yet destroyed).",
    registers,
    collect() {
      this.set(roomCount);
    },
  });
  new Gauge({
    name: named("members"),
    help: "Members in the chat rooms of this process; a member with several devices counts once, an offline member within its reconnection window counts.",
    registers,
    collect() {
      this.set(memberCount);
    },
  });
  const roomsCreated = new Counter({ name: named("rooms_created_total"), help: "Chat rooms created on this process.", registers });
  const roomsDestroyed = new Counter({
    name: named("rooms_destroyed_total"),
    help: "Chat rooms destroyed on this process, by exit reason (DISMISSED by the operator, EXPIRED by a rule, SHUTDOWN).",
    labelNames: ["reason"] as const,
    registers,
  });
  const membersJoined = new Counter({
    name: named("members_joined_total"),
    help: "Members who entered a chat room (their first connection).",
    registers,
  });
  const membersLeft = new Counter({
    name: named("members_left_total"),
    help: "Members who left a chat room for good (their last connection), by exit reason (LEFT, SWITCHED, KICKED, BANNED, OFFLINE, DISMISSED, EXPIRED, SHUTDOWN).",
    labelNames: ["reason"] as const,
    registers,
  });
  const delivered = new Counter({
    name: named("messages_delivered_total"),
    help: `Messages delivered to a room's members, by message type (the listed or first seen types; the rest is "${OTHER_LABEL}").`,
    labelNames: ["type"] as const,
    registers,
  });
  const recipients = new Counter({
    name: named("message_recipients_total"),
    help: "Members a delivered message went to (the room's members at delivery, sender included): the fan-out.",
    registers,
  });
  const refused = new Counter({
    name: named("messages_refused_total"),
    help: `Members' messages refused, by the ErrorCode name the sender got (MUTED, SEND_RATE_LIMITED, MESSAGE_DROPPED, ...; an app's own code is "${OTHER_LABEL}").`,
    labelNames: ["code_name"] as const,
    registers,
  });
  const flagged = new Counter({
    name: named("messages_flagged_total"),
    help: "Members' messages that matched a flag entry of the word filter (delivered, and reported as messageFlagged).",
    registers,
  });
  /** Timestamps of messages delivered this turn, observed once the turn's broadcast is out. */
  let pendingLags: number[] = [];
  let lagTimer: NodeJS.Immediate | undefined;
  const flushLags = (): void => {
    if (lagTimer !== undefined) clearImmediate(lagTimer);
    lagTimer = undefined;
    if (pendingLags.length === 0) return;
    const at = now();
    for (const timestamp of pendingLags) lag.observe(Math.max(0, (at - timestamp) / 1000));
    pendingLags = [];
  };
  const lag = new Histogram({
    name: named("message_delivery_lag_seconds"),
    help: "Seconds from a message's timestamp (when the room accepted it) to the event-loop turn after its delivery, when its broadcast batch has gone out.",
    buckets: LAG_BUCKETS,
    registers,
    collect: flushLags,
  });
  const hooks = new Histogram({
    name: named("hook_duration_seconds"),
    help: "Seconds one message hook call took (onBeforeMessage, the beforeSend callback), by hook and outcome (pass, replace, refuse, error).",
    labelNames: ["hook", "outcome"] as const,
    buckets: HOOK_BUCKETS,
    registers,
  });
  const webhookSeconds = new Histogram({
    name: named("webhook_request_duration_seconds"),
    help: "Seconds one webhook delivery try (one batch POSTed to one URL) took, answer or timeout included, by URL.",
    labelNames: ["url"] as const,
    buckets: WEBHOOK_BUCKETS,
    registers,
  });
  const webhookTries = new Counter({
    name: named("webhook_requests_total"),
    help: "Webhook delivery tries by URL and outcome: ok (2xx), retry (failed, tried again later), failed (the last try failed: the batch is given up).",
    labelNames: ["url", "outcome"] as const,
    registers,
  });
  let depthSource: (() => Promise<number>) | undefined;
  const depthLog = new FailureLog("metrics: reading the webhook queue depth");
  new Gauge({
    name: named("webhook_queue_depth"),
    help: "Webhook deliveries (one batch to one URL) queued, under way or being collected; on Redis, the shared queue's.",
    registers,
    async collect() {
      if (!depthSource) return;
      let timer: NodeJS.Timeout | undefined;
      try {
        const depth = await Promise.race([
          depthSource(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${o.depthTimeoutMs} ms`)), o.depthTimeoutMs);
          }),
        ]);
        if (!Number.isFinite(depth)) throw new Error(`not a number: ${String(depth)}`);
        this.set(depth);
        depthLog.succeeded();
      } catch (e) {
        // the last value stays
        depthLog.failed(e instanceof Error ? e.message : String(e));
      } finally {
        clearTimeout(timer);
      }
    },
  });
  const redisErrors = new Counter({
    name: named("redis_errors_total"),
    help: "Errors reported by a Redis connection, by connection name.",
    labelNames: ["connection"] as const,
    registers,
  });

  const typeLabel = new BoundedLabel(o.maxMessageTypes, o.messageTypes && new Set(o.messageTypes));
  const hookLabel = new BoundedLabel(16);
  const urlLabel = new BoundedLabel(32);
  const connectionLabel = new BoundedLabel(16);

  const roomOf = (roomId: string): { members: number; created: boolean } => {
    let room = rooms.get(roomId);
    if (!room) rooms.set(roomId, (room = { members: 0, created: false }));
    return room;
  };

  const listeners: Listeners = {
    roomCreated({ roomId }) {
      roomsCreated.inc();
      const room = roomOf(roomId);
      if (room.created) return;
      room.created = true;
      roomCount++;
    },
    memberJoined({ roomId }) {
      membersJoined.inc();
      roomOf(roomId).members++;
      memberCount++;
    },
    memberLeft({ roomId, reason }) {
      membersLeft.inc({ reason: reasonName(reason) });
      const room = rooms.get(roomId);
      // a member who joined before these metrics started was never counted
      if (!room || room.members === 0) return;
      room.members--;
      memberCount--;
    },
    roomDestroyed({ roomId, reason }) {
      roomsDestroyed.inc({ reason: reasonName(reason) });
      const room = rooms.get(roomId);
      if (!room) return;
      rooms.delete(roomId);
      memberCount -= room.members;
      if (room.created) roomCount--;
    },
    messageDelivered({ roomId, message }) {
      delivered.inc({ type: typeLabel.of(message.type) });
      const members = rooms.get(roomId)?.members ?? 0;
      if (members > 0) recipients.inc(members);
      pendingLags.push(message.timestamp);
      lagTimer ??= setImmediate(flushLags);
    },
    messageRefused({ code }) {
      refused.inc({ code_name: refusalCodeName(code) });
    },
    messageFlagged() {
      flagged.inc();
    },
    hookTimed({ hook, seconds, outcome }) {
      if (validSeconds(seconds)) hooks.observe({ hook: hookLabel.of(hook), outcome: known(HOOK_OUTCOMES, outcome) }, seconds);
    },
  };
  const on = chat.events.on.bind(chat.events) as unknown as (event: keyof ChatEventMap, fn: (payload: never) => void) => void;
  const off = chat.events.off.bind(chat.events) as unknown as (event: keyof ChatEventMap, fn: (payload: never) => void) => void;
  for (const [event, fn] of Object.entries(listeners) as [keyof ChatEventMap, (payload: never) => void][]) on(event, fn);

  if (o.defaultMetrics && registry.getSingleMetric("process_cpu_user_seconds_total") === undefined) {
    const before = new Set(registry.getMetricsAsArray().map((metric) => metric.name));
    // prom-client samples event-loop lag with a libuv timer every 10 ms by default: 100 wake-ups
    // a second of an idle server, ~6 ms of CPU a second on the bench machine. Every 100 ms still
    // gives a scrape every 15 s 150 samples for its lag percentiles.
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_LAG_SAMPLE_MS });
    for (const metric of registry.getMetricsAsArray()) if (!before.has(metric.name)) ours.push(metric.name);
  }

  let closed = false;
  const handler: MetricsHandler = (_req, res) => {
    registry.metrics().then(
      (text) => {
        res.statusCode = 200;
        res.setHeader("Content-Type", registry.contentType);
        res.end(text);
      },
      (e: unknown) => {
        console.error("metrics: collecting failed:", e);
        res.statusCode = 500;
        res.setHeader("Content-Type", "text/plain; charset=utf-8");
        res.end("collecting the metrics failed\n");
      },
    );
  };

  return {
    registry,
    handler,
    observeWebhook(url, outcome, seconds) {
      const label = urlLabel.of(webhookUrlLabel(url));
      webhookTries.inc({ url: label, outcome: known(WEBHOOK_OUTCOMES, outcome) });
      if (validSeconds(seconds)) webhookSeconds.observe({ url: label }, seconds);
    },
    observeHook(hook, seconds, outcome) {
      if (validSeconds(seconds)) hooks.observe({ hook: hookLabel.of(hook), outcome: known(HOOK_OUTCOMES, outcome) }, seconds);
    },
    setWebhookQueueDepth(source) {
      depthSource = source;
    },
    redisError(connection) {
      redisErrors.inc({ connection: connectionLabel.of(connection) });
    },
    close() {
      if (closed) return;
      closed = true;
      for (const [event, fn] of Object.entries(listeners) as [keyof ChatEventMap, (payload: never) => void][]) off(event, fn);
      flushLags();
      depthSource = undefined;
      rooms.clear();
      if (ownRegistry) registry.clear();
      else for (const name of ours) registry.removeSingleMetric(name);
    },
  };
}
