/** Renders the parts of the room on screen: the timeline, the member list and the typing line. Pure DOM output, no state. */
import type { MemberInfo } from "../../src/protocol";
import { clock, dayLabel, el, replaceChildren } from "./dom";
import type { Notice, OutgoingMessage, ShownMessage } from "./model";

/** The message type the demo's composer sends; any other type is shown as an announcement. */
export const TEXT_TYPE = "text";

/** Messages of one sender closer than this are grouped under one name and time. */
const GROUP_MS = 5 * 60_000;

/** Re-renders `node` only when `key` differs from the last render (keeps focus, selection and scroll otherwise). */
export function changed(node: HTMLElement, key: string): boolean {
  if (node.dataset.key === key) return false;
  node.dataset.key = key;
  return true;
}

/** The text of a message: RongCloud-style JSON content `{"content": "..."}` is unwrapped. */
export function messageText(message: Pick<ShownMessage, "type" | "content">): string {
  if (message.type === TEXT_TYPE) return message.content;
  try {
    const parsed = JSON.parse(message.content) as unknown;
    if (typeof parsed === "object" && parsed !== null && "content" in parsed && typeof parsed.content === "string") return parsed.content;
  } catch {
    // not JSON: shown as it is
  }
  return message.content;
}

/** The role of a member (owner, admin, moderator); undefined for a plain member. */
export function roleOf(member: MemberInfo): string | undefined {
  return member.role ?? undefined;
}

/** What the timeline shows and what its buttons do. */
export interface Timeline {
  messages: readonly ShownMessage[];
  notices: readonly Notice[];
  outbox: readonly OutgoingMessage[];
  nameOf(userID: string): string;
  selfID: string;
  /** More history may be loaded by scrolling up. */
  olderAvailable: boolean;
  recall(messageID: string): void;
  retry(localId: string): void;
  discard(localId: string): void;
}

function dayDivider(ms: number): HTMLLIElement {
  return el("li", { class: "day", role: "separator" }, el("span", { text: dayLabel(ms) }));
}

function messageItem(m: ShownMessage, t: Timeline, grouped: boolean): HTMLLIElement {
  const mine = m.senderUserID === t.selfID;
  const recalled = m.recalledBy !== undefined;
  const announcement = m.type !== TEXT_TYPE;
  const classes = ["message", mine && "mine", announcement && "system", recalled && "recalled", grouped && "grouped"].filter(Boolean);
  const time = el("time", {
    datetime: new Date(m.timestamp).toISOString(),
    text: clock(m.timestamp),
    title: new Date(m.timestamp).toLocaleString(),
  });
  const body = recalled
    ? m.recalledBy === null
      ? "This message was removed by a moderator"
      : `${mine ? "You" : t.nameOf(m.senderUserID)} unsent a message`
    : messageText(m);
  return el(
    "li",
    { class: classes.join(" "), "data-message": m.messageID, "data-seq": m.seq },
    !grouped &&
      el(
        "div",
        { class: "head" },
        el("span", { class: "sender", text: announcement ? "Announcement" : mine ? "You" : t.nameOf(m.senderUserID) }),
        time,
      ),
    el(
      "div",
      { class: "bubble" },
      el("span", { class: "body", text: body }),
      grouped && el("span", { class: "meta" }, time),
      mine &&
        !recalled &&
        !announcement &&
        el("button", {
          type: "button",
          class: "link unsend",
          text: "Unsend",
          title: "Remove this message for everyone",
          onclick: () => t.recall(m.messageID),
        }),
    ),
  );
}

function outgoingItem(o: OutgoingMessage, t: Timeline): HTMLLIElement {
  const state = o.state === "queued" ? "Sending… (offline, goes out when you are back)" : o.state === "sending" ? "Sending…" : "Not sent";
  return el(
    "li",
    { class: `message mine outgoing ${o.state}`, "data-local": o.localId, "data-state": o.state },
    el(
      "div",
      { class: "bubble" },
      el("span", { class: "body", text: o.content }),
      el("span", { class: "state", text: o.error ? `${state}: ${o.error}` : state }),
      o.state === "failed" && el("button", { type: "button", class: "link retry", text: "Retry", onclick: () => t.retry(o.localId) }),
      o.state === "failed" && el("button", { type: "button", class: "link discard", text: "Delete", onclick: () => t.discard(o.localId) }),
    ),
  );
}

/**
 * The timeline, oldest first: day dividers, messages grouped by sender (own messages with Unsend),
 * join/leave notices where they happened, then this user's messages still on their way. Returns
 * whether it was re-rendered.
 */
export function renderTimeline(list: HTMLElement, t: Timeline): boolean {
  const key = JSON.stringify([
    t.messages.map((m) => [m.messageID, m.recalledBy]),
    t.notices.map((n) => n.id),
    t.outbox.map((o) => [o.localId, o.state, o.error]),
    t.olderAvailable,
    new Date().toDateString(),
  ]);
  if (!changed(list, key)) return false;
  const items: HTMLLIElement[] = [];
  if (t.messages.length === 0 && t.notices.length === 0 && t.outbox.length === 0) {
    items.push(el("li", { class: "empty-room", text: "No messages yet. Say hello!" }));
  } else if (!t.olderAvailable && t.messages.length > 0) {
    items.push(el("li", { class: "start", text: "This is the start of the room's history." }));
  }
  let lastDay = "";
  let prev: ShownMessage | undefined;
  const dividerFor = (ms: number) => {
    const day = new Date(ms).toDateString();
    if (day === lastDay) return;
    lastDay = day;
    prev = undefined;
    items.push(dayDivider(ms));
  };
  const notices = [...t.notices];
  const flushNotices = (upToSeq: number) => {
    while (notices[0] !== undefined && notices[0].afterSeq <= upToSeq) {
      const n = notices.shift();
      if (!n) break;
      dividerFor(n.at);
      items.push(el("li", { class: "notice", text: n.text }, el("time", { text: clock(n.at) })));
      prev = undefined;
    }
  };
  for (const m of t.messages) {
    flushNotices(m.seq - 1);
    dividerFor(m.timestamp);
    const grouped =
      prev !== undefined &&
      prev.senderUserID === m.senderUserID &&
      prev.type === TEXT_TYPE &&
      m.type === TEXT_TYPE &&
      prev.recalledBy === undefined &&
      m.recalledBy === undefined &&
      m.timestamp - prev.timestamp < GROUP_MS;
    items.push(messageItem(m, t, grouped));
    prev = m;
  }
  flushNotices(Number.MAX_SAFE_INTEGER);
  for (const o of t.outbox) items.push(outgoingItem(o, t));
  replaceChildren(list, ...items);
  return true;
}

/** The member list: online dot, name, role badge when the server sends one, "you", offline state. */
export function renderMembers(list: HTMLElement, members: readonly MemberInfo[], selfID: string): void {
  const sorted = [...members].sort(
    (a, b) => Number(b.online) - Number(a.online) || (a.userName || a.userId).localeCompare(b.userName || b.userId),
  );
  if (!changed(list, JSON.stringify(sorted.map((m) => [m.userId, m.userName, m.online, m.devices, roleOf(m)])))) return;
  replaceChildren(
    list,
    ...sorted.map((m) => {
      const role = roleOf(m);
      return el(
        "li",
        { class: m.online ? "online" : "offline", "data-user": m.userId, title: m.online ? "Online" : "Offline, may come back" },
        el("span", { class: "dot", "aria-hidden": "true" }),
        el("span", { class: "name", text: m.userName || m.userId }),
        m.userId === selfID && el("span", { class: "you", text: "you" }),
        role !== undefined && el("span", { class: `role role-${role.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`, text: role }),
        el("span", { class: "presence", text: m.online ? "" : "offline" }),
      );
    }),
  );
}
