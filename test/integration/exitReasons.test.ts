import { CloseCodeOf, ExitReason } from "../../src/core/exitReasons";
import { Topic } from "../../src/service/scopes";
import { leaveCode, sdkEnter, useServer, waitFor } from "../helpers/server";

const t = useServer();

test("a consented leave closes with LEFT's code 4000", async () => {
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "x-left", userId: "alice" });
  const code = leaveCode(room);
  await room.leave();
  expect(await code).toBe(CloseCodeOf[ExitReason.LEFT]);
});

test.each([
  ["KICKED", ExitReason.KICKED, 4101],
  ["BANNED", ExitReason.BANNED, 4103],
  ["OFFLINE", ExitReason.OFFLINE, 4104],
])("a server removal with %s closes every device of the member with %i and leaves others in place", async (_name, reason, closeCode) => {
  const roomId = `x-${reason}`;
  const phone = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "alice" });
  const laptop = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "alice" });
  const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "bob" });
  const codes = Promise.all([leaveCode(phone), leaveCode(laptop)]);
  await t.server.ctx.store.bus.publish(Topic.room(roomId), { type: "remove", userIds: ["alice"], reason });
  expect(await codes).toEqual([closeCode, closeCode]);
  const members = async () => (await bob.request<unknown, { members: { userId: string }[] }>("info")).members.map((m) => m.userId);
  await waitFor(async () => (await members()).length === 1, 2000, "alice's removal");
  expect(await members()).toEqual(["bob"]);
  await bob.leave();
});

test.each([
  ["DISMISSED", ExitReason.DISMISSED, 4102],
  ["EXPIRED", ExitReason.EXPIRED, 4105],
])("destroying a room with %s closes every member with %i", async (_name, reason, closeCode) => {
  const roomId = `d-${reason}`;
  const alice = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "alice" });
  const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "bob" });
  const codes = Promise.all([leaveCode(alice), leaveCode(bob)]);
  await t.server.ctx.store.bus.publish(Topic.room(roomId), { type: "destroy", reason });
  expect(await codes).toEqual([closeCode, closeCode]);
});
