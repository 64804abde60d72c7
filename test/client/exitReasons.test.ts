import { ErrorCode, ExitReason } from "../../src/client";
import { Scope, Topic, type RoomCommand } from "../../src/service/scopes";
import { useServer, waitFor } from "../helpers/server";
import { pair, rejection, roomExists } from "./helpers";

const t = useServer();

/** What the operator API does: a command on the room's bus topic. */
function command(roomId: string, cmd: RoomCommand): Promise<void> {
  return t.server.ctx.store.bus.publish(Topic.room(roomId), cmd);
}

test("LEFT: a consented leave reaches exitRoom with LEFT and disconnected/success", async () => {
  const { alice, bob } = await pair(t, "x-left");
  await alice.chat.leaveRoom("x-left");
  expect(alice.seen.exits).toEqual([`x-left:${ExitReason.LEFT}`]);
  expect(alice.seen.states).toEqual(["x-left disconnected/success"]);
  await waitFor(() => bob.seen.left.length === 1, 2000, "bob hears it");
  expect(bob.seen.left).toEqual([`x-left:alice:${ExitReason.LEFT}`]);
  await bob.chat.leaveAllRoom();
});

test("KICKED: a server removal reaches exitRoom with KICKED and disconnected/kickedOut; the others hear KICKED", async () => {
  const { alice, bob } = await pair(t, "x-kick");
  await command("x-kick", { type: "remove", userIds: ["alice"], reason: ExitReason.KICKED });
  await waitFor(() => alice.seen.exits.length === 1, 3000, "alice's exit");
  expect(alice.seen.exits).toEqual([`x-kick:${ExitReason.KICKED}`]);
  expect(alice.seen.states).toEqual(["x-kick disconnected/kickedOut"]);
  expect(alice.chat.rooms).toEqual([]);
  await waitFor(() => bob.seen.left.length === 1, 2000, "bob hears it");
  expect(bob.seen.left).toEqual([`x-kick:alice:${ExitReason.KICKED}`]);
  // a kick is no ban: alice may come back
  await alice.chat.joinRoom("x-kick");
  await Promise.all([alice.chat.leaveAllRoom(), bob.chat.leaveAllRoom()]);
});

test("BANNED: a ban reaches exitRoom with BANNED and disconnected/kickedOut, and re-entering fails with BANNED", async () => {
  const { alice, bob } = await pair(t, "x-ban");
  await t.server.ctx.store.sets.add(Scope.banned("x-ban"), ["alice"], Date.now() + 60_000);
  await command("x-ban", { type: "remove", userIds: ["alice"], reason: ExitReason.BANNED });
  await waitFor(() => alice.seen.exits.length === 1, 3000, "alice's exit");
  expect(alice.seen.exits).toEqual([`x-ban:${ExitReason.BANNED}`]);
  expect(alice.seen.states).toEqual(["x-ban disconnected/kickedOut"]);
  await waitFor(() => bob.seen.left.length === 1, 2000, "bob hears it");
  expect(bob.seen.left).toEqual([`x-ban:alice:${ExitReason.BANNED}`]);
  expect(await rejection(alice.chat.joinRoom("x-ban"))).toMatchObject({ code: ErrorCode.BANNED });
  await bob.chat.leaveAllRoom();
});

test("DISMISSED: a destroyed room reaches every member's exitRoom with DISMISSED and disconnected/roomNotExist", async () => {
  const { alice, bob } = await pair(t, "x-dismiss");
  await command("x-dismiss", { type: "destroy", reason: ExitReason.DISMISSED });
  await waitFor(() => alice.seen.exits.length === 1 && bob.seen.exits.length === 1, 3000, "both exits");
  for (const seen of [alice.seen, bob.seen]) {
    expect(seen.exits).toEqual([`x-dismiss:${ExitReason.DISMISSED}`]);
    expect(seen.states).toEqual(["x-dismiss disconnected/roomNotExist"]);
  }
  await waitFor(() => !roomExists("x-dismiss"), 3000, "the room to go");
  expect(await rejection(alice.chat.joinRoom("x-dismiss"))).toMatchObject({ code: ErrorCode.ROOM_NOT_EXIST });
});

test("EXPIRED: a room destroyed by its lifetime rules reaches exitRoom with EXPIRED and disconnected/roomNotExist", async () => {
  const { alice, bob } = await pair(t, "x-expire");
  await command("x-expire", { type: "destroy", reason: ExitReason.EXPIRED });
  await waitFor(() => alice.seen.exits.length === 1 && bob.seen.exits.length === 1, 3000, "both exits");
  for (const seen of [alice.seen, bob.seen]) {
    expect(seen.exits).toEqual([`x-expire:${ExitReason.EXPIRED}`]);
    expect(seen.states).toEqual(["x-expire disconnected/roomNotExist"]);
  }
});
