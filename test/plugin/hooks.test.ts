/**
 * The hooks a studio's ChatRoom subclass overrides: onMemberEnter (once per member, refusable,
 * `info.switchedFrom`), onMemberLeave (once per member, with the exit reason; its faults are
 * logged), onBeforeMessage (refuse, change, keep a sender's order) and setMemberFields (seen by
 * every member, validated).
 *
 * One server for the file (Colyseus' matchmaker is per process): type `chat` is {@link HookChat}
 * with a 1 s reconnection window and the "timer" kick-out, so a dropped member goes OFFLINE fast.
 * HookChat's behaviour is keyed on user ids, room ids and message contents (see the class).
 */
import { defineServer, matchMaker, type Server } from "@colyseus/core";
import { Client, type Room as SdkRoom } from "@colyseus/sdk";
import { ChatClient, type RoomMessage } from "../../src/client";
import {
  ChatError,
  ChatRoom,
  createChatrooms,
  ErrorCode,
  ExitReason,
  type ChatMember,
  type ChatMessageDraft,
  type Chatrooms,
  type MemberEnterInfo,
} from "../../src/index";
import { ServerMessage, type MembersChangedPayload } from "../../src/protocol";
import { dropConnection, leaveCode, waitFor } from "../helpers/server";
import { firstState, opened, operatorOk, refusal, servePlugin, type PluginServer } from "./helpers";

interface EnterCall {
  roomId: string;
  userId: string;
  member: ChatMember;
  switchedFrom: string | undefined;
  options: Readonly<Record<string, unknown>>;
  /** The state listed the member when the hook ran. */
  listed: boolean;
}
interface LeaveCall {
  roomId: string;
  userId: string;
  reason: ExitReason;
}
interface FieldError {
  roomId: string;
  attempt: string;
  code: number;
  message: string;
}

const enters: EnterCall[] = [];
const leaves: LeaveCall[] = [];
const fieldErrors: FieldError[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * - onMemberEnter: users `refused*` are refused with ChatError(30002), `crash*` with a plain
 *   Error; in rooms `fields*` every member gets fields; in rooms `badfields*` invalid fields are
 *   tried and the errors recorded.
 * - onMemberLeave: users `leavecrash*` make it throw.
 * - onBeforeMessage, by content: `cheat...` refused with ChatError(30001); `shout:<text>` becomes
 *   type "shout" with the text upper-cased; `invalid` returns a non-string content; `crash`
 *   throws a plain Error; `delay:<ms>:...` resolves after ms.
 */
class HookChat extends ChatRoom {
  protected override async onMemberEnter(member: ChatMember, info: MemberEnterInfo): Promise<void> {
    enters.push({
      roomId: this.roomId,
      userId: member.userId,
      member,
      switchedFrom: info.switchedFrom,
      options: info.options,
      listed: this.state.members.has(member.userId),
    });
    if (member.userId.startsWith("refused")) throw new ChatError(30002, "not on the guest list");
    if (member.userId.startsWith("crash")) throw new Error("enter hook bug");
    if (this.roomId.startsWith("fields")) {
      this.setMemberFields(member.userId, { team: member.userId === "kim" ? "blue" : "red", title: `${member.userName}!` });
    }
    if (this.roomId.startsWith("badfields")) {
      const attempts: Record<string, () => void> = {
        "17 fields": () => this.setMemberFields(member.userId, Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, "v"]))),
        "bad name": () => this.setMemberFields(member.userId, { "bad name": "v" }),
        "long name": () => this.setMemberFields(member.userId, { ["n".repeat(33)]: "v" }),
        "513 chars": () => this.setMemberFields(member.userId, { bio: "x".repeat(513) }),
        "not a string": () => this.setMemberFields(member.userId, { level: 7 as unknown as string }),
        "not a member": () => this.setMemberFields("ghost", { team: "red" }),
        "member() of a non-member": () => this.member("ghost"),
      };
      for (const [attempt, run] of Object.entries(attempts)) {
        try {
          run();
          fieldErrors.push({ roomId: this.roomId, attempt, code: 0, message: "accepted" });
        } catch (e) {
          const err = e as ChatError;
          fieldErrors.push({ roomId: this.roomId, attempt, code: err.code, message: err.message });
        }
      }
      // the limits themselves are accepted: 16 fields, 32-character names, 512-character values
      this.setMemberFields(
        member.userId,
        Object.fromEntries(Array.from({ length: 16 }, (_, i) => [i === 0 ? "n".repeat(32) : `f${i}`, i === 1 ? "x".repeat(512) : "v"])),
      );
    }
  }

  protected override async onMemberLeave(member: ChatMember, reason: ExitReason): Promise<void> {
    leaves.push({ roomId: this.roomId, userId: member.userId, reason });
    if (member.userId.startsWith("leavecrash")) throw new Error("leave hook bug");
  }

  protected override async onBeforeMessage(_member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft | undefined> {
    const { content } = message;
    if (/cheat/.test(content)) throw new ChatError(30001, "no cheating talk");
    if (content.startsWith("shout:")) return { ...message, type: "shout", content: content.slice("shout:".length).toUpperCase() };
    if (content === "invalid") return { ...message, content: 42 as unknown as string };
    if (content === "crash") throw new Error("message hook bug");
    const delay = /^delay:(\d+):/.exec(content);
    if (delay) await sleep(Number(delay[1]));
    return message;
  }
}

let chat: Chatrooms;
let t: PluginServer;
let sdk: Client;
const chatClients: ChatClient[] = [];

beforeAll(async () => {
  chat = createChatrooms({ sendRatePerSecond: 100 });
  const server: Server = defineServer({
    rooms: { chat: chat.defineRoom(HookChat, { reconnectWindowS: 1, kickoutMode: "timer" }) },
    express: (app) => {
      app.use("/chat-admin", chat.router());
    },
    greet: false,
  });
  t = await servePlugin(server, [chat]);
  sdk = new Client(t.wsUrl);
});

afterAll(async () => {
  await Promise.all(chatClients.map((c) => c.leaveAllRoom()));
  await t.stop();
});

/** What a ChatClient reported, in order. */
interface Seen {
  /** `roomID:userId` per member of each roomMemberJoined. */
  joined: string[];
  /** `roomID:userId:reason` per member of each roomMemberLeft. */
  left: string[];
  /** `roomID:reason` per exitRoom. */
  exits: string[];
  /** Every room message delivered. */
  messages: RoomMessage[];
}

/** A ChatClient of type `chat` for `userId`, recording what it reports; left in afterAll. */
function chatClient(userId: string, userName?: string): { client: ChatClient; seen: Seen } {
  const client = new ChatClient(t.wsUrl, { userId, userName, roomType: "chat" });
  chatClients.push(client);
  const seen: Seen = { joined: [], left: [], exits: [], messages: [] };
  client.on("roomMemberJoined", (members, roomID) => seen.joined.push(...members.map((m) => `${roomID}:${m.userId}`)));
  client.on("roomMemberLeft", (members, roomID, reasons) =>
    seen.left.push(...members.map((m) => `${roomID}:${m.userId}:${reasons[m.userId]}`)),
  );
  client.on("exitRoom", (roomID, reason) => seen.exits.push(`${roomID}:${reason}`));
  client.on("roomMessageReceived", (messages) => seen.messages.push(...messages));
  return { client, seen };
}

/** The server-side room. */
function serverRoom(roomId: string): HookChat {
  const room = matchMaker.getLocalRoomById(roomId) as unknown as HookChat | undefined;
  if (!room) throw new Error(`no room ${roomId}`);
  return room;
}

/** userIds the server-side room holds as members; [] when it is gone. */
function members(roomId: string): string[] {
  const room = matchMaker.getLocalRoomById(roomId) as unknown as HookChat | undefined;
  return room
    ? room
        .info()
        .members.map((m) => m.userId)
        .sort()
    : [];
}

const entersOf = (roomId: string) => enters.filter((c) => c.roomId === roomId);
const leavesOf = (roomId: string) => leaves.filter((c) => c.roomId === roomId).map((c) => `${c.userId}:${c.reason}`);

/**
 * Collects every console.error line while `run` runs, printing none of them nor console.warn's
 * (a refused join is logged by Colyseus, and the SDK warns of the connection it closed).
 */
async function withErrorLog<T>(run: (lines: () => string) => Promise<T>): Promise<T> {
  const spy = jest.spyOn(console, "error").mockImplementation(() => undefined);
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    return await run(() =>
      spy.mock.calls.map((args) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ")).join("\n"),
    );
  } finally {
    spy.mockRestore();
    warn.mockRestore();
  }
}

describe("onMemberEnter", () => {
  test("fires once per member, not per connection, after the state lists the member", async () => {
    const phone = await opened(sdk.joinOrCreate("chat", { roomId: "en-1", userId: "alice", userName: "Alice", team: "blue" }));
    const laptop = await opened(sdk.joinOrCreate("chat", { roomId: "en-1", userId: "alice" }));
    const calls = entersOf("en-1");
    expect(calls.map((c) => c.userId)).toEqual(["alice"]);
    expect(calls[0]).toMatchObject({
      listed: true,
      switchedFrom: undefined,
      member: { userId: "alice", userName: "Alice", online: true, devices: 1 },
    });
    // the client's own options reach the hook (app data beside the validated fields)
    expect(calls.at(0)!.options).toMatchObject({ roomId: "en-1", userId: "alice", team: "blue" });
    expect(serverRoom("en-1").state.members.get("alice")?.devices).toBe(2);

    const bob = await opened(sdk.joinOrCreate("chat", { roomId: "en-1", userId: "bob" }));
    expect(entersOf("en-1").map((c) => c.userId)).toEqual(["alice", "bob"]);

    // alice's phone goes and comes back while her laptop stays: still the same member
    await phone.leave();
    await waitFor(() => serverRoom("en-1").state.members.get("alice")?.devices === 1, 2000, "the phone's leave");
    const phoneAgain = await opened(sdk.joinById("en-1", { userId: "alice" }));
    expect(entersOf("en-1").map((c) => c.userId)).toEqual(["alice", "bob"]);

    // once she is gone entirely, coming back is a new member
    await Promise.all([laptop.leave(), phoneAgain.leave()]);
    await waitFor(() => !members("en-1").includes("alice"), 2000, "alice to be gone");
    const back = await opened(sdk.joinById("en-1", { userId: "alice" }));
    expect(entersOf("en-1").map((c) => c.userId)).toEqual(["alice", "bob", "alice"]);
    await Promise.all([bob.leave(), back.leave()]);
  });

  test("ChatClient.switchRoom: the new room's hook gets info.switchedFrom, the old room's onMemberLeave gets SWITCHED, the client reports LEFT", async () => {
    const { client: alice, seen } = chatClient("alice");
    const { client: bob, seen: bobSeen } = chatClient("bob");
    await bob.enterRoom({ roomID: "sw-from" });
    await alice.enterRoom({ roomID: "sw-from" });
    expect(entersOf("sw-from").find((c) => c.userId === "alice")?.switchedFrom).toBeUndefined();

    await alice.switchRoom("sw-from", { roomID: "sw-to" }, true);
    expect(entersOf("sw-to")).toEqual([expect.objectContaining({ userId: "alice", switchedFrom: "sw-from", listed: true })]);
    await waitFor(() => leavesOf("sw-from").length > 0, 2000, "the old room's leave hook");
    expect(leavesOf("sw-from")).toEqual([`alice:${ExitReason.SWITCHED}`]);
    expect(ExitReason.SWITCHED).toBe(7);
    expect(seen.exits).toEqual([`sw-from:${ExitReason.LEFT}`]);
    await waitFor(() => bobSeen.left.length > 0, 2000, "bob to hear alice leave");
    expect(bobSeen.left).toEqual([`sw-from:alice:${ExitReason.SWITCHED}`]);
    await Promise.all([alice.leaveAllRoom(), bob.leaveAllRoom()]);
  });

  test("a ChatError(30002) refuses the join: the SDK rejects with 30002, the member is not in the room, nobody hears of it", async () => {
    const { client: observer, seen } = chatClient("obs");
    await observer.enterRoom({ roomID: "rf-1" });

    const err = await withErrorLog(() => refusal(sdk.joinOrCreate("chat", { roomId: "rf-1", userId: "refused-1" })));
    // refused in the WebSocket phase (onJoin): the code is ours, not an HTTP status
    expect(err.code).toBe(30002);
    expect(err.message).toBe("not on the guest list");
    expect(entersOf("rf-1").map((c) => c.userId)).toEqual(["obs", "refused-1"]);
    expect(members("rf-1")).toEqual(["obs"]);
    expect(serverRoom("rf-1").state.members.has("refused-1")).toBe(false);
    expect(serverRoom("rf-1").state.memberCount).toBe(1);

    // member events go out in order: once the observer hears a later join, it would have heard the refused one
    const sentinel = await opened(sdk.joinById("rf-1", { userId: "sentinel" }));
    await waitFor(() => seen.joined.length > 0, 2000, "the observer to hear the sentinel");
    expect(seen.joined).toEqual(["rf-1:sentinel"]);
    expect(seen.left).toEqual([]);
    expect(leavesOf("rf-1")).toEqual([]);
    expect(
      observer
        .room("rf-1")
        ?.members.map((m) => m.userId)
        .sort(),
    ).toEqual(["obs", "sentinel"]);
    await Promise.all([sentinel.leave(), observer.leaveAllRoom()]);
  });

  test("ChatClient gets the hook's own code (30002) and message for a refused entry", async () => {
    const { client: refused, seen } = chatClient("refused-2");
    const err = await withErrorLog(() => refusal(refused.enterRoom({ roomID: "rf-1b" })));
    expect(seen.exits).toEqual([]);
    expect({ code: err.code, message: err.message }).toEqual({ code: 30002, message: "not on the guest list" });
  });

  test("a plain Error refuses with INTERNAL (1000), is logged, and the room and server keep serving", async () => {
    const { client: observer, seen } = chatClient("obs");
    await observer.enterRoom({ roomID: "rf-2" });
    await withErrorLog(async (log) => {
      const err = await refusal(sdk.joinOrCreate("chat", { roomId: "rf-2", userId: "crash-1" }));
      expect(err.code).toBe(ErrorCode.INTERNAL);
      expect(err.message).toContain("onMemberEnter");
      // the room's own log line, with the app's error (Colyseus logs the refusal it answered, too)
      expect(log()).toContain("room rf-2: onMemberEnter hook failed");
      expect(log()).toContain("enter hook bug");
    });
    expect(members("rf-2")).toEqual(["obs"]);
    const dora = await opened(sdk.joinById("rf-2", { userId: "dora" }));
    await firstState(dora);
    expect(members("rf-2")).toEqual(["dora", "obs"]);
    expect(await observer.sendRoomMessage("rf-2", { type: "text", content: "still here" })).toMatchObject({ seq: 1 });
    await waitFor(() => seen.joined.length > 0, 2000, "the observer to hear dora");
    expect(seen.joined).toEqual(["rf-2:dora"]);
    const elsewhere = await opened(sdk.joinOrCreate("chat", { roomId: "rf-2b", userId: "dora" }));
    expect(elsewhere.roomId).toBe("rf-2b");
    await Promise.all([dora.leave(), elsewhere.leave(), observer.leaveAllRoom()]);
  });
});

describe("onMemberLeave", () => {
  test("fires once per member (its last connection), with LEFT for a consented leave", async () => {
    const observer = await opened(sdk.joinOrCreate("chat", { roomId: "lv-1", userId: "obs" }));
    const phone = await opened(sdk.joinOrCreate("chat", { roomId: "lv-1", userId: "alice" }));
    const laptop = await opened(sdk.joinOrCreate("chat", { roomId: "lv-1", userId: "alice" }));
    await phone.leave();
    await waitFor(() => serverRoom("lv-1").state.members.get("alice")?.devices === 1, 2000, "the phone's leave");
    expect(leavesOf("lv-1")).toEqual([]);
    await laptop.leave();
    await waitFor(() => leavesOf("lv-1").length > 0, 2000, "the leave hook");
    expect(leavesOf("lv-1")).toEqual([`alice:${ExitReason.LEFT}`]);
    expect(members("lv-1")).toEqual(["obs"]);
    await observer.leave();
    await waitFor(() => leavesOf("lv-1").length === 2, 2000, "the observer's leave");
    expect(leavesOf("lv-1")).toEqual([`alice:${ExitReason.LEFT}`, `obs:${ExitReason.LEFT}`]);
  });

  test("KICKED for a member removed through the operator API (chatroom/user/kick.json)", async () => {
    const observer = await opened(sdk.joinOrCreate("chat", { roomId: "lv-2", userId: "obs" }));
    const victim = await opened(sdk.joinOrCreate("chat", { roomId: "lv-2", userId: "victim" }));
    const closed = leaveCode(victim);
    await operatorOk(t.httpUrl, "/chatroom/user/kick.json", { chatroomId: "lv-2", userId: "victim" });
    expect(await closed).toBe(4101);
    await waitFor(() => leavesOf("lv-2").length > 0, 2000, "the leave hook");
    expect(leavesOf("lv-2")).toEqual([`victim:${ExitReason.KICKED}`]);
    expect(members("lv-2")).toEqual(["obs"]);
    await observer.leave();
  });

  test("OFFLINE for a member whose connection dropped and did not come back within reconnectWindowS", async () => {
    const observer = await opened(sdk.joinOrCreate("chat", { roomId: "lv-3", userId: "obs" }));
    const lost = await opened(sdk.joinOrCreate("chat", { roomId: "lv-3", userId: "lost" }));
    await firstState(lost);
    await dropConnection(lost, false);
    await waitFor(() => serverRoom("lv-3").state.members.get("lost")?.online === false, 2000, "lost to be offline");
    // held through its window: not left yet
    expect(leavesOf("lv-3")).toEqual([]);
    await waitFor(() => leavesOf("lv-3").length > 0, 4000, "the window (1 s) to end");
    expect(leavesOf("lv-3")).toEqual([`lost:${ExitReason.OFFLINE}`]);
    expect(members("lv-3")).toEqual(["obs"]);
    await observer.leave();
  });

  test("an exception in onMemberLeave is logged, not fatal", async () => {
    const { client: observer, seen } = chatClient("obs");
    await observer.enterRoom({ roomID: "lv-4" });
    const crasher = await opened(sdk.joinOrCreate("chat", { roomId: "lv-4", userId: "leavecrash-1" }));
    await withErrorLog(async (log) => {
      await crasher.leave();
      await waitFor(() => log().includes("leave hook bug"), 2000, "the hook's failure to be logged");
      expect(log()).toContain("room lv-4: onMemberLeave hook failed");
    });
    expect(leavesOf("lv-4")).toEqual([`leavecrash-1:${ExitReason.LEFT}`]);
    await waitFor(() => seen.left.length > 0, 2000, "the observer to hear the leave");
    expect(seen.left).toEqual([`lv-4:leavecrash-1:${ExitReason.LEFT}`]);
    // the room (and the server) carry on
    expect(await observer.sendRoomMessage("lv-4", { type: "text", content: "after" })).toMatchObject({ seq: 1 });
    const next = await opened(sdk.joinById("lv-4", { userId: "next" }));
    expect(members("lv-4")).toEqual(["next", "obs"]);
    await Promise.all([next.leave(), observer.leaveAllRoom()]);
  });
});

describe("onBeforeMessage", () => {
  /** sender and observer ChatClients in a fresh room. */
  async function pair(roomID: string) {
    const sender = chatClient("sam");
    const observer = chatClient("obs");
    await observer.client.enterRoom({ roomID });
    await sender.client.enterRoom({ roomID });
    return { sender, observer };
  }

  /** Sends a plain message as `client` and waits until `seen` holds it; resolves with it. */
  async function sentinel(client: ChatClient, roomID: string, seen: Seen): Promise<RoomMessage> {
    const message = await client.sendRoomMessage(roomID, { type: "text", content: "sentinel" });
    await waitFor(() => seen.messages.some((m) => m.messageID === message.messageID), 2000, "the sentinel to arrive");
    return message;
  }

  test("a ChatError(30001) reaches sendRoomMessage as ChatClientError 30001 with its message; nothing is delivered", async () => {
    const { sender, observer } = await pair("msg-1");
    const err = await refusal(sender.client.sendRoomMessage("msg-1", { type: "text", content: "anyone got a cheat code?" }));
    expect(err).toMatchObject({ name: "ChatClientError", code: 30001, message: "no cheating talk" });
    const after = await sentinel(sender.client, "msg-1", observer.seen);
    expect(after.seq).toBe(1);
    expect(observer.seen.messages.map((m) => m.content)).toEqual(["sentinel"]);
    await Promise.all([sender.client.leaveAllRoom(), observer.client.leaveAllRoom()]);
  });

  test("a changed copy is what every member receives (and what history keeps)", async () => {
    const { sender, observer } = await pair("msg-2");
    const sent = await sender.client.sendRoomMessage("msg-2", { type: "text", content: "shout:hello" });
    expect(sent).toMatchObject({ seq: 1, type: "shout", content: "HELLO", senderUserID: "sam" });
    await waitFor(() => observer.seen.messages.length === 1 && sender.seen.messages.length === 1, 2000, "delivery");
    for (const seen of [observer.seen, sender.seen])
      expect(seen.messages).toEqual([expect.objectContaining({ seq: 1, type: "shout", content: "HELLO" })]);
    expect(await observer.client.queryRoomHistory("msg-2")).toEqual([expect.objectContaining({ seq: 1, type: "shout", content: "HELLO" })]);
    await Promise.all([sender.client.leaveAllRoom(), observer.client.leaveAllRoom()]);
  });

  test("an invalid result (content not a string) answers INTERNAL (1000) and nothing is delivered", async () => {
    const { sender, observer } = await pair("msg-3");
    await withErrorLog(async (log) => {
      const err = await refusal(sender.client.sendRoomMessage("msg-3", { type: "text", content: "invalid" }));
      expect(err).toMatchObject({ name: "ChatClientError", code: ErrorCode.INTERNAL });
      expect(err.message).toContain("content");
      expect(log()).toContain("onBeforeMessage returned an invalid message");
    });
    // no seq was spent on it, and nobody got it
    expect((await sentinel(sender.client, "msg-3", observer.seen)).seq).toBe(1);
    expect(observer.seen.messages.map((m) => m.content)).toEqual(["sentinel"]);
    expect(await observer.client.queryRoomHistory("msg-3")).toEqual([expect.objectContaining({ content: "sentinel" })]);
    await Promise.all([sender.client.leaveAllRoom(), observer.client.leaveAllRoom()]);
  });

  test("a plain Error answers INTERNAL (1000), is logged, and the room carries on", async () => {
    const { sender, observer } = await pair("msg-4");
    await withErrorLog(async (log) => {
      const err = await refusal(sender.client.sendRoomMessage("msg-4", { type: "text", content: "crash" }));
      expect(err).toMatchObject({ name: "ChatClientError", code: ErrorCode.INTERNAL });
      expect(log()).toContain("onBeforeMessage hook failed");
      expect(log()).toContain("message hook bug");
    });
    expect((await sentinel(sender.client, "msg-4", observer.seen)).seq).toBe(1);
    expect(await observer.client.sendRoomMessage("msg-4", { type: "text", content: "me too" })).toMatchObject({ seq: 2 });
    expect(members("msg-4")).toEqual(["obs", "sam"]);
    await Promise.all([sender.client.leaveAllRoom(), observer.client.leaveAllRoom()]);
  });

  test("with an async hook of varying delay, one sender's messages keep their send order", async () => {
    const { sender, observer } = await pair("msg-5");
    const delays = [80, 0, 40, 5, 60, 0, 20];
    const contents = delays.map((ms, i) => `delay:${ms}:${i}`);
    const sent = await Promise.all(contents.map((content) => sender.client.sendRoomMessage("msg-5", { type: "text", content })));
    expect(sent.map((m) => m.content)).toEqual(contents);
    expect(sent.map((m) => m.seq)).toEqual(delays.map((_, i) => i + 1));
    await waitFor(() => observer.seen.messages.length === contents.length, 3000, "delivery");
    expect(observer.seen.messages.map((m) => m.content)).toEqual(contents);
    expect(observer.seen.messages.map((m) => m.seq)).toEqual(delays.map((_, i) => i + 1));
    await Promise.all([sender.client.leaveAllRoom(), observer.client.leaveAllRoom()]);
  });
});

describe("setMemberFields", () => {
  test("fields set in onMemberEnter reach other members: schema state, ChatClient's room().members, queryRoomMemberList, the join event", async () => {
    const watcher = await opened(sdk.joinOrCreate("chat", { roomId: "fields-1", userId: "watcher", userName: "Watcher" }));
    await firstState(watcher);
    const joinedEvents: MembersChangedPayload[] = [];
    watcher.onMessage(ServerMessage.MEMBERS_JOINED, (payload: MembersChangedPayload) => joinedEvents.push(payload));
    const { client: obs } = chatClient("obs", "Obs");
    await obs.enterRoom({ roomID: "fields-1" });
    const kim = await opened(sdk.joinById("fields-1", { userId: "kim", userName: "Kim" }));

    // the schema state a plain SDK member decodes
    type FieldsView = { get(key: string): string | undefined; size: number };
    const state = watcher.state as { members: Map<string, { fields: FieldsView }> };
    await waitFor(() => state.members.get("kim")?.fields.get("team") === "blue", 2000, "kim's fields in the watcher's state");
    expect(state.members.get("kim")!.fields.get("title")).toBe("Kim!");
    expect(state.members.get("obs")!.fields.get("team")).toBe("red");

    // ChatClient's member info from that state
    const kimInfo = () => obs.room("fields-1")?.members.find((m) => m.userId === "kim");
    await waitFor(() => kimInfo()?.fields?.team === "blue", 2000, "kim's fields in obs's room info");
    expect({ ...kimInfo()!.fields }).toEqual({ team: "blue", title: "Kim!" });
    expect({ ...obs.room("fields-1")!.members.find((m) => m.userId === "watcher")!.fields }).toEqual({ team: "red", title: "Watcher!" });

    // and the server's member pages
    const page = await obs.queryRoomMemberList("fields-1");
    expect(page.memberList.find((m) => m.userId === "kim")?.fields).toEqual({ team: "blue", title: "Kim!" });
    expect(page.memberList.find((m) => m.userId === "obs")?.fields).toEqual({ team: "red", title: "Obs!" });

    await waitFor(() => joinedEvents.some((p) => p.members.some((m) => m.userId === "kim")), 2000, "kim's join event");
    const kimJoined = joinedEvents.flatMap((p) => p.members).find((m) => m.userId === "kim");
    expect(kimJoined?.fields).toEqual({ team: "blue", title: "Kim!" });
    await Promise.all([watcher.leave(), kim.leave(), obs.leaveAllRoom()]);
  });

  test("invalid fields throw PARAMETER naming the limit; a non-member throws NOT_IN_ROOM; the limits themselves are accepted", async () => {
    const member: SdkRoom = await opened(sdk.joinOrCreate("chat", { roomId: "badfields-1", userId: "lee" }));
    await firstState(member);
    const errors: Partial<Record<string, FieldError>> = Object.fromEntries(
      fieldErrors.filter((e) => e.roomId === "badfields-1").map((e) => [e.attempt, e]),
    );
    expect(errors["17 fields"]).toMatchObject({ code: ErrorCode.PARAMETER });
    expect(errors["17 fields"]!.message).toMatch(/at most 16 fields, got 17/);
    expect(errors["bad name"]).toMatchObject({ code: ErrorCode.PARAMETER });
    expect(errors["bad name"]!.message).toContain('"bad name"');
    expect(errors["bad name"]!.message).toContain("1..32");
    expect(errors["long name"]).toMatchObject({ code: ErrorCode.PARAMETER });
    expect(errors["long name"]!.message).toContain("1..32");
    expect(errors["513 chars"]).toMatchObject({ code: ErrorCode.PARAMETER });
    expect(errors["513 chars"]!.message).toContain("bio");
    expect(errors["513 chars"]!.message).toContain("512");
    expect(errors["not a string"]).toMatchObject({ code: ErrorCode.PARAMETER });
    expect(errors["not a string"]!.message).toContain("level");
    expect(errors["not a member"]).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
    expect(errors["member() of a non-member"]).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });

    // the valid set after the refused ones is the member's fields, whole
    const fields = serverRoom("badfields-1").state.members.get("lee")!.fields!;
    expect(fields.size).toBe(16);
    expect(fields.get("n".repeat(32))).toBe("v");
    expect(fields.get("f1")).toBe("x".repeat(512));
    expect(fields.has("bio")).toBe(false);
    await member.leave();
  });
});
