/**
 * The signed-in chat app: one ChatClient (this tab = one device), the rooms it is in, and the
 * page kept in step with ChatClient's events. Every call's refusal is shown in words next to the
 * control that made it; nothing is left to the console.
 */
import { ChatClient, type RoomInfo } from "../../src/client";
import type { AttributesUpdate, RecallNotice, RoomMessage } from "../../src/protocol";
import { showBanner } from "./banners";
import { fetchRooms, type RoomRow } from "./lobbyApi";
import { renderRoomList } from "./lobbyView";
import { RoomModel } from "./model";
import { renderAttributes, renderMembers, renderMessages, renderTabs, TEXT_TYPE } from "./roomView";
import type { ChatUi } from "./ui";
import { exitBanner, refusal } from "./words";

/** How often the member lists (online flags change without an event) and the room list refresh. */
const REFRESH_MS = 500;
const ROOM_LIST_MS = 2000;

/** The empty room list of a server whose full list is for operators (it has an app secret). */
const OWN_ROOMS_ONLY = "Your rooms appear here. This server shows every room to operators only: enter a room id below.";

/** Which entry call a room form button makes. */
export type EntryAction = "enter" | "create" | "join" | "switch";

/** The chat app of one signed-in user. */
export class ChatApp {
  private readonly models = new Map<string, RoomModel>();
  /** Connection state shown on a room's tab ("" = connected). */
  private readonly states = new Map<string, string>();
  /** Display names of every member seen, for messages of users who have left. */
  private readonly names = new Map<string, string>();
  private active: string | undefined;
  private rows: RoomRow[] = [];
  private readonly stops: (() => void)[] = [];
  /**
   * Per status line, the number of the latest attempt started on it. Replies can come back out of
   * order (a refusal is decided before a send is stored), so only the newest attempt may write.
   */
  private readonly attempts = new Map<HTMLElement, number>();

  /** What the room list says when it is empty. */
  private emptyList: string | undefined;

  constructor(
    private readonly chat: ChatClient,
    private readonly ui: ChatUi,
    /**
     * Whether the server lists every room to anyone (/demo/rooms, open development mode). Otherwise
     * (an app secret: the full list is for operators) the room list shows the rooms this user is in.
     */
    private readonly everyRoomListed: Promise<boolean> = Promise.resolve(true),
  ) {}

  /** Subscribes to the client's events and starts refreshing the page. */
  start(): void {
    const { chat } = this;
    this.stops.push(
      chat.on("roomStateChanged", (roomID, state, event) => {
        if (!this.ensureModel(roomID)) return;
        this.states.set(roomID, state === "connecting" ? (event === "interrupted" ? "reconnecting" : "connecting") : "");
        this.render();
      }),
      chat.on("roomMemberJoined", () => this.render()),
      chat.on("roomMemberLeft", () => this.render()),
      chat.on("exitRoom", (roomID, reason) => this.onExit(roomID, reason)),
      chat.on("roomMessageReceived", (messages: RoomMessage[], roomID: string) => this.onMessages(roomID, messages)),
      chat.on("roomMessageRecalled", (notice: RecallNotice, roomID: string) => {
        this.models.get(roomID)?.recall(notice);
        this.render();
      }),
      chat.on("roomAttributesUpdated", (update: AttributesUpdate, roomID: string) => {
        this.models.get(roomID)?.applyAttributes(update);
        this.render();
      }),
    );
    const refresh = setInterval(() => this.render(), REFRESH_MS);
    const list = setInterval(() => void this.loadRooms(), ROOM_LIST_MS);
    this.stops.push(
      () => clearInterval(refresh),
      () => clearInterval(list),
    );
    void this.loadRooms();
    this.render();
  }

  /** Leaves every room and stops listening (sign out). */
  async stop(): Promise<void> {
    for (const stop of this.stops.splice(0)) stop();
    await this.chat.leaveAllRoom().catch(() => undefined);
  }

  /** Runs an entry call for `roomID` (the room form and the room list's buttons). */
  async entry(action: EntryAction, roomID: string, roomName?: string): Promise<void> {
    const target = { roomID, roomName: roomName || undefined };
    await this.attempt(this.ui.lobbyStatus, async () => {
      let info: RoomInfo;
      if (action === "create") info = await this.chat.createRoom(target);
      else if (action === "join") info = await this.chat.joinRoom(roomID);
      else if (action === "enter") info = await this.chat.enterRoom(target);
      else {
        if (!this.active) throw new Error("Open a room first: Switch moves from the room on screen to another.");
        info = await this.chat.switchRoom(this.active, target, true);
      }
      await this.adopt(info);
      return `${action === "switch" ? "Switched to" : action === "create" ? "Created" : "In"} ${info.roomName || info.roomID}.`;
    });
    void this.loadRooms();
  }

  /** Leaves the room on screen. */
  async leaveActive(): Promise<void> {
    const roomID = this.active;
    if (!roomID) return;
    await this.attempt(this.ui.lobbyStatus, async () => {
      await this.chat.leaveRoom(roomID);
      return `Left ${roomID}.`;
    });
  }

  /** Leaves every room of this tab. */
  async leaveAll(): Promise<void> {
    await this.attempt(this.ui.lobbyStatus, async () => {
      const left = await this.chat.leaveAllRoom();
      return left.length ? `Left ${left.join(", ")}.` : "You were in no room.";
    });
  }

  /** Sends the composer's text to the room on screen; a refusal is shown under the composer. */
  async send(content: string, priority: "low" | "normal" | "high"): Promise<boolean> {
    const roomID = this.active;
    if (!roomID || content.trim() === "") return false;
    return this.attempt(this.ui.composerStatus, async () => {
      const message = await this.chat.sendRoomMessage(roomID, { type: TEXT_TYPE, content, priority });
      this.onMessages(roomID, [message]);
      return "";
    });
  }

  /** Sets one attribute of the room on screen. */
  async setAttribute(key: string, value: string, isForce: boolean, isDeleteAfterOwnerLeft: boolean): Promise<boolean> {
    const roomID = this.active;
    if (!roomID) return false;
    return this.attempt(this.ui.attributeStatus, async () => {
      await this.chat.setRoomAttributes(roomID, { [key]: value }, { isForce, isDeleteAfterOwnerLeft });
      this.models.get(roomID)?.applyAttributes({ set: { [key]: value }, deleted: [], by: this.chat.userId });
      this.render();
      return "";
    });
  }

  private async deleteAttribute(roomID: string, key: string): Promise<void> {
    await this.attempt(this.ui.attributeStatus, async () => {
      await this.chat.deleteRoomAttributes(roomID, [key], { isForce: this.ui.attrForce.checked });
      this.models.get(roomID)?.applyAttributes({ set: {}, deleted: [key], by: this.chat.userId });
      this.render();
      return "";
    });
  }

  private async recall(roomID: string, messageID: string): Promise<void> {
    await this.attempt(this.ui.composerStatus, async () => {
      await this.chat.recallRoomMessage(roomID, messageID);
      const seq =
        this.models
          .get(roomID)
          ?.list()
          .find((m) => m.messageID === messageID)?.seq ?? 0;
      this.models.get(roomID)?.recall({ messageID, seq, recalledBy: this.chat.userId });
      this.render();
      return "";
    });
  }

  /**
   * Runs `job`, showing its result or its refusal (in words) in `status` unless a newer attempt
   * has started on that status line meanwhile; resolves true on success.
   */
  private async attempt(status: HTMLElement, job: () => Promise<string>): Promise<boolean> {
    const ticket = (this.attempts.get(status) ?? 0) + 1;
    this.attempts.set(status, ticket);
    const latest = () => this.attempts.get(status) === ticket;
    status.classList.remove("error");
    try {
      const shown = await job();
      if (latest()) status.textContent = shown;
      return true;
    } catch (e) {
      if (latest()) {
        status.classList.add("error");
        status.textContent = refusal(e);
      }
      return false;
    }
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
    model = new RoomModel(roomID, info.roomName);
    this.models.set(roomID, model);
    this.states.set(roomID, "");
    return model;
  }

  /** Shows a room just entered, with its recent history (beyond the join's last 10) and its attributes with owners. */
  private async adopt(info: RoomInfo): Promise<void> {
    const model = this.ensureModel(info.roomID);
    if (!model) return;
    this.active = info.roomID;
    this.render();
    const [history, attributes] = await Promise.allSettled([
      this.chat.queryRoomHistory(info.roomID, { limit: 50 }),
      this.chat.queryRoomAttributeInfo(info.roomID),
    ]);
    if (history.status === "fulfilled") model.addMessages(history.value);
    if (attributes.status === "fulfilled") model.setAllAttributes(attributes.value);
    this.render();
  }

  private onMessages(roomID: string, messages: RoomMessage[]): void {
    const model = this.ensureModel(roomID);
    if (!model) return;
    const added = model.addMessages(messages);
    if (roomID !== this.active) model.unread += added;
    this.render();
  }

  private onExit(roomID: string, reason: Parameters<typeof exitBanner>[0]): void {
    const model = this.models.get(roomID);
    this.models.delete(roomID);
    this.states.delete(roomID);
    const text = exitBanner(reason, model && model.roomName !== roomID ? `${model.roomName} (${roomID})` : `room ${roomID}`);
    if (text) {
      showBanner(this.ui.banners, text, "exit");
      this.ui.lobbyStatus.textContent = "";
    }
    if (this.active === roomID) this.active = this.models.keys().next().value;
    this.render();
    void this.loadRooms();
  }

  private async loadRooms(): Promise<void> {
    try {
      if (await this.everyRoomListed) {
        this.rows = await fetchRooms();
      } else {
        this.emptyList = OWN_ROOMS_ONLY;
        this.rows = this.chat.rooms
          .map((r) => ({ roomId: r.roomID, roomName: r.roomName || r.roomID, memberCount: r.memberCount }))
          .sort((a, b) => a.roomId.localeCompare(b.roomId));
      }
      this.render();
    } catch {
      // the list is a convenience: keep the last one while the server is unreachable
    }
  }

  private nameOf(userID: string): string {
    return this.names.get(userID) ?? userID;
  }

  /** Brings the page in line with the client's rooms; cheap when nothing changed. */
  render(): void {
    const { ui, chat } = this;
    const rooms = chat.rooms;
    for (const room of rooms) for (const m of room.members) this.names.set(m.userId, m.userName || m.userId);
    if (this.active && !this.models.has(this.active)) this.active = undefined;
    renderRoomList(
      ui.roomList,
      this.rows,
      new Set(this.models.keys()),
      this.active,
      {
        open: (roomID) => this.select(roomID),
        join: (roomID) => void this.entry("join", roomID),
        switchTo: (roomID) => void this.entry("switch", roomID),
      },
      this.emptyList,
    );
    const tabs = [...this.models.values()].map((model) => {
      const info = rooms.find((r) => r.roomID === model.roomID);
      return {
        roomID: model.roomID,
        roomName: info?.roomName || model.roomName,
        state: this.states.get(model.roomID) ?? "",
        unread: model.unread,
      };
    });
    renderTabs(ui.tabs, tabs, this.active, (roomID) => this.select(roomID));
    const model = this.active ? this.models.get(this.active) : undefined;
    const info = model ? rooms.find((r) => r.roomID === model.roomID) : undefined;
    ui.roomEmpty.hidden = model !== undefined;
    ui.roomBody.hidden = model === undefined;
    if (!model) return;
    model.unread = 0;
    ui.roomTitle.textContent = info?.roomName || model.roomName;
    ui.roomMeta.textContent = `id ${model.roomID}`;
    ui.memberCount.textContent = `(${info?.memberCount ?? 0})`;
    renderMembers(ui.members, info?.members ?? [], chat.userId);
    renderMessages(
      ui.messages,
      model.list(),
      (id) => this.nameOf(id),
      chat.userId,
      (id) => void this.recall(model.roomID, id),
    );
    renderAttributes(
      ui.attributes,
      model.attributes(),
      (id) => this.nameOf(id),
      (key) => void this.deleteAttribute(model.roomID, key),
    );
  }

  private select(roomID: string): void {
    if (!this.models.has(roomID)) return;
    this.active = roomID;
    this.ui.composerStatus.textContent = "";
    this.ui.attributeStatus.textContent = "";
    this.render();
  }
}
