/** Entry of the operator panel (/operator/): buttons that call the operator API through the server's signing proxy. */
import { showBanner } from "./banners";
import { byId, el, replaceChildren } from "./dom";
import type { RoomRow } from "./lobbyApi";
import {
  encodeForm,
  MEMBER_ACTIONS,
  publishParams,
  ROOM_ACTIONS,
  type FormParams,
  type OperatorAction,
  type Target,
} from "./operatorActions";

const input = (id: string) => byId(id, HTMLInputElement);
const log = byId("log", HTMLElement);

function target(): Target {
  return {
    roomId: input("op-room").value.trim(),
    userIds: input("op-users")
      .value.split(/[\s,]+/)
      .filter(Boolean),
    minutes: Number(input("op-minutes").value) || 10,
  };
}

/** Posts `params` to operator endpoint `path` through the proxy and logs the answer. */
async function call(label: string, path: string, params: FormParams): Promise<unknown> {
  const stamp = new Date().toLocaleTimeString();
  try {
    const res = await fetch(`/operator/api/${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: encodeForm(params),
    });
    const text = await res.text();
    log.textContent = `${stamp} ${label} → /${path}\nHTTP ${res.status} ${text}\n\n${log.textContent}`;
    return JSON.parse(text) as unknown;
  } catch (e) {
    log.textContent = `${stamp} ${label} failed: ${e instanceof Error ? e.message : String(e)}\n\n${log.textContent}`;
    return undefined;
  }
}

function actionButton(action: OperatorAction): HTMLButtonElement {
  return el("button", {
    type: "button",
    class: action.danger ? "danger" : "",
    "data-action": action.id,
    text: action.label,
    onclick: () => {
      const t = target();
      if (!t.roomId) return void (log.textContent = `${action.label}: enter a room id first.\n\n${log.textContent}`);
      if (action.users && t.userIds.length === 0)
        return void (log.textContent = `${action.label}: enter at least one user id.\n\n${log.textContent}`);
      void call(`${action.label} ${t.roomId}${action.users ? ` ${t.userIds.join(",")}` : ""}`, action.path, action.params(t));
    },
  });
}

/**
 * Every room, from the panel's own route (/operator/api/rooms): under /operator/, the browser sends
 * the panel's password with it, which /demo/rooms needs once the server has an app secret.
 */
async function fetchRooms(): Promise<RoomRow[]> {
  const res = await fetch("/operator/api/rooms", { headers: { accept: "application/json" }, cache: "no-store" });
  if (!res.ok) throw new Error(`/operator/api/rooms answered HTTP ${res.status}`);
  return ((await res.json()) as { rooms: RoomRow[] }).rooms;
}

async function refreshRooms(): Promise<void> {
  const rows = await fetchRooms().catch(() => undefined);
  if (!rows) return;
  const list = byId("op-room-list", HTMLElement);
  const key = JSON.stringify(rows);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  replaceChildren(byId("op-rooms", HTMLDataListElement), ...rows.map((r) => el("option", { value: r.roomId })));
  replaceChildren(
    list,
    ...(rows.length === 0
      ? [el("li", { class: "empty", text: "No rooms." })]
      : rows.map((r) =>
          el(
            "li",
            { "data-room": r.roomId },
            el("span", { class: "name", text: r.roomName !== r.roomId ? `${r.roomName} (${r.roomId})` : r.roomId }),
            el("span", { class: "count", text: r.memberCount === 1 ? "1 member" : `${r.memberCount} members` }),
            el("button", { type: "button", class: "small quiet", text: "Select", onclick: () => void (input("op-room").value = r.roomId) }),
          ),
        )),
  );
}

async function showAccess(): Promise<void> {
  const res = await fetch("/operator/api/status", { cache: "no-store" }).catch(() => undefined);
  const body = res?.ok ? ((await res.json()) as { access?: string }) : undefined;
  if (body?.access === "open") {
    showBanner(
      byId("banners", HTMLElement),
      "Open development mode: the server has no CHAT_APP_SECRET, so this panel is open to anyone and needs no password. Set CHAT_APP_SECRET and CHAT_OPERATOR_PASSWORD before exposing the server.",
      "info",
    );
  }
}

replaceChildren(byId("member-actions", HTMLElement), ...MEMBER_ACTIONS.map(actionButton));
replaceChildren(byId("room-actions", HTMLElement), ...ROOM_ACTIONS.map(actionButton));
byId("publish", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const t = target();
  if (!t.roomId) return void (log.textContent = `Publish: enter a room id first.\n\n${log.textContent}`);
  void call(
    `Publish to ${t.roomId}`,
    "message/chatroom/publish.json",
    publishParams(t, input("pub-from").value.trim(), input("pub-text").value),
  );
});
byId("token", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const userId = target().userIds[0];
  if (!userId) return void (log.textContent = `Token: enter a user id first.\n\n${log.textContent}`);
  void call(`Token for ${userId}`, "user/getToken.json", { userId, name: userId });
});
void showAccess();
void refreshRooms();
setInterval(() => void refreshRooms(), 2000);
