/**
 * Rooms under load, through real ChatClients: admission of a 200-message burst by priority,
 * the message size limit (an error, never a dropped connection), and history paging.
 */
import { ErrorCode, type ChatClient, type RoomMessage, type SendMessageRequest } from "../../src/client";
import { addProtectedUsers } from "../../src/service/moderation";
import { Scope, Topic } from "../../src/service/scopes";
import { TestClock } from "../helpers/operator";
import { busNotices, useServer, waitFor } from "../helpers/server";
import { chatClient, messageStats, receivedMessages, rejection } from "./helpers";

const MAX_BYTES = 256;
const LOW_TYPE = "low:type";
const PROTECTED_TYPE = "vip:type";

/** The rooms' clock: the admission window (200 ms of it) moves on when a test moves it. */
const clock = new TestClock();
const t = useServer({ now: clock.now, sendRatePerSecond: 1000, maxMessageBytes: MAX_BYTES });
beforeAll(async () => {
  const { sets, bus } = t.server.ctx.store;
  await sets.add(Scope.lowPriorityTypes, [LOW_TYPE], null);
  await sets.add(Scope.protectedTypes, [PROTECTED_TYPE], null);
  await bus.publish(Topic.allRooms, { type: "lists" });
});

const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((chat) => chat.leaveAllRoom()));
});

async function member(userId: string, roomID: string) {
  const { chat, seen } = chatClient(t, userId);
  clients.push(chat);
  const received = receivedMessages(chat, roomID);
  await chat.enterRoom({ roomID });
  return { chat, seen, received };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const seqsOf = (messages: RoomMessage[]) => messages.map((m) => m.seq);

test("content over maxMessageBytes gets MESSAGE_TOO_LARGE (24005), even far over it, and the connection stays up", async () => {
  const alice = await member("alice", "f-size");
  expect((await alice.chat.sendRoomMessage("f-size", { type: "text", content: "x".repeat(MAX_BYTES) })).seq).toBe(1);
  // bytes, not characters: 129 two-byte characters are 258 bytes
  expect(await rejection(alice.chat.sendRoomMessage("f-size", { type: "text", content: "é".repeat(129) }))).toMatchObject({
    code: ErrorCode.MESSAGE_TOO_LARGE,
    message: expect.stringContaining(`${MAX_BYTES}`),
  });
  expect(await rejection(alice.chat.sendRoomMessage("f-size", { type: "text", content: "y".repeat(40 * MAX_BYTES) }))).toMatchObject({
    code: ErrorCode.MESSAGE_TOO_LARGE,
  });
  expect((await alice.chat.sendRoomMessage("f-size", { type: "text", content: "small" })).seq).toBe(2);
  expect(alice.seen.states).toEqual(["f-size connecting/activeEnter", "f-size connected/success"]);
  await waitFor(() => alice.received.length === 2, 2000, "the two admitted messages");
});

test("a burst of 200 messages from 10 senders: every high-priority and protected message is admitted and delivered, low-priority types are shed first, and the drop counter equals the MESSAGE_DROPPED refusals", async () => {
  const ROOM = "f-burst";
  const observer = await member("observer", ROOM);
  const senders = await Promise.all(range(0, 9).map((i) => member(`sender${i}`, ROOM)));
  // sender9 is a protected user: never dropped, whatever it sends
  const notice = await busNotices(t.server, Topic.room(ROOM));
  await addProtectedUsers(t.server.ctx, ROOM, ["sender9"]);
  await notice.applied; // the room has reloaded its moderation

  // High, protected-type and protected-user messages together stay within the 20 reserved slots of a
  // window, so the rule guarantees them all even if the whole burst lands in one 200 ms window.
  type Kind = "high" | "protectedType" | "protectedUser" | "normal" | "low" | "lowClaimingHigh";
  const plan: { kind: Kind; sender: number; message: SendMessageRequest }[] = [];
  const add = (kind: Kind, count: number, message: SendMessageRequest, sender?: number) => {
    for (let i = 0; i < count; i++)
      plan.push({ kind, sender: sender ?? plan.length % 9, message: { ...message, content: `${kind} ${i}` } });
  };
  add("high", 10, { type: "chat", content: "", priority: "high" });
  add("protectedType", 5, { type: PROTECTED_TYPE, content: "" });
  add("protectedUser", 5, { type: "chat", content: "" }, 9);
  add("normal", 90, { type: "chat", content: "" });
  add("low", 80, { type: LOW_TYPE, content: "" });
  add("lowClaimingHigh", 10, { type: LOW_TYPE, content: "", priority: "high" });
  expect(plan).toHaveLength(200);
  // shuffled (seeded), so the protected and high messages are not simply first
  let seed = 42;
  for (let i = plan.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const j = seed % (i + 1);
    [plan[i], plan[j]] = [plan.at(j)!, plan.at(i)!];
  }

  const results = await Promise.allSettled(plan.map((p) => senders.at(p.sender)!.chat.sendRoomMessage(ROOM, p.message)));
  const outcome = (kind: Kind) => results.filter((_, i) => plan.at(i)!.kind === kind);
  const codes = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => (r.reason as { code: number }).code);
  expect(new Set(codes)).toEqual(new Set([ErrorCode.MESSAGE_DROPPED]));

  for (const kind of ["high", "protectedType", "protectedUser"] as const) {
    expect(outcome(kind).map((r) => r.status)).toEqual(outcome(kind).map(() => "fulfilled"));
  }
  const admitted = results.filter((r): r is PromiseFulfilledResult<RoomMessage> => r.status === "fulfilled").map((r) => r.value);
  // the admission rule, checked on the server's own numbering and clock: a low-priority type (whatever
  // priority it claimed) got in only while fewer than 10 messages were admitted in the last 200 ms,
  // a normal one while fewer than 20
  const kindOf = new Map(plan.map((p) => [p.message.content, p.kind]));
  const loadBefore = (m: RoomMessage) => admitted.filter((k) => k.seq < m.seq && m.timestamp - k.timestamp < 200).length;
  for (const m of admitted) {
    const kind = kindOf.get(m.content)!;
    if (kind === "low" || kind === "lowClaimingHigh") expect(loadBefore(m)).toBeLessThan(10);
    if (kind === "normal") expect(loadBefore(m)).toBeLessThan(20);
  }

  const stats = messageStats(ROOM);
  expect(stats.dropped).toBe(codes.length);
  expect(stats.dropped).toBeGreaterThan(0);
  expect(stats.admitted).toBe(admitted.length);
  expect(stats.lastSeq).toBe(admitted.length);

  await waitFor(() => observer.received.length >= admitted.length, 5000, "every admitted message at the observer");
  // a request's answer comes on the same socket after every message sent to it before: a barrier for extra or duplicate messages
  await observer.chat.queryRoomHistory(ROOM);
  expect(seqsOf(observer.received)).toEqual(range(1, admitted.length));
  expect(new Set(observer.received.map((m) => m.messageID))).toEqual(new Set(admitted.map((m) => m.messageID)));
  const delivered = new Set(observer.received.map((m) => m.content));
  for (const p of plan.filter((p) => ["high", "protectedType", "protectedUser"].includes(p.kind)))
    expect(delivered).toContain(p.message.content);
});

test("history keeps the last 100 messages: page backward with beforeSeq, forward with afterSeq, by time; limit 51 is refused; a joiner gets the last 10", async () => {
  const ROOM = "f-history";
  const writer = await member("writer", ROOM);
  // 120 messages, 15 per 250 ms of the rooms' clock so admission drops none
  for (let batch = 0; batch < 8; batch++) {
    await Promise.all(range(1, 15).map((i) => writer.chat.sendRoomMessage(ROOM, { type: "text", content: `${batch * 15 + i}` })));
    clock.advance(250);
  }
  expect(messageStats(ROOM)).toMatchObject({ lastSeq: 120, dropped: 0 });
  const reader = await member("reader", ROOM);
  await waitFor(() => reader.received.length === 10, 2000, "the join history");
  expect(seqsOf(reader.received)).toEqual(range(111, 120));

  const newest = await reader.chat.queryRoomHistory(ROOM);
  expect(seqsOf(newest)).toEqual(range(71, 120));
  const older = await reader.chat.queryRoomHistory(ROOM, { beforeSeq: newest.at(0)!.seq });
  expect(seqsOf(older)).toEqual(range(21, 70));
  expect(await reader.chat.queryRoomHistory(ROOM, { beforeSeq: older.at(0)!.seq })).toEqual([]);

  const first = await reader.chat.queryRoomHistory(ROOM, { afterSeq: 0, limit: 30 });
  expect(seqsOf(first)).toEqual(range(21, 50));
  expect(seqsOf(await reader.chat.queryRoomHistory(ROOM, { afterSeq: first.at(-1)!.seq }))).toEqual(range(51, 100));
  expect(seqsOf(await reader.chat.queryRoomHistory(ROOM, { afterSeq: 100 }))).toEqual(range(101, 120));
  expect(seqsOf(await reader.chat.queryRoomHistory(ROOM, { beforeSeq: 60, limit: 5, direction: "backward" }))).toEqual(range(55, 59));
  expect(seqsOf(await reader.chat.queryRoomHistory(ROOM, { beforeSeq: 60, limit: 5, direction: "forward" }))).toEqual(range(21, 25));

  const all = [...older, ...newest];
  const [since, until] = [all.at(29)!.timestamp, all.at(39)!.timestamp]; // seqs 50 and 60
  const byTime = await reader.chat.queryRoomHistory(ROOM, { since, until });
  expect(byTime.every((m) => m.timestamp >= since && m.timestamp <= until)).toBe(true);
  expect(seqsOf(byTime)).toEqual(seqsOf(all.filter((m) => m.timestamp >= since && m.timestamp <= until)));
  expect(seqsOf(byTime)).toEqual(expect.arrayContaining(range(50, 60)));

  expect(await rejection(reader.chat.queryRoomHistory(ROOM, { limit: 51 }))).toMatchObject({
    code: ErrorCode.PARAMETER,
    message: expect.stringContaining("limit"),
  });
  expect(await rejection(reader.chat.queryRoomHistory(ROOM, { afterSeq: -1 }))).toMatchObject({
    code: ErrorCode.PARAMETER,
    message: expect.stringContaining("afterSeq"),
  });
  expect(await rejection(reader.chat.queryRoomHistory("f-elsewhere"))).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
});
