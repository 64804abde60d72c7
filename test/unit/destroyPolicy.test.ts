import { ChatError, ErrorCode } from "../../src/core/errors";
import { DestroyPolicy, RoomActivity, dueDestroy, makeDestroyPolicy, nextDestroy } from "../../src/core/destroyPolicy";

const MIN = 60_000;
const T0 = 1_000_000;

function policy(over: Partial<DestroyPolicy> = {}): DestroyPolicy {
  return { emptyDelayMs: 0, inactivityMs: 60 * MIN, lifetimeMs: null, keepAlive: false, ...over };
}
function activity(over: Partial<RoomActivity> = {}): RoomActivity {
  return { createdAt: T0, lastActivityAt: T0, memberCount: 0, emptySince: null, everJoined: false, ...over };
}

describe("nextDestroy / dueDestroy", () => {
  it("destroys an emptied room at once with empty delay 0", () => {
    const a = activity({ everJoined: true, lastActivityAt: T0 + 5000, emptySince: T0 + 5000 });
    expect(nextDestroy(policy(), a)).toEqual({ at: T0 + 5000, cause: "empty" });
    expect(dueDestroy(policy(), a, T0 + 5000)).toBe("empty");
  });

  it("keeps an emptied room for the empty delay when it is > 0, due exactly at its end", () => {
    const p = policy({ emptyDelayMs: 10_000 });
    const a = activity({ everJoined: true, lastActivityAt: T0 + 5000, emptySince: T0 + 5000 });
    expect(nextDestroy(p, a)).toEqual({ at: T0 + 15_000, cause: "empty" });
    expect(dueDestroy(p, a, T0 + 14_999)).toBeNull();
    expect(dueDestroy(p, a, T0 + 15_000)).toBe("empty");
  });

  it("ignores the empty rule while the room has members", () => {
    const a = activity({ everJoined: true, memberCount: 2, lastActivityAt: T0 + 1000 });
    expect(nextDestroy(policy(), a)).toEqual({ at: T0 + 1000 + 60 * MIN, cause: "inactive" });
  });

  it("lets a never-joined room live until inactivity although it is empty", () => {
    const a = activity();
    expect(dueDestroy(policy(), a, T0 + 60 * MIN - 1)).toBeNull();
    expect(dueDestroy(policy(), a, T0 + 60 * MIN)).toBe("inactive");
  });

  it("moves the inactivity deadline when a join updates lastActivityAt", () => {
    const before = activity({ memberCount: 1, everJoined: true });
    expect(dueDestroy(policy(), before, T0 + 60 * MIN)).toBe("inactive");
    const afterJoin = { ...before, lastActivityAt: T0 + 30 * MIN, memberCount: 2 };
    expect(dueDestroy(policy(), afterJoin, T0 + 60 * MIN)).toBeNull();
    expect(nextDestroy(policy(), afterJoin)).toEqual({ at: T0 + 90 * MIN, cause: "inactive" });
  });

  it("never destroys a keep-alive room, even far past inactivity and lifetime", () => {
    const p = policy({ keepAlive: true, lifetimeMs: MIN });
    const a = activity({ everJoined: true, emptySince: T0 });
    expect(nextDestroy(p, a)).toBeNull();
    expect(dueDestroy(p, a, T0 + 365 * 24 * 60 * MIN)).toBeNull();
  });

  it("lets a lifetime earlier than inactivity win", () => {
    const p = policy({ lifetimeMs: 10 * MIN });
    const a = activity({ memberCount: 3, everJoined: true, lastActivityAt: T0 + 9 * MIN });
    expect(nextDestroy(p, a)).toEqual({ at: T0 + 10 * MIN, cause: "lifetime" });
    expect(dueDestroy(p, a, T0 + 10 * MIN - 1)).toBeNull();
    expect(dueDestroy(p, a, T0 + 10 * MIN)).toBe("lifetime");
  });

  it("lets inactivity win over a later lifetime", () => {
    const p = policy({ lifetimeMs: 120 * MIN });
    expect(nextDestroy(p, activity())).toEqual({ at: T0 + 60 * MIN, cause: "inactive" });
  });
});

describe("makeDestroyPolicy", () => {
  const defaults = { emptyDelayS: 0, inactivityMin: 60 };

  it("converts units and applies defaults", () => {
    expect(makeDestroyPolicy({}, defaults)).toEqual({ emptyDelayMs: 0, inactivityMs: 60 * MIN, lifetimeMs: null, keepAlive: false });
    expect(makeDestroyPolicy({ emptyDelayS: 10_800, inactivityMin: 10_080, lifetimeMin: 1, keepAlive: true }, defaults)).toEqual({
      emptyDelayMs: 10_800_000,
      inactivityMs: 10_080 * MIN,
      lifetimeMs: MIN,
      keepAlive: true,
    });
  });

  it.each([
    [{ emptyDelayS: -1 }, "emptyDelayS", "0..10800"],
    [{ emptyDelayS: 10_801 }, "emptyDelayS", "0..10800"],
    [{ inactivityMin: 0 }, "inactivityMin", "1..10080"],
    [{ inactivityMin: 10_081 }, "inactivityMin", "1..10080"],
    [{ lifetimeMin: 0 }, "lifetimeMin", "1..10080"],
    [{ lifetimeMin: 10_081 }, "lifetimeMin", "1..10080"],
    [{ inactivityMin: Number.NaN }, "inactivityMin", "1..10080"],
  ])("refuses %j with PARAMETER naming the field and range", (input, field, range) => {
    let error: unknown;
    try {
      makeDestroyPolicy(input, defaults);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ChatError);
    expect((error as ChatError).code).toBe(ErrorCode.PARAMETER);
    expect((error as ChatError).message).toContain(field);
    expect((error as ChatError).message).toContain(range);
  });
});
