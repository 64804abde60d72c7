/** The slow-mode rule (core/slowMode): pure, time passed in. */
import { ErrorCode } from "../../src/core/errors";
import { SlowModeGate, slowModeWaitMs } from "../../src/core/slowMode";

const T0 = 1_700_000_000_000;

describe("slowModeWaitMs", () => {
  test("is 0 when off, for a first message, and once the interval has passed", () => {
    expect(slowModeWaitMs(T0, T0 + 1, 0)).toBe(0);
    expect(slowModeWaitMs(undefined, T0, 30)).toBe(0);
    expect(slowModeWaitMs(T0, T0 + 30_000, 30)).toBe(0);
  });

  test("is the time left inside the interval", () => {
    expect(slowModeWaitMs(T0, T0 + 1, 30)).toBe(29_999);
    expect(slowModeWaitMs(T0, T0 + 29_999, 30)).toBe(1);
  });
});

describe("SlowModeGate", () => {
  test("admits one message per interval per member, refusing with SLOW_MODE naming the room, the interval and the wait", () => {
    const gate = new SlowModeGate();
    gate.pass("ann", "live", T0, 5);
    expect(() => gate.pass("ann", "live", T0 + 2000, 5)).toThrow(
      expect.objectContaining({
        code: ErrorCode.SLOW_MODE,
        message: "room live is in slow mode: one message every 5 s per member; wait 3000 ms",
      }),
    );
    gate.pass("bob", "live", T0 + 2000, 5);
    gate.pass("ann", "live", T0 + 5000, 5);
  });

  test("the undo gives the slot back, and only the slot it took", () => {
    const gate = new SlowModeGate();
    gate.pass("ann", "live", T0, 5);
    const undo = gate.pass("ann", "live", T0 + 5000, 5);
    undo();
    // the earlier message still counts: ann may send again 5 s after it, not earlier
    expect(() => gate.pass("ann", "live", T0 + 4999, 5)).toThrow(expect.objectContaining({ code: ErrorCode.SLOW_MODE }));
    gate.pass("ann", "live", T0 + 5000, 5);
  });

  test("off (0) admits everything and records nothing; a member that left is forgotten", () => {
    const gate = new SlowModeGate();
    gate.pass("ann", "live", T0, 0);
    gate.pass("ann", "live", T0, 60);
    gate.forget("ann");
    gate.pass("ann", "live", T0 + 1, 60);
  });
});
