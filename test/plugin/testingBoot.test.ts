/**
 * A studio's own tests with `@colyseus/testing`: its server holds a `battle` room of its own and
 * `chat: chat.defineRoom(GameChat)`. The chat type works through the testing package's helpers
 * (sdk, connectTo, getRoomById, waitFor*), and the battle room's own matchmaking is what Colyseus
 * makes it: chatrooms narrow nothing global.
 *
 * Running it on a free port. What @colyseus/testing 0.18.6 does (src/index.ts, src/TestServer.ts):
 * - `boot(server, port)` with a Server ignores `port` and always listens on 2568 (DEFAULT_TEST_PORT);
 * - `boot(configOptions, 0)` listens on a free port through @colyseus/tools' `listen`, but
 *   ColyseusTestServer takes its `sdk` and `http` endpoints from `server['port']`, which keeps the
 *   port asked for (0), not the port bound: its sdk would dial ws://127.0.0.1:0.
 * So this file builds what `boot(server)` builds: `server.listen(0)`, then the bound port recorded
 * where ColyseusTestServer reads it, then `new ColyseusTestServer(server)`.
 */
import { defineRoom, defineServer, matchMaker, Room, type Client as ServerClient, type Server } from "@colyseus/core";
import { schema, t as types, type SchemaType } from "@colyseus/schema";
import { ColyseusTestServer } from "@colyseus/testing";
import { ChatClient } from "../../src/client";
import {
  ChatError,
  ChatRoom,
  createChatrooms,
  ErrorCode,
  type ChatMember,
  type ChatMessageDraft,
  type Chatrooms,
  type MemberEnterInfo,
} from "../../src/index";
import { ClientRequest, ServerMessage, type MembersChangedPayload, type RoomMessage } from "../../src/protocol";
import { collect, waitFor } from "../helpers/server";
import { leaveTracked, listenOnFreePort, opened, refusal, track } from "./helpers";

const BattleState = schema({ players: types.map("string"), moves: types.number() }, "BattleState");
type BattleState = SchemaType<typeof BattleState>;

/** The studio's own game room: no chat rules, Colyseus' default matchmaking. */
class BattleRoom extends Room<{ state: BattleState }> {
  override maxClients = 4;
  override state = new BattleState();
  override onCreate(): void {
    this.state.moves = 0;
    this.onMessage("move", () => {
      this.state.moves += 1;
    });
  }
  override onJoin(client: ServerClient, options?: { name?: string }): void {
    this.state.players.set(client.sessionId, options?.name ?? "anonymous");
  }
  override onLeave(client: ServerClient): void {
    this.state.players.delete(client.sessionId);
  }
}

const chatEnters: string[] = [];

/** The studio's chat, as the README's example writes it. */
class GameChat extends ChatRoom {
  protected override async onMemberEnter(member: ChatMember, _info: MemberEnterInfo): Promise<void> {
    chatEnters.push(`${this.roomId}:${member.userId}`);
  }
  protected override async onBeforeMessage(_member: ChatMember, message: ChatMessageDraft): Promise<ChatMessageDraft> {
    if (/cheat/.test(message.content)) throw new ChatError(30001, "no cheating talk");
    return message;
  }
}

let chat: Chatrooms;
let colyseus: ColyseusTestServer;
const chatClients: ChatClient[] = [];

beforeAll(async () => {
  chat = createChatrooms();
  const server: Server = defineServer({
    rooms: { battle: defineRoom(BattleRoom), chat: chat.defineRoom(GameChat) },
    express: (app) => {
      app.use("/chat-admin", chat.router());
    },
    greet: false,
  });
  const port = await listenOnFreePort(server);
  (server as unknown as { port: number }).port = port;
  colyseus = new ColyseusTestServer(server);
});

afterAll(async () => {
  await Promise.all(chatClients.map((c) => c.leaveAllRoom()));
  await leaveTracked();
  await colyseus.shutdown();
  await chat.close();
});

type ChatStateView = { roomId: string; members: Map<string, { userName: string }> };
type BattleStateView = { players: Map<string, string>; moves: number };

test("the test server's sdk and http reach the free port it listens on", async () => {
  const port = (colyseus.server.transport.server?.address() as { port: number }).port;
  expect(port).toBeGreaterThan(0);
  expect(port).not.toBe(2568);
  expect(colyseus.sdk.settings).toMatchObject({ hostname: "127.0.0.1", port });
  const reply = await colyseus.http.post("/chat-admin/chatroom/query.json", {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "chatroomId=nowhere",
  });
  expect(reply.statusCode).toBe(200);
  expect(reply.data).toMatchObject({ code: 200, chatRooms: [] });
});

test("colyseus.sdk.joinOrCreate('chat', { roomId, userId }) creates the chat room under that id; getRoomById hands the test its GameChat", async () => {
  const alice = await opened(colyseus.sdk.joinOrCreate("chat", { roomId: "lobby", userId: "alice", userName: "Alice" }));
  await alice.waitForInitialState();
  expect(alice.roomId).toBe("lobby");
  expect((alice.state as ChatStateView).members.get("alice")?.userName).toBe("Alice");

  const room = colyseus.getRoomById<GameChat>("lobby");
  expect(room).toBeInstanceOf(GameChat);
  expect(room.state.roomId).toBe("lobby");
  expect(room.info().members.map((m) => m.userId)).toEqual(["alice"]);
  expect(chatEnters).toEqual(["lobby:alice"]);

  // the same call again joins the same room
  const alice2 = await opened(colyseus.sdk.joinOrCreate("chat", { roomId: "lobby", userId: "alice" }));
  expect(alice2.roomId).toBe("lobby");
  expect(room.state.members.get("alice")?.devices).toBe(2);
  expect(chatEnters).toEqual(["lobby:alice"]);
  await alice2.leave();
});

test("connectTo(room, options) joins the chat room by id; waitForMessage sees the room's messages; the hooks run", async () => {
  const room = colyseus.getRoomById<GameChat>("lobby");
  const viewer = track(await colyseus.connectTo(room, { userId: "viewer" }));
  expect((viewer.state as ChatStateView).members.has("viewer")).toBe(true);
  const joinedNews = collect<MembersChangedPayload>(viewer, ServerMessage.MEMBERS_JOINED);

  const bob = track(await colyseus.connectTo(room, { userId: "bob" }));
  expect(bob.roomId).toBe("lobby");
  expect(chatEnters).toEqual(["lobby:alice", "lobby:viewer", "lobby:bob"]);
  await waitFor(() => joinedNews.some((p) => p.members.some((m) => m.userId === "bob")), 2000, "the viewer to hear bob");
  await waitFor(() => (viewer.state as ChatStateView).members.has("bob"), 2000, "bob in the viewer's state");

  const delivered = viewer.waitForMessage(ServerMessage.MESSAGES);
  const sent = await bob.request<unknown, RoomMessage>(ClientRequest.SEND, { type: "text", content: "gg" });
  expect(sent).toMatchObject({ seq: 1, senderUserID: "bob", content: "gg" });
  expect(await delivered).toEqual([expect.objectContaining({ messageID: sent.messageID, content: "gg" })]);

  // the studio's onBeforeMessage refuses with its own code
  const refused = await bob.request(ClientRequest.SEND, { type: "text", content: "cheat codes anyone?" }).then(
    () => undefined,
    (e: unknown) => (e as { reason?: unknown }).reason,
  );
  expect(refused).toEqual({ code: 30001, message: "no cheating talk" });

  await Promise.all([viewer.leave(), bob.leave()]);
});

test("chat refusals reach colyseus.sdk as { code: <HTTP status>, message: '[<our code>] ...' }", async () => {
  const missing = await refusal(colyseus.sdk.join("chat", { roomId: "no-such-room", userId: "carol" }));
  expect(missing.code).toBe(404);
  expect(missing.message).toMatch(/^\[23410\] /);
  const noUser = await refusal(colyseus.sdk.joinOrCreate("chat", { roomId: "lobby" }));
  expect(noUser.code).toBe(400);
  expect(noUser.message).toMatch(/^\[23412\] userId/);
  const created = await refusal(colyseus.sdk.create("chat", { roomId: "lobby", userId: "carol" }));
  expect(created.code).toBe(409);
  expect(created.message).toMatch(/^\[24001\] /);
});

test("ChatClient with roomType 'chat' enters the same room the sdk made", async () => {
  const dave = new ChatClient(`ws://127.0.0.1:${(colyseus.server.transport.server?.address() as { port: number }).port}`, {
    userId: "dave",
    roomType: "chat",
  });
  chatClients.push(dave);
  const info = await dave.joinRoom("lobby");
  expect(info.roomID).toBe("lobby");
  expect(info.members.map((m) => m.userId)).toEqual(expect.arrayContaining(["alice", "dave"]));
  // viewer and bob of the test before are gone once the server has processed their leaves
  const serverMembers = () =>
    colyseus
      .getRoomById<GameChat>("lobby")
      .info()
      .members.map((m) => m.userId)
      .sort();
  await waitFor(() => serverMembers().join() === "alice,dave", 2000, "the lobby to hold alice and dave");
  await dave.leaveAllRoom();
});

describe("the studio's battle room beside it: nothing global was narrowed", () => {
  test("joinOrCreate twice lands in one battle room (no chat options, no chat rules); joinById on it works", async () => {
    const p1 = await opened(colyseus.sdk.joinOrCreate("battle", { name: "p1" }));
    const p2 = await opened(colyseus.sdk.joinOrCreate("battle", { name: "p2" }));
    expect(p2.roomId).toBe(p1.roomId);
    expect(p1.name).toBe("battle");

    const battle = colyseus.getRoomById<BattleRoom>(p1.roomId);
    expect(battle).toBeInstanceOf(BattleRoom);
    expect(battle.clients.length).toBe(2);

    const p3 = await opened(colyseus.sdk.joinById(p1.roomId, { name: "p3" }));
    await p3.waitForInitialState();
    expect(p3.roomId).toBe(p1.roomId);
    expect([...(p3.state as BattleStateView).players.values()].sort()).toEqual(["p1", "p2", "p3"]);

    // the room's own messages and patches, with the testing helpers
    const moved = battle.waitForMessage("move");
    p1.send("move", { x: 1 });
    const [client, payload] = await moved;
    expect(client.sessionId).toBe(p1.sessionId);
    expect(payload).toEqual({ x: 1 });
    await battle.waitForNextPatch();
    await waitFor(() => (p2.state as BattleStateView).moves === 1, 2000, "the move in p2's state");

    expect(await matchMaker.query({ name: "battle" })).toEqual([expect.objectContaining({ roomId: p1.roomId, clients: 3 })]);
    expect(chatEnters.some((e) => e.includes(p1.roomId))).toBe(false);
    await Promise.all([p1.leave(), p2.leave(), p3.leave()]);
  });

  test("Colyseus' own rules hold for it: maxClients fills a room then opens another; create and createRoom make new rooms", async () => {
    // battle rooms of the test before dispose themselves once empty (autoDispose): start from none
    await waitFor(async () => (await matchMaker.query({ name: "battle" })).length === 0, 3000, "earlier battle rooms to dispose");
    const players = [];
    for (let i = 0; i < 5; i++) players.push(await opened(colyseus.sdk.joinOrCreate("battle", { name: `q${i}` })));
    const firstRoom = players.at(0)!.roomId;
    expect(players.slice(0, 4).map((p) => p.roomId)).toEqual([firstRoom, firstRoom, firstRoom, firstRoom]);
    expect(players.at(4)!.roomId).not.toBe(firstRoom);

    const created = await opened(colyseus.sdk.create("battle", { name: "solo" }));
    expect([firstRoom, players.at(4)!.roomId]).not.toContain(created.roomId);

    const serverMade = await colyseus.createRoom<BattleRoom>("battle", {});
    expect(serverMade).toBeInstanceOf(BattleRoom);
    const guest = track(await colyseus.connectTo(serverMade, { name: "guest" }));
    expect([...(guest.state as BattleStateView).players.values()]).toEqual(["guest"]);

    // a join in the chat's style on the battle type is just a battle join: no chat rule refuses it
    const chatStyle = await opened(colyseus.sdk.joinOrCreate("battle", { roomId: "lobby", userId: "not valid!" }));
    expect(chatStyle.name).toBe("battle");
    expect(chatStyle.roomId).not.toBe("lobby");
    await Promise.all([...players, created, guest, chatStyle].map((p) => p.leave()));
    await serverMade.disconnect();
  });

  test("the chat type beside it still refuses what its rules refuse", async () => {
    expect((await refusal(colyseus.sdk.joinOrCreate("chat", { roomId: "lobby", userId: "not valid!" }))).message).toMatch(/^\[23412\] /);
    expect(ErrorCode.ILLEGAL_ARGUMENT).toBe(23412);
  });
});
