/**
 * Entry of the operator console (/operator/): a live room list with counters, the chosen room's
 * members to pick from, actions with a confirmation where people or rooms are removed, one result
 * line in words, and the audit trail. Every call goes through the server's signing proxy.
 */
import { renderAudit, auditEntries } from "./auditView";
import { showBanner } from "./banners";
import { ago, byId, clock, el, replaceChildren } from "./dom";
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

const REFRESH_MS = 2000;

/** A room of the list with the counters of `chatroom/get.json`. */
interface RoomStats extends RoomRow {
  messageCount?: number;
  droppedCount?: number;
}

/** Someone to pick in the chosen room: a member (`chatroom/user/query.json`), or a banned user who is not in it. */
interface Member {
  id: string;
  inRoom: boolean;
  joinedAt?: number;
  /** End of a mute / ban in this room (ms epoch), from `gag/list.json` and `block/list.json`. */
  mutedUntil?: number;
  bannedUntil?: number;
}

/** A RongCloud wire time ("2030-01-01 00:00:00", UTC) as ms epoch, or undefined. */
function wireTime(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value.replace(" ", "T") + "Z");
  return Number.isNaN(ms) ? undefined : ms;
}

/** The `{ userId, time }` rows of a ban or mute list answer, as user id -> end. */
function timedUsers(answer: Answer): Map<string, number | undefined> {
  const users = answer.body?.users;
  const out = new Map<string, number | undefined>();
  if (!Array.isArray(users)) return out;
  for (const u of users as unknown[]) {
    if (typeof u === "object" && u !== null && "userId" in u && typeof u.userId === "string") {
      out.set(u.userId, "time" in u ? wireTime(u.time) : undefined);
    }
  }
  return out;
}

const roomSelect = byId("op-room", HTMLSelectElement);
const minutes = byId("op-minutes", HTMLSelectElement);
const result = byId("op-result", HTMLElement);
const memberPicker = byId("op-members", HTMLElement);
const auditAll = byId("audit-all", HTMLInputElement);
const confirmDialog = byId("confirm", HTMLDialogElement);

let rooms: RoomStats[] = [];
let members: Member[] = [];
/** The selected members (user ids), kept while they stay in the room. */
const selected = new Set<string>();

/** The answer of an operator call: its HTTP status and JSON body (undefined when it was not JSON). */
interface Answer {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** Posts `params` to operator endpoint `path` through the proxy. */
async function call(path: string, params: FormParams): Promise<Answer> {
  const res = await fetch(`/operator/api/${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: encodeForm(params),
  });
  const text = await res.text();
  try {
    const body = JSON.parse(text) as unknown;
    return { status: res.status, body: typeof body === "object" && body !== null ? (body as Record<string, unknown>) : undefined };
  } catch {
    return { status: res.status, body: undefined };
  }
}

/** Whether an answer is a success (`code: 200`). */
function ok(answer: Answer): boolean {
  return answer.body?.code === 200;
}

/** Why a call failed, in the API's own words. */
function failure(answer: Answer): string {
  const message = answer.body?.errorMessage ?? answer.body?.message;
  return typeof message === "string" ? message : `the server answered HTTP ${String(answer.status)}`;
}

/** Shows one result (replacing the last). */
function show(text: string, kind: "ok" | "error" | "info"): void {
  result.textContent = text;
  result.className = `result ${kind}`;
}

function target(): Target {
  const roomId = roomSelect.value;
  const row = rooms.find((r) => r.roomId === roomId);
  return {
    roomId,
    roomName: row?.roomName ?? roomId,
    userIds: [...selected].sort(),
    minutes: Number(minutes.value) || 10,
  };
}

/** Asks `question` in the confirmation dialog; resolves true when confirmed. */
function confirmed(question: string): Promise<boolean> {
  byId("confirm-text", HTMLElement).textContent = question;
  confirmDialog.returnValue = "";
  return new Promise((resolve) => {
    confirmDialog.addEventListener("close", () => resolve(confirmDialog.returnValue === "yes"), { once: true });
    confirmDialog.showModal();
  });
}

async function run(action: OperatorAction): Promise<void> {
  const t = target();
  if (!t.roomId) {
    show(`${action.label}: choose a room first.`, "error");
    return;
  }
  if (action.users && t.userIds.length === 0) {
    show(`${action.label}: select one or more members first.`, "error");
    return;
  }
  if (action.confirm && !(await confirmed(action.confirm(t)))) {
    show(`${action.label} cancelled.`, "info");
    return;
  }
  try {
    const answer = await call(action.path, action.params(t));
    if (ok(answer)) show(action.done(t), "ok");
    else show(`Could not ${action.label.toLowerCase()}: ${failure(answer)}.`, "error");
  } catch (e) {
    show(`Could not ${action.label.toLowerCase()}: ${e instanceof Error ? e.message : String(e)}.`, "error");
  }
  await refresh();
}

function actionButton(action: OperatorAction): HTMLButtonElement {
  return el("button", {
    type: "button",
    class: action.confirm ? "danger small" : "quiet small",
    "data-action": action.id,
    text: action.label,
    onclick: () => void run(action),
  });
}

/** Every room, from the console's own route (under /operator/, so the browser sends the console's password). */
async function fetchRooms(): Promise<RoomRow[]> {
  const res = await fetch("/operator/api/rooms", { headers: { accept: "application/json" }, cache: "no-store" });
  if (!res.ok) throw new Error(`/operator/api/rooms answered HTTP ${String(res.status)}`);
  return ((await res.json()) as { rooms: RoomRow[] }).rooms;
}

/** The rooms with their counters (`chatroom/get.json`, a read: not written to the audit trail). */
async function loadRooms(): Promise<void> {
  const rows = await fetchRooms();
  rooms = await Promise.all(
    rows.map(async (row): Promise<RoomStats> => {
      const answer = await call("chatroom/get.json", { chatroomId: row.roomId }).catch(() => undefined);
      const body = answer?.body;
      return {
        ...row,
        messageCount: typeof body?.messageCount === "number" ? body.messageCount : undefined,
        droppedCount: typeof body?.droppedCount === "number" ? body.droppedCount : undefined,
      };
    }),
  );
}

async function loadMembers(): Promise<void> {
  const roomId = roomSelect.value;
  if (!roomId) {
    members = [];
    return;
  }
  const [present, banned, muted] = await Promise.all([
    call("chatroom/user/query.json", { chatroomId: roomId, count: 500, order: 1 }),
    call("chatroom/user/block/list.json", { chatroomId: roomId }).then(timedUsers),
    call("chatroom/user/gag/list.json", { chatroomId: roomId }).then(timedUsers),
  ]);
  const users = present.body?.users;
  const list: Member[] = Array.isArray(users)
    ? (users as unknown[]).flatMap((u) => {
        if (typeof u !== "object" || u === null || !("id" in u) || typeof u.id !== "string") return [];
        return [{ id: u.id, inRoom: true, joinedAt: "time" in u ? wireTime(u.time) : undefined }];
      })
    : [];
  for (const id of banned.keys()) if (!list.some((m) => m.id === id)) list.push({ id, inRoom: false });
  for (const m of list) {
    m.bannedUntil = banned.get(m.id);
    m.mutedUntil = muted.get(m.id);
  }
  members = list;
  for (const id of [...selected]) if (!members.some((m) => m.id === id)) selected.delete(id);
}

async function loadAudit(): Promise<void> {
  const params: FormParams = { count: 50 };
  if (!auditAll.checked && roomSelect.value) params.chatroomId = roomSelect.value;
  const answer = await call("chatroom/audit/query.json", params);
  const empty = answer.body?.kept === false ? "This server keeps no audit trail." : "Nothing has happened here yet.";
  renderAudit(byId("audit", HTMLElement), auditEntries(answer.body), empty, (id) => rooms.find((r) => r.roomId === id)?.roomName ?? id);
}

function renderRooms(): void {
  const body = byId("op-room-list", HTMLElement);
  const chosen = roomSelect.value;
  const key = JSON.stringify([rooms, chosen]);
  if (body.dataset.key !== key) {
    body.dataset.key = key;
    const count = (n: number | undefined) => (n === undefined ? "–" : n.toLocaleString());
    replaceChildren(
      body,
      ...(rooms.length === 0
        ? [el("tr", {}, el("td", { colspan: 4, class: "hint", text: "No rooms right now." }))]
        : rooms.map((r) =>
            el(
              "tr",
              { "data-room": r.roomId, class: r.roomId === chosen ? "selected" : "", onclick: () => choose(r.roomId) },
              el("td", { text: r.roomName }),
              el("td", { class: "num", text: count(r.memberCount) }),
              el("td", { class: "num", text: count(r.messageCount) }),
              el("td", { class: "num", text: count(r.droppedCount) }),
            ),
          )),
    );
  }
  const options = JSON.stringify(rooms.map((r) => [r.roomId, r.roomName]));
  if (roomSelect.dataset.key !== options) {
    roomSelect.dataset.key = options;
    replaceChildren(
      roomSelect,
      el("option", { value: "", text: rooms.length ? "Choose a room…" : "No rooms" }),
      ...rooms.map((r) => el("option", { value: r.roomId, text: r.roomName })),
    );
    roomSelect.value = rooms.some((r) => r.roomId === chosen) ? chosen : "";
  }
}

function renderMembers(): void {
  const key = JSON.stringify([members, [...selected], roomSelect.value]);
  if (memberPicker.dataset.key === key) return;
  memberPicker.dataset.key = key;
  if (!roomSelect.value) {
    replaceChildren(memberPicker, el("span", { class: "hint", text: "Choose a room to see its members." }));
    return;
  }
  if (members.length === 0) {
    replaceChildren(memberPicker, el("span", { class: "hint", text: "Nobody is in this room, and nobody is banned from it." }));
    return;
  }
  replaceChildren(
    memberPicker,
    ...members.map((m) =>
      el(
        "button",
        {
          type: "button",
          class: m.inRoom ? "chip" : "chip offline",
          "data-user": m.id,
          "aria-pressed": selected.has(m.id) ? "true" : "false",
          title: m.inRoom ? (m.joinedAt === undefined ? "in the room" : `joined ${ago(m.joinedAt)}`) : "not in the room",
          onclick: () => {
            if (selected.has(m.id)) selected.delete(m.id);
            else selected.add(m.id);
            renderMembers();
          },
        },
        el("span", { class: "dot", "aria-hidden": "true" }),
        m.id,
        m.mutedUntil !== undefined && el("span", { class: "tag", text: `muted until ${clock(m.mutedUntil)}` }),
        m.bannedUntil !== undefined && el("span", { class: "tag", text: `banned until ${clock(m.bannedUntil)}` }),
      ),
    ),
  );
}

function choose(roomId: string): void {
  roomSelect.value = roomId;
  selected.clear();
  renderRooms();
  void refresh();
}

let refreshing: Promise<void> | undefined;
/** Reloads rooms, members and the audit trail (one refresh at a time). */
function refresh(): Promise<void> {
  refreshing ??= (async () => {
    try {
      await loadRooms();
      renderRooms();
      await loadMembers();
      renderMembers();
      await loadAudit();
    } catch {
      // the server is unreachable: keep what is shown, try again on the next tick
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

async function showAccess(): Promise<void> {
  const res = await fetch("/operator/api/status", { cache: "no-store" }).catch(() => undefined);
  const body = res?.ok ? ((await res.json()) as { access?: string }) : undefined;
  if (body?.access === "open") {
    showBanner(
      byId("banners", HTMLElement),
      "Open development mode: the server has no CHAT_APP_SECRET, so this console is open to anyone. Set CHAT_APP_SECRET and CHAT_OPERATOR_PASSWORD before exposing the server.",
      "info",
    );
  }
}

replaceChildren(byId("member-actions", HTMLElement), ...MEMBER_ACTIONS.map(actionButton));
replaceChildren(byId("room-actions", HTMLElement), ...ROOM_ACTIONS.map(actionButton));
roomSelect.addEventListener("change", () => choose(roomSelect.value));
auditAll.addEventListener("change", () => void refresh());
byId("publish", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const t = target();
  const text = byId("pub-text", HTMLInputElement);
  if (!t.roomId) {
    show("Announce: choose a room first.", "error");
    return;
  }
  void call("message/chatroom/publish.json", publishParams(t, text.value)).then(
    (answer) => {
      if (ok(answer)) {
        show(`Announced in ${t.roomName}.`, "ok");
        text.value = "";
      } else show(`Could not announce: ${failure(answer)}.`, "error");
      void refresh();
    },
    (e: unknown) => {
      show(`Could not announce: ${e instanceof Error ? e.message : String(e)}.`, "error");
    },
  );
});
byId("token", HTMLFormElement).addEventListener("submit", (event) => {
  event.preventDefault();
  const userId = byId("token-user", HTMLInputElement).value.trim();
  const out = byId("token-out", HTMLOutputElement);
  void call("user/getToken.json", { userId, name: userId }).then(
    (answer) => {
      const token = answer.body?.token;
      out.textContent =
        ok(answer) && typeof token === "string" ? `Token for ${userId}: ${token}` : `Could not issue a token: ${failure(answer)}.`;
    },
    (e: unknown) => {
      out.textContent = `Could not issue a token: ${e instanceof Error ? e.message : String(e)}.`;
    },
  );
});
void showAccess();
void refresh();
setInterval(() => void refresh(), REFRESH_MS);
