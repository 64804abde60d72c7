/**
 * Above the member-list cap (lowered to 3), member counts go out once per large-room interval
 * (3 s here): joins inside one interval reach members as one count event, and the state's
 * memberCount waits for that flush instead of changing, and being re-sent to everyone, per patch.
 */
import type { ChatClient } from "../../src/client";
import { useServer, waitFor } from "../helpers/server";
import { chatClient } from "./helpers";

const clients: ChatClient[] = [];
const t = useServer(
  { memberListCap: 3, largeRoomCountMs: 3000 },
  { beforeShutdown: () => Promise.all(clients.splice(0).map((chat) => chat.leaveAllRoom())) },
);

async function enter(userId: string, roomID: string): Promise<{ chat: ChatClient; counts: number[] }> {
  const { chat } = chatClient(t, userId);
  const counts: number[] = [];
  chat.on("roomMemberCountChanged", (n, room) => room === roomID && counts.push(n));
  clients.push(chat);
  await chat.enterRoom({ roomID });
  return { chat, counts };
}

test("joins inside one large-room interval reach members as one count, and the state's count waits for it", async () => {
  const watcher = await enter("c1", "cadence");
  for (const u of ["c2", "c3"]) await enter(u, "cadence");
  // the count event of the third join: its (per-patch) flush is done before the room grows large
  await waitFor(() => watcher.chat.room("cadence")!.memberCount === 3 && watcher.counts.at(-1) === 3, 3000, "count 3");
  // spaced wider than a patch (50 ms), so a per-patch flush would send 4, 5 and 6 one by one
  for (const u of ["c4", "c5", "c6"]) {
    await enter(u, "cadence");
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  expect(watcher.chat.room("cadence")!.memberCount).toBe(3);
  await waitFor(() => watcher.chat.room("cadence")!.memberCount === 6 && watcher.counts.at(-1) === 6, 5000, "count 6");
  expect(watcher.counts.filter((n) => n > 3)).toEqual([6]);
  // the exact count is always one query away
  expect((await watcher.chat.queryRoomMemberList("cadence")).memberCount).toBe(6);
});

test("leaving back to the cap publishes the exact count with the list at once", async () => {
  const room = "cadence-down";
  const members: { chat: ChatClient; counts: number[] }[] = [];
  for (const u of ["d1", "d2", "d3", "d4"]) members.push(await enter(u, room));
  await waitFor(() => members.at(0)!.chat.room(room)!.memberCount === 4, 5000, "count 4");
  await members.at(3)!.chat.leaveRoom(room);
  // back at the cap the count rides the patch, not the 3 s interval
  await waitFor(() => members.at(0)!.chat.room(room)!.memberCount === 3, 1000, "count 3 within a second");
  // with the list of the three who stay, and the count event, well before the 3 s interval
  expect(
    members
      .at(0)!
      .chat.room(room)!
      .members.map((m) => m.userId)
      .sort(),
  ).toEqual(["d1", "d2", "d3"]);
  await waitFor(() => members.at(0)!.counts.at(-1) === 3, 1000, "the count event");
});
