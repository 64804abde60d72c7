/** The audit trail endpoint (ours; RongCloud has none): who did what to which room, and when. */
import type { AuditQuery } from "../../store/types";
import { checkRoomId, checkUserId, intParam, MAX_ID_LENGTH, optionalIntParam, optionalString, type Form } from "../form";
import { formatWireTime } from "../wireTime";
import type { OperatorRoute } from "./route";

/** One entry of `/chatroom/audit/query.json`'s answer (`{ kept, entries }`, newest first). */
export interface AuditWireEntry {
  /** "YYYY-MM-DD HH:MM:SS", UTC. */
  time: string;
  /** ms epoch. */
  timestamp: number;
  actor: string;
  action: string;
  chatroomIds: string[];
  userIds: string[];
  result: number;
  detail: string;
}

/** Entries per call: default and most. */
export const AUDIT_LIMITS = { defaultCount: 100, maxCount: 500 } as const;

function auditQuery(form: Form): AuditQuery {
  const query: AuditQuery = { limit: intParam(form, "count", { min: 1, max: AUDIT_LIMITS.maxCount, default: AUDIT_LIMITS.defaultCount }) };
  const roomId = optionalString(form, "chatroomId", MAX_ID_LENGTH);
  if (roomId !== undefined) query.roomId = checkRoomId("chatroomId", roomId);
  const userId = optionalString(form, "userId", MAX_ID_LENGTH);
  if (userId !== undefined) query.userId = checkUserId("userId", userId);
  const since = optionalIntParam(form, "startTime", 0, Number.MAX_SAFE_INTEGER);
  if (since !== undefined) query.since = since;
  const until = optionalIntParam(form, "endTime", 0, Number.MAX_SAFE_INTEGER);
  if (until !== undefined) query.until = until;
  return query;
}

export const auditRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/audit/query.json",
    readOnly: true,
    handle: async (ctx, form) => {
      const query = auditQuery(form);
      const log = ctx.store.audit;
      // a custom store may keep no trail: say so rather than answer as if nothing happened
      if (!log) return { kept: false, entries: [] };
      const entries = await log.query(query);
      return {
        kept: true,
        entries: entries.map((e): AuditWireEntry => ({
          time: formatWireTime(e.at),
          timestamp: e.at,
          actor: e.actor,
          action: e.action,
          chatroomIds: e.roomIds,
          userIds: e.userIds,
          result: e.result,
          detail: e.detail,
        })),
      };
    },
  },
];
