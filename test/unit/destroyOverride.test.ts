import { applyDestroyOverride, decodeDestroyOverride, encodeDestroyOverride, makeDestroyOverride } from "../../src/core/destroyOverride";
import { nextDestroy, type DestroyPolicy, type RoomActivity } from "../../src/core/destroyPolicy";
import { ErrorCode } from "../../src/core/errors";

const base: DestroyPolicy = { emptyDelayMs: 0, inactivityMs: 60 * 60_000, lifetimeMs: null, keepAlive: false };
const MIN = 60_000;

describe("makeDestroyOverride", () => {
  test("0 or no destroyTime means 60 minutes; type defaults to inactivity", () => {
    expect(makeDestroyOverride(undefined, undefined)).toEqual({ type: 0, minutes: 60 });
    expect(makeDestroyOverride(1, 0)).toEqual({ type: 1, minutes: 60 });
  });
  test.each([
    [0, 59],
    [0, 10_801],
    [2, 60],
    [0, 60.5],
  ])("type %d, time %d is refused with PARAMETER", (type, minutes) => {
    expect(() => makeDestroyOverride(type, minutes)).toThrow(expect.objectContaining({ code: ErrorCode.PARAMETER }));
  });
  test("the bounds 60 and 10800 are accepted", () => {
    expect(makeDestroyOverride(0, 60).minutes).toBe(60);
    expect(makeDestroyOverride(1, 10_800).minutes).toBe(10_800);
  });
  test("round-trips through its store encoding; junk decodes to null", () => {
    expect(decodeDestroyOverride(encodeDestroyOverride({ type: 1, minutes: 120 }))).toEqual({ type: 1, minutes: 120 });
    expect(decodeDestroyOverride("x")).toBeNull();
  });
});

describe("applyDestroyOverride", () => {
  const activity = (a: Partial<RoomActivity>): RoomActivity => ({
    createdAt: 0,
    lastActivityAt: 0,
    memberCount: 0,
    emptySince: null,
    everJoined: false,
    ...a,
  });

  test("type 0: an emptied room lives until the inactivity period, not the empty-room delay", () => {
    const policy = applyDestroyOverride(base, { type: 0, minutes: 90 });
    expect(nextDestroy(policy, activity({ lastActivityAt: 10 * MIN, emptySince: 10 * MIN, everJoined: true }))?.at).toBe(100 * MIN);
  });

  test("type 1: destroyed at creation + minutes whatever the activity", () => {
    const policy = applyDestroyOverride(base, { type: 1, minutes: 120 });
    expect(nextDestroy(policy, activity({ lastActivityAt: 119 * MIN, memberCount: 3, everJoined: true }))?.at).toBe(120 * MIN);
    expect(nextDestroy(policy, activity({ lastActivityAt: 0, emptySince: 1, everJoined: true }))?.at).toBe(120 * MIN);
  });

  test("keep-alive from the base wins; no override keeps the base", () => {
    expect(nextDestroy(applyDestroyOverride({ ...base, keepAlive: true }, { type: 1, minutes: 60 }), activity({}))).toBeNull();
    expect(applyDestroyOverride(base, null)).toBe(base);
  });
});
