import { CloseCodeOf, ExitReason, exitReasonOfCloseCode, opensReconnectionWindow } from "../../src/core/exitReasons";

describe("exit reasons and close codes", () => {
  test("every exit reason maps to its close code and back; SWITCHED shares LEFT's consented close", () => {
    for (const reason of Object.values(ExitReason)) {
      expect(exitReasonOfCloseCode(CloseCodeOf[reason])).toBe(reason === ExitReason.SWITCHED ? ExitReason.LEFT : reason);
    }
    expect(CloseCodeOf[ExitReason.SWITCHED]).toBe(4000);
    expect(CloseCodeOf[ExitReason.LEFT]).toBe(4000);
    expect(CloseCodeOf[ExitReason.SHUTDOWN]).toBe(4001);
    expect(exitReasonOfCloseCode(1006)).toBeUndefined();
  });

  test("only a network loss opens a reconnection window", () => {
    for (const code of [1001, 1005, 1006, 1011]) expect(opensReconnectionWindow(code)).toBe(true);
    for (const reason of Object.values(ExitReason)) expect(opensReconnectionWindow(CloseCodeOf[reason])).toBe(false);
    expect(opensReconnectionWindow(4002)).toBe(false);
    expect(opensReconnectionWindow(4003)).toBe(false);
    expect(opensReconnectionWindow(undefined)).toBe(false);
  });
});
