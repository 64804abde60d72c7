/**
 * The signed-in chat app: one ChatClient (this tab = one device), the rooms it is in, and the
 * page kept in step with ChatClient's events. Each room keeps its own draft, status line and
 * outgoing messages, so nothing of one room shows in another. Sends made while the connection is
 * down wait in the room's outbox and go out, in order, once it is back.
 */
import type { ChatClient, ExitReason, RoomInfo } from "../../src/client";
import type { MemberInfo, RecallNotice, RoomMessage } from "../../src/protocol";
import { showBanner } from "./banners";
import { fetchRooms, type RoomRow } from "./lobbyApi";
import { renderRoomList, type RoomListRow } from "./lobbyView";
import { RoomModel, type OutgoingMessage } from "./model";
import { messageText, renderMembers, renderTimeline, TEXT_TYPE } from "./roomView";
import { saveSession, type SavedSession } from "./session";
import type { ChatUi } from "./ui";
import { exitBanner, leftNotice, memberCountText, refusal, retryable, roomIdOf, typingText } from "./words";

/** How often the page refreshes what changes without an event (online dots, "3 min ago"), and the server's room list. */
const REFRESH_MS = 1000;
const ROOM_LIST_MS = 2000;
/** Older history is asked for when the list is scrolled this close to its top. */
const TOP_PX = 60;
/** The list counts as "at the bottom" this close to it. */
const BOTTOM_PX = 60;
const OLDER_PAGE = 30;

/** What the room list says when the server lists only the user's own rooms (it has an app secret). */
const OWN_ROOMS_ONLY = "The full room list is for operators only. Type a room's name above to join or create it.";
const NO_ROOMS = "No rooms yet. Type a name above to create the first one.";

/** Who is signed in, as saved for a reload. */
export interface Identity {
  userId: string;
  userName: string;
  token?: string;
}

/** The chat app of one signed-in user. */
export class ChatApp {
  private readonly models = new Map<string, RoomModel>();
  /** Connection state shown for a room ("" = connected). */
  private readonly states = new Map<string, string>();
  /** Display names of every member seen, for messages of users who have left. */
  private readonly names = new Map<string, string>();
  private active: string | undefined;
  /** Phone layout: the room list or the conversation. */
  private view: "list" | "room" = "list";
  private rows: RoomRow[] = [];
  private readonly stops: (() => void)[] = [];
  private emptyList = NO_ROOMS;
  /** The room whose timeline is in the list now (a change scrolls to the bottom). */
  private shownRoom: string | undefined;
  /** Set while older history is being prepended: the render keeps the reader's place. */
  private keepPlace: { height: number; top: number } | undefined;
  private entryTicket = 0;

  constructor(
    private readonly chat: ChatClient,
    private readonly ui: ChatUi,
    private readonly me: Identity,
    /**
     * Whether the server lists every room to anyone (/demo/rooms, open development mode). Otherwise
     * (an app secret: the full list is for operators) the room list shows the rooms this user is in.
     */
    private readonly everyRoomListed: Promise<boolean> = Promise.resolve(true),
  ) {}

  /** Subscribes to the client's events and starts refreshing the page. */
  start(): void {
    const { chat, ui } = this;
    this.stops.push(
      chat.on("roomStateChanged", (roomID, state, event) => {
        if (!this.ensureModel(roomID)) return;
        this.states.set(roomID, state === "connecting" ? (event === "interrupted" ? "Reconnecting…" : "Connecting…") : "");
        if (state === "connected") {
          this.persist();
          void this.flush(roomID);
        }
        this.render();
      }),
      chat.on("roomMemberJoined", (members: MemberInfo[], roomID: string) => {
        const model = this.models.get(roomID);
        for (const m of members) {
          this.names.set(m.userId, m.userName || m.userId);
          model?.notice(`${this.nameOf(m.userId)} joined`, Date.now());
        }
        this.render();
      }),
      chat.on("roomMemberLeft", (members: MemberInfo[], roomID: string, reasons: Record<string, ExitReason>) => {
        const model = this.models.get(roomID);
        const why = new Map(Object.entries(reasons));
        for (const m of members) model?.notice(leftNotice(this.nameOf(m.userId), why.get(m.userId)), Date.now());
        this.render();
      }),
      chat.on("exitRoom", (roomID, reason) => this.onExit(roomID, reason)),
      chat.on("roomMessageReceived", (messages: RoomMessage[], roomID: string) => this.onMessages(roomID, messages)),
      chat.on("roomMessageRecalled", (notice: RecallNotice, roomID: string) => {
        this.models.get(roomID)?.recall(notice);
        this.render();
      }),
      chat.on("roomTypingChanged", () => this.render()),
      chat.on("roomMemberCountChanged", () => this.render()),
    );
    const refresh = setInterval(() => this.render(), REFRESH_MS);
    const list = setInterval(() => void this.loadRooms(), ROOM_LIST_MS);
    const save = () => this.persist();
    const onScroll = () => this.onScroll();
    window.addEventListener("pagehide", save);
    ui.messages.addEventListener("scroll", onScroll, { passive: true });
    this.stops.push(
      () => clearInterval(refresh),
      () => clearInterval(list),
      () => window.removeEventListener("pagehide", save),
      () => ui.messages.removeEventListener("scroll", onScroll),
    );
    void this.loadRooms();
    this.render();
  }

  /** Leaves every room and stops listening (sign out). */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.chat.leaveAllRoom().catch(() => undefined);
  }

  /**
   * Comes back into the rooms of a saved session after a reload: each with its reconnection
   * token (the room kept this member while the page reloaded, so nobody saw a leave), else by
   * entering it again.
   */
  async resume(saved: SavedSession): Promise<void> {
    if (saved.rooms.length === 0) return;
    this.ui.lobbyStatus.textContent = "Reconnecting to your rooms…";
    await Promise.all(
      saved.rooms.map(async ([roomID, token]) => {
        try {
          await this.chat.resumeRoom(token);
        } catch {
          await this.chat.enterRoom({ roomID }).catch(() => undefined);
        }
        this.ensureModel(roomID);
      }),
    );
    this.ui.lobbyStatus.textContent = "";
    const target = saved.active !== undefined && this.models.has(saved.active) ? saved.active : undefined;
    if (target !== undefined) this.select(target);
    this.persist();
    this.render();
  }

  /** The one "join or create" box: enters the room named `typed` (its id made from the name), creating it when missing. */
  async entry(typed: string): Promise<void> {
    const roomID = roomIdOf(typed);
    const status = this.ui.lobbyStatus;
    status.classList.remove("error");
    if (roomID === "") {
      status.classList.add("error");
      status.textContent = "Use letters or digits in the room name.";
      return;
    }
    if (this.models.has(roomID)) {
      status.textContent = "";
      this.select(roomID);
      return;
    }
    await this.enter(roomID, () => this.chat.enterRoom({ roomID, roomName: typed.trim() }));
  }

  /** Leaves the room on screen. */
  async leaveActive(): Promise<void> {
    const roomID = this.active;
    if (roomID === undefined) return;
    try {
      await this.chat.leaveRoom(roomID);
    } catch (e) {
      const model = this.models.get(roomID);
      if (model) model.status = { text: refusal(e), error: true };
      this.render();
    }
  }

  /** Back to the room list (phone layout). */
  showList(): void {
    this.stash();
    this.view = "list";
    this.render();
  }

  /** Shows or hides the member list (narrow screens). */
  toggleMembers(): void {
    this.ui.memberPanel.classList.toggle("open");
  }

  /** Tells the room on screen whether this user is typing (the composer's input and blur). */
  typing(typing: boolean): void {
    if (this.active !== undefined) this.chat.setTyping(this.active, typing);
  }

  /** Sends the composer's text to the room on screen: shown at once as "sending", or "waiting" while offline. */
  send(content: string): boolean {
    const model = this.active === undefined ? undefined : this.models.get(this.active);
    if (!model || content.trim() === "") return false;
    model.status = { text: "", error: false };
    const out = model.enqueue(content, this.connected(model.roomID) ? "sending" : "queued", Date.now());
    model.newBelow = false;
    this.scrollToBottom = true;
    this.render();
    if (out.state === "sending") void this.deliver(model, out);
    return true;
  }

  /** Set by a send: the next render shows the bottom of the timeline. */
  private scrollToBottom = false;

  /** Jumps to the newest message (the "new messages" cue). */
  jumpToNewest(): void {
    const model = this.active === undefined ? undefined : this.models.get(this.active);
    if (model) model.newBelow = false;
    this.ui.messages.scrollTop = this.ui.messages.scrollHeight;
    this.render();
  }

  private connected(roomID: string): boolean {
    return this.chat.room(roomID) !== undefined && (this.states.get(roomID) ?? "") === "";
  }

  private async deliver(model: RoomModel, out: OutgoingMessage): Promise<void> {
    out.state = "sending";
    out.error = undefined;
    this.render();
    try {
      const message = await this.chat.sendRoomMessage(model.roomID, { type: TEXT_TYPE, content: out.content });
      model.settle(out.localId);
      model.addMessages([message]);
    } catch (e) {
      if (!this.connected(model.roomID) && this.chat.room(model.roomID) !== undefined && retryable(e)) {
        out.state = "queued"; // the connection dropped meanwhile: it goes out when it is back
      } else {
        out.state = "failed";
        out.error = refusal(e);
        model.status = { text: refusal(e), error: true };
      }
    }
    this.render();
  }

  /** Sends the room's waiting messages, in order, once its connection is back. */
  private async flush(roomID: string): Promise<void> {
    const model = this.models.get(roomID);
    if (!model) return;
    for (const out of model.outbox.filter((o) => o.state === "queued")) {
      if (!this.connected(roomID)) return;
      await this.deliver(model, out);
    }
  }

  private retry(roomID: string, localId: string): void {
    const model = this.models.get(roomID);
    const out = model?.outgoing(localId);
    if (!model || !out) return;
    model.status = { text: "", error: false };
    if (this.connected(roomID)) void this.deliver(model, out);
    else out.state = "queued";
    this.render();
  }

  private discard(roomID: string, localId: string): void {
    this.models.get(roomID)?.settle(localId);
    this.render();
  }

  private async recall(roomID: string, messageID: string): Promise<void> {
    const model = this.models.get(roomID);
    try {
      await this.chat.recallRoomMessage(roomID, messageID);
      model?.recall({ messageID, seq: 0, recalledBy: this.chat.userId });
    } catch (e) {
      if (model) model.status = { text: refusal(e), error: true };
    }
    this.render();
  }

  /** Runs an entry call; its refusal shows under the join box, unless a newer entry started meanwhile. */
  private async enter(roomID: string, call: () => Promise<RoomInfo>): Promise<void> {
    const ticket = ++this.entryTicket;
    const status = this.ui.lobbyStatus;
    status.classList.remove("error");
    status.textContent = "Joining…";
    try {
      const info = await call();
      if (ticket === this.entryTicket) status.textContent = "";
      this.adopt(info);
      this.ui.roomId.value = "";
    } catch (e) {
      if (ticket !== this.entryTicket) return;
      status.classList.add("error");
      status.textContent = refusal(e);
    }
    void this.loadRooms();
    if (roomID === this.active) this.ui.messageInput.focus();
  }

  /**
   * The model of a room this client is in, created on first need: the join history may arrive
   * (roomMessageReceived) before the entry call's promise continues. Undefined once the room is left.
   */
  private ensureModel(roomID: string): RoomModel | undefined {
    let model = this.models.get(roomID);
    if (model) return model;
    const info = this.chat.room(roomID);
    if (!info) return undefined;
    model = new RoomModel(roomID, info.roomName || roomID);
    this.models.set(roomID, model);
    this.states.set(roomID, "");
    return model;
  }

  /** Shows a room just entered. */
  private adopt(info: RoomInfo): void {
    if (!this.ensureModel(info.roomID)) return;
    this.select(info.roomID);
    this.persist();
  }

  private onMessages(roomID: string, messages: readonly RoomMessage[]): void {
    const model = this.ensureModel(roomID);
    if (!model) return;
    const added = model.addMessages(messages);
    if (roomID !== this.active || this.view === "list") model.unread += added;
    else if (added > 0 && !this.atBottom()) model.newBelow = true;
    this.render();
  }

  private onExit(roomID: string, reason: ExitReason): void {
    const model = this.models.get(roomID);
    this.models.delete(roomID);
    this.states.delete(roomID);
    const text = exitBanner(reason, model?.roomName ?? roomID);
    if (text !== undefined) showBanner(this.ui.banners, text, "exit");
    if (this.active === roomID) {
      this.active = undefined;
      this.view = "list";
      this.ui.messageInput.value = "";
    }
    this.persist();
    this.render();
    void this.loadRooms();
  }

  /** Saves the signed-in user, the rooms with their reconnection tokens and the room on screen (sessionStorage). */
  private persist(): void {
    const rooms: [string, string][] = [];
    for (const roomID of this.models.keys()) {
      const token = this.chat.reconnectionToken(roomID);
      if (token !== undefined) rooms.push([roomID, token]);
    }
    saveSession({ ...this.me, rooms, active: this.active });
  }

  private async loadRooms(): Promise<void> {
    try {
      if (await this.everyRoomListed) {
        this.rows = await fetchRooms();
        this.emptyList = NO_ROOMS;
      } else {
        this.rows = [];
        this.emptyList = OWN_ROOMS_ONLY;
      }
      this.render();
    } catch {
      // the list is a convenience: keep the last one while the server is unreachable
    }
  }

  private nameOf(userID: string): string {
    return this.names.get(userID) ?? userID;
  }

  /** Keeps the composer's text with the room on screen before another is shown. */
  private stash(): void {
    const model = this.active === undefined ? undefined : this.models.get(this.active);
    if (model) model.draft = this.ui.messageInput.value;
    if (this.active !== undefined) this.chat.setTyping(this.active, false);
  }

  private select(roomID: string): void {
    const model = this.models.get(roomID);
    if (!model) return;
    if (this.active !== roomID) {
      this.stash();
      this.active = roomID;
      this.ui.messageInput.value = model.draft;
    }
    this.view = "room";
    model.unread = 0;
    this.persist();
    this.render();
  }

  private choose(row: RoomListRow): void {
    if (row.joined) this.select(row.roomID);
    else void this.enter(row.roomID, () => this.chat.joinRoom(row.roomID));
  }

  private atBottom(): boolean {
    const list = this.ui.messages;
    return list.scrollHeight - list.scrollTop - list.clientHeight < BOTTOM_PX;
  }

  private onScroll(): void {
    const model = this.active === undefined ? undefined : this.models.get(this.active);
    if (!model) return;
    if (model.newBelow && this.atBottom()) {
      model.newBelow = false;
      this.render();
    }
    if (this.ui.messages.scrollTop < TOP_PX) void this.loadOlder(model);
  }

  /** Loads the page of history before the oldest message shown (scrolling up). */
  private async loadOlder(model: RoomModel): Promise<void> {
    if (model.olderDone || model.loadingOlder) return;
    const oldest = model.oldestSeq();
    if (oldest === undefined) return; // the join history is still on its way
    if (oldest <= 1) {
      model.olderDone = true;
      this.render();
      return;
    }
    model.loadingOlder = true;
    try {
      const page = await this.chat.queryRoomHistory(model.roomID, { beforeSeq: oldest, limit: OLDER_PAGE });
      if (page.length < OLDER_PAGE) model.olderDone = true;
      if (model.roomID === this.active) this.keepPlace = { height: this.ui.messages.scrollHeight, top: this.ui.messages.scrollTop };
      model.addMessages(page);
    } catch {
      // not connected now: asked again on the next scroll
    } finally {
      model.loadingOlder = false;
    }
    this.render();
  }

  /** Brings the page in line with the client's rooms; cheap when nothing changed. */
  render(): void {
    const { ui, chat } = this;
    const rooms = new Map(chat.rooms.map((r) => [r.roomID, r]));
    for (const room of rooms.values()) for (const m of room.members) this.names.set(m.userId, m.userName || m.userId);
    if (this.active !== undefined && !this.models.has(this.active)) this.active = undefined;
    const model = this.active === undefined ? undefined : this.models.get(this.active);
    if (model && this.view === "room") model.unread = 0;

    renderRoomList(ui.roomList, this.roomRows(rooms), this.active, (row) => this.choose(row), this.emptyList);
    ui.app.dataset.view = model && this.view === "room" ? "room" : "list";
    ui.roomEmpty.hidden = model !== undefined;
    ui.roomBody.hidden = model === undefined;
    if (!model) {
      ui.roomBody.dataset.room = "";
      this.shownRoom = undefined;
      return;
    }
    const info = rooms.get(model.roomID);
    const members = info?.members ?? [];
    const count = info?.memberCount ?? members.length;
    const online = members.filter((m) => m.online).length;
    const state = this.states.get(model.roomID) ?? "";
    ui.roomBody.dataset.room = model.roomID;
    ui.roomTitle.textContent = info?.roomName || model.roomName;
    ui.roomMeta.textContent = state || `${memberCountText(count)} · ${String(online)} online`;
    ui.roomMeta.classList.toggle("warn", state !== "");
    ui.memberCount.textContent = String(count);
    renderMembers(ui.members, members, chat.userId);

    const switched = this.shownRoom !== model.roomID;
    const wasAtBottom = this.atBottom();
    const rendered = renderTimeline(ui.messages, {
      messages: model.list(),
      notices: model.noticeList(),
      outbox: model.outbox,
      nameOf: (id) => this.nameOf(id),
      selfID: chat.userId,
      olderAvailable: !model.olderDone,
      recall: (id) => void this.recall(model.roomID, id),
      retry: (id) => this.retry(model.roomID, id),
      discard: (id) => this.discard(model.roomID, id),
    });
    this.shownRoom = model.roomID;
    if (this.keepPlace && rendered && !switched) {
      ui.messages.scrollTop = ui.messages.scrollHeight - this.keepPlace.height + this.keepPlace.top;
    } else if (switched || this.scrollToBottom || (rendered && wasAtBottom && !model.newBelow)) {
      ui.messages.scrollTop = ui.messages.scrollHeight;
    }
    this.keepPlace = undefined;
    this.scrollToBottom = false;
    ui.newMessages.hidden = !model.newBelow;
    // a short history does not fill the list: load older pages until it scrolls or the history ends
    if (!model.olderDone && !model.loadingOlder && ui.messages.clientHeight > 0 && ui.messages.scrollTop < TOP_PX)
      void this.loadOlder(model);

    const typers = typingText(chat.typingUsers(model.roomID).map((id) => this.nameOf(id)));
    if (ui.typing.textContent !== typers) ui.typing.textContent = typers;
    if (ui.composerStatus.textContent !== model.status.text) ui.composerStatus.textContent = model.status.text;
    ui.composerStatus.classList.toggle("error", model.status.error);
  }

  private roomRows(rooms: ReadonlyMap<string, RoomInfo>): RoomListRow[] {
    const joined: RoomListRow[] = [...this.models.values()].map((model) => {
      const info = rooms.get(model.roomID);
      const last = model.last();
      const who =
        last === undefined
          ? ""
          : last.type !== TEXT_TYPE
            ? "Announcement: "
            : last.senderUserID === this.chat.userId
              ? "You: "
              : `${this.nameOf(last.senderUserID)}: `;
      const state = this.states.get(model.roomID);
      return {
        roomID: model.roomID,
        roomName: info?.roomName || model.roomName,
        memberCount: info?.memberCount ?? 0,
        joined: true,
        preview: last === undefined ? undefined : last.recalledBy !== undefined ? "Message unsent" : who + messageText(last),
        previewAt: last?.timestamp,
        unread: model.unread,
        state: state === "" ? undefined : state,
      };
    });
    joined.sort((a, b) => (b.previewAt ?? 0) - (a.previewAt ?? 0) || a.roomName.localeCompare(b.roomName));
    const others: RoomListRow[] = this.rows
      .filter((row) => !this.models.has(row.roomId))
      .map((row) => ({ roomID: row.roomId, roomName: row.roomName || row.roomId, memberCount: row.memberCount, joined: false, unread: 0 }));
    return [...joined, ...others];
  }
}
