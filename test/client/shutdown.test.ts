import { ExitReason } from "../../src/client";
import { startServer, waitFor, type TestServer } from "../helpers/server";
import { chatClient } from "./helpers";

// Its own file: shutting down stops this process's Colyseus server for good.
let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});

test("SHUTDOWN: a server shutting down reaches every member's exitRoom with SHUTDOWN and disconnected/interrupted", async () => {
  // moveOnShutdownMs 0: no re-entry, the exit is reported at once
  const alice = chatClient(t, "alice", { moveOnShutdownMs: 0 });
  const bob = chatClient(t, "bob", { moveOnShutdownMs: 0 });
  // the default: re-enters for a while (no other process here), then reports the same exit
  const carol = chatClient(t, "carol", { moveOnShutdownMs: 800 });
  await alice.chat.enterRoom({ roomID: "sd1" });
  await bob.chat.enterRoom({ roomID: "sd1" });
  await alice.chat.enterRoom({ roomID: "sd2" });
  await carol.chat.enterRoom({ roomID: "sd1" });
  const shutdownAt = Date.now();
  await t.server.shutdown();
  await waitFor(() => alice.seen.exits.length === 2 && bob.seen.exits.length === 1, 3000, "the exits");
  expect([...alice.seen.exits].sort()).toEqual([`sd1:${ExitReason.SHUTDOWN}`, `sd2:${ExitReason.SHUTDOWN}`]);
  expect(bob.seen.exits).toEqual([`sd1:${ExitReason.SHUTDOWN}`]);
  expect(bob.seen.states.slice(-1)).toEqual(["sd1 disconnected/interrupted"]);
  expect(alice.chat.rooms).toEqual([]);

  await waitFor(() => carol.seen.exits.length === 1, 5000, "carol's exit after her re-entry tries");
  expect(Date.now() - shutdownAt).toBeGreaterThanOrEqual(700);
  expect(carol.seen.exits).toEqual([`sd1:${ExitReason.SHUTDOWN}`]);
  // reported as reconnecting, then (no process took the room back) as exited
  expect(carol.seen.states.slice(-2)).toEqual(["sd1 connecting/interrupted", "sd1 disconnected/interrupted"]);
  expect(carol.chat.rooms).toEqual([]);
});
