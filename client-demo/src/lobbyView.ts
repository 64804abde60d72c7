/** Renders the room list: the user's rooms (last message, members, unread) first, then the other rooms to join. */
import { ago, el, replaceChildren } from "./dom";
import { memberCountText } from "./words";

/** One room of the list. */
export interface RoomListRow {
  roomID: string;
  roomName: string;
  memberCount: number;
  /** In the room (its row opens it) or not (its row joins it). */
  joined: boolean;
  /** "Ann: see you at 8", for joined rooms with messages. */
  preview?: string;
  previewAt?: number;
  unread: number;
  /** "Reconnecting…" while the connection is down. */
  state?: string;
}

/** Renders `rows`; `active` is the room on screen, `empty` what an empty list says. */
export function renderRoomList(
  list: HTMLElement,
  rows: readonly RoomListRow[],
  active: string | undefined,
  choose: (row: RoomListRow) => void,
  empty: string,
): void {
  const minute = Math.floor(Date.now() / 30_000);
  const key = JSON.stringify([rows, active, empty, minute]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  if (rows.length === 0) {
    replaceChildren(list, el("li", { class: "empty", text: empty }));
    return;
  }
  const joined = rows.filter((r) => r.joined);
  const others = rows.filter((r) => !r.joined);
  replaceChildren(
    list,
    joined.length > 0 && others.length > 0 && el("li", { class: "section", text: "Your rooms" }),
    ...joined.map((row) => item(row, row.roomID === active, choose)),
    others.length > 0 && el("li", { class: "section", text: joined.length > 0 ? "More rooms" : "Rooms" }),
    ...others.map((row) => item(row, false, choose)),
  );
}

function item(row: RoomListRow, current: boolean, choose: (row: RoomListRow) => void): HTMLLIElement {
  return el(
    "li",
    {
      class: `room-row ${row.joined ? "joined" : "open"}`,
      "data-room": row.roomID,
      "aria-current": current ? "true" : "false",
      role: "button",
      tabindex: 0,
      title: row.joined ? `Open ${row.roomName}` : `Join ${row.roomName}`,
      onclick: () => choose(row),
      onkeydown: (event) => {
        if (event instanceof KeyboardEvent && (event.key === "Enter" || event.key === " ")) choose(row);
      },
    },
    el("span", { class: "avatar", "aria-hidden": "true", text: (row.roomName.trim()[0] ?? "#").toUpperCase() }),
    el(
      "span",
      { class: "main" },
      el("span", { class: "title", text: row.roomName }),
      el("span", {
        class: "preview",
        text: row.state ?? (row.joined ? (row.preview ?? "No messages yet") : `${memberCountText(row.memberCount)} · tap to join`),
      }),
    ),
    el(
      "span",
      { class: "side" },
      row.previewAt !== undefined && el("span", { class: "when", text: ago(row.previewAt) }),
      row.joined && el("span", { class: "count", title: memberCountText(row.memberCount), text: memberCountText(row.memberCount) }),
      row.unread > 0 && el("span", { class: "badge", text: String(row.unread) }),
    ),
  );
}
