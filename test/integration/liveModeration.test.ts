/**
 * Live-stream moderation (docs/moderation.md) against a real server, set through the operator API
 * and observed by real ChatClient clients: slow mode (refusal, exemption, the clients told of each
 * change), the word filter (block, mask, flag) and shadow bans (the sender sees its message, no one
 * else does, history leaves it out).
 */
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest, type RoomMessage } from "../../src/protocol";
import { signedPost, TestClock, type FormParams } from "../helpers/operator";
import { nextEvent, sdkEnter, useServer, waitFor } from "../helpers/server";
import { chatClient, receivedMessages, rejection } from "../client/helpers";

const clock = new TestClock();
const t = useServer({ now: clock.now, sendRatePerSecond: 1000 });
const post = async (path: string, params: FormParams) => {
  const reply = await signedPost(t.httpUrl, path, params);
  expect(reply.body).toMatchObject({ code: 200 });
  return reply.body as Record<string, unknown>;
};
const text = (content: string) => ({ type: "text", content });

/**
 * ChatClients in `roomID`, each recording its own received messages and slow-mode changes. The
 * operator API creates the room first, so nobody owns it (an owner is exempt from slow mode);
 * {@link members} lets the first of them create and own it.
 */
async function viewers(roomID: string, ...userIds: string[]) {
  await post("/chatroom/create.json", { [`chatroom[${roomID}]`]: roomID });
  return members(roomID, ...userIds);
}

async function members(roomID: string, ...userIds: string[]) {
  const clients = userIds.map((userId) => {
    const { chat } = chatClient(t, userId);
    const slowMode: number[] = [];
    chat.on("roomSlowModeChanged", (seconds, id) => id === roomID && slowMode.push(seconds));
    return { chat, received: receivedMessages(chat, roomID), slowMode };
  });
  for (const c of clients) await c.chat.enterRoom({ roomID });
  return clients;
}

describe("slow mode", () => {
  test("a member's second message inside the interval is refused with 24013 naming the room, interval and wait; clients are told each change", async () => {
    const [ann, bob] = await viewers("slow1", "ann", "bob");
    expect(ann!.chat.room("slow1")?.slowModeSeconds).toBe(0);
    await post("/chatroom/slowmode/set.json", { chatroomId: "slow1", seconds: 10 });
    await waitFor(() => ann!.slowMode.length === 1 && bob!.slowMode.length === 1, 5000, "both clients told of slow mode");
    expect([ann!.slowMode, bob!.slowMode, ann!.chat.room("slow1")?.slowModeSeconds]).toEqual([[10], [10], 10]);
    expect((await post("/chatroom/slowmode/query.json", { chatroomId: "slow1" })).seconds).toBe(10);

    await ann!.chat.sendRoomMessage("slow1", text("first"));
    clock.advance(4000);
    const refused = await rejection(ann!.chat.sendRoomMessage("slow1", text("too soon")));
    expect(refused.code).toBe(ErrorCode.SLOW_MODE);
    expect(refused.message).toMatch(/^room slow1 is in slow mode: one message every 10 s per member; wait \d+ ms$/);
    const waitMs = Number(/wait (\d+) ms/.exec(refused.message)![1]);
    // 6 s left on the test clock, less the real time the round trip took
    expect(waitMs).toBeGreaterThan(5000);
    expect(waitMs).toBeLessThanOrEqual(6000);
    // another member has its own interval
    await expect(bob!.chat.sendRoomMessage("slow1", text("bob's first"))).resolves.toMatchObject({ senderUserID: "bob" });
    clock.advance(6000);
    await expect(ann!.chat.sendRoomMessage("slow1", text("later"))).resolves.toMatchObject({ content: "later" });

    await post("/chatroom/slowmode/set.json", { chatroomId: "slow1", seconds: 0 });
    await waitFor(() => ann!.slowMode.length === 2, 5000, "told slow mode is off");
    expect(ann!.slowMode).toEqual([10, 0]);
    await ann!.chat.sendRoomMessage("slow1", text("off 1"));
    await expect(ann!.chat.sendRoomMessage("slow1", text("off 2"))).resolves.toBeDefined();
    await Promise.all([ann!.chat.leaveAllRoom(), bob!.chat.leaveAllRoom()]);
  });

  test("plain SDK clients read slow mode from the synchronized state and the info request", async () => {
    const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "slow4", userId: "plain" });
    room.onMessage("*", () => undefined);
    await post("/chatroom/slowmode/set.json", { chatroomId: "slow4", seconds: 42 });
    await waitFor(() => (room.state as { slowModeSeconds?: number }).slowModeSeconds === 42, 5000, "the state's slowModeSeconds");
    await expect(room.request(ClientRequest.INFO)).resolves.toMatchObject({ roomID: "slow4", slowModeSeconds: 42 });
    await room.leave();
  });

  test("users on the room's allowlist (protected users) are exempt", async () => {
    const [host, guest] = await viewers("slow2", "host", "guest");
    await post("/chatroom/slowmode/set.json", { chatroomId: "slow2", seconds: 120 });
    await post("/chatroom/user/whitelist/add.json", { chatroomId: "slow2", userId: "host" });
    for (let i = 0; i < 3; i++) await expect(host!.chat.sendRoomMessage("slow2", text(`host ${i}`))).resolves.toBeDefined();
    await guest!.chat.sendRoomMessage("slow2", text("guest"));
    expect((await rejection(guest!.chat.sendRoomMessage("slow2", text("guest again")))).code).toBe(ErrorCode.SLOW_MODE);
    await Promise.all([host!.chat.leaveAllRoom(), guest!.chat.leaveAllRoom()]);
  });

  test("the room's staff (owner, admin, moderator) are exempt; a plain member is not", async () => {
    // the first to enter creates the room and owns it
    const [owner, mod, member] = await members("slow5", "owner5", "mod5", "member5");
    await post("/chatroom/role/set.json", { chatroomId: "slow5", userId: "mod5", role: "moderator" });
    await waitFor(() => member!.chat.room("slow5")?.members.find((m) => m.userId === "mod5")?.role === "moderator", 5000, "the role seen");
    await post("/chatroom/slowmode/set.json", { chatroomId: "slow5", seconds: 120 });
    await waitFor(() => member!.slowMode.length === 1, 5000, "slow mode seen");
    for (const staff of [owner!, mod!]) {
      for (let i = 0; i < 3; i++) await expect(staff.chat.sendRoomMessage("slow5", text(`staff ${i}`))).resolves.toBeDefined();
    }
    await member!.chat.sendRoomMessage("slow5", text("member"));
    expect((await rejection(member!.chat.sendRoomMessage("slow5", text("member again")))).code).toBe(ErrorCode.SLOW_MODE);
    await Promise.all([owner!.chat.leaveAllRoom(), mod!.chat.leaveAllRoom(), member!.chat.leaveAllRoom()]);
  });

  test("a client entering a room in slow mode reads it from the room's info", async () => {
    const [first] = await viewers("slow3", "first");
    await post("/chatroom/slowmode/set.json", { chatroomId: "slow3", seconds: 7 });
    await waitFor(() => first!.slowMode.length === 1, 5000, "first told");
    const { chat } = chatClient(t, "late");
    await expect(chat.enterRoom({ roomID: "slow3" })).resolves.toMatchObject({ slowModeSeconds: 7 });
    await Promise.all([first!.chat.leaveAllRoom(), chat.leaveAllRoom()]);
  });
});

describe("word filter", () => {
  afterAll(async () => {
    await post("/sensitiveword/batch/delete.json", { words: ["darn", "PROMO"] });
  });

  test("block refuses with 24014 naming the field, not the word; mask goes out masked; flag goes out unchanged with messageFlagged", async () => {
    const [ann, bob] = await viewers("wf1", "ann", "bob");
    await post("/sensitiveword/add.json", { word: "darn", replaceWord: "****" }); // RongCloud's replace: our mask
    await post("/sensitiveword/add.json", { word: "PROMO", action: "flag" });
    await post("/chatroom/filter/add.json", { chatroomId: "wf1", word: "(?i)fr[e3]{2}\\s*coins", isRegex: 1, action: "block" });

    const blocked = await rejection(ann!.chat.sendRoomMessage("wf1", text("get FREE coins here")));
    expect(blocked.code).toBe(ErrorCode.CONTENT_BLOCKED);
    expect(blocked.message).toContain("content");
    expect(blocked.message).not.toMatch(/coins/i);

    const masked = await ann!.chat.sendRoomMessage("wf1", text("oh DARN it"));
    expect(masked.content).toBe("oh **** it");
    const flaggedEvent = nextEvent(t.server.chat.events, "messageFlagged", (e) => e.roomId === "wf1");
    const promo = await ann!.chat.sendRoomMessage("wf1", text("big promo today"));
    expect(promo.content).toBe("big promo today");
    expect(await flaggedEvent).toMatchObject({ userId: "ann", message: promo, flagged: ["promo"], shadowBanned: false });
    // counted for Prometheus (the standalone server's GET /metrics)
    const scrape = await (await fetch(`${t.httpUrl}/metrics`)).text();
    expect(scrape).toMatch(/^chat_messages_flagged_total 1$/m);
    await waitFor(() => bob!.received.length === 2, 5000, "bob receives the two delivered messages");
    expect(bob!.received.map((m) => m.content)).toEqual(["oh **** it", "big promo today"]);
    await Promise.all([ann!.chat.leaveAllRoom(), bob!.chat.leaveAllRoom()]);
  });

  test("a room's filter applies to that room only; removing an entry lifts it at once", async () => {
    const [cat] = await viewers("wf2", "cat");
    await cat!.chat.enterRoom({ roomID: "wf3" });
    await post("/chatroom/filter/add.json", { chatroomId: "wf2", word: "nope" });
    await expect(cat!.chat.sendRoomMessage("wf3", text("nope"))).resolves.toMatchObject({ content: "nope" });
    expect((await rejection(cat!.chat.sendRoomMessage("wf2", text("NOPE")))).code).toBe(ErrorCode.CONTENT_BLOCKED);
    await post("/chatroom/filter/batch/delete.json", { chatroomId: "wf2", words: "nope" });
    await expect(cat!.chat.sendRoomMessage("wf2", text("nope"))).resolves.toMatchObject({ content: "nope" });
    await cat!.chat.leaveAllRoom();
  });
});

describe("shadow ban", () => {
  test("the sender sees its own message, another member never receives it, and history leaves it out", async () => {
    const [eve, bob] = await viewers("sb1", "eve", "bob");
    await post("/chatroom/user/shadowban/add.json", { chatroomId: "sb1", userId: "eve", minute: 10 });
    const hidden = await eve!.chat.sendRoomMessage("sb1", text("can anyone see me?"));
    expect(hidden).toMatchObject({ senderUserID: "eve", content: "can anyone see me?" });
    await waitFor(() => eve!.received.some((m) => m.messageID === hidden.messageID), 5000, "eve sees her message");
    // a message after it reaches bob (past the seq the hidden one took), and the hidden one never does
    const after = await bob!.chat.sendRoomMessage("sb1", text("after"));
    await waitFor(() => bob!.received.some((m) => m.messageID === after.messageID), 5000, "bob receives the next message");
    await waitFor(() => eve!.received.some((m) => m.messageID === after.messageID), 5000, "eve receives it too");
    expect(bob!.received.map((m) => m.messageID)).toEqual([after.messageID]);
    expect(eve!.received.map((m) => m.messageID)).toEqual([hidden.messageID, after.messageID]);
    const ids = (messages: RoomMessage[]) => messages.map((m) => m.messageID);
    expect(ids(await bob!.chat.queryRoomHistory("sb1"))).toEqual([after.messageID]);
    expect(ids(await eve!.chat.queryRoomHistory("sb1"))).toEqual([after.messageID]);
    const history = await post("/chatroom/message/history.json", { chatroomId: "sb1" });
    expect(JSON.stringify(history)).not.toContain(hidden.messageID);

    // its sender may recall it as any own message; other members hear nothing of it
    await expect(eve!.chat.recallRoomMessage("sb1", hidden.messageID)).resolves.toMatchObject({ messageID: hidden.messageID });
    expect((await rejection(bob!.chat.recallRoomMessage("sb1", hidden.messageID))).code).toBe(ErrorCode.MESSAGE_NOT_FOUND);

    // nor do her typing notices reach anyone: bob hears cal, who typed after her, and never eve
    const typing: string[][] = [];
    bob!.chat.on("roomTypingChanged", (userIDs) => typing.push(userIDs));
    const { chat: cal } = chatClient(t, "cal");
    await cal.enterRoom({ roomID: "sb1" });
    eve!.chat.setTyping("sb1", true);
    await eve!.chat.queryRoomHistory("sb1"); // answered after the typing notice on the same connection
    cal.setTyping("sb1", true);
    await waitFor(() => typing.length > 0, 5000, "bob hears cal typing");
    expect(typing).toEqual([["cal"]]);
    await cal.leaveAllRoom();

    await post("/chatroom/user/shadowban/rollback.json", { chatroomId: "sb1", userId: "eve" });
    const visible = await eve!.chat.sendRoomMessage("sb1", text("back"));
    await waitFor(() => bob!.received.some((m) => m.messageID === visible.messageID), 5000, "bob receives eve again");
    await Promise.all([eve!.chat.leaveAllRoom(), bob!.chat.leaveAllRoom()]);
  });

  test("an app-wide shadow ban holds in every room", async () => {
    const [zed, amy] = await viewers("sb2", "zed", "amy");
    await post("/chatroom/user/shadowban/global/add.json", { userId: "zed", minute: 5 });
    const hidden = await zed!.chat.sendRoomMessage("sb2", text("psst"));
    const after = await amy!.chat.sendRoomMessage("sb2", text("hello"));
    await waitFor(() => amy!.received.some((m) => m.messageID === after.messageID), 5000, "amy receives her own");
    await waitFor(() => zed!.received.some((m) => m.messageID === after.messageID), 5000, "zed receives amy's");
    expect(amy!.received.some((m) => m.messageID === hidden.messageID)).toBe(false);
    expect(zed!.received.map((m) => m.messageID)).toEqual([hidden.messageID, after.messageID]);
    await post("/chatroom/user/shadowban/global/remove.json", { userId: "zed" });
    await Promise.all([zed!.chat.leaveAllRoom(), amy!.chat.leaveAllRoom()]);
  });
});

test("what a room holds of slow mode, its filter and shadow bans is in the snapshot it writes back after a Redis data loss", async () => {
  const [kim] = await viewers("snap1", "kim");
  await kim!.chat.enterRoom({ roomID: "snap2" });
  await post("/chatroom/slowmode/set.json", { chatroomId: "snap1", seconds: 15 });
  await post("/chatroom/filter/add.json", { chatroomId: "snap1", word: "kept", action: "mask" });
  await post("/chatroom/user/shadowban/add.json", { chatroomId: "snap1", userId: "kim", minute: 2 });
  await post("/chatroom/user/shadowban/global/add.json", { userId: "everywhere", minute: 2 });
  const members = (scope: string) =>
    t.server.ctx.moderationCaches
      .snapshot()
      .scopes.get(scope)
      ?.map((e) => e.member) ?? [];
  await waitFor(
    () =>
      members("slow-mode:snap1").includes("15") &&
      members("word-filter:snap1").includes("mask:w:kept") &&
      members("shadow-banned:snap1").includes("kim") &&
      members("global-shadow-banned").includes("everywhere"),
    5000,
    "the room's copy to hold every live-moderation scope",
  );
  // both rooms hold the app-wide entries: the write-back carries each once
  // a later change in snap2 (its reloads run in order) shows snap2's copy holds the app-wide ones too
  await post("/chatroom/slowmode/set.json", { chatroomId: "snap2", seconds: 3 });
  await waitFor(() => members("slow-mode:snap2").includes("3"), 5000, "snap2's copy reloaded");
  expect(members("global-shadow-banned").filter((m) => m === "everywhere")).toEqual(["everywhere"]);
  await post("/chatroom/user/shadowban/global/remove.json", { userId: "everywhere" });
  await kim!.chat.leaveAllRoom();
});
