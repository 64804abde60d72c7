/**
 * Typing indicators on the client side. The unit tests run ChatClient's TypingSender and
 * TypingWatcher on a fake clock, without a server; the last block runs two ChatClients through a
 * real room (the room's bounds are in test/integration/typing.test.ts).
 */
import { ChatClient, TYPING_EXPIRY_MS, TYPING_REPEAT_MS, TypingSender, TypingWatcher, type TypingClock } from "../../src/client";
import { useServer, waitFor } from "../helpers/server";

/** A clock the test moves by hand: timers fire in time order as it passes them. */
class FakeClock implements TypingClock {
  private time = 1_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now = (): number => this.time;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Moves the clock `ms` forward, firing the timers due meanwhile. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= end)
        .sort((a, b) => a[1].at - b[1].at)
        .at(0);
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = end;
  }

  get pending(): number {
    return this.timers.size;
  }
}

describe("TypingSender (this client's notices)", () => {
  function sender() {
    const clock = new FakeClock();
    const sent: boolean[] = [];
    const typing = new TypingSender(async (value) => void sent.push(value), clock);
    return { clock, sent, typing };
  }

  test("keystrokes send typing: true at most once per TYPING_REPEAT_MS", () => {
    const { clock, sent, typing } = sender();
    typing.set(true);
    for (let i = 0; i < 10; i++) {
      clock.advance(TYPING_REPEAT_MS / 10 - 1);
      typing.set(true);
    }
    expect(sent).toEqual([true]);
    clock.advance(20);
    typing.set(true);
    expect(sent).toEqual([true, true]);
    expect(typing.isTyping).toBe(true);
  });

  test("stopping sends typing: false once, and only after a true was sent", () => {
    const { sent, typing } = sender();
    typing.set(false);
    expect(sent).toEqual([]);
    typing.set(true);
    typing.set(false);
    typing.set(false);
    expect(sent).toEqual([true, false]);
    // typing again right after stopping is news at once
    typing.set(true);
    expect(sent).toEqual([true, false, true]);
  });

  test("a sent message ends typing without a false (the room clears it), and the next keystroke is sent at once", () => {
    const { sent, typing } = sender();
    typing.set(true);
    typing.messageSent();
    typing.set(false);
    expect(sent).toEqual([true]);
    typing.set(true);
    expect(sent).toEqual([true, true]);
  });

  test("a failed notice is ignored (typing is a hint)", async () => {
    const clock = new FakeClock();
    const typing = new TypingSender(() => Promise.reject(new Error("offline")), clock);
    expect(() => typing.set(true)).not.toThrow();
    await Promise.resolve();
  });
});

describe("TypingWatcher (who is typing)", () => {
  function watcher() {
    const clock = new FakeClock();
    const changes: string[][] = [];
    const watch = new TypingWatcher((ids) => changes.push(ids), clock);
    return { clock, changes, watch };
  }

  test("typists are listed in the order they started, each change reported once", () => {
    const { changes, watch } = watcher();
    watch.notice("ann", true);
    watch.notice("bob", true);
    watch.notice("ann", true); // a repeat: no change
    expect(changes).toEqual([["ann"], ["ann", "bob"]]);
    expect(watch.userIDs).toEqual(["ann", "bob"]);
    watch.notice("ann", false);
    expect(changes.at(-1)).toEqual(["bob"]);
  });

  test("a typist is forgotten TYPING_EXPIRY_MS after its last notice; each repeat extends it", () => {
    const { clock, changes, watch } = watcher();
    watch.notice("ann", true);
    clock.advance(TYPING_REPEAT_MS);
    watch.notice("ann", true);
    clock.advance(TYPING_EXPIRY_MS - 1);
    expect(watch.userIDs).toEqual(["ann"]);
    clock.advance(1);
    expect(watch.userIDs).toEqual([]);
    expect(changes).toEqual([["ann"], []]);
    expect(clock.pending).toBe(0);
  });

  test("forget (its message arrived, it left) drops the typist at once; unknown users change nothing", () => {
    const { clock, changes, watch } = watcher();
    watch.notice("ann", true);
    watch.forget("ann");
    watch.forget("zed");
    watch.notice("zed", false);
    expect(changes).toEqual([["ann"], []]);
    expect(clock.pending).toBe(0);
  });

  test("stop forgets everyone without reporting", () => {
    const { clock, changes, watch } = watcher();
    watch.notice("ann", true);
    watch.stop();
    clock.advance(TYPING_EXPIRY_MS);
    expect(changes).toEqual([["ann"]]);
    expect(watch.userIDs).toEqual([]);
  });
});

describe("ChatClient typing without a room", () => {
  test("setTyping outside a room sends nothing and does not throw; typingUsers is empty", () => {
    const chat = new ChatClient("ws://127.0.0.1:1", { userId: "ann" });
    expect(() => chat.setTyping("nowhere", true)).not.toThrow();
    expect(chat.typingUsers("nowhere")).toEqual([]);
  });
});

describe("typing through a real room", () => {
  const t = useServer();
  const clients: ChatClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((chat) => chat.leaveAllRoom()));
  });

  async function member(userId: string, roomID: string) {
    const chat = new ChatClient(`ws://127.0.0.1:${t.port}`, { userId, userName: userId });
    clients.push(chat);
    const changes: string[][] = [];
    chat.on("roomTypingChanged", (ids, id) => {
      if (id === roomID) changes.push(ids);
    });
    await chat.enterRoom({ roomID });
    return { chat, changes };
  }

  test("typing reaches the other members, ends on false, on a message and on leaving, and not at the typist", async () => {
    const ann = await member("ann", "typing-1");
    const bob = await member("bob", "typing-1");
    await waitFor(() => ann.chat.room("typing-1")?.memberCount === 2, 2000, "both in");

    ann.chat.setTyping("typing-1", true);
    await waitFor(() => bob.chat.typingUsers("typing-1").join() === "ann", 2000, "bob sees ann typing");
    expect(bob.changes).toEqual([["ann"]]);
    expect(ann.chat.typingUsers("typing-1")).toEqual([]);

    ann.chat.setTyping("typing-1", false);
    await waitFor(() => bob.chat.typingUsers("typing-1").length === 0, 2000, "false clears it");

    ann.chat.setTyping("typing-1", true);
    await waitFor(() => bob.chat.typingUsers("typing-1").length === 1, 2000, "typing again");
    await ann.chat.sendRoomMessage("typing-1", { type: "text", content: "hi" });
    await waitFor(() => bob.chat.typingUsers("typing-1").length === 0, 2000, "a message clears it");

    ann.chat.setTyping("typing-1", true);
    await waitFor(() => bob.chat.typingUsers("typing-1").length === 1, 2000, "typing once more");
    await ann.chat.leaveRoom("typing-1");
    await waitFor(() => bob.chat.typingUsers("typing-1").length === 0, 2000, "leaving clears it");
  });

  test("a typist who keeps typing stays shown; one who goes quiet is forgotten after TYPING_EXPIRY_MS", async () => {
    const ann = await member("ann", "typing-2");
    const bob = await member("bob", "typing-2");
    await waitFor(() => ann.chat.room("typing-2")?.memberCount === 2, 2000, "both in");
    const started = Date.now();
    while (Date.now() - started < TYPING_EXPIRY_MS + 1000) {
      ann.chat.setTyping("typing-2", true);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(bob.chat.typingUsers("typing-2")).toEqual(["ann"]);
    expect(bob.changes).toEqual([["ann"]]);
    const quietFrom = Date.now();
    await waitFor(() => bob.chat.typingUsers("typing-2").length === 0, TYPING_EXPIRY_MS + TYPING_REPEAT_MS + 2000, "expired");
    expect(Date.now() - quietFrom).toBeGreaterThanOrEqual(TYPING_EXPIRY_MS - TYPING_REPEAT_MS - 100);
  }, 30_000);
});
