/** Renders the room list: each room with its member count and what this user can do with it. */
import { el, replaceChildren } from "./dom";
import type { RoomRow } from "./lobbyApi";

/** What a room row's buttons do. */
export interface RoomListActions {
  /** Show a room this client is in. */
  open(roomID: string): void;
  /** Join a room this client is not in. */
  join(roomID: string): void;
  /** Move from the room on screen to this one. */
  switchTo(roomID: string): void;
}

/** The rooms of the server; `joined` are this client's rooms, `active` the one on screen; `empty` is what an empty list says. */
export function renderRoomList(
  list: HTMLElement,
  rows: RoomRow[],
  joined: ReadonlySet<string>,
  active: string | undefined,
  actions: RoomListActions,
  empty = "No rooms yet: create one below.",
): void {
  const key = JSON.stringify([rows, [...joined].sort(), active, empty]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  if (rows.length === 0) {
    replaceChildren(list, el("li", { class: "empty", text: empty }));
    return;
  }
  replaceChildren(
    list,
    ...rows.map((row) => {
      const inRoom = joined.has(row.roomId);
      const count = row.memberCount === 1 ? "1 member" : `${row.memberCount} members`;
      return el(
        "li",
        { "data-room": row.roomId },
        el(
          "span",
          { class: "name", title: `${row.roomName} (${row.roomId})` },
          el("span", { class: "title", text: row.roomName || row.roomId }),
          el("span", { class: "count", text: row.roomName && row.roomName !== row.roomId ? `${row.roomId} · ${count}` : count }),
        ),
        inRoom
          ? el("button", { type: "button", class: "small", text: "Open", onclick: () => actions.open(row.roomId) })
          : el("button", { type: "button", class: "small", text: "Join", onclick: () => actions.join(row.roomId) }),
        !inRoom &&
          active !== undefined &&
          el("button", {
            type: "button",
            class: "small quiet",
            text: "Switch",
            title: "Leave the room on screen for this one",
            onclick: () => actions.switchTo(row.roomId),
          }),
      );
    }),
  );
}
