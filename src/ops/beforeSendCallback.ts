/**
 * The before-send callback: RongCloud's message callback, Tencent's before-send callback. Each
 * member message is POSTed, signed, to the app's server, which lets it pass, refuses it with its
 * own code and message, or replaces it, within a time limit (1500 ms by default, as Stream's).
 * docs/webhooks.md "Before-send callback" is the receiver's reference.
 *
 * The callback has the contract of a room's `onBeforeMessage`: undefined keeps the message, a
 * draft replaces it, a ChatError refuses it (code and message reach the sender).
 * {@link withBeforeSendCallback} puts it in front of any ChatRoom class without changing it.
 */
import { z } from "zod";
import { ChatRoom } from "../../rooms/ChatRoom";
import type { ChatMember, ChatMessageDraft } from "../../rooms/memberHooks";
import { ChatError, ErrorCode } from "../core/errors";
import { httpUrl } from "../schemas/fields";
import { parseInput } from "../schemas/parse";
import { describeFailure, FailureLog, postSigned } from "./webhooksDelivery";

/** Options of {@link createBeforeSendCallback}. */
export interface BeforeSendCallbackOptions {
  /** The app server's endpoint (http or https). */
  url: string;
  /** Sent as App-Key and used, with the secret, to sign every request. */
  appKey: string;
  appSecret: string;
  /** Time limit of one call, ms, answer included [1500]. */
  timeoutMs?: number;
  /**
   * What a failed call (timeout, network error, non-2xx answer, invalid reply) does: true lets the
   * message pass unchanged (logged once per burst of failures), false refuses it with INTERNAL
   * (1000) [true].
   */
  failOpen?: boolean;
  /** The fetch to call with [globalThis.fetch]. */
  fetch?: typeof fetch;
}

/** The request body: the message, who sent it, where, and when (ms). */
export interface BeforeSendRequest {
  roomId: string;
  fromUserId: string;
  type: string;
  content: string;
  priority: ChatMessageDraft["priority"];
  timestamp: number;
}

/**
 * The receiver's answer (HTTP 2xx, JSON), one of:
 * - `{ "pass": true }`: deliver the message as it is;
 * - `{ "pass": false, "code": 30001, "message": "no cheating talk" }`: refuse it; the sender gets
 *   that code and message (`message` optional);
 * - `{ "replace": { "type": "text", "content": "***", "priority"?: "low" | "normal" | "high" } }`:
 *   deliver this instead (`pass: true` may stand next to it; the priority stays when not given).
 */
export type BeforeSendReply = z.infer<typeof replySchema>;

const PRIORITY = z.enum(["low", "normal", "high"]);

const replySchema = z.union([
  z.object({
    pass: z.literal(true).optional(),
    replace: z.object({ type: z.string().min(1).max(32), content: z.string(), priority: PRIORITY.optional() }),
  }),
  z.object({
    pass: z.literal(false),
    code: z.int().min(1).max(2_147_483_647),
    message: z.string().max(1024).optional(),
  }),
  z.object({ pass: z.literal(true) }),
]);

const optionsSchema = z.object({
  url: httpUrl,
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  timeoutMs: z.int().min(1).max(60_000).default(1500),
  failOpen: z.boolean().default(true),
  fetch: z.custom<typeof fetch>((value) => typeof value === "function", "must be a function").optional(),
});

/** A before-send callback: the contract of a room's onBeforeMessage, given the room and the sender. */
export type BeforeSendCallback = (roomId: string, userId: string, draft: ChatMessageDraft) => Promise<ChatMessageDraft | undefined>;

/** The default refusal message when the receiver gives none. */
export const DEFAULT_REFUSAL_MESSAGE = "message refused by the before-send callback";

/**
 * A {@link BeforeSendCallback} calling `options.url`. Throws a ChatError PARAMETER (1002) naming a
 * bad option. The callback resolves undefined (pass) or a replacement draft, or rejects with a
 * ChatError: the receiver's code and message, or INTERNAL (1000) when the call failed and
 * `failOpen` is false.
 */
export function createBeforeSendCallback(options: BeforeSendCallbackOptions): BeforeSendCallback {
  const o = parseInput(optionsSchema, options, { root: "before-send callback options" });
  const fetchFn = o.fetch ?? globalThis.fetch;
  const creds = { appKey: o.appKey, appSecret: o.appSecret };
  const log = new FailureLog(
    `before-send callback ${o.url}${o.failOpen ? " (fail-open: messages pass)" : " (fail-closed: messages are refused)"}`,
  );

  const call = async (request: BeforeSendRequest): Promise<BeforeSendReply> => {
    const { status, text } = await postSigned(fetchFn, o.url, JSON.stringify(request), creds, o.timeoutMs);
    if (status < 200 || status >= 300) throw new Error(`answered HTTP ${status}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error("answered something that is not JSON");
    }
    return parseInput(replySchema, json, { root: "reply" });
  };

  return async (roomId, userId, draft) => {
    let reply: BeforeSendReply;
    try {
      reply = await call({
        roomId,
        fromUserId: userId,
        type: draft.type,
        content: draft.content,
        priority: draft.priority,
        timestamp: Date.now(),
      });
    } catch (e) {
      const reason = describeFailure(e);
      log.failed(reason);
      if (o.failOpen) return undefined;
      throw new ChatError(ErrorCode.INTERNAL, `message not sent: the before-send callback failed (${reason})`);
    }
    log.succeeded();
    if ("replace" in reply)
      return { type: reply.replace.type, content: reply.replace.content, priority: reply.replace.priority ?? draft.priority };
    if (reply.pass) return undefined;
    throw new ChatError(reply.code, reply.message ?? DEFAULT_REFUSAL_MESSAGE);
  };
}

/**
 * `Base` (ChatRoom or a subclass) with `callback` in its onBeforeMessage: the class's own hook runs
 * first (it may refuse or change the message cheaply), then the callback sees what it kept.
 *
 * ```ts
 * const beforeSend = createBeforeSendCallback({ url, appKey, appSecret });
 * defineServer({ rooms: { chat: chat.defineRoom(withBeforeSendCallback(GameChat, beforeSend)) } });
 * ```
 * or, in a subclass of your own:
 * ```ts
 * protected override async onBeforeMessage(member: ChatMember, message: ChatMessageDraft) {
 *   return beforeSend(this.roomId, member.userId, message);
 * }
 * ```
 */
export function withBeforeSendCallback<T extends typeof ChatRoom>(Base: T, callback: BeforeSendCallback): T {
  class WithBeforeSendCallback extends (Base as typeof ChatRoom) {
    protected override async onBeforeMessage(member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft | undefined> {
      const own = (await super.onBeforeMessage(member, message)) ?? message;
      return (await callback(this.roomId, member.userId, own)) ?? own;
    }
  }
  Object.defineProperty(WithBeforeSendCallback, "name", { value: Base.name });
  return WithBeforeSendCallback as unknown as T;
}
