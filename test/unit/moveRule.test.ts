import { ErrorCode } from "../../src/core/errors";
import { ClientErrorCode } from "../../src/client/errors";
import { endsMove, MOVE_FIRST_DELAY_MS, MOVE_MAX_DELAY_MS, nextMoveDelay } from "../../src/client/moveRule";

test("the backoff starts at 100 ms, doubles, and stays at 2 s", () => {
  const delays: number[] = [];
  let delay: number | undefined;
  for (let i = 0; i < 7; i++) delays.push((delay = nextMoveDelay(delay)));
  expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  expect([MOVE_FIRST_DELAY_MS, MOVE_MAX_DELAY_MS]).toEqual([100, 2000]);
});

test("refusals that will not change end the move: bans, limits, auth, parameters, an app's own refusal", () => {
  for (const code of [
    ErrorCode.BANNED,
    ErrorCode.JOINED_ROOMS_LIMIT,
    ErrorCode.ROOM_COUNT_LIMIT,
    ErrorCode.ROOM_FULL,
    ErrorCode.AUTH_FAILED,
    ErrorCode.PARAMETER,
    ErrorCode.ILLEGAL_ARGUMENT,
    30001,
  ]) {
    expect([code, endsMove(code)]).toEqual([code, true]);
  }
});

test("failures a live process may answer differently are asked again: network, timeouts, a closing room, a draining process", () => {
  for (const code of [
    ClientErrorCode.CONNECT_FAILED,
    ClientErrorCode.CONNECT_TIMEOUT,
    ErrorCode.SHUTTING_DOWN,
    ErrorCode.ROOM_ALREADY_EXISTS,
    ErrorCode.INTERNAL,
    ErrorCode.RATE_LIMITED,
  ]) {
    expect([code, endsMove(code)]).toEqual([code, false]);
  }
});
