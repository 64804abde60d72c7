import { ErrorCode, ExitReason } from "../../src/client";
import { Scope } from "../../src/service/scopes";
import { localRoom, useServer, waitFor } from "../helpers/server";
import { chatClient, rejection } from "./helpers";

// Its own server: the last test drains it for good.
const t = useServer();

test("a room closed with SHUTDOWN comes back: members re-enter by themselves; a banned member's re-entry ends at once with SHUTDOWN", async () => {
  const alice = chatClient(t, "alice");
  const bob = chatClient(t, "bob");
  await alice.chat.enterRoom({ roomID: "mv1", roomName: "Move" });
  await bob.chat.enterRoom({ roomID: "mv1" });
  await t.server.ctx.store.sets.add(Scope.banned("mv1"), ["alice"], Date.now() + 60_000);
  const startedAt = Date.now();
  (await localRoom("mv1")).closeRoom(ExitReason.SHUTDOWN);

  await waitFor(
    () => bob.seen.states.includes("mv1 connecting/interrupted") && bob.seen.states.at(-1) === "mv1 connected/success",
    5000,
    "bob back in the room",
  );
  expect(bob.seen.states.slice(-2)).toEqual(["mv1 connecting/interrupted", "mv1 connected/success"]);
  expect(bob.seen.exits).toEqual([]);
  expect(bob.chat.room("mv1")?.roomName).toBe("Move");
  // the room is live again, and bob is in it
  const sent = await bob.chat.sendRoomMessage("mv1", { type: "text", content: "back" });
  expect(sent.senderUserID).toBe("bob");

  await waitFor(() => alice.seen.exits.length === 1, 5000, "alice's exit");
  // a ban does not change by asking again: no 30 s of tries
  expect(Date.now() - startedAt).toBeLessThan(5000);
  expect(alice.seen.exits).toEqual([`mv1:${ExitReason.SHUTDOWN}`]);
  expect(alice.seen.states.slice(-2)).toEqual(["mv1 connecting/interrupted", "mv1 disconnected/interrupted"]);
  expect(alice.chat.rooms).toEqual([]);
  await bob.chat.leaveAllRoom();
});

test("while the only process drains, re-entry is asked again; a leave meanwhile ends it with LEFT, and entering again is refused with SHUTTING_DOWN", async () => {
  const carol = chatClient(t, "carol");
  await carol.chat.enterRoom({ roomID: "mv2" });
  await t.server.chat.drain();
  await waitFor(() => carol.seen.states.at(-1) === "mv2 connecting/interrupted", 5000, "carol re-entering");
  // the room is still carol's (she is re-entering it): its info, and no exit yet
  expect(carol.chat.room("mv2")?.roomID).toBe("mv2");
  expect(carol.seen.exits).toEqual([]);

  await carol.chat.leaveRoom("mv2");
  expect(carol.seen.exits).toEqual([`mv2:${ExitReason.LEFT}`]);
  expect(carol.seen.states.at(-1)).toBe("mv2 disconnected/success");
  expect(carol.chat.rooms).toEqual([]);
  // no process takes new rooms: the refusal names the drain
  const refused = await rejection(carol.chat.enterRoom({ roomID: "mv3" }));
  expect(refused.code).toBe(ErrorCode.SHUTTING_DOWN);
  expect(refused.message).toMatch(/draining/);
  // the tries ended with the leave: nothing more was reported
  expect(carol.seen.exits).toEqual([`mv2:${ExitReason.LEFT}`]);
});
