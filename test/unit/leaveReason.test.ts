/** Why a member left (rooms/leaveReason): the room's own reasons first, then the connection's close. */
import { leaveReason } from "../../rooms/leaveReason";
import { CloseCodeOf, ExitReason } from "../../src/core/exitReasons";

const CONSENTED = CloseCodeOf[ExitReason.LEFT];
const NETWORK_LOSS = 1006;

describe("leaveReason", () => {
  test("the room's own removal wins over everything else", () => {
    expect(leaveReason({ removedFor: ExitReason.BANNED, closingFor: ExitReason.SHUTDOWN, switching: true, code: CONSENTED })).toBe(
      ExitReason.BANNED,
    );
  });

  test("a closing room gives its reason to everyone it did not remove", () => {
    expect(leaveReason({ closingFor: ExitReason.EXPIRED, switching: false, code: CloseCodeOf[ExitReason.EXPIRED] })).toBe(
      ExitReason.EXPIRED,
    );
  });

  test("a consented leave announced as a switch is SWITCHED; the same leave unannounced is LEFT", () => {
    expect(leaveReason({ switching: true, code: CONSENTED })).toBe(ExitReason.SWITCHED);
    expect(leaveReason({ switching: false, code: CONSENTED })).toBe(ExitReason.LEFT);
  });

  test("an announced switch that ended some other way is not a switch", () => {
    expect(leaveReason({ switching: true, code: CloseCodeOf[ExitReason.KICKED] })).toBe(ExitReason.KICKED);
    expect(leaveReason({ switching: true, code: NETWORK_LOSS })).toBe(ExitReason.OFFLINE);
  });

  test("a close that stands for no exit reason (a lost connection), or no close at all, is OFFLINE", () => {
    expect(leaveReason({ switching: false, code: NETWORK_LOSS })).toBe(ExitReason.OFFLINE);
    expect(leaveReason({ switching: false })).toBe(ExitReason.OFFLINE);
  });
});
