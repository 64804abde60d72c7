/**
 * Entry edges of a studio's server: a chat room id cannot take a game room's id (Colyseus room
 * ids are one namespace), a room class's own static onAuth applies on every door (SDK matchmaking
 * and /chat/enter), and an entry the enter hook refuses is never announced, however slow the hook.
 */
import { defineRoom, defineServer, Room } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import {
  ChatError,
  ChatRoom,
  createChatrooms,
  ErrorCode,
  ServerMessage,
  type ChatMember,
  type Chatrooms,
  type MembersChangedPayload,
} from "../../src/index";
import { waitFor } from "../helpers/server";
import { ADMIN_PREFIX, firstState, opened, refusal, servePlugin, type PluginServer } from "./helpers";

class BattleRoom extends Room {}

const SLOW_HOOK_MS = 200;

class GuardedChat extends ChatRoom {
  static override async onAuth(_token: string, options: { userId?: string }): Promise<boolean> {
    return options.userId !== "mallory";
  }

  protected override async onMemberEnter(member: ChatMember): Promise<void> {
    if (member.userId !== "slowpoke") return;
    // longer than the 50 ms member-event batch: a join queued before the hook would go out
    await new Promise((resolve) => setTimeout(resolve, SLOW_HOOK_MS));
    throw new ChatError(30010, "not today");
  }
}

let chat: Chatrooms;
let t: PluginServer;
let sdk: Client;
const joinedEvents: string[] = [];

beforeAll(async () => {
  chat = createChatrooms();
  chat.events.on("memberJoined", ({ userId }) => void joinedEvents.push(userId));
  const server = defineServer({
    rooms: { battle: defineRoom(BattleRoom), chat: chat.defineRoom(GuardedChat) },
    express: (app) => void app.use(ADMIN_PREFIX, chat.router()),
    greet: false,
  });
  t = await servePlugin(server, [chat]);
  sdk = new Client(t.httpUrl);
});
afterAll(async () => {
  await t.stop();
});

test("a chat room cannot take the id of a live game room: 409 [24001] naming its type, and nobody lands in the game room", async () => {
  const battle = await opened(sdk.joinOrCreate("battle"));
  const err = await refusal(sdk.joinOrCreate("chat", { roomId: battle.roomId, userId: "ann" }));
  expect(err.code).toBe(409);
  expect(err.message).toMatch(/^\[24001\] .*type battle/);
  const enter = await fetch(`${t.httpUrl}${ADMIN_PREFIX}/chat/enter`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: "enter", roomId: battle.roomId, userId: "bo" }),
  });
  expect(await enter.json()).toMatchObject({ code: ErrorCode.ROOM_ALREADY_EXISTS });
  // the game room still has its one player
  const listing = (await import("@colyseus/core")).matchMaker.getLocalRoomById(battle.roomId);
  expect(listing.clients.length).toBe(1);
});

test("the room class's own static onAuth refuses on the SDK's door and on /chat/enter alike (24004)", async () => {
  const err = await refusal(sdk.joinOrCreate("chat", { roomId: "guarded", userId: "mallory" }));
  expect(err.code).toBe(401);
  expect(err.message).toMatch(/^\[24004\] GuardedChat\.onAuth refused the entry/);
  const enter = await fetch(`${t.httpUrl}${ADMIN_PREFIX}/chat/enter`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode: "enter", roomId: "guarded", userId: "mallory" }),
  });
  expect(await enter.json()).toMatchObject({ code: ErrorCode.AUTH_FAILED });
  const fine = await opened(sdk.joinOrCreate("chat", { roomId: "guarded", userId: "alice" }));
  await firstState(fine);
  expect(fine.roomId).toBe("guarded");
});

test("an entry refused by a slow enter hook is never announced: no roomMemberJoined to others, no memberJoined event", async () => {
  const observer = await opened(sdk.joinOrCreate("chat", { roomId: "slow", userId: "obs" }));
  const joined: MembersChangedPayload[] = [];
  const left: MembersChangedPayload[] = [];
  observer.onMessage(ServerMessage.MEMBERS_JOINED, (p: MembersChangedPayload) => void joined.push(p));
  observer.onMessage(ServerMessage.MEMBERS_LEFT, (p: MembersChangedPayload) => void left.push(p));
  await firstState(observer);
  const err = await refusal(sdk.joinOrCreate("chat", { roomId: "slow", userId: "slowpoke" }));
  expect({ code: err.code, message: err.message }).toEqual({ code: 30010, message: "not today" });
  // member events go out in order: once a later member's join has arrived, an earlier one would have
  const sentinel = await opened(sdk.joinOrCreate("chat", { roomId: "slow", userId: "sentinel" }));
  await waitFor(() => joined.some((p) => p.members.some((m) => m.userId === "sentinel")), 3000, "the sentinel's join");
  const names = (events: MembersChangedPayload[]) => events.flatMap((p) => p.members.map((m) => m.userId));
  expect(names(joined)).not.toContain("slowpoke");
  expect(names(left)).not.toContain("slowpoke");
  expect(joinedEvents).not.toContain("slowpoke");
  expect(joinedEvents).toContain("sentinel");
  await sentinel.leave();
});
