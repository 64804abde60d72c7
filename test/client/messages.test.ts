/**
 * Room messages through real ChatClients: send and receive, every refusal code, recall, the join
 * history, and exactly-once in-order delivery across a drop and reconnect.
 */
import { ErrorCode, type ChatClient, type RoomMessage } from "../../src/client";
import { muteUsers, unmuteUsers } from "../../src/service/moderation";
import { Scope, Topic } from "../../src/service/scopes";
import { TestClock } from "../helpers/operator";
import { sleep, useServer, waitFor } from "../helpers/server";
import { chatClient, dropConnections, messageStats, receivedMessages, rejection } from "./helpers";

/** The rooms' clock: the per-user send rate (a sliding second of it) refills when a test moves it. */
const clock = new TestClock();
// timer kick-out: the offline member below misses 20+ messages without being kicked for it
const t = useServer({ now: clock.now, reconnectWindowS: 10, kickoutMode: "timer" });

const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((chat) => chat.leaveAllRoom()));
});

/** A ChatClient in `roomID`, recording the messages it receives there from before its join. */
async function member(userId: string, roomID: string, options: Parameters<typeof chatClient>[2] = {}) {
  const { chat, seen } = chatClient(t, userId, options);
  clients.push(chat);
  const received = receivedMessages(chat, roomID);
  await chat.enterRoom({ roomID });
  return { chat, seen, received };
}

const seqsOf = (messages: RoomMessage[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("a sent message resolves as the server numbered it and reaches every member, the sender included, once", async () => {
  const alice = await member("alice", "m-send");
  const bob = await member("bob", "m-send");
  const sent = await alice.chat.sendRoomMessage("m-send", { type: "text", content: "héllo" });
  expect(sent).toEqual({
    messageID: expect.any(String),
    seq: 1,
    timestamp: expect.any(Number),
    senderUserID: "alice",
    type: "text",
    content: "héllo",
  });
  const second = await bob.chat.sendRoomMessage("m-send", { type: "custom:emoji", content: "{}", priority: "high" });
  expect(second.seq).toBe(2);
  await waitFor(() => alice.received.length === 2 && bob.received.length === 2, 2000, "both messages at both members");
  expect(alice.received).toEqual([sent, second]);
  expect(bob.received).toEqual([sent, second]);
  // a third message is a barrier: a duplicate of the first two would have arrived before it
  const third = await alice.chat.sendRoomMessage("m-send", { type: "text", content: "third" });
  await waitFor(() => alice.received.length >= 3 && bob.received.length >= 3, 2000, "the third message at both members");
  expect(alice.received).toEqual([sent, second, third]);
  expect(bob.received).toEqual([sent, second, third]);
});

test("refusals carry their code: NOT_IN_ROOM (no server call), PARAMETER; the room goes on", async () => {
  const alice = await member("alice", "m-bad");
  const stranger = chatClient(t, "stranger").chat;
  expect(await rejection(stranger.sendRoomMessage("m-bad", { type: "text", content: "hi" }))).toMatchObject({
    name: "ChatClientError",
    code: ErrorCode.NOT_IN_ROOM,
  });
  expect(await rejection(alice.chat.sendRoomMessage("elsewhere", { type: "text", content: "hi" }))).toMatchObject({
    code: ErrorCode.NOT_IN_ROOM,
  });
  expect(await rejection(alice.chat.sendRoomMessage("m-bad", { type: "", content: "hi" }))).toMatchObject({
    code: ErrorCode.PARAMETER,
    message: expect.stringContaining("type"),
  });
  expect(await rejection(alice.chat.sendRoomMessage("m-bad", { type: "x".repeat(33), content: "hi" }))).toMatchObject({
    code: ErrorCode.PARAMETER,
  });
  const badPriority = { type: "text", content: "hi", priority: "urgent" } as unknown as Parameters<ChatClient["sendRoomMessage"]>[1];
  expect(await rejection(alice.chat.sendRoomMessage("m-bad", badPriority))).toMatchObject({
    code: ErrorCode.PARAMETER,
    message: expect.stringContaining("priority"),
  });
  const badContent = { type: "text", content: 42 } as unknown as Parameters<ChatClient["sendRoomMessage"]>[1];
  expect(await rejection(alice.chat.sendRoomMessage("m-bad", badContent))).toMatchObject({ code: ErrorCode.PARAMETER });
  expect((await alice.chat.sendRoomMessage("m-bad", { type: "text", content: "still here" })).seq).toBe(1);
  expect(alice.seen.states).toEqual(["m-bad connecting/activeEnter", "m-bad connected/success"]);
});

test("a muted member gets MUTED (23408) and nothing is delivered; others still send; unmuted it sends again", async () => {
  const alice = await member("alice", "m-mute");
  const bob = await member("bob", "m-mute");
  await muteUsers(t.server.ctx, "m-mute", ["alice"], 10);
  expect(await rejection(alice.chat.sendRoomMessage("m-mute", { type: "text", content: "shh" }))).toMatchObject({ code: ErrorCode.MUTED });
  const fromBob = await bob.chat.sendRoomMessage("m-mute", { type: "text", content: "bob talks" });
  await waitFor(() => alice.received.length === 1, 2000, "alice still reads");
  expect(alice.received).toEqual([fromBob]);
  await unmuteUsers(t.server.ctx, "m-mute", ["alice"]);
  expect((await alice.chat.sendRoomMessage("m-mute", { type: "text", content: "back" })).seq).toBe(2);
});

test("a muted member via the store and a moderation notice gets MUTED too", async () => {
  const carol = await member("carol", "m-mute2");
  await t.server.ctx.store.sets.add(Scope.muted("m-mute2"), ["carol"], null);
  await t.server.ctx.store.bus.publish(Topic.room("m-mute2"), { type: "moderation" });
  expect(await rejection(carol.chat.sendRoomMessage("m-mute2", { type: "text", content: "x" }))).toMatchObject({ code: ErrorCode.MUTED });
});

test("while distribution is stopped, sends get DISTRIBUTION_STOPPED (24007) and nothing is delivered; resumed, they flow", async () => {
  const alice = await member("alice", "m-stop");
  const bob = await member("bob", "m-stop");
  const { sets, bus } = t.server.ctx.store;
  await sets.add(Scope.distributionStopped, ["m-stop"], null);
  await bus.publish(Topic.room("m-stop"), { type: "lists" });
  await waitFor(
    async () =>
      await alice.chat.sendRoomMessage("m-stop", { type: "text", content: "probe" }).then(
        () => false,
        (e: unknown) => (e as { code: number }).code === ErrorCode.DISTRIBUTION_STOPPED,
      ),
    2000,
    "the stop to reach the room",
  );
  expect(await rejection(bob.chat.sendRoomMessage("m-stop", { type: "text", content: "x" }))).toMatchObject({
    code: ErrorCode.DISTRIBUTION_STOPPED,
  });
  expect(messageStats("m-stop").lastSeq).toBe(0);

  await sets.remove(Scope.distributionStopped, ["m-stop"]);
  await bus.publish(Topic.room("m-stop"), { type: "lists" });
  await waitFor(
    async () =>
      await bob.chat.sendRoomMessage("m-stop", { type: "text", content: "again" }).then(
        () => true,
        () => false,
      ),
    2000,
    "the resume",
  );
  await waitFor(() => alice.received.length >= 1 && bob.received.length >= 1, 2000, "the message after resuming");
  // the first message anyone receives is the one after resuming: nothing went out while stopped
  expect(alice.received).toEqual([expect.objectContaining({ seq: 1, content: "again" })]);
  expect(bob.received).toEqual(alice.received);
});

test("the 6th send within a second gets SEND_RATE_LIMITED (24006), the connection stays, and a second later sends work again", async () => {
  const alice = await member("alice", "m-rate");
  const results = await Promise.allSettled(
    range(1, 6).map((i) => alice.chat.sendRoomMessage("m-rate", { type: "text", content: `#${i}` })),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(refused.map((r) => (r.reason as { code: number }).code)).toEqual([ErrorCode.SEND_RATE_LIMITED]);
  clock.advance(1000); // a second later
  expect((await alice.chat.sendRoomMessage("m-rate", { type: "text", content: "later" })).seq).toBe(6);
  expect(alice.seen.states).toEqual(["m-rate connecting/activeEnter", "m-rate connected/success"]);
  await waitFor(() => alice.received.length === 6, 2000, "the 6 admitted messages");
  expect(seqsOf(alice.received)).toEqual(range(1, 6));
});

test("recall: only the sender may (others get NOT_MESSAGE_SENDER 24011); members get the notice; the message leaves history", async () => {
  const alice = await member("alice", "m-recall");
  const bob = await member("bob", "m-recall");
  const notices: unknown[] = [];
  bob.chat.on("roomMessageRecalled", (notice, roomID) => notices.push({ ...notice, roomID }));
  const first = await alice.chat.sendRoomMessage("m-recall", { type: "text", content: "oops" });
  const second = await alice.chat.sendRoomMessage("m-recall", { type: "text", content: "fine" });

  expect(await rejection(bob.chat.recallRoomMessage("m-recall", first.messageID))).toMatchObject({ code: ErrorCode.NOT_MESSAGE_SENDER });
  expect(await alice.chat.recallRoomMessage("m-recall", first.messageID)).toEqual(first);
  await waitFor(() => notices.length === 1, 2000, "the recall notice");
  expect(notices).toEqual([{ messageID: first.messageID, seq: 1, recalledBy: "alice", roomID: "m-recall" }]);
  expect(await bob.chat.queryRoomHistory("m-recall")).toEqual([second]);
  expect(await rejection(alice.chat.recallRoomMessage("m-recall", first.messageID))).toMatchObject({ code: ErrorCode.MESSAGE_NOT_FOUND });
  expect(await rejection(alice.chat.recallRoomMessage("m-recall", ""))).toMatchObject({ code: ErrorCode.PARAMETER });

  // a member joining now does not get the recalled message in its join history
  const carol = await member("carol", "m-recall");
  await waitFor(() => carol.received.length === 1, 2000, "carol's join history");
  expect(carol.received).toEqual([second]);
});

test("a joining member receives the last 10 messages first, then live ones", async () => {
  const senders = await Promise.all(["s1", "s2", "s3"].map((id) => member(id, "m-join")));
  for (let round = 0; round < 5; round++) {
    for (const s of senders) await s.chat.sendRoomMessage("m-join", { type: "text", content: `${round}` });
  }
  const late = await member("late", "m-join");
  await waitFor(() => late.received.length === 10, 2000, "the join history");
  expect(seqsOf(late.received)).toEqual(range(6, 15));
  await late.chat.sendRoomMessage("m-join", { type: "text", content: "live" });
  await waitFor(() => late.received.length === 11, 2000, "the live message");
  expect(seqsOf(late.received)).toEqual(range(6, 16));
});

test("across a drop and reconnect, the member receives every message exactly once and in order, also those sent while it was offline and right around the reconnect", async () => {
  const ROOM = "m-order";
  const receiver = await member("receiver", ROOM, { reconnection: { minDelay: 3000, maxDelay: 3000 } });
  const senders = await Promise.all(["o1", "o2", "o3", "o4"].map((id) => member(id, ROOM)));
  const tickers = await Promise.all(["t1", "t2"].map((id) => member(id, ROOM)));
  const send = (who: { chat: ChatClient }, content: string) => who.chat.sendRoomMessage(ROOM, { type: "text", content });

  for (const s of senders) await send(s, "before");
  await waitFor(() => receiver.received.length === 4, 2000, "the first messages");

  // the tickers keep talking (one message every 150 ms of real time: the traffic itself, spread over
  // the real 3 s reconnect delay) from before the drop until after the reconnect
  let ticking = true as boolean; // `as boolean`: the loop below must re-read it, it is set false further down
  const ticked: Promise<RoomMessage>[] = [];
  const ticker = (async () => {
    for (let i = 0; ticking; i++) {
      ticked.push(send(tickers.at(i % 2)!, `tick ${i}`));
      await sleep(150);
    }
  })();

  dropConnections(ROOM, "receiver");
  await waitFor(() => receiver.seen.states.includes(`${ROOM} connecting/interrupted`), 3000, "the drop");
  // 20 messages while the receiver is offline (spread on the rooms' clock: under 5 per second per user)
  const offline: RoomMessage[] = [];
  for (let round = 0; round < 5; round++) {
    for (const s of senders) offline.push(await send(s, `offline ${round}`));
    clock.advance(300);
  }
  expect(receiver.seen.states.at(-1)).toBe(`${ROOM} connecting/interrupted`);
  await waitFor(() => receiver.seen.states.at(-1) === `${ROOM} connected/success`, 5000, "the reconnect");
  // and some right after it
  const after = await Promise.all(senders.map((s) => send(s, "after")));
  const ticks = ticked.length;
  await waitFor(() => ticked.length >= ticks + 2, 2000, "two more ticks after the reconnect");
  ticking = false;
  await ticker;
  await Promise.all(ticked);

  const { lastSeq } = messageStats(ROOM);
  expect(lastSeq).toBe(4 + ticked.length + offline.length + after.length);
  await waitFor(() => receiver.received.length >= lastSeq, 5000, `all ${lastSeq} messages`);
  const history: RoomMessage[] = [];
  for (
    let page = await receiver.chat.queryRoomHistory(ROOM, { afterSeq: 0 });
    page.length > 0;
    page = await receiver.chat.queryRoomHistory(ROOM, { afterSeq: page.at(-1)!.seq })
  ) {
    history.push(...page);
  }
  expect(seqsOf(history)).toEqual(range(1, lastSeq));
  // and the member can still send, receiving its own message once: a barrier after which a
  // duplicate or a stray message would have arrived
  const own = await send(receiver, "I am back");
  await waitFor(() => receiver.received.some((m) => m.messageID === own.messageID), 2000, "its own message");
  expect(receiver.received).toEqual([...history, own]);
  expect(receiver.seen.exits).toEqual([]);
});

test("a message recalled while a member was offline is skipped: the reconnect SYNC closes the gap it leaves", async () => {
  const ROOM = "m-gap";
  const receiver = await member("receiver", ROOM, { reconnection: { minDelay: 800, maxDelay: 800 } });
  const sender = await member("sender", ROOM);
  await sender.chat.sendRoomMessage(ROOM, { type: "text", content: "1" });
  await waitFor(() => receiver.received.length === 1, 2000, "the first message");
  dropConnections(ROOM, "receiver");
  await waitFor(() => receiver.seen.states.includes(`${ROOM} connecting/interrupted`), 3000, "the drop");
  const gone = await sender.chat.sendRoomMessage(ROOM, { type: "text", content: "2 (recalled)" });
  const kept = await sender.chat.sendRoomMessage(ROOM, { type: "text", content: "3" });
  await sender.chat.recallRoomMessage(ROOM, gone.messageID);
  await waitFor(() => receiver.seen.states.at(-1) === `${ROOM} connected/success`, 5000, "the reconnect");
  await waitFor(() => receiver.received.length === 2, 3000, "the missed message");
  const next = await sender.chat.sendRoomMessage(ROOM, { type: "text", content: "4" });
  await waitFor(() => receiver.received.length === 3, 2000, "the next live message");
  expect(seqsOf(receiver.received)).toEqual([1, kept.seq, next.seq]);
});
