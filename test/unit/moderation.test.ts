import { ErrorCode } from "../../src/core/errors";
import { assertMaySend, expiryAfterMinutes, muteReason, type MuteFacts } from "../../src/core/moderation";

const none: MuteFacts = { muted: false, globallyMuted: false, muteAll: false, excepted: false };

describe("expiryAfterMinutes", () => {
  test("rounds the start up to the second, so the entry lasts at least the minutes and ends on a whole second", () => {
    expect(expiryAfterMinutes(1_000_500, 1)).toBe(1_001_000 + 60_000);
    expect(expiryAfterMinutes(1_000_000, 43_200)).toBe(1_000_000 + 43_200 * 60_000);
  });
});

describe("muteReason", () => {
  test("nobody muted may send", () => expect(muteReason(none)).toBeNull());
  test("a room mute refuses, even with a mute exception", () =>
    expect(muteReason({ ...none, muted: true, excepted: true })).toMatch(/muted in this room/));
  test("mute-all refuses members not excepted and lets exceptions send", () => {
    expect(muteReason({ ...none, muteAll: true })).toMatch(/muted for all/);
    expect(muteReason({ ...none, muteAll: true, excepted: true })).toBeNull();
  });
  test("a global mute overrides a mute exception", () =>
    expect(muteReason({ ...none, muteAll: true, excepted: true, globallyMuted: true })).toMatch(/every room/));
  test("assertMaySend throws MUTED naming user and room", () => {
    expect(() => assertMaySend("u1", "r1", { ...none, muted: true })).toThrow(
      expect.objectContaining({ code: ErrorCode.MUTED, message: expect.stringContaining("u1") }),
    );
    expect(() => assertMaySend("u1", "r1", none)).not.toThrow();
  });
});
