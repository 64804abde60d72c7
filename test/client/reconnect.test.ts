import { ExitReason } from "../../src/client";
import { useServer, waitFor } from "../helpers/server";
import { dropConnections, pair, serverMembers } from "./helpers";

const WINDOW_S = 2;
const t = useServer({ reconnectWindowS: WINDOW_S, kickoutMode: "timer" });

test("a drop inside the window: connecting/interrupted, then connected/success after the SDK reconnects; nobody else hears anything", async () => {
  const { alice, bob } = await pair(t, "rc1");
  dropConnections("rc1", "alice");
  await waitFor(() => alice.seen.states.length === 2, 5000, "interrupted and back");
  expect(alice.seen.states).toEqual(["rc1 connecting/interrupted", "rc1 connected/success"]);
  expect(alice.seen.exits).toEqual([]);
  expect(alice.chat.room("rc1")?.memberCount).toBe(2);
  await waitFor(() => bob.chat.room("rc1")?.members.find((m) => m.userId === "alice")?.online === true, 2000, "alice online again");
  expect(bob.seen.left).toEqual([]);
  expect(bob.seen.joined).toEqual([]);

  // the session still works after the reconnect: a leave is an ordinary LEFT
  await alice.chat.leaveRoom("rc1");
  await waitFor(() => bob.seen.left.length === 1, 2000, "bob hears alice leave");
  expect(bob.seen.left).toEqual([`rc1:alice:${ExitReason.LEFT}`]);
  await bob.chat.leaveAllRoom();
});

test("a drop past the window: connecting/interrupted, then disconnected/kickedOut and exitRoom(OFFLINE); the others hear OFFLINE", async () => {
  // the SDK's first retry comes after the server's window has closed
  const { alice, bob } = await pair(t, "rc2", { reconnection: { minDelay: WINDOW_S * 1000 + 1500, maxDelay: WINDOW_S * 1000 + 1500 } });
  dropConnections("rc2", "alice");
  await waitFor(() => alice.seen.states.length === 1, 3000, "interrupted");
  expect(alice.seen.states).toEqual(["rc2 connecting/interrupted"]);
  expect(bob.chat.room("rc2")?.memberCount).toBe(2);

  await waitFor(() => bob.seen.left.length === 1, WINDOW_S * 1000 + 2000, "the server's kick-out");
  expect(bob.seen.left).toEqual([`rc2:alice:${ExitReason.OFFLINE}`]);
  expect(serverMembers("rc2")).toEqual(["bob"]);

  await waitFor(() => alice.seen.exits.length === 1, 5000, "the failed reconnect");
  expect(alice.seen.states).toEqual(["rc2 connecting/interrupted", "rc2 disconnected/kickedOut"]);
  expect(alice.seen.exits).toEqual([`rc2:${ExitReason.OFFLINE}`]);
  expect(alice.chat.rooms).toEqual([]);
  await bob.chat.leaveAllRoom();
});

test("with reconnection disabled, a drop ends the room at once on the client (kickedOut, OFFLINE); the server removes the member when the window ends", async () => {
  const { alice, bob } = await pair(t, "rc3", { reconnection: { enabled: false } });
  dropConnections("rc3", "alice");
  await waitFor(() => alice.seen.exits.length === 1, 3000, "the exit");
  expect(alice.seen.states).toEqual(["rc3 connecting/interrupted", "rc3 disconnected/kickedOut"]);
  expect(alice.seen.exits).toEqual([`rc3:${ExitReason.OFFLINE}`]);
  await waitFor(() => bob.seen.left.length === 1, WINDOW_S * 1000 + 2000, "the server's kick-out");
  expect(bob.seen.left).toEqual([`rc3:alice:${ExitReason.OFFLINE}`]);
  await bob.chat.leaveAllRoom();
});

test("leaveRoom while the connection is down ends the room at once with LEFT, and the SDK leaves for real once it is back", async () => {
  const { alice, bob } = await pair(t, "rc4", { reconnection: { minDelay: 500, maxDelay: 500 } });
  dropConnections("rc4", "alice");
  await waitFor(() => alice.seen.states.length === 1, 3000, "interrupted");
  await alice.chat.leaveRoom("rc4");
  expect(alice.seen.states).toEqual(["rc4 connecting/interrupted", "rc4 disconnected/success"]);
  expect(alice.seen.exits).toEqual([`rc4:${ExitReason.LEFT}`]);
  expect(alice.chat.rooms).toEqual([]);
  await waitFor(() => bob.seen.left.length === 1, 5000, "alice's leave to reach the server");
  expect(bob.seen.left).toEqual([`rc4:alice:${ExitReason.LEFT}`]);
  expect(alice.seen.states).toHaveLength(2);
  await bob.chat.leaveAllRoom();
});
