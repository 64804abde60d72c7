/** The audit trail (`/chatroom/audit/query.json`) in words: who did what to whom, when, and whether it worked. */
import { clock, dayLabel, el, replaceChildren } from "./dom";
import type { AuditWireEntry } from "../../src/http/routes/audit";
import { duration, people } from "./operatorActions";

/** One entry as the operator API answers it (the page shows its own times, not the wire's `time`). */
export type AuditEntry = Omit<AuditWireEntry, "time">;

/** Reads the entries of an audit answer, skipping anything malformed. */
export function auditEntries(body: unknown): AuditEntry[] {
  if (typeof body !== "object" || body === null || !("entries" in body) || !Array.isArray(body.entries)) return [];
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === "string") : []);
  return (body.entries as unknown[]).flatMap((e) => {
    if (typeof e !== "object" || e === null) return [];
    const r = e as Record<string, unknown>;
    if (typeof r.timestamp !== "number" || typeof r.action !== "string") return [];
    return [
      {
        timestamp: r.timestamp,
        actor: typeof r.actor === "string" ? r.actor : "",
        action: r.action,
        chatroomIds: strings(r.chatroomIds),
        userIds: strings(r.userIds),
        result: typeof r.result === "number" ? r.result : 200,
        detail: typeof r.detail === "string" ? r.detail : "",
      },
    ];
  });
}

/** A `key=value` of an entry's detail ("minute=60 needNotify=true"). */
function detailValue(detail: string, key: string): string | undefined {
  for (const part of detail.split(/\s+/)) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq) === key) return part.slice(eq + 1);
  }
  return undefined;
}

const REASONS = new Map([
  ["KICKED", "removed by a moderator"],
  ["BANNED", "banned"],
  ["DISMISSED", "closed by a moderator"],
  ["EXPIRED", "inactive"],
  ["OFFLINE", "offline too long"],
  ["SHUTDOWN", "server shutdown"],
]);

/** The sentence of one entry, e.g. "Operator banned bob from stage for 1 hour". */
export function describeAudit(e: AuditEntry, roomName: (roomId: string) => string = (id) => id): string {
  const who = e.actor.startsWith("operator") ? "Operator" : "Server";
  const users = people(e.userIds);
  const rooms = people(e.chatroomIds.map(roomName));
  const minutes = Number(detailValue(e.detail, "minute"));
  const forTime = Number.isInteger(minutes) && minutes > 0 ? ` for ${duration(minutes)}` : "";
  const reasonKey = detailValue(e.detail, "reason") ?? "";
  const reason = REASONS.get(reasonKey) ?? reasonKey.toLowerCase();
  const path = e.action.replace(/^\//, "");
  const sentences = new Map<string, string>([
    ["chatroom/user/kick.json", `${who} removed ${users} from ${rooms}`],
    ["chatroom/user/block/add.json", `${who} banned ${users} from ${rooms}${forTime}`],
    ["chatroom/user/block/rollback.json", `${who} lifted the ban on ${users} in ${rooms}`],
    ["chatroom/user/gag/add.json", `${who} muted ${users} in ${rooms}${forTime}`],
    ["chatroom/user/gag/rollback.json", `${who} unmuted ${users} in ${rooms}`],
    ["chatroom/user/ban/add.json", `${who} muted ${users} everywhere${forTime}`],
    ["chatroom/user/ban/remove.json", `${who} unmuted ${users} everywhere`],
    ["chatroom/ban/add.json", `${who} muted everyone in ${rooms}`],
    ["chatroom/ban/rollback.json", `${who} unmuted everyone in ${rooms}`],
    ["chatroom/destroy.json", `${who} closed ${rooms}`],
    ["chatroom/create.json", `${who} created ${rooms}`],
    ["chatroom/create_new.json", `${who} created ${rooms}`],
    ["chatroom/message/stopDistribution.json", `${who} paused messages in ${rooms}`],
    ["chatroom/message/resumeDistribution.json", `${who} resumed messages in ${rooms}`],
    ["chatroom/keepalive/add.json", `${who} kept ${rooms} open`],
    ["chatroom/keepalive/remove.json", `${who} stopped keeping ${rooms} open`],
    ["message/chatroom/publish.json", `${who} sent an announcement to ${rooms}`],
    ["message/chatroom/broadcast.json", `${who} sent an announcement to every room`],
    ["message/recall.json", `${who} removed a message in ${rooms}`],
    ["user/getToken.json", `${who} issued a sign-in token for ${users}`],
    ["member.removed", `${users} left ${rooms}${reason ? ` (${reason})` : ""}`],
    ["room.destroyed", `${rooms} was closed${reason ? ` (${reason})` : ""}`],
  ]);
  const sentence = sentences.get(path) ?? `${who} called ${path}${rooms ? ` on ${rooms}` : ""}${users ? ` for ${users}` : ""}`;
  return e.result === 200 ? sentence : `${sentence}: refused`;
}

/** Renders the entries, newest first; `empty` is what an empty trail says. */
export function renderAudit(list: HTMLElement, entries: readonly AuditEntry[], empty: string, roomName: (roomId: string) => string): void {
  const key = JSON.stringify([entries, empty, entries.flatMap((e) => e.chatroomIds.map(roomName))]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  if (entries.length === 0) {
    replaceChildren(list, el("li", { class: "hint", text: empty }));
    return;
  }
  replaceChildren(
    list,
    ...entries.map((e) => {
      const day = dayLabel(e.timestamp);
      return el(
        "li",
        { class: e.result === 200 ? "" : "failed", "data-action": e.action },
        el("time", {
          datetime: new Date(e.timestamp).toISOString(),
          text: day === "Today" ? clock(e.timestamp) : `${day} ${clock(e.timestamp)}`,
          title: new Date(e.timestamp).toLocaleString(),
        }),
        el("span", { text: describeAudit(e, roomName) }),
      );
    }),
  );
}
