/**
 * The reproduction: `npm start`, members in ordinary rooms, someone enters a room named
 * `hasOwnProperty` or `__proto__`, SIGTERM. Before, every member of every room got 1006 (Colyseus'
 * shutdown called `rooms.hasOwnProperty`, now a Room) or no close code at all and the process
 * needed a second SIGTERM (a room `__proto__` became the prototype of Colyseus' rooms object).
 * Now such ids are refused and the shutdown closes every member with 4001.
 */
import type { Room } from "@colyseus/sdk";
import { CloseCodeOf, ExitReason } from "../../src/core/exitReasons";
import { ErrorCode } from "../../src/core/errors";
import { startProcess, stopAllProcesses } from "../helpers/cluster";
import { EnterError, leaveCode, requestSeat, sdkEnter } from "../helpers/server";

afterAll(async () => {
  await stopAllProcesses();
});

test("rooms hasOwnProperty and __proto__ are refused, and SIGTERM closes every member of every room with 4001", async () => {
  const proc = await startProcess({ REDIS_URL: "" });
  const url = proc.httpUrl;
  const members: Room[] = [];
  try {
    members.push(
      await sdkEnter(url, { mode: "enter", roomId: "plain1", userId: "ann" }),
      await sdkEnter(url, { mode: "enter", roomId: "plain2", userId: "bob" }),
    );
    for (const m of members) m.onMessage("*", () => undefined);
    for (const roomId of ["hasOwnProperty", "__proto__"]) {
      const refused = await requestSeat(url, { mode: "enter", roomId, userId: "eve" }).then(
        () => undefined,
        (e: unknown) => e as EnterError,
      );
      expect([roomId, refused?.code]).toEqual([roomId, ErrorCode.ILLEGAL_ARGUMENT]);
    }
    const codes = Promise.all(members.map(leaveCode));
    const exited = new Promise<number | null>((resolve) => proc.child.on("exit", (c) => resolve(c)));
    proc.child.kill("SIGTERM");
    expect(await codes).toEqual([CloseCodeOf[ExitReason.SHUTDOWN], CloseCodeOf[ExitReason.SHUTDOWN]]);
    expect(await exited).toBe(0);
  } finally {
    for (const m of members) m.reconnection.enabled = false;
  }
});
