/**
 * A room's message pipeline (rooms/MessagePipeline) over the in-memory store with a fake clock: who
 * may send, admission and its counters, numbering, recall, history and sync pages, and the
 * operator's publish. No Colyseus room: the host is a recording fake.
 */
import { MessagePipeline, type MessageLists, type PipelineHost } from "../../rooms/MessagePipeline";
import { resolveConfig, type ChatConfig } from "../../src/config";
import { ChatError, ErrorCode } from "../../src/core/errors";
import type { RoomMessage } from "../../src/protocol";
import type { ChatContext } from "../../src/service/context";
import { ChatEvents } from "../../src/service/events";
import { createMemoryStore } from "../../src/store/memory";
import { compileWordFilter, type CompiledWordFilter, type FilterEntry } from "../../src/core/wordFilter";

const T0 = 1_700_000_000_000;
/** 8 per window: low up to 2, normal up to 4, high up to 8 (core/admission). */
const WINDOW = 8;

/** What the pipeline reads of its context: the settings, the store's history and the clock. */
function context(clock: { now: number }, config: Partial<ChatConfig> = {}): ChatContext {
  const partial: Pick<ChatContext, "config" | "store" | "now" | "events"> = {
    events: new ChatEvents(),
    config: resolveConfig({ admissionWindow: WINDOW, sendRatePerSecond: 5, historySize: 20, maxMessageBytes: 64, ...config }),
    store: createMemoryStore({ clock: () => clock.now }),
    now: () => clock.now,
  };
  return partial as ChatContext;
}

function pipeline(options: { config?: Partial<ChatConfig>; beforeMessage?: PipelineHost["beforeMessage"] } = {}) {
  const clock = { now: T0 };
  const ctx = context(clock, options.config);
  const batches: RoomMessage[][] = [];
  const delivered: RoomMessage[] = [];
  const muted = new Set<string>();
  const protectedUsers = new Set<string>();
  const live = { slowModeSeconds: 0, filters: [] as CompiledWordFilter[], shadowBanned: new Set<string>() };
  const privately: { userId: string; messages: RoomMessage[] }[] = [];
  const host: PipelineHost = {
    roomId: "lobby",
    broadcastMessages: (messages) => batches.push(messages),
    onDelivered: (message) => delivered.push(message),
    assertMaySend: async (userId) => {
      if (muted.has(userId)) throw new ChatError(ErrorCode.MUTED, `${userId} is muted`);
    },
    isProtectedUser: (userId) => protectedUsers.has(userId),
    slowModeSeconds: () => live.slowModeSeconds,
    isSlowModeExempt: (userId) => protectedUsers.has(userId),
    wordFilters: () => live.filters,
    isShadowBanned: (userId) => live.shadowBanned.has(userId),
    sendToMember: (userId, messages) => privately.push({ userId, messages }),
    beforeMessage: options.beforeMessage,
  };
  const p = new MessagePipeline(ctx, host);
  const lists = (changes: Partial<MessageLists>) =>
    p.setLists({ lowPriorityTypes: new Set(), protectedTypes: new Set(), distributionStopped: false, ...changes });
  const send = (userId: string, content: string, extra: Record<string, unknown> = {}) =>
    p.sendFromMember(userId, { type: "text", content, ...extra });
  return { clock, ctx, p, batches, delivered, muted, protectedUsers, lists, send, live, privately };
}

/** The ChatError code a promise rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<number> {
  const e = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(e instanceof ChatError)) throw new Error(`expected a ChatError, got ${String(e)}`);
  return e.code;
}

let disposables: MessagePipeline[] = [];
afterEach(() => {
  for (const p of disposables) p.dispose();
  disposables = [];
});
function track<T extends { p: MessagePipeline }>(setup: T): T {
  disposables.push(setup.p);
  return setup;
}

describe("MessagePipeline: sending", () => {
  test("numbers messages in send order, reports each delivered, and broadcasts one batch per flush", async () => {
    const { p, batches, delivered, send } = track(pipeline());
    const first = await send("ann", "one");
    const second = await send("bob", "two");
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(first).toMatchObject({ senderUserID: "ann", type: "text", content: "one", timestamp: T0 });
    expect(delivered).toEqual([first, second]);
    p.flush();
    expect(batches).toEqual([[first, second]]);
    expect(p.lastSeq).toBe(2);
  });

  test("continues the sequence where the room's history left it", async () => {
    const a = track(pipeline());
    await a.send("ann", "one");
    await a.send("ann", "two");
    const b = new MessagePipeline(a.ctx, {
      roomId: "lobby",
      broadcastMessages: () => {},
      onDelivered: () => {},
      assertMaySend: async () => {},
      isProtectedUser: () => false,
      slowModeSeconds: () => 0,
      isSlowModeExempt: () => false,
      wordFilters: () => [],
      isShadowBanned: () => false,
      sendToMember: () => {},
    });
    disposables.push(b);
    await b.init();
    expect(b.lastSeq).toBe(2);
  });

  test("refuses a bad message with PARAMETER, and content over the size limit with MESSAGE_TOO_LARGE", async () => {
    const { p, send } = track(pipeline());
    expect(await codeOf(p.sendFromMember("ann", { content: "no type" }))).toBe(ErrorCode.PARAMETER);
    expect(await codeOf(p.sendFromMember("ann", "text"))).toBe(ErrorCode.PARAMETER);
    expect(await codeOf(send("ann", "x".repeat(65)))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  test("a sender over its rate gets SEND_RATE_LIMITED until the second has passed; others still send", async () => {
    const { clock, send } = track(pipeline({ config: { admissionWindow: 1000 } })); // the room's window out of the way
    for (let i = 0; i < 5; i++) await send("ann", `#${i}`);
    expect(await codeOf(send("ann", "sixth"))).toBe(ErrorCode.SEND_RATE_LIMITED);
    await expect(send("bob", "fine")).resolves.toMatchObject({ senderUserID: "bob" });
    clock.now += 1000;
    await expect(send("ann", "later")).resolves.toMatchObject({ content: "later" });
  });

  test("a muted member is refused with the moderation's MUTED", async () => {
    const { muted, send } = track(pipeline());
    muted.add("ann");
    expect(await codeOf(send("ann", "hi"))).toBe(ErrorCode.MUTED);
  });

  test("while distribution is stopped members and the operator are refused with DISTRIBUTION_STOPPED", async () => {
    const { p, lists, send } = track(pipeline());
    lists({ distributionStopped: true });
    expect(await codeOf(send("ann", "hi"))).toBe(ErrorCode.DISTRIBUTION_STOPPED);
    expect(() => p.publish("system", "text", "hi")).toThrow(expect.objectContaining({ code: ErrorCode.DISTRIBUTION_STOPPED }));
    lists({ distributionStopped: false });
    await expect(send("ann", "hi")).resolves.toMatchObject({ seq: 1 });
  });

  test("the app's beforeMessage hook may change a message before it gets its seq", async () => {
    const { send } = track(pipeline({ beforeMessage: async (_userId, draft) => ({ ...draft, content: draft.content.toUpperCase() }) }));
    await expect(send("ann", "hello")).resolves.toMatchObject({ content: "HELLO", seq: 1 });
  });
});

describe("MessagePipeline: admission", () => {
  /** Sends from a fresh user each time, so only the room's window limits. */
  let users = 0;
  const fresh = () => `u${++users}`;

  test("drops normal priority past its share of the window with MESSAGE_DROPPED, and counts admissions and drops", async () => {
    const { p, send } = track(pipeline());
    for (let i = 0; i < 4; i++) await send(fresh(), "normal");
    expect(await codeOf(send(fresh(), "one too many"))).toBe(ErrorCode.MESSAGE_DROPPED);
    await expect(send(fresh(), "urgent", { priority: "high" })).resolves.toMatchObject({ seq: 5 });
    expect(p.stats()).toEqual({ admitted: 5, dropped: 1 });
    expect(p.lastSeq).toBe(5); // a dropped message gets no seq
  });

  test("a low-priority type is shed first, whatever priority its sender claims", async () => {
    const { lists, send } = track(pipeline());
    lists({ lowPriorityTypes: new Set(["like"]) });
    for (let i = 0; i < 2; i++) await send(fresh(), "normal");
    expect(await codeOf(send(fresh(), "+1", { type: "like", priority: "high" }))).toBe(ErrorCode.MESSAGE_DROPPED);
    await expect(send(fresh(), "still room for normal")).resolves.toBeDefined();
  });

  test("protected types and protected users are admitted past the window", async () => {
    const { lists, protectedUsers, send } = track(pipeline());
    lists({ protectedTypes: new Set(["gift"]) });
    protectedUsers.add("host");
    for (let i = 0; i < WINDOW; i++) await send(fresh(), "high", { priority: "high" });
    expect(await codeOf(send(fresh(), "full", { priority: "high" }))).toBe(ErrorCode.MESSAGE_DROPPED);
    await expect(send(fresh(), "a gift", { type: "gift", priority: "low" })).resolves.toBeDefined();
    await expect(send("host", "the host speaks", { priority: "low" })).resolves.toBeDefined();
  });

  test("the window slides: after 200 ms the room admits again", async () => {
    const { clock, send } = track(pipeline());
    for (let i = 0; i < 4; i++) await send(fresh(), "normal");
    expect(await codeOf(send(fresh(), "dropped"))).toBe(ErrorCode.MESSAGE_DROPPED);
    clock.now += 200;
    await expect(send(fresh(), "admitted")).resolves.toBeDefined();
  });

  test("the operator's publish ignores mutes and rates, counts as high priority, and answers undefined when dropped", async () => {
    const { p, muted } = track(pipeline());
    muted.add("system");
    for (let i = 0; i < WINDOW; i++) expect(p.publish("system", "text", `#${i}`)).toMatchObject({ senderUserID: "system" });
    expect(p.publish("system", "text", "one too many")).toBeUndefined();
    expect(p.stats()).toEqual({ admitted: WINDOW, dropped: 1 });
  });
});

describe("MessagePipeline: recall", () => {
  test("a member recalls its own message, which leaves history; not someone else's", async () => {
    const { p, send } = track(pipeline());
    const mine = await send("ann", "mine");
    const theirs = await send("bob", "theirs");
    expect(await codeOf(p.recall(theirs.messageID, "ann"))).toBe(ErrorCode.NOT_MESSAGE_SENDER);
    await expect(p.recall(mine.messageID, "ann")).resolves.toEqual(mine);
    expect((await p.history({})).map((m) => m.messageID)).toEqual([theirs.messageID]);
    expect(await codeOf(p.recall(mine.messageID, "ann"))).toBe(ErrorCode.MESSAGE_NOT_FOUND);
  });

  test("the operator (null) recalls anyone's message", async () => {
    const { p, send } = track(pipeline());
    const theirs = await send("bob", "theirs");
    await expect(p.recall(theirs.messageID, null)).resolves.toEqual(theirs);
  });

  test.each([
    ["no string", 42],
    ["an empty string", ""],
    ["over 64 characters", "m".repeat(65)],
  ])("refuses a messageID that is %s with PARAMETER", async (_what, messageID) => {
    const { p } = track(pipeline());
    expect(await codeOf(p.recall(messageID, null))).toBe(ErrorCode.PARAMETER);
  });

  test("an unknown message is MESSAGE_NOT_FOUND", async () => {
    const { p } = track(pipeline());
    expect(await codeOf(p.recall("nope", null))).toBe(ErrorCode.MESSAGE_NOT_FOUND);
  });
});

describe("MessagePipeline: history and sync", () => {
  /** A pipeline with `count` messages sent one per second (no rate or admission limit in the way). */
  async function withMessages(count: number) {
    const setup = track(pipeline());
    for (let i = 1; i <= count; i++) {
      setup.clock.now += 1000;
      await setup.send("ann", `#${i}`);
    }
    return setup;
  }
  const seqs = (messages: RoomMessage[]) => messages.map((m) => m.seq);

  test("pages backward from the newest by default, forward from a lower bound, oldest first in each page", async () => {
    const { p } = await withMessages(12);
    expect(seqs(await p.history({ limit: 3 }))).toEqual([10, 11, 12]);
    expect(seqs(await p.history({ limit: 3, beforeSeq: 10 }))).toEqual([7, 8, 9]);
    expect(seqs(await p.history({ limit: 3, afterSeq: 2 }))).toEqual([3, 4, 5]);
    expect(await p.history({})).toHaveLength(12);
  });

  test("refuses a page over 50 or a negative bound with PARAMETER", async () => {
    const { p } = await withMessages(1);
    expect(await codeOf(p.history({ limit: 51 }))).toBe(ErrorCode.PARAMETER);
    expect(await codeOf(p.history({ afterSeq: -1 }))).toBe(ErrorCode.PARAMETER);
  });

  test("sync returns the messages after afterSeq with the room's last seq, so a recall's gap closes too", async () => {
    const { p } = await withMessages(5);
    const [fourth] = (await p.history({ afterSeq: 3, limit: 1 })).map((m) => m.messageID);
    await p.recall(fourth, "ann");
    expect(await p.sync({ afterSeq: 2 })).toEqual({ messages: expect.any(Array), lastSeq: 5 });
    expect(seqs((await p.sync({ afterSeq: 2 })).messages)).toEqual([3, 5]);
    expect(await codeOf(p.sync({}))).toBe(ErrorCode.PARAMETER);
  });

  test("a joining member gets the last 10 messages and the seq they bring it up to", async () => {
    const { p } = await withMessages(12);
    const join = await p.joinHistory();
    expect(seqs(join.messages)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(join.lastSeq).toBe(12);
  });
});

describe("MessagePipeline: slow mode, word filter, shadow ban", () => {
  const filter = (...entries: FilterEntry[]) => compileWordFilter(entries);

  test("slow mode refuses a member's second message inside the interval with SLOW_MODE naming the wait; protected users are exempt", async () => {
    const { clock, live, protectedUsers, send } = track(pipeline());
    live.slowModeSeconds = 10;
    protectedUsers.add("host");
    await send("ann", "one");
    clock.now += 4000;
    const refused = await send("ann", "two").catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: ErrorCode.SLOW_MODE, message: expect.stringContaining("wait 6000 ms") as unknown });
    await send("host", "one");
    await expect(send("host", "two")).resolves.toBeDefined();
    clock.now += 6000;
    await expect(send("ann", "two")).resolves.toMatchObject({ content: "two" });
  });

  test("a message refused after the slow-mode check (blocked, dropped, a hook's veto) costs no wait", async () => {
    const { live, send } = track(pipeline());
    live.slowModeSeconds = 30;
    live.filters = [filter({ pattern: "spam", isRegex: false, action: "block" })];
    expect(await codeOf(send("ann", "SPAM here"))).toBe(ErrorCode.CONTENT_BLOCKED);
    await expect(send("ann", "fine")).resolves.toBeDefined();
  });

  test("block refuses with CONTENT_BLOCKED naming the field, not the word; mask replaces; flag reports messageFlagged", async () => {
    const { ctx, live, send } = track(pipeline());
    live.filters = [
      filter({ pattern: "secret", isRegex: false, action: "block" }),
      filter({ pattern: "d[a4]rn", isRegex: true, action: "mask" }, { pattern: "promo", isRegex: false, action: "flag" }),
    ];
    const flagged: unknown[] = [];
    ctx.events.on("messageFlagged", (event) => flagged.push(event));
    const blocked = await send("ann", "the SeCrEt is out").catch((e: unknown) => e);
    expect(blocked).toMatchObject({ code: ErrorCode.CONTENT_BLOCKED, message: expect.stringContaining("content") as unknown });
    expect((blocked as Error).message).not.toMatch(/secret/i);
    await expect(send("ann", "oh d4rn it")).resolves.toMatchObject({ content: "oh **** it" });
    const promo = await send("bob", "big PROMO today");
    expect(promo.content).toBe("big PROMO today");
    expect(flagged).toEqual([
      { roomId: "lobby", userId: "bob", message: promo, flagged: ["PROMO"], shadowBanned: false, at: promo.timestamp },
    ]);
  });

  test("the filter runs before the app's hook: the hook sees the masked text", async () => {
    const seen: string[] = [];
    const { live, send } = track(
      pipeline({
        beforeMessage: async (_userId, draft) => {
          seen.push(draft.content);
          return draft;
        },
      }),
    );
    live.filters = [filter({ pattern: "darn", isRegex: false, action: "mask" })];
    await send("ann", "darn");
    expect(seen).toEqual(["****"]);
  });

  test("a shadow-banned sender's message takes a seq, goes to the sender only, and stays out of history and the room's rules", async () => {
    const { p, live, batches, delivered, privately, send } = track(pipeline());
    const first = await send("bob", "visible");
    live.shadowBanned.add("ann");
    const hidden = await send("ann", "only I see this");
    expect(hidden).toMatchObject({ seq: 2, senderUserID: "ann" });
    expect(privately).toEqual([{ userId: "ann", messages: [hidden] }]);
    const next = await send("bob", "after");
    p.flush();
    expect(batches.flat()).toEqual([first, next]);
    expect(delivered).toEqual([first, next]);
    expect((await p.history({})).map((m) => m.messageID)).toEqual([first.messageID, next.messageID]);
    expect(await p.sync({ afterSeq: 1 })).toEqual({ messages: [next], lastSeq: 3 });
  });

  test("a shadow message can be recalled by its sender only", async () => {
    const { p, live, send } = track(pipeline());
    live.shadowBanned.add("ann");
    const hidden = await send("ann", "oops");
    expect(p.recallShadow(hidden.messageID, "bob")).toBeUndefined();
    expect(p.recallShadow(hidden.messageID, "ann")).toEqual(hidden);
    expect(p.recallShadow(hidden.messageID, "ann")).toBeUndefined();
  });
});
