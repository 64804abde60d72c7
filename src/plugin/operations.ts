/**
 * The operations a chatrooms instance runs from its settings: event webhooks (CHAT_WEBHOOK_URLS)
 * and the before-send callback (CHAT_BEFORE_SEND_URL). Both sign their requests with the App Key
 * and Secret, so they need both. docs/webhooks.md is the receiver's side.
 */
import type { ChatRoom } from "../../rooms/ChatRoom";
import type { ChatConfig } from "../config";
import { ChatError, ErrorCode } from "../core/errors";
import { createBeforeSendCallback, withBeforeSendCallback, type BeforeSendCallback } from "../ops/beforeSendCallback";
import type { ChatMetrics } from "../ops/metrics";
import { createWebhooks, type Webhooks } from "../ops/webhooks";
import { urlList } from "../schemas/config";
import type { ChatEvents } from "../service/events";

/** What {@link startOperations} runs. */
export interface Operations {
  /** The webhooks, when configured (their queue depth feeds the metrics). */
  readonly webhooks: Webhooks | undefined;
  /** `RoomClass` with the before-send callback in front of its onBeforeMessage, when configured; else itself. */
  withCallbacks<T extends typeof ChatRoom>(RoomClass: T): T;
  /** Stops the webhooks (the batch being collected is queued first). Call it after the rooms are gone. */
  close(): Promise<void>;
}

/** The App Key and Secret that sign `what`'s requests; throws PARAMETER when either is missing. */
function signingCredentials(config: ChatConfig, what: string): { appKey: string; appSecret: string } {
  const { appKey, appSecret } = config;
  if (!appKey || !appSecret) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `${what} needs appKey (CHAT_APP_KEY) and appSecret (CHAT_APP_SECRET): its requests are signed with them`,
    );
  }
  return { appKey, appSecret };
}

/** Starts what `config` asks for; throws PARAMETER naming a setting that cannot work. */
export function startOperations(config: ChatConfig, events: ChatEvents, metrics?: ChatMetrics): Operations {
  let beforeSend: BeforeSendCallback | undefined;
  if (config.beforeSendUrl !== undefined) {
    beforeSend = createBeforeSendCallback({
      url: config.beforeSendUrl,
      ...signingCredentials(config, "beforeSendUrl (CHAT_BEFORE_SEND_URL)"),
      timeoutMs: config.beforeSendTimeoutMs,
      failOpen: config.beforeSendFailOpen,
    });
  }
  const webhooks =
    config.webhookUrls === undefined
      ? undefined
      : createWebhooks(
          { events },
          {
            urls: urlList(config.webhookUrls),
            ...signingCredentials(config, "webhookUrls (CHAT_WEBHOOK_URLS)"),
            redisUrl: config.redisUrl,
            prefix: config.webhookPrefix,
            batchMs: config.webhookBatchMs,
            attempts: config.webhookAttempts,
            backoffMs: config.webhookBackoffMs,
            timeoutMs: config.webhookTimeoutMs,
            observe: metrics ? (url, outcome, seconds) => metrics.observeWebhook(url, outcome, seconds) : undefined,
            onRedisError: metrics ? (connection) => metrics.redisError(connection) : undefined,
          },
        );
  if (webhooks && metrics) metrics.setWebhookQueueDepth(() => webhooks.depth());
  return {
    webhooks,
    withCallbacks: (RoomClass) => (beforeSend ? withBeforeSendCallback(RoomClass, beforeSend) : RoomClass),
    close: async () => webhooks?.close(),
  };
}
