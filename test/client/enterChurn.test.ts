/**
 * enterRoom right after a room emptied: the closing room still holds its id for a moment, and the
 * entry must land in the room that follows it, not fail with ROOM_ALREADY_EXISTS.
 */
import { startServer, type TestServer } from "../helpers/server";
import { chatClient } from "./helpers";

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(async () => {
  await t.server.shutdown();
});

test("entering an id whose last member just left lands in a room every time (20 rounds)", async () => {
  const { chat: alice } = chatClient(t, "alice");
  const { chat: bob } = chatClient(t, "bob");
  for (let round = 0; round < 20; round++) {
    await alice.enterRoom({ roomID: "churn" });
    // alice's consented leave empties the room (destroy delay 0): bob enters while it closes
    const leaving = alice.leaveRoom("churn");
    const entered = await bob.enterRoom({ roomID: "churn" });
    await leaving;
    expect(entered.roomID).toBe("churn");
    expect(bob.room("churn")).toBeDefined();
    await bob.leaveRoom("churn");
  }
});
