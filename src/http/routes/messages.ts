/**
 * Message endpoints: message/chatroom/publish, message/chatroom/broadcast, message/recall
 * (conversationType 4), and our extensions chatroom/message/history (RongCloud has no history
 * query here) and chatroom/message/stats (admission counters).
 */
import { ChatError, ErrorCode } from "../../core/errors";
import type { RoomMessage } from "../../protocol";
import {
  broadcastToAllRooms,
  messageStats,
  publishToRooms,
  queryHistory,
  recallMessage,
  type OperatorMessage,
} from "../../service/messages";
import { distributionStopped } from "../../service/messageLists";
import type { ChatContext } from "../../service/context";
import type { HistoryQuery } from "../../store/types";
import { utf8Content } from "../../schemas/fields";
import { parseInput } from "../../schemas/parse";
import {
  boolParam,
  intParam,
  listParam,
  checkRoomId,
  messageTypeParam,
  optionalIntParam,
  optionalString,
  requiredString,
  roomIdParam,
  userIdParam,
  type Form,
} from "../form";
import type { OperatorRoute } from "./route";

/** Target rooms per publish call (RongCloud recommends <= 10 and states no cap), history page size, broadcast rate. */
export const MESSAGE_LIMITS = { roomsPerPublish: 100, historyMaxCount: 50, broadcastPerSecond: 1 } as const;

/** RongCloud's conversation type of chatrooms in message/recall.json. */
const CHATROOM_CONVERSATION = 4;
/** fromUserId / objectName / content, with content at most CHAT_MAX_MESSAGE_BYTES UTF-8 bytes (TOO_LONG, 1005). */
function operatorMessage(ctx: ChatContext, form: Form): OperatorMessage {
  const senderUserID = userIdParam(form, "fromUserId");
  const type = messageTypeParam(form, "objectName");
  const content = parseInput(
    utf8Content(ctx.config.maxMessageBytes, ErrorCode.TOO_LONG),
    requiredString(form, "content", Number.MAX_SAFE_INTEGER),
    { root: "content" },
  );
  // Accepted for SDK compatibility: every message is kept in history and every member (the sender too) receives it.
  boolParam(form, "isPersisted", true);
  boolParam(form, "isIncludeSender", false);
  return { senderUserID, type, content };
}

function targetRooms(form: Form): string[] {
  return listParam(form, "toChatroomId", { max: MESSAGE_LIMITS.roomsPerPublish, check: checkRoomId });
}

/** A message as history.json answers it, in RongCloud's field names plus our `seq`. */
function wireMessage(m: RoomMessage) {
  return { messageUID: m.messageID, seq: m.seq, fromUserId: m.senderUserID, objectName: m.type, content: m.content, sentTime: m.timestamp };
}

function historyQuery(form: Form): { query: HistoryQuery; newestFirst: boolean } {
  const max = Number.MAX_SAFE_INTEGER;
  const count = intParam(form, "count", { min: 1, max: MESSAGE_LIMITS.historyMaxCount, default: MESSAGE_LIMITS.historyMaxCount });
  const newestFirst = intParam(form, "order", { min: 1, max: 2, default: 2 }) === 2;
  const query: HistoryQuery = { limit: count, direction: newestFirst ? "backward" : "forward" };
  const bounds = { afterSeq: "afterSeq", beforeSeq: "beforeSeq", since: "startTime", until: "endTime" } as const;
  for (const [field, param] of Object.entries(bounds) as [keyof typeof bounds, string][]) {
    const value = optionalIntParam(form, param, 0, max);
    if (value !== undefined) query[field] = value;
  }
  return { query, newestFirst };
}

export const messageRoutes: OperatorRoute[] = [
  {
    path: "/message/chatroom/publish.json",
    // RongCloud counts messages, not requests: a call to N rooms takes N (a call over the cap takes 1 and is refused with 1002).
    cost: (form) => {
      const rooms = form.toChatroomId;
      const count = new Set(Array.isArray(rooms) ? rooms : [rooms]).size;
      return count > MESSAGE_LIMITS.roomsPerPublish ? 1 : Math.max(1, count);
    },
    handle: async (ctx, form) => {
      const message = operatorMessage(ctx, form);
      const result = await publishToRooms(ctx, targetRooms(form), message);
      const fields: Record<string, unknown> = {
        messageUIDs: result.delivered.map((d) => ({ chatroomId: d.roomId, messageUID: d.message.messageID })),
      };
      if (result.dropped.length > 0) fields.droppedChatroomIds = result.dropped;
      return fields;
    },
  },
  {
    path: "/message/chatroom/broadcast.json",
    perSecond: MESSAGE_LIMITS.broadcastPerSecond,
    handle: async (ctx, form) => broadcastToAllRooms(ctx, operatorMessage(ctx, form)),
  },
  {
    path: "/message/recall.json",
    handle: async (ctx, form) => {
      const conversationType = intParam(form, "conversationType", { min: 0, max: Number.MAX_SAFE_INTEGER });
      if (conversationType !== CHATROOM_CONVERSATION) {
        throw new ChatError(
          ErrorCode.PARAMETER,
          `conversationType must be 4 (chatroom): this server only holds chatrooms, got ${conversationType}`,
        );
      }
      const roomId = roomIdParam(form, "targetId");
      const messageID = requiredString(form, "messageUID", 64);
      const sender = userIdParam(form, "fromUserId");
      // Accepted for SDK compatibility; members always receive the recall notice.
      optionalIntParam(form, "sentTime", 0, Number.MAX_SAFE_INTEGER);
      boolParam(form, "isAdmin", false);
      boolParam(form, "isDelete", false);
      boolParam(form, "disablePush", false);
      optionalString(form, "extra", Number.MAX_SAFE_INTEGER);
      await recallMessage(ctx, roomId, messageID, sender);
    },
  },
  {
    // Our extension: RongCloud's Server API has no chatroom history query.
    path: "/chatroom/message/history.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const { query, newestFirst } = historyQuery(form);
      const { messages, lastSeq } = await queryHistory(ctx, roomId, query);
      if (newestFirst) messages.reverse();
      return { chatroomId: roomId, lastSeq, messages: messages.map(wireMessage) };
    },
  },
  {
    // Our extension: admission counters, so operators see what a flood dropped.
    path: "/chatroom/message/stats.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const roomId = roomIdParam(form);
      const [stats, [stopped]] = await Promise.all([messageStats(ctx, roomId), distributionStopped(ctx, [roomId])]);
      return {
        chatroomId: roomId,
        messageCount: stats.admitted,
        droppedCount: stats.dropped,
        lastSeq: stats.lastSeq,
        distributionStopped: stopped,
      };
    },
  },
];
