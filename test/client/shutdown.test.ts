import { ExitReason } from "../../src/client";
import { startServer, waitFor, type TestServer } from "../helpers/server";
import { chatClient } from "./helpers";

// Its own file: shutting down stops this process's Colyseus server for good.
let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});

test("SHUTDOWN: a server shutting down reaches every member's exitRoom with SHUTDOWN and disconnected/interrupted", async () => {
  const alice = chatClient(t, "alice");
  const bob = chatClient(t, "bob");
  await alice.chat.enterRoom({ roomID: "sd1" });
  await bob.chat.enterRoom({ roomID: "sd1" });
  await alice.chat.enterRoom({ roomID: "sd2" });
  await t.server.shutdown();
  await waitFor(() => alice.seen.exits.length === 2 && bob.seen.exits.length === 1, 3000, "the exits");
  expect([...alice.seen.exits].sort()).toEqual([`sd1:${ExitReason.SHUTDOWN}`, `sd2:${ExitReason.SHUTDOWN}`]);
  expect(bob.seen.exits).toEqual([`sd1:${ExitReason.SHUTDOWN}`]);
  expect(bob.seen.states.slice(-1)).toEqual(["sd1 disconnected/interrupted"]);
  expect(alice.chat.rooms).toEqual([]);
});
