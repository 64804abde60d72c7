/**
 * enterRoom right after a room emptied: the closing room still holds its id for a moment, and the
 * entry must land in the room that follows it, not fail with ROOM_ALREADY_EXISTS.
 */
import { useServer } from "../helpers/server";
import { chatClient, serverMembers } from "./helpers";

const t = useServer();

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
    expect(bob.rooms.map((r) => r.roomID)).toEqual(["churn"]);
    // the room bob landed in is the live one, and holds him (not the closing one)
    expect(serverMembers("churn")).toContain("bob");
    await bob.leaveRoom("churn");
  }
});
