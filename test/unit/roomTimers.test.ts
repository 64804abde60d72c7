/**
 * The room's rule timers (rooms/roomTimers) on jest fake timers and a separate fake clock, so a
 * clock jump (the clock moves without the timers) can be told apart from time passing.
 */
import { DestroyTimer, KickoutTimer, MAX_TIMER_MS, recheckDelay, type Schedule } from "../../rooms/roomTimers";
import { makeDestroyPolicy, type DestroyCause, type DestroyPolicy, type RoomActivity } from "../../src/core/destroyPolicy";
import { OfflineKickout, type KickoutMode } from "../../src/core/kickout";

const T0 = 1_000_000;
const WINDOW_MS = 30_000;

/** setTimeout as the rooms' scheduler. */
const schedule: Schedule = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  return { clear: () => clearTimeout(timer) };
};

/** A clock that advances with the fake timers, and can also jump on its own. */
function fakeClock() {
  let offset = 0;
  const start = Date.now();
  return { now: () => T0 + (Date.now() - start) + offset, jump: (ms: number) => (offset += ms) };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("the re-check interval is one second", () => {
  expect(MAX_TIMER_MS).toBe(1000);
});

test("a timer waits until its deadline, at most MAX_TIMER_MS, and never a negative time", () => {
  expect(recheckDelay(T0 + 300, T0)).toBe(300);
  expect(recheckDelay(T0 + 60_000, T0)).toBe(MAX_TIMER_MS);
  expect(recheckDelay(T0 - 5, T0)).toBe(0);
});

describe("DestroyTimer", () => {
  /** An empty room (its last member left at T0) under `policy`. */
  function destroyTimer(policy: DestroyPolicy) {
    const clock = fakeClock();
    const activity: RoomActivity = { createdAt: T0, lastActivityAt: T0, memberCount: 0, emptySince: T0, everJoined: true };
    const due: DestroyCause[] = [];
    const timer = new DestroyTimer({
      schedule,
      now: clock.now,
      policy: () => policy,
      activity: () => activity,
      onDue: (cause) => due.push(cause),
    });
    return { clock, activity, due, timer };
  }
  const emptyAfter5s = makeDestroyPolicy({ emptyDelayS: 5 }, { emptyDelayS: 0, inactivityMin: 60 });

  test("destroys the room at its deadline, not a millisecond before", () => {
    const { due, timer } = destroyTimer(emptyAfter5s);
    timer.arm();
    jest.advanceTimersByTime(4_999);
    expect(due).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(due).toEqual(["empty"]);
    expect(jest.getTimerCount()).toBe(0);
  });

  test("notices a deadline the clock jumped past within one re-check interval", () => {
    const policy = makeDestroyPolicy({}, { emptyDelayS: 3_600, inactivityMin: 10_080 });
    const { clock, due, timer } = destroyTimer(policy);
    timer.arm();
    clock.jump(3_600_000);
    jest.advanceTimersByTime(MAX_TIMER_MS - 1);
    expect(due).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(due).toEqual(["empty"]);
  });

  test("a room that came back to life before its deadline is not destroyed, and its timer is armed again", () => {
    const { activity, due, timer } = destroyTimer(emptyAfter5s);
    timer.arm();
    jest.advanceTimersByTime(2_000);
    Object.assign(activity, { memberCount: 1, emptySince: null, lastActivityAt: T0 + 2_000 }); // a member joined (the room re-arms on joins; here it did not)
    jest.advanceTimersByTime(10_000);
    expect(due).toEqual([]);
    expect(jest.getTimerCount()).toBe(1);
  });

  test("re-arming replaces the pending check, and a keep-alive room has none", () => {
    const { timer } = destroyTimer(emptyAfter5s);
    timer.arm();
    timer.arm();
    expect(jest.getTimerCount()).toBe(1);
    const keepAlive = destroyTimer({ ...emptyAfter5s, keepAlive: true });
    timer.clear();
    keepAlive.timer.arm();
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe("KickoutTimer", () => {
  function kickoutTimer(mode: KickoutMode, protectedUsers: string[] = []) {
    const clock = fakeClock();
    const kickout = new OfflineKickout({ mode, windowMs: WINDOW_MS, messageLimit: 30 });
    const kicked: string[][] = [];
    const timer = new KickoutTimer({
      schedule,
      now: clock.now,
      kickout,
      isProtected: (userId) => protectedUsers.includes(userId),
      onDue: (userIds) => kicked.push(userIds),
    });
    /** `userId` went offline now: the room arms the timer. */
    const drop = (userId: string) => {
      kickout.drop(userId, clock.now());
      timer.arm();
    };
    return { clock, kickout, kicked, drop };
  }

  test("kicks an offline member out when its window ends, not before", () => {
    const { kicked, drop } = kickoutTimer("timer");
    drop("ann");
    jest.advanceTimersByTime(WINDOW_MS - 1);
    expect(kicked).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(kicked).toEqual([["ann"]]);
    expect(jest.getTimerCount()).toBe(0);
  });

  test("after one kick it waits for the next member's window", () => {
    const { kicked, drop } = kickoutTimer("timer");
    drop("ann");
    jest.advanceTimersByTime(10_000);
    drop("bob");
    jest.advanceTimersByTime(WINDOW_MS - 10_000);
    expect(kicked).toEqual([["ann"]]);
    jest.advanceTimersByTime(10_000);
    expect(kicked).toEqual([["ann"], ["bob"]]);
  });

  test("kicks every member whose window the clock jumped past, within one re-check interval", () => {
    const { clock, kicked, drop } = kickoutTimer("timer");
    drop("ann");
    drop("bob");
    clock.jump(WINDOW_MS);
    jest.advanceTimersByTime(MAX_TIMER_MS);
    expect(kicked).toEqual([["ann", "bob"]]);
  });

  test("a protected user stays offline past its window, and its timer does not loop", () => {
    const { kickout, kicked, drop } = kickoutTimer("timer", ["vip"]);
    drop("vip");
    jest.advanceTimersByTime(WINDOW_MS * 3);
    expect(kicked).toEqual([]);
    expect(kickout.isOffline("vip")).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  test("RongCloud mode arms no timer: room traffic kicks instead", () => {
    const { drop } = kickoutTimer("rongcloud");
    drop("ann");
    expect(jest.getTimerCount()).toBe(0);
  });
});
