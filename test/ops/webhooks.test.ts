/**
 * Event webhooks against a real receiver (node:http) and a real Colyseus server with SDK clients:
 * signed batches, RongCloud status fields plus our reasons and devices, per-room order through
 * failures (HTTP 500, connection resets) and, on Redis (BullMQ), a queued batch that survives a
 * restart of the webhooks. Every wait is on something the receiver or the chat reports, bounded.
 */
import { defineServer } from "@colyseus/core";
import { Client, type Room as SdkRoom } from "@colyseus/sdk";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import {
  ChatRoom,
  createChatrooms,
  createWebhooks,
  ExitReason,
  WebhookEventType,
  type Chatrooms,
  type WebhookEvent,
  type Webhooks,
  type WebhooksOptions,
} from "../../src/index";
import { deleteKeys, describeWithRedis, REDIS_URL } from "../helpers/redis";
import { nextEvent, waitFor } from "../helpers/server";
import { firstState, opened, servePlugin, type PluginServer } from "../plugin/helpers";
import { CREDS, startReceiver, type Receiver, type ReceivedRequest } from "./receiver";

let chat: Chatrooms;
let plugin: PluginServer;
let sdk: Client;

beforeAll(async () => {
  chat = createChatrooms({ sendRatePerSecond: 100 });
  const server = defineServer({ rooms: { chat: chat.defineRoom(ChatRoom) }, greet: false });
  plugin = await servePlugin(server, [chat]);
  sdk = new Client(plugin.httpUrl);
});
afterAll(async () => {
  await plugin.stop();
});

/** Events of the requests the receiver accepted (2xx), in arrival order. */
function delivered(requests: readonly ReceivedRequest[]): WebhookEvent[] {
  return requests.filter((r) => typeof r.outcome === "number" && r.outcome < 300).flatMap((r) => JSON.parse(r.body) as WebhookEvent[]);
}

/** `event:userId:reason` of one room's delivered events, in order. */
function story(requests: readonly ReceivedRequest[], roomId: string): string[] {
  return delivered(requests)
    .filter((e) => e.roomId === roomId)
    .map((e) => [e.event, e.userId, e.reasonName].filter((part) => part !== undefined).join(":"));
}

const isDestroyed = (roomId: string) => (requests: ReceivedRequest[]) =>
  delivered(requests).some((e) => e.roomId === roomId && e.event === "roomDestroyed");

async function join(roomId: string, userId: string): Promise<SdkRoom> {
  const room = await opened(sdk.joinOrCreate("chat", { roomId, userId }));
  await firstState(room);
  return room;
}

async function leave(room: SdkRoom, roomId: string, userId: string): Promise<void> {
  const left = nextEvent(chat.events, "memberLeft", (e) => e.roomId === roomId && e.userId === userId);
  await room.leave(true);
  await left;
}

/** The same suite on both queues. */
function suite(mode: "memory" | "redis", extra: () => Partial<WebhooksOptions>): void {
  let receiver: Receiver;
  let webhooks: Webhooks | undefined;
  const make = (options: Partial<WebhooksOptions> = {}): Webhooks =>
    createWebhooks(chat, {
      urls: [receiver.url],
      ...CREDS,
      batchMs: 20,
      backoffMs: 20,
      maxBackoffMs: 100,
      attempts: 1000,
      ...extra(),
      ...options,
    });

  /** Failure and recovery warnings of the suite's webhooks, kept out of the output. */
  let warnings: jest.SpyInstance;
  beforeEach(async () => {
    receiver = await startReceiver();
    warnings = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(async () => {
    await webhooks?.close();
    webhooks = undefined;
    await receiver.close();
    warnings.mockRestore();
  });

  test(`${mode}: events arrive signed, as RongCloud status objects with our reasons and devices, in order per room`, async () => {
    webhooks = make();
    const [a, b] = [`${mode}-order-a`, `${mode}-order-b`];
    const alice = await join(a, "alice");
    const carol = await join(b, "carol");
    const bob = await join(a, "bob");
    const alice2 = await join(a, "alice"); // a second device: no second join event
    await leave(bob, a, "bob");
    await alice2.leave(true);
    await leave(alice, a, "alice");
    await leave(carol, b, "carol");
    await receiver.until((r) => isDestroyed(a)(r) && isDestroyed(b)(r), "both rooms' roomDestroyed");

    expect(receiver.requests.every((r) => r.signed && r.bodySigned)).toBe(true);
    expect(story(receiver.requests, a)).toEqual([
      "roomCreated",
      "memberJoined:alice",
      "memberJoined:bob",
      "memberLeft:bob:LEFT",
      "memberLeft:alice:LEFT",
      "roomDestroyed:EXPIRED",
    ]);
    expect(story(receiver.requests, b)).toEqual(["roomCreated", "memberJoined:carol", "memberLeft:carol:LEFT", "roomDestroyed:EXPIRED"]);
    const events = delivered(receiver.requests).filter((e) => e.roomId === a);
    expect(events.map((e) => e.type)).toEqual([
      WebhookEventType.ROOM_CREATED,
      WebhookEventType.MEMBER_JOINED,
      WebhookEventType.MEMBER_JOINED,
      WebhookEventType.MEMBER_LEFT,
      WebhookEventType.MEMBER_LEFT,
      WebhookEventType.ROOM_DESTROYED,
    ]);
    expect(events[0]).toMatchObject({ chatRoomId: a, userIds: [], status: 0, roomType: "chat", createdBy: "alice" });
    expect(events[1]).toMatchObject({ chatRoomId: a, userIds: ["alice"], userId: "alice", status: 0, devices: 1 });
    expect(events[3]).toMatchObject({ userIds: ["bob"], status: 0, reason: ExitReason.LEFT, reasonName: "LEFT" });
    expect(events[5]).toMatchObject({ userIds: [], status: 1, reason: ExitReason.EXPIRED });
    for (const e of events) expect(typeof e.time === "number" && typeof e.id === "string").toBe(true);
    expect(new Set(delivered(receiver.requests).map((e) => e.id)).size).toBe(delivered(receiver.requests).length);
  });

  test(`${mode}: a failing receiver (HTTP 500, connection resets) gets every event after the retries, in order, once`, async () => {
    let failing = true;
    receiver.handler = (request) => (!failing ? { status: 200 } : request.n % 2 === 1 ? { status: 500 } : "reset");
    webhooks = make();
    const r = `${mode}-retry`;
    const alice = await join(r, "alice");
    // the first batch is failing at the head of the stream: what follows queues behind it
    await receiver.until((reqs) => reqs.length >= 1, "the first (failed) try");
    const bob = await join(r, "bob");
    await leave(bob, r, "bob");
    const destroyed = nextEvent(chat.events, "roomDestroyed", (e) => e.roomId === r);
    await alice.leave(true);
    await destroyed;
    expect(await webhooks.depth()).toBeGreaterThanOrEqual(1);
    await receiver.until((reqs) => reqs.filter((q) => q.outcome === "reset").length >= 2, "two connection resets");
    failing = false;
    await receiver.until(isDestroyed(r), "the room's roomDestroyed");

    expect(story(receiver.requests, r)).toEqual([
      "roomCreated",
      "memberJoined:alice",
      "memberJoined:bob",
      "memberLeft:bob:LEFT",
      "memberLeft:alice:LEFT",
      "roomDestroyed:EXPIRED",
    ]);
    expect(receiver.requests.slice(0, 4).map((q) => q.outcome)).toEqual([500, "reset", 500, "reset"]);
    // each try of the head carried the same events (same ids): the receiver can de-duplicate
    const firstIds = (JSON.parse(receiver.requests[0]!.body) as WebhookEvent[]).map((e) => e.id);
    expect((JSON.parse(receiver.requests[1]!.body) as WebhookEvent[]).map((e) => e.id)).toEqual(firstIds);
    const w = webhooks;
    await waitFor(async () => (await w.depth()) === 0, 5000, "an empty queue");
  });

  test(`${mode}: a batch whose tries all fail is given up, and the stream moves on`, async () => {
    receiver.handler = (request) => (request.n <= 2 ? { status: 503 } : { status: 200 });
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      webhooks = make({ attempts: 2 });
      const r = `${mode}-giveup`;
      const alice = await join(r, "alice");
      await receiver.until((reqs) => reqs.length >= 2, "both tries of the first batch");
      await leave(alice, r, "alice");
      await receiver.until(isDestroyed(r), "the room's roomDestroyed");
      // both tries carried the head batch (roomCreated, and memberJoined unless the batch closed between them)
      const [first, second] = receiver.requests.map((q) => (JSON.parse(q.body) as WebhookEvent[]).map((e) => e.event));
      expect(second).toEqual(first);
      expect(first![0]).toBe("roomCreated");
      const all = ["roomCreated", "memberJoined:alice", "memberLeft:alice:LEFT", "roomDestroyed:EXPIRED"];
      expect(story(receiver.requests, r)).toEqual(all.slice(first!.length));
      expect(
        errors.mock.calls.some((args) => String(args[0]).includes(`gave up on a batch of ${first!.length} event(s) after 2 tries`)),
      ).toBe(true);
      // one warning for the burst of failures and one for the recovery, not one per failure
      await waitFor(() => warnings.mock.calls.length >= 2, 5000, "the recovery warning");
      expect(warnings.mock.calls.map((args: unknown[]) => String(args[0]))).toEqual([
        expect.stringContaining("failing: answered HTTP 503"),
        expect.stringContaining("recovered after 2 failure(s)"),
      ]);
    } finally {
      errors.mockRestore();
    }
  });
}

describe("webhooks on the in-process queue", () => {
  suite("memory", () => ({}));

  test("memory: close() waits for the queued batches to be delivered", async () => {
    const receiver = await startReceiver();
    const warnings = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      let failing = true;
      receiver.handler = () => (failing ? { status: 500 } : { status: 200 });
      const webhooks = createWebhooks(chat, { urls: [receiver.url], ...CREDS, batchMs: 1000, backoffMs: 20, maxBackoffMs: 50 });
      const alice = await join("memory-close", "alice");
      // still being collected (batchMs 1000): close() hands it to the queue, and waits for it
      expect(await webhooks.depth()).toBe(1);
      const closed = webhooks.close();
      await receiver.until((r) => r.length >= 1, "a failed try");
      failing = false;
      await closed;
      expect(story(receiver.requests, "memory-close")).toEqual(["roomCreated", "memberJoined:alice"]);
      await alice.leave(true);
    } finally {
      warnings.mockRestore();
      await receiver.close();
    }
  });

  test("bad options are refused with 1002 naming the option", () => {
    expect(() => createWebhooks(chat, { urls: ["ftp://x"], ...CREDS })).toThrow(
      expect.objectContaining({ code: 1002, message: expect.stringContaining("urls[0] must be an http or https URL") }),
    );
    expect(() => createWebhooks(chat, { urls: ["http://x"], ...CREDS, attempts: 0 })).toThrow(
      expect.objectContaining({ code: 1002, message: expect.stringContaining("attempts") }),
    );
  });
});

describeWithRedis("webhooks on BullMQ (Redis)", () => {
  /** A prefix of this run's own: nothing is flushed, nothing collides. */
  let prefix = "";
  const prefixes: string[] = [];
  beforeEach(() => {
    prefix = `test-webhooks-${randomUUID()}`;
    prefixes.push(prefix);
  });
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    try {
      for (const p of prefixes) await deleteKeys(redis, `${p}:`);
    } finally {
      redis.disconnect();
    }
  });

  suite("redis", () => ({ redisUrl: REDIS_URL, prefix }));

  test("redis: a batch queued while the receiver is down survives a restart of the webhooks", async () => {
    const receiver = await startReceiver(() => ({ status: 503 }));
    const warnings = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const options = {
      urls: [receiver.url],
      ...CREDS,
      redisUrl: REDIS_URL,
      prefix,
      batchMs: 20,
      backoffMs: 50,
      maxBackoffMs: 200,
      attempts: 1000,
    };
    let second: Webhooks | undefined;
    try {
      const first = createWebhooks(chat, options);
      const alice = await join("redis-restart", "alice");
      await receiver.until((r) => r.length >= 1, "a failed try");
      await first.close();
      const triedBefore = receiver.requests.length;

      second = createWebhooks(chat, options);
      // the batch (or two, when roomCreated and memberJoined fell into different batches) is still queued
      expect(await second.depth()).toBeGreaterThanOrEqual(1);
      receiver.handler = () => ({ status: 200 });
      await receiver.until((r) => story(r, "redis-restart").length >= 2, "the queued batch, from the new instance");
      expect(receiver.requests.length).toBeGreaterThan(triedBefore);
      await leave(alice, "redis-restart", "alice");
      await receiver.until(isDestroyed("redis-restart"), "the room's roomDestroyed");
      expect(story(receiver.requests, "redis-restart")).toEqual([
        "roomCreated",
        "memberJoined:alice",
        "memberLeft:alice:LEFT",
        "roomDestroyed:EXPIRED",
      ]);
      const w = second;
      await waitFor(async () => (await w.depth()) === 0, 5000, "an empty queue");
    } finally {
      warnings.mockRestore();
      await second?.close();
      await receiver.close();
    }
  });
});
