/** Renders the parts of the room on screen: tabs, members, messages and attributes. Pure DOM output, no state. */
import type { MemberInfo } from "../../src/protocol";
import { clock, el, replaceChildren } from "./dom";
import type { ShownAttribute, ShownMessage } from "./model";

/** The message type the demo's composer sends; any other type is shown as a system/operator message. */
export const TEXT_TYPE = "text";

/** One tab: a room this client is in. */
export interface TabInfo {
  roomID: string;
  roomName: string;
  /** "" when connected, else e.g. "reconnecting". */
  state: string;
  unread: number;
}

/** Re-renders `node` only when `key` differs from the last render (keeps focus, selection and scroll otherwise). */
function changed(node: HTMLElement, key: string): boolean {
  if (node.dataset.key === key) return false;
  node.dataset.key = key;
  return true;
}

/** The tabs of the rooms this client is in; the active one has aria-current. */
export function renderTabs(nav: HTMLElement, tabs: TabInfo[], active: string | undefined, select: (roomID: string) => void): void {
  if (!changed(nav, JSON.stringify([tabs, active]))) return;
  replaceChildren(
    nav,
    ...tabs.map((tab) =>
      el(
        "button",
        { type: "button", "aria-current": String(tab.roomID === active), "data-room": tab.roomID, onclick: () => select(tab.roomID) },
        tab.roomName,
        tab.state && el("span", { class: "state", text: `(${tab.state})` }),
        tab.unread > 0 && el("span", { class: "badge", text: String(tab.unread) }),
      ),
    ),
  );
}

/** The member list: online dot, name, id, devices; this user marked "(you)". */
export function renderMembers(list: HTMLElement, members: MemberInfo[], selfID: string): void {
  const sorted = [...members].sort((a, b) => a.joinedAt - b.joinedAt || a.userId.localeCompare(b.userId));
  if (!changed(list, JSON.stringify(sorted.map((m) => [m.userId, m.userName, m.online, m.devices])))) return;
  replaceChildren(
    list,
    ...sorted.map((m) =>
      el(
        "li",
        { class: m.online ? "online" : "offline", "data-user": m.userId, title: m.online ? "online" : "offline (may reconnect)" },
        el("span", { class: "dot", "aria-hidden": "true" }),
        el("span", { class: "name", text: m.userName || m.userId }),
        el("span", { class: "id", text: m.userId === selfID ? `${m.userId} (you)` : m.userId }),
        el("span", { class: "presence", text: m.online ? (m.devices > 1 ? `${m.devices} devices` : "") : "offline" }),
      ),
    ),
  );
}

/** The text of a message: RongCloud-style JSON content `{"content": "..."}` is unwrapped. */
export function messageText(message: ShownMessage): string {
  if (message.type === TEXT_TYPE) return message.content;
  try {
    const parsed = JSON.parse(message.content) as unknown;
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { content?: unknown }).content === "string") {
      return (parsed as { content: string }).content;
    }
  } catch {
    // not JSON: shown as it is
  }
  return message.content;
}

/** The message list, oldest first; own messages get a Recall button. Keeps the view at the bottom when it was there. */
export function renderMessages(
  list: HTMLElement,
  messages: ShownMessage[],
  nameOf: (userID: string) => string,
  selfID: string,
  recall: (messageID: string) => void,
): void {
  if (!changed(list, JSON.stringify(messages.map((m) => [m.messageID, m.recalledBy])))) return;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  replaceChildren(
    list,
    ...messages.map((m) => {
      const mine = m.senderUserID === selfID;
      const recalled = m.recalledBy !== undefined;
      const system = m.type !== TEXT_TYPE;
      const classes = ["message", mine && "mine", system && "system", recalled && "recalled"].filter(Boolean).join(" ");
      return el(
        "li",
        { class: classes, "data-message": m.messageID, "data-seq": m.seq },
        el(
          "div",
          { class: "head" },
          el("span", { class: "sender", text: system && !mine ? `${nameOf(m.senderUserID)} · ${m.type}` : nameOf(m.senderUserID) }),
          el("time", { datetime: new Date(m.timestamp).toISOString(), text: clock(m.timestamp) }),
          mine && !recalled && el("button", { type: "button", class: "quiet small", text: "Recall", onclick: () => recall(m.messageID) }),
        ),
        el("div", {
          class: "body",
          text: recalled ? (m.recalledBy === null ? "Message removed by an operator" : "Message recalled") : messageText(m),
        }),
      );
    }),
  );
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** The attribute table with a Delete button per key. */
export function renderAttributes(
  body: HTMLElement,
  attributes: [string, ShownAttribute][],
  nameOf: (userID: string) => string,
  remove: (key: string) => void,
): void {
  if (!changed(body, JSON.stringify(attributes))) return;
  if (attributes.length === 0) {
    replaceChildren(body, el("tr", {}, el("td", { class: "owner", text: "No attributes yet." })));
    return;
  }
  replaceChildren(
    body,
    ...attributes.map(([key, attr]) =>
      el(
        "tr",
        { "data-key": key },
        el("td", { class: "key", text: key }),
        el("td", { text: attr.value }),
        el("td", { class: "owner", text: attr.ownerId ? nameOf(attr.ownerId) : "" }),
        el("td", {}, el("button", { type: "button", class: "quiet small", text: "Delete", onclick: () => remove(key) })),
      ),
    ),
  );
}
