/**
 * `colyseus-chatrooms`: chatrooms for a studio's own Colyseus 0.18 server.
 *
 * ```ts
 * const chat = createChatrooms({ appKey, appSecret });
 * defineServer({ rooms: { battle: defineRoom(BattleRoom), chat: chat.defineRoom(GameChat) },
 *                express: (app) => app.use("/chat-admin", chat.router()) });
 * ```
 * The client side is `colyseus-chatrooms/client` (ChatClient), which imports nothing from here.
 */
export { ChatEvents, type ChatEventMap } from "./service/events";
export {
  createChatrooms,
  type Chatrooms,
  type ChatroomsOptions,
  type ChatRouterOptions,
  type ChatRoomClass,
} from "./plugin/createChatrooms";
export { ROOM_SETTING_KEYS, type RoomSettings } from "./plugin/roomSettings";
export { skipDrainingProcesses, type SelectProcessId } from "./plugin/drain";
export { drainRoute } from "./http/routes/process";
export { ChatRoom } from "../rooms/ChatRoom";
export {
  MAX_MEMBER_FIELDS,
  MAX_MEMBER_FIELD_VALUE,
  type ChatMember,
  type ChatMessageDraft,
  type MemberEnterInfo,
} from "../rooms/memberHooks";
export { ChatError, ErrorCode, httpStatusOf, type ChatErrorCode } from "./core/errors";
export { ExitReason, CloseCodeOf, exitReasonName, exitReasonOfCloseCode } from "./core/exitReasons";
export { isStaff, ROOM_ROLES, ROLE_LIMITS, type RoleOrMember } from "./core/roles";
export { configFromEnv, DEFAULT_CONFIG, INT_SETTINGS, validateConfig, type ChatConfig } from "./config";
export { createChatServer, type ChatServer, type ChatServerOptions } from "./standalone/server";
export { CoalescingTransport } from "./transport/CoalescingTransport";
export { createMemoryStore } from "./store/memory";
export { createRedisStore } from "./store/redis";
export type { ChatStore } from "./store/types";
export { DEFAULT_ROOM_TYPE, ENTER_PATH, ClientRequest, ServerMessage, MEMBER_LIST_CAP } from "./protocol";
export type * from "./protocol";
export type { OperatorRoute } from "./http/routes/route";
export type { Form } from "./http/form";
export type { ChatContext } from "./service/context";
export {
  createWebhooks,
  WEBHOOK_DEFAULTS,
  WebhookEventStatus,
  WebhookEventType,
  bodySignature,
  type Webhooks,
  type WebhooksOptions,
  type WebhookEvent,
  type WebhookEventName,
} from "./ops/webhooks";
export {
  createBeforeSendCallback,
  withBeforeSendCallback,
  DEFAULT_REFUSAL_MESSAGE,
  type BeforeSendCallback,
  type BeforeSendCallbackOptions,
  type BeforeSendReply,
  type BeforeSendRequest,
} from "./ops/beforeSendCallback";
export { createMetrics, type ChatMetrics, type MetricsOptions, type WebhookOutcome, type HookOutcome } from "./ops/metrics";
