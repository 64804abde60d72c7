import { ChatError } from "../../src/core/errors";
import { KickoutMode, OfflineKickout } from "../../src/core/kickout";

const T0 = 1_000_000;
const nobody = (): boolean => false;

function kickout(mode: KickoutMode): OfflineKickout {
  return new OfflineKickout({ mode, windowMs: 30_000, messageLimit: 30 });
}

/** Sends `count` room messages at `now`, returning everyone kicked. */
function messages(k: OfflineKickout, count: number, now: number, isProtected: (userId: string) => boolean = nobody): string[] {
  const kicked: string[] = [];
  for (let i = 0; i < count; i++) kicked.push(...k.onRoomMessage(now, isProtected));
  return kicked;
}

describe("OfflineKickout, RongCloud mode", () => {
  it("does not kick on the 30th message within the window, kicks on the 31st", () => {
    const k = kickout("rongcloud");
    k.drop("alice", T0);
    expect(messages(k, 30, T0 + 1000)).toEqual([]);
    expect(k.isOffline("alice")).toBe(true);
    expect(k.onRoomMessage(T0 + 1000, nobody)).toEqual(["alice"]);
    expect(k.isOffline("alice")).toBe(false);
  });

  it("does not kick on a message 1 ms before the window ends, kicks on one at exactly 30 s", () => {
    const k = kickout("rongcloud");
    k.drop("alice", T0);
    expect(k.onRoomMessage(T0 + 29_999, nobody)).toEqual([]);
    expect(k.onRoomMessage(T0 + 30_000, nobody)).toEqual(["alice"]);
  });

  it("does not kick without traffic, however long the user is offline", () => {
    const k = kickout("rongcloud");
    k.drop("alice", T0);
    expect(k.due(T0 + 3_600_000, nobody)).toEqual([]);
    expect(k.nextDeadline()).toBeNull();
    expect(k.isOffline("alice")).toBe(true);
  });

  it("never kicks a protected user", () => {
    const k = kickout("rongcloud");
    k.drop("vip", T0);
    const isProtected = (u: string): boolean => u === "vip";
    expect(messages(k, 100, T0 + 1000, isProtected)).toEqual([]);
    expect(k.onRoomMessage(T0 + 60_000, isProtected)).toEqual([]);
    expect(k.isOffline("vip")).toBe(true);
  });

  it("forget() restores the member: no later kick", () => {
    const k = kickout("rongcloud");
    k.drop("alice", T0);
    messages(k, 20, T0 + 1000);
    k.forget("alice");
    expect(messages(k, 50, T0 + 60_000)).toEqual([]);
    expect(k.offlineUsers()).toEqual([]);
  });

  it("counts messages per user from its own drop", () => {
    const k = kickout("rongcloud");
    k.drop("alice", T0);
    expect(messages(k, 10, T0 + 1000)).toEqual([]);
    k.drop("bob", T0 + 2000);
    expect(messages(k, 20, T0 + 3000)).toEqual([]);
    expect(k.onRoomMessage(T0 + 3000, nobody)).toEqual(["alice"]);
    expect(messages(k, 9, T0 + 4000)).toEqual([]);
    expect(k.onRoomMessage(T0 + 4000, nobody)).toEqual(["bob"]);
  });

  it("keeps the first drop time when an offline user drops again", () => {
    const k = kickout("rongcloud");
    k.drop("alice", T0);
    k.drop("alice", T0 + 20_000);
    expect(k.onRoomMessage(T0 + 30_000, nobody)).toEqual(["alice"]);
  });
});

describe("OfflineKickout, timer mode", () => {
  it("kicks at the end of the window with no traffic, not 1 ms before", () => {
    const k = kickout("timer");
    k.drop("alice", T0);
    expect(k.nextDeadline()).toBe(T0 + 30_000);
    expect(k.due(T0 + 29_999, nobody)).toEqual([]);
    expect(k.due(T0 + 30_000, nobody)).toEqual(["alice"]);
    expect(k.isOffline("alice")).toBe(false);
    expect(k.nextDeadline()).toBeNull();
  });

  it("ignores room traffic", () => {
    const k = kickout("timer");
    k.drop("alice", T0);
    expect(messages(k, 100, T0 + 1000)).toEqual([]);
    expect(k.onRoomMessage(T0 + 40_000, nobody)).toEqual([]);
    expect(k.isOffline("alice")).toBe(true);
  });

  it("never kicks a protected user, and leaves it out of nextDeadline once passed over", () => {
    const k = kickout("timer");
    const isProtected = (u: string): boolean => u === "vip";
    k.drop("vip", T0);
    k.drop("alice", T0 + 5000);
    expect(k.nextDeadline()).toBe(T0 + 30_000);
    expect(k.due(T0 + 30_000, isProtected)).toEqual([]);
    expect(k.nextDeadline()).toBe(T0 + 35_000);
    expect(k.due(T0 + 35_000, isProtected)).toEqual(["alice"]);
    expect(k.nextDeadline()).toBeNull();
    expect(k.offlineUsers()).toEqual(["vip"]);
    expect(k.due(T0 + 40_000, nobody)).toEqual(["vip"]);
  });

  it("forget() restores the member: no later kick", () => {
    const k = kickout("timer");
    k.drop("alice", T0);
    k.forget("alice");
    expect(k.due(T0 + 60_000, nobody)).toEqual([]);
    expect(k.nextDeadline()).toBeNull();
  });

  it("times each user from its own drop", () => {
    const k = kickout("timer");
    k.drop("alice", T0);
    k.drop("bob", T0 + 10_000);
    expect(k.due(T0 + 30_000, nobody)).toEqual(["alice"]);
    expect(k.nextDeadline()).toBe(T0 + 40_000);
    expect(k.due(T0 + 39_999, nobody)).toEqual([]);
    expect(k.due(T0 + 40_000, nobody)).toEqual(["bob"]);
  });
});

it("refuses a non-positive window", () => {
  expect(() => new OfflineKickout({ mode: "timer", windowMs: 0, messageLimit: 30 })).toThrow(ChatError);
});
