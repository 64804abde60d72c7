/**
 * Prometheus metrics (src/ops/metrics.ts): a real room (SDK clients on a real server) scraped over
 * HTTP through `metrics.handler` on an Express app, exact counts, bounded labels with no room or
 * user id; the event rules, observers and registries on a bare ChatEvents; webhook tries timed
 * through createWebhooks' `observe` against a real receiver.
 */
import express from "express";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Registry } from "prom-client";
import { ChatError, ErrorCode } from "../../src/core/errors";
import { ExitReason } from "../../src/core/exitReasons";
import { createMetrics, webhookUrlLabel, type ChatMetrics, type MetricsOptions, type WebhookOutcome } from "../../src/ops/metrics";
import { createWebhooks } from "../../src/ops/webhooks";
import { createChatrooms } from "../../src/plugin/createChatrooms";
import { ChatEvents, type ChatEventMap } from "../../src/service/events";
import { nextEvent, sdkEnter, useServer, waitFor } from "../helpers/server";
import { CREDS, startReceiver } from "./receiver";

/** One sample of the exposition text. */
interface Sample {
  name: string;
  labels: Map<string, string>;
  value: number;
}

/** The samples of an exposition text (comments skipped). */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = new Map<string, string>();
    for (const [, name, value] of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels.set(name!, value!);
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the sample `name` with exactly `labels` (undefined when there is none). */
function value(samples: readonly Sample[], name: string, labels: readonly [string, string][] = []): number | undefined {
  const wanted = new Map(labels);
  return samples.find((s) => s.name === name && s.labels.size === wanted.size && [...wanted].every(([k, v]) => s.labels.get(k) === v))
    ?.value;
}

/** The samples of `metrics`' registry, as a scrape would see them. */
async function samplesOf(metrics: ChatMetrics): Promise<Sample[]> {
  return parse(await metrics.registry.metrics());
}

/** Label names a chat metric may carry (`le` is the histograms' own). */
const CHAT_LABELS = new Set(["reason", "code_name", "type", "hook", "outcome", "url", "connection", "le"]);

const chatMetricsOpen: ChatMetrics[] = [];
/** createMetrics without the process metrics, closed after the test. */
function metricsOf(events: ChatEvents, options?: MetricsOptions): ChatMetrics {
  const metrics = createMetrics({ events }, { defaultMetrics: false, ...options });
  chatMetricsOpen.push(metrics);
  return metrics;
}
afterEach(() => {
  for (const metrics of chatMetricsOpen.splice(0)) metrics.close();
});

describe("through a real room, scraped over HTTP", () => {
  // the server's own chat.metrics, at the standalone server's GET /metrics (what a scraper reads)
  const t = useServer({ maxMessageBytes: 64 });

  let lastText = "";
  async function scrape(): Promise<Sample[]> {
    const res = await fetch(`${t.httpUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(t.server.chat.metrics.registry.contentType);
    lastText = await res.text();
    return parse(lastText);
  }

  const ROOM = "metrics-room-7q2";
  const ALICE = "alice-m9x";
  const BOB = "bob-k3z";

  test("joins, a message, refusals by code name, a leave with its reason and the room's end, with no room or user id in any label", async () => {
    const { events } = t.server.chat;
    const alice = t.track(await sdkEnter(t.httpUrl, { mode: "enter", roomId: ROOM, userId: ALICE }));
    const bob = t.track(await sdkEnter(t.httpUrl, { mode: "enter", roomId: ROOM, userId: BOB }));
    for (const room of [alice, bob]) room.onMessage("*", () => undefined);

    let m = await scrape();
    expect(value(m, "chat_rooms")).toBe(1);
    expect(value(m, "chat_rooms_created_total")).toBe(1);
    expect(value(m, "chat_members")).toBe(2);
    expect(value(m, "chat_members_joined_total")).toBe(2);
    expect(value(m, "chat_message_delivery_lag_seconds_count")).toBe(0);
    // the default process metrics are in the same registry
    expect(value(m, "process_cpu_user_seconds_total")).toBeGreaterThanOrEqual(0);

    await bob.request("sendMessage", { type: "text", content: "hi" });
    await expect(bob.request("sendMessage", { type: "", content: "no type" })).rejects.toMatchObject({
      reason: { code: ErrorCode.PARAMETER },
    });
    await expect(bob.request("sendMessage", { type: "text", content: "x".repeat(100) })).rejects.toMatchObject({
      reason: { code: ErrorCode.MESSAGE_TOO_LARGE },
    });
    await expect(bob.request("sendMessage", { type: "text", content: "y".repeat(65) })).rejects.toMatchObject({
      reason: { code: ErrorCode.MESSAGE_TOO_LARGE },
    });

    m = await scrape();
    expect(value(m, "chat_messages_delivered_total", [["type", "text"]])).toBe(1);
    // the fan-out: both members
    expect(value(m, "chat_message_recipients_total")).toBe(2);
    expect(value(m, "chat_messages_refused_total", [["code_name", "PARAMETER"]])).toBe(1);
    expect(value(m, "chat_messages_refused_total", [["code_name", "MESSAGE_TOO_LARGE"]])).toBe(2);
    expect(value(m, "chat_message_delivery_lag_seconds_count")).toBe(1);
    expect(value(m, "chat_message_delivery_lag_seconds_bucket", [["le", "+Inf"]])).toBe(1);
    expect(value(m, "chat_message_delivery_lag_seconds_sum")).toBeLessThan(1);

    const bobLeft = nextEvent(events, "memberLeft", (e) => e.userId === BOB);
    await bob.leave();
    await bobLeft;
    m = await scrape();
    expect(value(m, "chat_members")).toBe(1);
    expect(value(m, "chat_members_left_total", [["reason", "LEFT"]])).toBe(1);
    expect(value(m, "chat_rooms")).toBe(1);

    // the last member leaves: the empty room is destroyed at once (destroyDelayS 0)
    const destroyed = nextEvent(events, "roomDestroyed", (e) => e.roomId === ROOM);
    await alice.leave();
    await destroyed;
    m = await scrape();
    expect(value(m, "chat_rooms")).toBe(0);
    expect(value(m, "chat_members")).toBe(0);
    expect(value(m, "chat_members_left_total", [["reason", "LEFT"]])).toBe(2);
    expect(value(m, "chat_rooms_destroyed_total", [["reason", "EXPIRED"]])).toBe(1);

    // bounded labels only, and no id anywhere in the exposition
    for (const id of [ROOM, ALICE, BOB]) expect(lastText).not.toContain(id);
    const chatSamples = m.filter((s) => s.name.startsWith("chat_"));
    expect(chatSamples.length).toBeGreaterThan(20);
    for (const sample of chatSamples) for (const name of sample.labels.keys()) expect(CHAT_LABELS).toContain(name);
  });
});

describe("from the events", () => {
  let events: ChatEvents;
  beforeEach(() => {
    events = new ChatEvents();
  });
  const at = 1;

  test("refusals are counted by ErrorCode name; an app's own code is other", async () => {
    const metrics = metricsOf(events);
    for (const code of [ErrorCode.MUTED, ErrorCode.MUTED, ErrorCode.SEND_RATE_LIMITED, 30001]) {
      events.publish("messageRefused", { roomId: "r", userId: "u", code, at });
    }
    const m = await samplesOf(metrics);
    expect(value(m, "chat_messages_refused_total", [["code_name", "MUTED"]])).toBe(2);
    expect(value(m, "chat_messages_refused_total", [["code_name", "SEND_RATE_LIMITED"]])).toBe(1);
    expect(value(m, "chat_messages_refused_total", [["code_name", "other"]])).toBe(1);
    expect(m.filter((s) => s.name === "chat_messages_refused_total")).toHaveLength(3);
  });

  test("the gauges count what they saw: a destroyed room takes its members along, nothing goes below zero", async () => {
    const metrics = metricsOf(events);
    events.publish("roomCreated", { roomId: "a", roomType: "chat", createdBy: "u1", at });
    events.publish("roomCreated", { roomId: "a", roomType: "chat", createdBy: "u1", at });
    events.publish("roomCreated", { roomId: "b", roomType: "chat", createdBy: null, at });
    for (const userId of ["u1", "u2", "u3"]) events.publish("memberJoined", { roomId: "a", userId, devices: 1, at });
    events.publish("memberJoined", { roomId: "b", userId: "u1", devices: 2, at });
    let m = await samplesOf(metrics);
    expect(value(m, "chat_rooms")).toBe(2);
    expect(value(m, "chat_members")).toBe(4);
    expect(value(m, "chat_members_joined_total")).toBe(4);

    events.publish("memberLeft", { roomId: "a", userId: "u3", reason: ExitReason.KICKED, at });
    // room a ends with two members still counted (they go with it)
    events.publish("roomDestroyed", { roomId: "a", reason: ExitReason.DISMISSED, at });
    // events of rooms these metrics never saw: counted, but no gauge goes negative
    events.publish("memberLeft", { roomId: "unseen", userId: "u9", reason: ExitReason.OFFLINE, at });
    events.publish("roomDestroyed", { roomId: "unseen", reason: ExitReason.SHUTDOWN, at });
    events.publish("memberLeft", { roomId: "a", userId: "u1", reason: 99 as ExitReason, at });
    m = await samplesOf(metrics);
    expect(value(m, "chat_rooms")).toBe(1);
    expect(value(m, "chat_members")).toBe(1);
    expect(value(m, "chat_members_left_total", [["reason", "KICKED"]])).toBe(1);
    expect(value(m, "chat_members_left_total", [["reason", "OFFLINE"]])).toBe(1);
    expect(value(m, "chat_members_left_total", [["reason", "other"]])).toBe(1);
    expect(value(m, "chat_rooms_destroyed_total", [["reason", "DISMISSED"]])).toBe(1);
    expect(value(m, "chat_rooms_destroyed_total", [["reason", "SHUTDOWN"]])).toBe(1);
    expect(value(m, "chat_rooms_created_total")).toBe(3);

    events.publish("roomDestroyed", { roomId: "b", reason: ExitReason.EXPIRED, at });
    m = await samplesOf(metrics);
    expect(value(m, "chat_rooms")).toBe(0);
    expect(value(m, "chat_members")).toBe(0);
  });

  const delivered = (type: string, timestamp = Date.now(), roomId = "r"): ChatEventMap["messageDelivered"][0] => ({
    roomId,
    message: { messageID: "m", seq: 1, timestamp, senderUserID: "u", type, content: "" },
  });

  test("message types: the first maxMessageTypes seen get a label, the rest is other; an allow-list replaces that rule", async () => {
    const capped = metricsOf(events, { maxMessageTypes: 2 });
    const listed = metricsOf(events, { messageTypes: ["RC:TxtMsg"] });
    for (const type of ["a", "b", "c", "a", "d", "RC:TxtMsg"]) events.publish("messageDelivered", delivered(type));
    let m = await samplesOf(capped);
    expect(value(m, "chat_messages_delivered_total", [["type", "a"]])).toBe(2);
    expect(value(m, "chat_messages_delivered_total", [["type", "b"]])).toBe(1);
    expect(value(m, "chat_messages_delivered_total", [["type", "other"]])).toBe(3);
    expect(m.filter((s) => s.name === "chat_messages_delivered_total")).toHaveLength(3);
    m = await samplesOf(listed);
    expect(value(m, "chat_messages_delivered_total", [["type", "RC:TxtMsg"]])).toBe(1);
    expect(value(m, "chat_messages_delivered_total", [["type", "other"]])).toBe(5);
  });

  test("delivery lag: now minus the message's timestamp on the chat's clock, observed in the turn after the delivery", async () => {
    let clock = 10_000;
    const metrics = metricsOf(events, { now: () => clock });
    events.publish("messageDelivered", delivered("text", 9_750));
    events.publish("messageDelivered", delivered("text", 10_500)); // a timestamp ahead of the clock counts as 0
    await new Promise((resolve) => setImmediate(resolve));
    clock = 99_999; // observed already: the scrape's clock does not matter
    const m = await samplesOf(metrics);
    expect(value(m, "chat_message_delivery_lag_seconds_count")).toBe(2);
    expect(value(m, "chat_message_delivery_lag_seconds_sum")).toBe(0.25);
    expect(value(m, "chat_message_delivery_lag_seconds_bucket", [["le", "0.1"]])).toBe(1);
    expect(value(m, "chat_message_delivery_lag_seconds_bucket", [["le", "0.25"]])).toBe(2);

    // a scrape in the same turn as the delivery observes it then
    events.publish("messageDelivered", delivered("text", 99_000));
    expect(value(await samplesOf(metrics), "chat_message_delivery_lag_seconds_count")).toBe(3);
  });

  test("hooks and webhooks: latency histograms by bounded labels; a webhook URL keeps no credentials, query or fragment", async () => {
    const metrics = metricsOf(events);
    metrics.observeHook("onBeforeMessage", 0.0002, "pass");
    metrics.observeHook("onBeforeMessage", 0.003, "refuse");
    metrics.observeHook("beforeSend", 0.2, "replace");
    metrics.observeHook("beforeSend", Number.NaN, "error"); // not a duration: ignored
    metrics.observeHook("beforeSend", 0.1, "bogus" as "pass");
    const url = "https://hook-user:hook-pass@hooks.example.com:8443/chat/events?token=s3cret#frag";
    metrics.observeWebhook(url, "retry", 5);
    metrics.observeWebhook(url, "ok", 0.04);
    metrics.observeWebhook("http://other.example/wh", "failed", 0.5);
    const text = await metrics.registry.metrics();
    for (const secret of ["hook-user", "hook-pass", "s3cret", "frag"]) expect(text).not.toContain(secret);
    const m = parse(text);
    const hookCount = (hook: string, outcome: string) =>
      value(m, "chat_hook_duration_seconds_count", [
        ["hook", hook],
        ["outcome", outcome],
      ]);
    expect(hookCount("onBeforeMessage", "pass")).toBe(1);
    expect(hookCount("onBeforeMessage", "refuse")).toBe(1);
    expect(hookCount("beforeSend", "replace")).toBe(1);
    expect(hookCount("beforeSend", "error")).toBeUndefined();
    expect(hookCount("beforeSend", "other")).toBe(1);
    const label = "https://hooks.example.com:8443/chat/events";
    const tries = (u: string, outcome: WebhookOutcome) =>
      value(m, "chat_webhook_requests_total", [
        ["url", u],
        ["outcome", outcome],
      ]);
    expect(tries(label, "retry")).toBe(1);
    expect(tries(label, "ok")).toBe(1);
    expect(tries("http://other.example/wh", "failed")).toBe(1);
    expect(value(m, "chat_webhook_request_duration_seconds_count", [["url", label]])).toBe(2);
    expect(value(m, "chat_webhook_request_duration_seconds_sum", [["url", label]])).toBeCloseTo(5.04);
    expect(
      value(m, "chat_webhook_request_duration_seconds_bucket", [
        ["url", label],
        ["le", "0.05"],
      ]),
    ).toBe(1);
  });

  test("hook names and Redis connections are capped labels too", async () => {
    const metrics = metricsOf(events);
    for (let i = 0; i < 40; i++) {
      metrics.observeHook(`hook-${i}`, 0.001, "pass");
      metrics.redisError(`conn-${i}`);
    }
    metrics.redisError("conn-0");
    const m = await samplesOf(metrics);
    expect(new Set(m.filter((s) => s.name === "chat_hook_duration_seconds_count").map((s) => s.labels.get("hook"))).size).toBe(17);
    expect(m.filter((s) => s.name === "chat_redis_errors_total")).toHaveLength(17);
    expect(value(m, "chat_redis_errors_total", [["connection", "conn-0"]])).toBe(2);
    expect(value(m, "chat_redis_errors_total", [["connection", "other"]])).toBe(24);
  });

  test("webhook queue depth: read at every scrape; a failing or slow source keeps the last value (logged once)", async () => {
    const metrics = metricsOf(events, { depthTimeoutMs: 50 });
    expect(value(await samplesOf(metrics), "chat_webhook_queue_depth")).toBe(0);
    let depth = 7;
    metrics.setWebhookQueueDepth(async () => depth);
    expect(value(await samplesOf(metrics), "chat_webhook_queue_depth")).toBe(7);
    depth = 3;
    expect(value(await samplesOf(metrics), "chat_webhook_queue_depth")).toBe(3);

    const warnings: unknown[][] = [];
    const spy = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args));
    try {
      metrics.setWebhookQueueDepth(() => Promise.reject(new Error("redis down")));
      expect(value(await samplesOf(metrics), "chat_webhook_queue_depth")).toBe(3);
      metrics.setWebhookQueueDepth(() => new Promise<number>(() => undefined));
      expect(value(await samplesOf(metrics), "chat_webhook_queue_depth")).toBe(3);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]![0])).toContain("redis down");
    } finally {
      spy.mockRestore();
    }
  });

  test("two instances on one process never collide; close() stops listening and unregisters only its own metrics", async () => {
    const first = metricsOf(events, { defaultMetrics: true });
    const second = metricsOf(events, { defaultMetrics: true });
    expect(first.registry).not.toBe(second.registry);
    events.publish("roomCreated", { roomId: "r", roomType: "chat", createdBy: null, at });
    expect(value(await samplesOf(first), "chat_rooms")).toBe(1);
    expect(value(await samplesOf(second), "chat_rooms")).toBe(1);
    expect(value(await samplesOf(first), "process_cpu_user_seconds_total")).toBeGreaterThanOrEqual(0);
    expect(events.listenerCount("roomCreated")).toBe(2);
    first.close();
    second.close();
    for (const name of ["roomCreated", "memberJoined", "memberLeft", "roomDestroyed", "messageDelivered", "messageRefused"] as const) {
      expect(events.listenerCount(name)).toBe(0);
    }

    // a given registry: the app's own metrics stay, ours come and go
    const registry = new Registry();
    new Counter({ name: "app_requests_total", help: "the app's own", registers: [registry] });
    const given = metricsOf(events, { registry, prefix: "app_chat_", defaultMetrics: true });
    expect(given.registry).toBe(registry);
    events.publish("messageRefused", { roomId: "r", userId: "u", code: ErrorCode.BANNED, at });
    let names = registry.getMetricsAsArray().map((metric) => metric.name);
    expect(names).toEqual(
      expect.arrayContaining(["app_requests_total", "app_chat_rooms", "app_chat_messages_refused_total", "process_cpu_user_seconds_total"]),
    );
    expect(names.some((name) => name.startsWith("chat_"))).toBe(false);
    given.close();
    names = registry.getMetricsAsArray().map((metric) => metric.name);
    expect(names).toEqual(["app_requests_total"]);
    // and again on the same registry, without a duplicate-name error
    const again = metricsOf(events, { registry, prefix: "app_chat_" });
    expect(registry.getSingleMetric("app_chat_rooms")).toBeDefined();
    again.close();
  });

  test("defaultMetrics false registers the chat metrics only; a bad option is a ChatError PARAMETER naming it", async () => {
    const metrics = metricsOf(events);
    expect(metrics.registry.getMetricsAsArray().every((metric) => metric.name.startsWith("chat_"))).toBe(true);
    expect(() => createMetrics({ events }, { prefix: "1bad" })).toThrow(ChatError);
    expect(() => createMetrics({ events }, { prefix: "1bad" })).toThrow(/prefix/);
    expect(() => createMetrics({ events }, { maxMessageTypes: -1 })).toThrow(/maxMessageTypes/);
    expect(events.listenerCount("roomCreated")).toBe(1);
  });

  test("the handler answers 500 when collecting fails", async () => {
    const registry = new Registry();
    new Gauge({
      name: "broken",
      help: "fails to collect",
      registers: [registry],
      collect() {
        throw new Error("broken collector");
      },
    });
    const metrics = metricsOf(events, { registry });
    const app = express();
    app.get("/metrics", metrics.handler);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const spy = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe("collecting the metrics failed\n");
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe("webhook tries, timed by createWebhooks' observe option against a real receiver", () => {
  test("a 500 then a 200: one retry and one ok; a receiver that keeps failing: failed when the batch is given up", async () => {
    const events = new ChatEvents();
    const metrics = metricsOf(events);
    let answers = [500, 200];
    const receiver = await startReceiver(() => ({ status: answers.shift() ?? 200, body: {} }));
    const seen: WebhookOutcome[] = [];
    let notify = (): void => undefined;
    const observe = (url: string, outcome: WebhookOutcome, seconds: number): void => {
      metrics.observeWebhook(url, outcome, seconds);
      seen.push(outcome);
      notify();
    };
    const outcomes = (count: number) =>
      new Promise<void>((resolve) => {
        notify = () => seen.length >= count && resolve();
        notify();
      });
    const spies = [
      jest.spyOn(console, "warn").mockImplementation(() => undefined),
      jest.spyOn(console, "error").mockImplementation(() => undefined),
    ];
    const webhooks = createWebhooks({ events }, { urls: [receiver.url], ...CREDS, batchMs: 5, attempts: 2, backoffMs: 5, observe });
    metrics.setWebhookQueueDepth(() => webhooks.depth());
    try {
      events.publish("roomCreated", { roomId: "r1", roomType: "chat", createdBy: null, at: 1 });
      await outcomes(2);
      expect(seen).toEqual(["retry", "ok"]);
      answers = [500, 500];
      events.publish("roomDestroyed", { roomId: "r1", reason: ExitReason.DISMISSED, at: 2 });
      await outcomes(4);
      expect(seen).toEqual(["retry", "ok", "retry", "failed"]);

      const m = await samplesOf(metrics);
      const label = webhookUrlLabel(receiver.url);
      const tries = (outcome: WebhookOutcome) =>
        value(m, "chat_webhook_requests_total", [
          ["url", label],
          ["outcome", outcome],
        ]);
      expect([tries("ok"), tries("retry"), tries("failed")]).toEqual([1, 2, 1]);
      expect(value(m, "chat_webhook_request_duration_seconds_count", [["url", label]])).toBe(4);
      // the given-up batch leaves the queue right after its last try is reported
      await waitFor(async () => value(await samplesOf(metrics), "chat_webhook_queue_depth") === 0, 2000, "an empty webhook queue");
    } finally {
      await webhooks.close();
      await receiver.close();
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe("the chatrooms' own Redis connections feed chat_redis_errors_total", () => {
  test("a store whose Redis refuses connections: its errors are counted by connection name, logged once", async () => {
    // a port that was free a moment ago: nothing listens there, so every connection attempt is refused
    const probe = express().listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => probe.once("listening", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const warnings: unknown[][] = [];
    const spy = jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => void warnings.push(args));
    const chat = createChatrooms({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      const storeErrors = async () => value(await samplesOf(chat.metrics), "chat_redis_errors_total", [["connection", "store"]]) ?? 0;
      await waitFor(async () => (await storeErrors()) >= 2, 10_000, "two refused connection attempts counted");
      expect(warnings.filter((w) => String(w[0]).startsWith("Redis (store commands,"))).toHaveLength(1);
    } finally {
      await chat.close();
      spy.mockRestore();
    }
  });
});
