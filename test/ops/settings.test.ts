/**
 * Webhooks and the before-send callback turned on by settings (what `npm start` reads from the
 * environment, and createChatrooms from its options): a real server posts its room events and
 * asks before messages go out, signed; settings that cannot work are refused by name.
 */
import type { Room } from "@colyseus/sdk";
import { ChatError, configFromEnv, createChatrooms, ErrorCode } from "../../src/index";
import { ClientRequest, ServerMessage, type RoomMessage } from "../../src/protocol";
import type { WebhookEvent } from "../../src/ops/webhooks";
import { enterAs } from "../helpers/operator";
import { collect, leaveCode, useServer, waitFor } from "../helpers/server";
import { CREDS, startReceiver, type Receiver } from "./receiver";

let webhookReceiver: Receiver;
let callbackReceiver: Receiver;
beforeAll(async () => {
  webhookReceiver = await startReceiver();
  callbackReceiver = await startReceiver((_request, json) => {
    const content = (json as { content?: unknown }).content;
    if (content === "refuse me") return { status: 200, body: { pass: false, code: 30001, message: "not that" } };
    if (content === "darn") return { status: 200, body: { replace: { type: "text", content: "****" } } };
    return { status: 200, body: { pass: true } };
  });
});
afterAll(async () => {
  await Promise.all([webhookReceiver.close(), callbackReceiver.close()]);
});

const t = useServer(() => ({
  ...CREDS,
  webhookUrls: webhookReceiver.url,
  webhookBatchMs: 10,
  beforeSendUrl: callbackReceiver.url,
}));

const events = (): WebhookEvent[] => webhookReceiver.requests.flatMap((r) => JSON.parse(r.body) as WebhookEvent[]);

test("room events reach the configured webhook URL, signed and in order", async () => {
  const ann = await enterAs(t.httpUrl, "wired-1", "ann", CREDS, "enter");
  const left = leaveCode(ann);
  await ann.leave();
  await left;
  await webhookReceiver.until(
    () => events().some((e) => e.event === "roomDestroyed" && e.roomId === "wired-1"),
    "the room's roomDestroyed",
  );
  expect(
    events()
      .filter((e) => e.roomId === "wired-1")
      .map((e) => e.event),
  ).toEqual(["roomCreated", "memberJoined", "memberLeft", "roomDestroyed"]);
  expect(webhookReceiver.requests.every((r) => r.signed && r.bodySigned)).toBe(true);
});

test("the before-send callback passes, refuses (its code reaches the sender) and replaces members' messages", async () => {
  const ann: Room = t.track(await enterAs(t.httpUrl, "wired-2", "ann", CREDS, "enter"));
  const bob: Room = t.track(await enterAs(t.httpUrl, "wired-2", "bob", CREDS, "enter"));
  const atBob = collect<RoomMessage[]>(bob, ServerMessage.MESSAGES);
  const send = (content: string) => ann.request(ClientRequest.SEND, { type: "text", content });

  await send("hello");
  await expect(send("refuse me")).rejects.toMatchObject({ reason: { code: 30001, message: "not that" } });
  await send("darn");
  await waitFor(() => atBob.flat().length === 2, 5000, "two messages at bob's");
  expect(atBob.flat().map((m) => m.content)).toEqual(["hello", "****"]);
  expect(callbackReceiver.requests.filter((r) => r.signed && r.bodySigned)).toHaveLength(3);
  // each call is timed into the metrics, by outcome
  const metrics = await (await fetch(`${t.httpUrl}/metrics`)).text();
  for (const outcome of ["pass", "refuse", "replace"]) {
    expect(metrics).toContain(`chat_hook_duration_seconds_count{hook="onBeforeMessage",outcome="${outcome}"} 1\n`);
  }
});

describe("settings that cannot work are refused by name, before anything starts", () => {
  const refusal = (options: Parameters<typeof createChatrooms>[0]) => {
    try {
      createChatrooms(options);
    } catch (e) {
      return e;
    }
    throw new Error("createChatrooms accepted the options");
  };

  test.each([
    [{ webhookUrls: "http://127.0.0.1:1/hook" }, "webhookUrls (CHAT_WEBHOOK_URLS) needs appKey"],
    [{ beforeSendUrl: "http://127.0.0.1:1/cb", appKey: "k" }, "beforeSendUrl (CHAT_BEFORE_SEND_URL) needs appKey"],
    [
      { ...CREDS, webhookUrls: "http://a.example/h, ftp://b.example/h" },
      'webhookUrls (CHAT_WEBHOOK_URLS) must list http or https URLs, got "ftp://b.example/h"',
    ],
    [{ ...CREDS, beforeSendUrl: "not a url" }, "beforeSendUrl (CHAT_BEFORE_SEND_URL) must be an http or https URL"],
    [{ ...CREDS, webhookAttempts: 0 }, "webhookAttempts (CHAT_WEBHOOK_ATTEMPTS)"],
  ])("%j", (options, message) => {
    const e = refusal(options);
    expect(e).toBeInstanceOf(ChatError);
    expect(e).toMatchObject({ code: ErrorCode.PARAMETER, message: expect.stringContaining(message) });
  });

  test("CHAT_BEFORE_SEND_FAIL_OPEN reads true/1 and false/0, and refuses anything else", () => {
    expect(configFromEnv({ CHAT_BEFORE_SEND_FAIL_OPEN: "false" })).toEqual({ beforeSendFailOpen: false });
    expect(configFromEnv({ CHAT_BEFORE_SEND_FAIL_OPEN: "1" })).toEqual({ beforeSendFailOpen: true });
    expect(() => configFromEnv({ CHAT_BEFORE_SEND_FAIL_OPEN: "maybe" })).toThrow(/CHAT_BEFORE_SEND_FAIL_OPEN/);
  });
});
