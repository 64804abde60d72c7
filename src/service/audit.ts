/**
 * The audit trail: what operators did through the HTTP API and what the server removed by itself,
 * written to the store's audit log (when it has one). Recording never fails the action it records:
 * a store error is logged and the action's answer stands.
 */
import { ExitReason, exitReasonName } from "../core/exitReasons";
import type { AuditEntry } from "../store/types";
import type { ChatContext } from "./context";
import type { ChatEvents } from "./events";

/** Form fields that name rooms, and the `chatroom[<id>]` keys of create.json. */
const ROOM_FIELDS: ReadonlySet<string> = new Set(["chatroomId", "toChatroomId", "chatroomIds"]);
const ROOM_KEY = /^chatroom\[(.*)\]$/;
/** Form fields that name users. */
const USER_FIELDS: ReadonlySet<string> = new Set(["userId", "userIds", "fromUserId", "entryOwnerId"]);
/** Fields left out of the account: message bodies and attribute values are content, not actions. */
const CONTENT_FIELDS: ReadonlySet<string> = new Set(["content", "pushContent", "pushData", "entryInfo", "extra"]);
/** Longest `detail` kept; longer accounts end with "…". */
const MAX_DETAIL = 300;
/** Most ids of each kind kept per entry (a ban of 20 users keeps all 20). */
const MAX_IDS = 100;
/** Exit reasons that are removals worth an entry (members leaving or dropping are not). */
const REMOVALS: ReadonlySet<ExitReason> = new Set([ExitReason.KICKED, ExitReason.BANNED]);

/** A form as the operator router reads it. */
type FormLike = Readonly<Record<string, string | string[] | undefined>>;

/** Writes `entry` to the audit log; never throws. */
export async function recordAudit(ctx: ChatContext, entry: AuditEntry): Promise<void> {
  const log = ctx.store.audit;
  if (!log) return;
  try {
    await log.append(entry);
  } catch (e) {
    console.error(`audit entry not kept (${entry.action}):`, e);
  }
}

const valuesOf = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The entry of one operator call: the rooms and users its form names, its other fields as the account. */
export function operatorAuditEntry(path: string, form: FormLike, appKey: string, result: number, at: number): AuditEntry {
  const roomIds = new Set<string>();
  const userIds = new Set<string>();
  const account: string[] = [];
  for (const [field, value] of Object.entries(form)) {
    const created = ROOM_KEY.exec(field)?.[1];
    if (created !== undefined) roomIds.add(created);
    else if (ROOM_FIELDS.has(field)) for (const id of valuesOf(value)) roomIds.add(id);
    else if (USER_FIELDS.has(field)) for (const id of valuesOf(value)) userIds.add(id);
    else if (!CONTENT_FIELDS.has(field)) account.push(`${field}=${valuesOf(value).join(",")}`);
  }
  const detail = account.join(" ");
  return {
    at,
    actor: appKey ? `operator:${appKey}` : "operator",
    action: path,
    roomIds: [...roomIds].slice(0, MAX_IDS),
    userIds: [...userIds].slice(0, MAX_IDS),
    result,
    detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail,
  };
}

/**
 * Records what the rooms of this process remove by themselves or on an operator's word: members
 * kicked or banned out ("member.removed") and rooms destroyed ("room.destroyed"), each with the
 * exit reason. Returns a function that stops recording.
 */
export function auditRemovals(ctx: ChatContext, events: ChatEvents): () => void {
  const onLeft = (left: { roomId: string; userId: string; reason: ExitReason; at: number }): void => {
    if (!REMOVALS.has(left.reason)) return;
    void recordAudit(ctx, system("member.removed", [left.roomId], [left.userId], left.reason, left.at));
  };
  const onDestroyed = (destroyed: { roomId: string; reason: ExitReason; at: number }): void => {
    void recordAudit(ctx, system("room.destroyed", [destroyed.roomId], [], destroyed.reason, destroyed.at));
  };
  events.on("memberLeft", onLeft);
  events.on("roomDestroyed", onDestroyed);
  return () => {
    events.off("memberLeft", onLeft);
    events.off("roomDestroyed", onDestroyed);
  };
}

const system = (action: string, roomIds: string[], userIds: string[], reason: ExitReason, at: number): AuditEntry => ({
  at,
  actor: "system",
  action,
  roomIds,
  userIds,
  result: 200,
  detail: `reason=${exitReasonName(reason)}`,
});
