/**
 * What a webhook receiver gets: one JSON array of events per request, each a RongCloud
 * "chatroom status sync" object (`chatRoomId`, `userIds`, `type`, `status`, `time`) with our own
 * exact fields next to it (`id`, `event`, `roomId`, `userId`, `reason`, `reasonName`, `devices`,
 * ...). docs/webhooks.md describes every field.
 */
import { randomUUID } from "node:crypto";
import { ExitReason, exitReasonName } from "../core/exitReasons";
import type { ChatEventMap } from "../service/events";

/** The chat events sent to webhooks. */
export const WEBHOOK_EVENTS = ["roomCreated", "memberJoined", "memberLeft", "roomDestroyed"] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENTS)[number];

/** RongCloud's chatroom status sync `type`: 0 created, 1 member joined, 2 member left, 3 destroyed. */
export const WebhookEventType = {
  ROOM_CREATED: 0,
  MEMBER_JOINED: 1,
  MEMBER_LEFT: 2,
  ROOM_DESTROYED: 3,
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];

/**
 * RongCloud's `status`: 0 someone asked for it (the member, the operator API, an app call), 1 the
 * server did it by a rule (offline kick-out, inactivity, shutdown). `reason` says exactly which.
 */
export const WebhookEventStatus = {
  REQUESTED: 0,
  AUTOMATIC: 1,
} as const;
export type WebhookEventStatus = (typeof WebhookEventStatus)[keyof typeof WebhookEventStatus];

const TYPE_OF: Readonly<Record<WebhookEventName, WebhookEventType>> = {
  roomCreated: WebhookEventType.ROOM_CREATED,
  memberJoined: WebhookEventType.MEMBER_JOINED,
  memberLeft: WebhookEventType.MEMBER_LEFT,
  roomDestroyed: WebhookEventType.ROOM_DESTROYED,
};

/** Exit reasons the server applies by itself (status 1); the others were asked for (status 0). */
const AUTOMATIC_REASONS: ReadonlySet<ExitReason> = new Set([ExitReason.OFFLINE, ExitReason.EXPIRED, ExitReason.SHUTDOWN]);

/** One event as sent (JSON). Fields absent for an event type are left out, never null (except `createdBy`). */
export interface WebhookEvent {
  /** Unique id of the event (a UUID): the same on every delivery attempt, for de-duplication. */
  id: string;
  /** Our event name. */
  event: WebhookEventName;
  /** RongCloud's event type: 0 created, 1 member joined, 2 member left, 3 destroyed. */
  type: WebhookEventType;
  /** RongCloud's status: 0 requested (member, operator, app), 1 automatic (a rule of the server). */
  status: WebhookEventStatus;
  /** RongCloud's name of the room id. */
  chatRoomId: string;
  roomId: string;
  /** RongCloud's user list: the member for types 1 and 2, empty for 0 and 3. */
  userIds: string[];
  /** The member (types 1 and 2). */
  userId?: string;
  /** When it happened, ms since the epoch (the room clock). */
  time: number;
  /** Type 0: the room type (the name it was registered under). */
  roomType?: string;
  /** Type 0: the user whose entry created the room; null when the operator API or server code did. */
  createdBy?: string | null;
  /** Type 1: the member's live connections (devices) at the join. */
  devices?: number;
  /** Types 2 and 3: the exit reason's code (0 LEFT, 1 KICKED, 2 DISMISSED, 3 BANNED, 4 OFFLINE, 5 EXPIRED, 6 SHUTDOWN, 7 SWITCHED). */
  reason?: ExitReason;
  /** Types 2 and 3: the exit reason's name, e.g. "KICKED". */
  reasonName?: string;
}

/** The webhook event for a chat event. */
export function webhookEventOf<K extends WebhookEventName>(event: K, payload: ChatEventMap[K][0]): WebhookEvent {
  const base = { id: randomUUID(), event, type: TYPE_OF[event], chatRoomId: payload.roomId, roomId: payload.roomId };
  switch (event) {
    case "roomCreated": {
      const p = payload as ChatEventMap["roomCreated"][0];
      return { ...base, status: WebhookEventStatus.REQUESTED, userIds: [], time: p.at, roomType: p.roomType, createdBy: p.createdBy };
    }
    case "memberJoined": {
      const p = payload as ChatEventMap["memberJoined"][0];
      return { ...base, status: WebhookEventStatus.REQUESTED, userIds: [p.userId], userId: p.userId, time: p.at, devices: p.devices };
    }
    case "memberLeft": {
      const p = payload as ChatEventMap["memberLeft"][0];
      return {
        ...base,
        status: statusOf(p.reason),
        userIds: [p.userId],
        userId: p.userId,
        time: p.at,
        reason: p.reason,
        reasonName: exitReasonName(p.reason),
      };
    }
    default: {
      const p = payload as ChatEventMap["roomDestroyed"][0];
      return { ...base, status: statusOf(p.reason), userIds: [], time: p.at, reason: p.reason, reasonName: exitReasonName(p.reason) };
    }
  }
}

function statusOf(reason: ExitReason): WebhookEventStatus {
  return AUTOMATIC_REASONS.has(reason) ? WebhookEventStatus.AUTOMATIC : WebhookEventStatus.REQUESTED;
}
