/**
 * Big rooms through real ChatClients (cap lowered to 3): the synchronized member list holds the
 * first members by join order with the exact count beside it, member events fall back to counts
 * above the cap, a listed member's place is taken by the longest-present one, and
 * queryRoomMemberList pages through everyone.
 */
import { ErrorCode, type ChatClient } from "../../src/client";
import { useServer, waitFor } from "../helpers/server";
import { chatClient, rejection, type Recorded } from "./helpers";

const t = useServer({ memberListCap: 3 });

const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((chat) => chat.leaveAllRoom()));
});

async function enter(userId: string, roomID: string): Promise<{ chat: ChatClient; seen: Recorded; counts: number[] }> {
  const { chat, seen } = chatClient(t, userId);
  const counts: number[] = [];
  chat.on("roomMemberCountChanged", (n, room) => room === roomID && counts.push(n));
  clients.push(chat);
  await chat.enterRoom({ roomID });
  return { chat, seen, counts };
}

const listed = (chat: ChatClient, roomID: string) =>
  chat
    .room(roomID)!
    .members.map((m) => m.userId)
    .sort();

test("the state lists the first members up to the cap; memberCount stays exact; events carry counts above the cap", async () => {
  const first = await enter("u1", "ml-cap");
  for (const u of ["u2", "u3"]) await enter(u, "ml-cap");
  await waitFor(() => first.seen.joined.length === 2, 3000, "named joins below the cap");
  for (const u of ["u4", "u5"]) await enter(u, "ml-cap");
  await waitFor(() => first.chat.room("ml-cap")!.memberCount === 5 && first.counts.at(-1) === 5, 3000, "count 5");
  expect(listed(first.chat, "ml-cap")).toEqual(["u1", "u2", "u3"]);
  expect(first.seen.joined).toEqual(["ml-cap:u2", "ml-cap:u3"]);
  const late = clients.at(4)!;
  await waitFor(() => late.room("ml-cap")!.memberCount === 5, 3000, "the latecomer's count");
  expect(listed(late, "ml-cap")).toEqual(["u1", "u2", "u3"]);
});

test("when a listed member leaves, the longest-present unlisted member takes its place", async () => {
  const watcher = await enter("w1", "ml-promote");
  const leaver = await enter("w2", "ml-promote");
  for (const u of ["w3", "w4", "w5"]) await enter(u, "ml-promote");
  await leaver.chat.leaveRoom("ml-promote");
  await waitFor(() => watcher.chat.room("ml-promote")!.memberCount === 4, 3000, "count 4");
  await waitFor(() => listed(watcher.chat, "ml-promote").join() === "w1,w3,w4", 3000, "w4 promoted");
  expect(watcher.seen.left).toEqual([]);
});

test("queryRoomMemberList walks every member once, in join order, page by page", async () => {
  const users = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"];
  const members = [];
  for (const u of users) members.push(await enter(u, "ml-page"));
  const seen: string[] = [];
  let nextFlag = "";
  let pages = 0;
  do {
    const page = await members.at(0)!.chat.queryRoomMemberList("ml-page", { count: 3, nextFlag });
    expect(page.memberCount).toBe(7);
    seen.push(...page.memberList.map((m) => m.userId));
    nextFlag = page.nextFlag;
    pages++;
  } while (nextFlag !== "" && pages < 10);
  expect(pages).toBe(3);
  expect(seen).toEqual(users);
  const all = await members.at(0)!.chat.queryRoomMemberList("ml-page");
  expect(all.memberList.map((m) => m.userId)).toEqual(users);
  expect(all.memberList[0]).toMatchObject({ userId: "p1", online: true, devices: 1 });
});

test("a bad page request is refused with PARAMETER naming the field", async () => {
  const a = await enter("b1", "ml-bad");
  expect(await rejection(a.chat.queryRoomMemberList("ml-bad", { count: 101 }))).toMatchObject({
    code: ErrorCode.PARAMETER,
    message: expect.stringContaining("count"),
  });
  expect(await rejection(a.chat.queryRoomMemberList("ml-bad", { nextFlag: "x" }))).toMatchObject({
    code: ErrorCode.PARAMETER,
    message: expect.stringContaining("nextFlag"),
  });
  expect(await rejection(a.chat.queryRoomMemberList("elsewhere"))).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
});
