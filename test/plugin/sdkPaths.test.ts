/**
 * The SDK's own matchmaking calls on chat room types a studio registered under its own names:
 * joinOrCreate / create / join / joinById, the entry rules behind them (ids, bans, limits,
 * tokens), refusals as `{ code: <HTTP status>, message: "[<our code>] ..." }`, and ChatClient
 * (`roomType`) turning them back into our codes. Also two chat types with different settings in
 * one server, sharing one room-id space.
 *
 * One server for the file (Colyseus' matchmaker is per process), with three chatrooms instances:
 * `chat` (types `chat` and `gamechat`), `limited` (room limits) and `secured` (app secret).
 */
import { defineServer, matchMaker, type Server } from "@colyseus/core";
import { Client, type Room as SdkRoom } from "@colyseus/sdk";
import { ChatClient } from "../../src/client";
import { ChatRoom, createChatrooms, ErrorCode, type Chatrooms } from "../../src/index";
import { issueUserToken } from "../../src/core/tokens";
import { Scope } from "../../src/service/scopes";
import { tokenFor } from "../helpers/operator";
import { waitFor } from "../helpers/server";
import { firstState, opened, operatorOk, refusal, servePlugin, type PluginServer, type Refusal } from "./helpers";

const SECURED_CREDS = { appKey: "plugin-key", appSecret: "plugin-secret" };
const MAX_ROOMS = 3;
const MAX_ROOMS_PER_USER = 2;

class GameChat extends ChatRoom {}

let chat: Chatrooms;
let limited: Chatrooms;
let secured: Chatrooms;
let t: PluginServer;
let sdk: Client;
const chatClients: ChatClient[] = [];

beforeAll(async () => {
  // a high send rate so the history test sends its 15 messages at once
  chat = createChatrooms({ sendRatePerSecond: 1000 });
  limited = createChatrooms({ maxRooms: MAX_ROOMS, maxRoomsPerUser: MAX_ROOMS_PER_USER });
  secured = createChatrooms(SECURED_CREDS);
  const server: Server = defineServer({
    rooms: {
      chat: chat.defineRoom(ChatRoom, { historySize: 10 }),
      gamechat: chat.defineRoom(GameChat, { maxMessageBytes: 16 }),
      limited: limited.defineRoom(ChatRoom),
      secure: secured.defineRoom(ChatRoom),
    },
    express: (app) => {
      app.use("/chat-admin", chat.router());
      app.use("/limited-admin", limited.router());
      app.use("/secure-admin", secured.router());
    },
    greet: false,
  });
  t = await servePlugin(server, [chat, limited, secured]);
  sdk = new Client(t.wsUrl);
});

afterAll(async () => {
  await Promise.all(chatClients.map((c) => c.leaveAllRoom()));
  await t.stop();
});

/** A ChatClient on this server for `userId`, left in afterAll. */
function chatClient(userId: string, roomType: string, token?: string): ChatClient {
  const client = new ChatClient(t.wsUrl, { userId, roomType, token });
  chatClients.push(client);
  return client;
}

/** userIds the server-side room holds as members; [] when no such room lives here. */
function members(roomId: string): string[] {
  const room = matchMaker.getLocalRoomById(roomId) as unknown as ChatRoom | undefined;
  return room
    ? room
        .info()
        .members.map((m) => m.userId)
        .sort()
    : [];
}

/** Live rooms of `type` with this id. */
async function listings(roomId: string): Promise<{ name: string }[]> {
  return (await matchMaker.query({})).filter((r) => r.roomId === roomId);
}

/** The code, message and name of the ChatClientError a ChatClient call rejects with. */
async function clientRefusal(call: Promise<unknown>): Promise<Refusal> {
  const err = await refusal(call);
  expect(err.name).toBe("ChatClientError");
  return err;
}

describe("the SDK's matchmaking on type `chat`", () => {
  test("joinOrCreate with { roomId, userId, userName } creates the room under the caller's id, then joins the same room", async () => {
    const alice = await opened(sdk.joinOrCreate("chat", { roomId: "jc-1", userId: "alice", userName: "Alice" }));
    await firstState(alice);
    expect(alice.roomId).toBe("jc-1");
    expect(alice.name).toBe("chat");
    const bob = await opened(sdk.joinOrCreate("chat", { roomId: "jc-1", userId: "bob" }));
    expect(bob.roomId).toBe("jc-1");
    expect(await listings("jc-1")).toEqual([expect.objectContaining({ name: "chat" })]);
    expect(members("jc-1")).toEqual(["alice", "bob"]);
    const state = alice.state as { roomId: string; members: Map<string, { userName: string }> };
    await waitFor(() => state.members.size === 2, 2000, "alice's state to list bob");
    expect(state.roomId).toBe("jc-1");
    expect(state.members.get("alice")?.userName).toBe("Alice");
    expect(state.members.get("bob")?.userName).toBe("bob");
    await Promise.all([alice.leave(), bob.leave()]);
  });

  test("create makes the room; create on an id that exists is refused with 409 [24001]", async () => {
    const owner = await opened(sdk.create("chat", { roomId: "cr-1", userId: "owner" }));
    expect(owner.roomId).toBe("cr-1");
    const err = await refusal(sdk.create("chat", { roomId: "cr-1", userId: "other" }));
    expect(err.code).toBe(409);
    expect(err.message).toMatch(/^\[24001\] /);
    expect(err.message).toContain("cr-1");
    expect(members("cr-1")).toEqual(["owner"]);
    expect(await listings("cr-1")).toHaveLength(1);
    await owner.leave();
  });

  test("join of a missing id is refused with 404 [23410] and creates nothing; join of a live id joins it", async () => {
    const err = await refusal(sdk.join("chat", { roomId: "jn-missing", userId: "carol" }));
    expect(err.code).toBe(404);
    expect(err.message).toMatch(/^\[23410\] /);
    expect(err.message).toContain("jn-missing");
    expect(await listings("jn-missing")).toEqual([]);

    const owner = await opened(sdk.create("chat", { roomId: "jn-1", userId: "owner" }));
    const carol = await opened(sdk.join("chat", { roomId: "jn-1", userId: "carol" }));
    expect(carol.roomId).toBe("jn-1");
    expect(members("jn-1")).toEqual(["carol", "owner"]);
    await Promise.all([owner.leave(), carol.leave()]);
  });

  test("joinById joins a live chat room; an unknown id fails with Colyseus' own 522", async () => {
    const owner = await opened(sdk.create("chat", { roomId: "jb-1", userId: "owner" }));
    const guest = await opened(sdk.joinById("jb-1", { userId: "guest" }));
    expect(guest.roomId).toBe("jb-1");
    expect(guest.name).toBe("chat");
    expect(members("jb-1")).toEqual(["guest", "owner"]);

    const err = await refusal(sdk.joinById("jb-missing", { userId: "guest2" }));
    expect(err.code).toBe(522);
    expect(err.message).not.toMatch(/^\[/);

    // joinById names the room itself: a different roomId in the options is refused
    const mismatch = await refusal(sdk.joinById("jb-1", { roomId: "jb-other", userId: "guest3" }));
    expect(mismatch.code).toBe(400);
    expect(mismatch.message).toMatch(/^\[1002\] .*roomId/);
    expect(members("jb-1")).toEqual(["guest", "owner"]);
    await Promise.all([owner.leave(), guest.leave()]);
  });

  test("a bad roomId or userId is refused with 400 [23412] naming the field", async () => {
    const badRoom = await refusal(sdk.joinOrCreate("chat", { roomId: "bad id!", userId: "dave" }));
    expect(badRoom.code).toBe(400);
    expect(badRoom.message).toMatch(/^\[23412\] roomId /);

    const missingRoom = await refusal(sdk.joinOrCreate("chat", { userId: "dave" }));
    expect(missingRoom.code).toBe(400);
    expect(missingRoom.message).toMatch(/^\[23412\] roomId /);

    const badUser = await refusal(sdk.joinOrCreate("chat", { roomId: "ids-1", userId: "bad user!" }));
    expect(badUser.code).toBe(400);
    expect(badUser.message).toMatch(/^\[23412\] userId /);

    const missingUser = await refusal(sdk.create("chat", { roomId: "ids-1" }));
    expect(missingUser.code).toBe(400);
    expect(missingUser.message).toMatch(/^\[23412\] userId /);
    expect(await listings("ids-1")).toEqual([]);

    const owner = await opened(sdk.create("chat", { roomId: "ids-2", userId: "owner" }));
    const byId = await refusal(sdk.joinById("ids-2", { userId: "x".repeat(65) }));
    expect(byId.code).toBe(400);
    expect(byId.message).toMatch(/^\[23412\] userId /);
    expect(members("ids-2")).toEqual(["owner"]);
    await owner.leave();
  });

  test("a ban set through the operator API refuses joinOrCreate, join and joinById with 403 [23409]; others still get in", async () => {
    const host = await opened(sdk.joinOrCreate("chat", { roomId: "ban-1", userId: "host" }));
    await operatorOk(t.httpUrl, "/chatroom/user/block/add.json", { chatroomId: "ban-1", userId: "troll", minute: 10 });

    for (const call of [
      sdk.joinOrCreate("chat", { roomId: "ban-1", userId: "troll" }),
      sdk.join("chat", { roomId: "ban-1", userId: "troll" }),
      sdk.joinById("ban-1", { userId: "troll" }),
    ]) {
      const err = await refusal(call);
      expect(err.code).toBe(403);
      expect(err.message).toMatch(/^\[23409\] /);
      expect(err.message).toContain("troll");
    }
    const troll = chatClient("troll", "chat");
    expect(await clientRefusal(troll.joinRoom("ban-1"))).toMatchObject({ code: ErrorCode.BANNED });
    expect(members("ban-1")).toEqual(["host"]);

    const fan = await opened(sdk.joinById("ban-1", { userId: "fan" }));
    expect(members("ban-1")).toEqual(["fan", "host"]);
    await Promise.all([host.leave(), fan.leave()]);
  });

  test("a ban on an id with no room refuses creating it too", async () => {
    await operatorOk(t.httpUrl, "/chatroom/user/block/add.json", { chatroomId: "ban-2", userId: "troll", minute: 10 });
    const err = await refusal(sdk.joinOrCreate("chat", { roomId: "ban-2", userId: "troll" }));
    expect(err.message).toMatch(/^\[23409\] /);
    expect(await listings("ban-2")).toEqual([]);
  });
});

describe("limits (maxRoomsPerUser, maxRooms)", () => {
  test(`a user in ${MAX_ROOMS_PER_USER} rooms is refused a third with 403 [24003], until it leaves one`, async () => {
    const a = await opened(sdk.joinOrCreate("limited", { roomId: "lim-a", userId: "busy" }));
    const b = await opened(sdk.joinOrCreate("limited", { roomId: "lim-b", userId: "busy" }));
    const err = await refusal(sdk.joinOrCreate("limited", { roomId: "lim-c", userId: "busy" }));
    expect(err.code).toBe(403);
    expect(err.message).toMatch(/^\[24003\] /);
    expect(err.message).toContain(`at most ${MAX_ROOMS_PER_USER}`);
    expect(await listings("lim-c")).toEqual([]);
    // a second connection to a room the user is in already is no extra room
    const again = await opened(sdk.joinById("lim-a", { userId: "busy" }));
    expect(members("lim-a")).toEqual(["busy"]);
    const viaClient = chatClient("busy", "limited");
    expect(await clientRefusal(viaClient.enterRoom({ roomID: "lim-c" }))).toMatchObject({ code: ErrorCode.JOINED_ROOMS_LIMIT });

    await Promise.all([a.leave(), again.leave()]);
    const index = () => limited.context.store.sets.list(Scope.userRooms("busy"), Date.now());
    await waitFor(async () => (await index()).length === 1, 3000, "busy to be out of lim-a");
    const c = await opened(sdk.joinOrCreate("limited", { roomId: "lim-c", userId: "busy" }));
    expect(c.roomId).toBe("lim-c");
    await Promise.all([b.leave(), c.leave()]);
  });

  test(`with ${MAX_ROOMS} rooms live a new one is refused with 403 [24002]; joining a live one still works`, async () => {
    // rooms of the test before close asynchronously: start from none of this instance's rooms
    await waitFor(async () => (await limited.context.directory.listAll()).length === 0, 5000, "earlier limited rooms to close");
    const rooms: SdkRoom[] = [];
    for (let i = 0; i < MAX_ROOMS; i++) rooms.push(await opened(sdk.create("limited", { roomId: `max-${i}`, userId: `owner${i}` })));
    for (const call of [
      sdk.create("limited", { roomId: "max-over", userId: "late" }),
      sdk.joinOrCreate("limited", { roomId: "max-over", userId: "late" }),
    ]) {
      const err = await refusal(call);
      expect(err.code).toBe(403);
      expect(err.message).toMatch(/^\[24002\] /);
      expect(err.message).toContain(`at most ${MAX_ROOMS}`);
    }
    expect(await listings("max-over")).toEqual([]);
    expect(await clientRefusal(chatClient("late", "limited").createRoom({ roomID: "max-over" }))).toMatchObject({
      code: ErrorCode.ROOM_COUNT_LIMIT,
    });
    rooms.push(await opened(sdk.joinOrCreate("limited", { roomId: "max-0", userId: "late" })));
    expect(members("max-0")).toEqual(["late", "owner0"]);
    await Promise.all(rooms.map((r) => r.leave()));
  });
});

describe("user tokens (appSecret set)", () => {
  test("a missing or bad token is refused with 401 [24004]; a token from /user/getToken.json gets in", async () => {
    const cases: Record<string, unknown>[] = [
      { roomId: "sec-1", userId: "sam" },
      { roomId: "sec-1", userId: "sam", token: "not-a-token" },
      { roomId: "sec-1", userId: "sam", token: issueUserToken("another-secret", "sam", Date.now() + 60_000) },
      { roomId: "sec-1", userId: "sam", token: issueUserToken(SECURED_CREDS.appSecret, "someone-else", Date.now() + 60_000) },
      { roomId: "sec-1", userId: "sam", token: issueUserToken(SECURED_CREDS.appSecret, "sam", Date.now() - 1000) },
    ];
    for (const options of cases) {
      const err = await refusal(sdk.joinOrCreate("secure", options));
      expect({ options, code: err.code }).toEqual({ options, code: 401 });
      expect(err.message).toMatch(/^\[24004\] /);
    }
    expect(await listings("sec-1")).toEqual([]);

    const token = await tokenFor(t.httpUrl + "/secure-admin", "sam", SECURED_CREDS);
    const sam = await opened(sdk.joinOrCreate("secure", { roomId: "sec-1", userId: "sam", token }));
    expect(sam.roomId).toBe("sec-1");
    expect(members("sec-1")).toEqual(["sam"]);
    await sam.leave();
  });

  test("the SDK's own auth token (Authorization header) is taken as the user token", async () => {
    const authed = new Client(t.wsUrl);
    authed.auth.token = await tokenFor(t.httpUrl + "/secure-admin", "tess", SECURED_CREDS);
    const tess = await opened(authed.joinOrCreate("secure", { roomId: "sec-2", userId: "tess" }));
    expect(members("sec-2")).toEqual(["tess"]);
    // the header's token is tess's: it does not let another user in
    const err = await refusal(authed.joinById("sec-2", { userId: "mallory" }));
    expect(err.message).toMatch(/^\[24004\] /);
    await tess.leave();
  });

  test("ChatClient without a token gets AUTH_FAILED (24004); with one it enters", async () => {
    expect(await clientRefusal(chatClient("uma", "secure").enterRoom({ roomID: "sec-3" }))).toMatchObject({ code: ErrorCode.AUTH_FAILED });
    const token = await tokenFor(t.httpUrl + "/secure-admin", "uma", SECURED_CREDS);
    const uma = chatClient("uma", "secure", token);
    expect(await uma.enterRoom({ roomID: "sec-3" })).toMatchObject({ roomID: "sec-3", memberCount: 1 });
    await uma.leaveAllRoom();
  });
});

describe('ChatClient with roomType "chat"', () => {
  test("enters rooms SDK callers made, and gets our codes back from the bracketed messages", async () => {
    const host = await opened(sdk.create("chat", { roomId: "cc-1", userId: "host" }));
    const vera = chatClient("vera", "chat");
    expect(await vera.joinRoom("cc-1")).toMatchObject({ roomID: "cc-1" });
    expect(members("cc-1")).toEqual(["host", "vera"]);

    const create = await clientRefusal(chatClient("wes", "chat").createRoom({ roomID: "cc-1" }));
    expect(create.code).toBe(ErrorCode.ROOM_ALREADY_EXISTS);
    expect(create.message).not.toMatch(/^\[/);
    expect(await clientRefusal(chatClient("wes", "chat").joinRoom("cc-missing"))).toMatchObject({ code: ErrorCode.ROOM_NOT_EXIST });
    expect(await clientRefusal(chatClient("wes", "chat").enterRoom({ roomID: "bad id!" }))).toMatchObject({
      code: ErrorCode.ILLEGAL_ARGUMENT,
    });
    expect(await clientRefusal(chatClient("bad user!", "chat").enterRoom({ roomID: "cc-1" }))).toMatchObject({
      code: ErrorCode.ILLEGAL_ARGUMENT,
    });
    await Promise.all([host.leave(), vera.leaveAllRoom()]);
  });
});

describe("two chat types with different settings in one server", () => {
  test("each type enforces its own maxMessageBytes", async () => {
    const inGame = chatClient("gina", "gamechat");
    const inChat = chatClient("gina", "chat");
    await inGame.enterRoom({ roomID: "set-game" });
    await inChat.enterRoom({ roomID: "set-chat" });
    const seventeen = "x".repeat(17);
    expect(await clientRefusal(inGame.sendRoomMessage("set-game", { type: "text", content: seventeen }))).toMatchObject({
      code: ErrorCode.MESSAGE_TOO_LARGE,
    });
    expect(await inGame.sendRoomMessage("set-game", { type: "text", content: "x".repeat(16) })).toMatchObject({ seq: 1 });
    expect(await inChat.sendRoomMessage("set-chat", { type: "text", content: seventeen })).toMatchObject({ seq: 1, content: seventeen });
    await Promise.all([inGame.leaveAllRoom(), inChat.leaveAllRoom()]);
  });

  test("each type keeps its own historySize", async () => {
    const inGame = chatClient("hal", "gamechat");
    const inChat = chatClient("hal", "chat");
    await inGame.enterRoom({ roomID: "hist-game" });
    await inChat.enterRoom({ roomID: "hist-chat" });
    for (let i = 1; i <= 15; i++) {
      await Promise.all([
        inGame.sendRoomMessage("hist-game", { type: "text", content: `m${i}` }),
        inChat.sendRoomMessage("hist-chat", { type: "text", content: `m${i}` }),
      ]);
    }
    const seqs = async (client: ChatClient, roomID: string) => (await client.queryRoomHistory(roomID, { limit: 50 })).map((m) => m.seq);
    expect(await seqs(inChat, "hist-chat")).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(await seqs(inGame, "hist-game")).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    await Promise.all([inGame.leaveAllRoom(), inChat.leaveAllRoom()]);
  });

  test("a room id is unique across both types: creating it on the other type fails with 409 [24001]", async () => {
    const owner = await opened(sdk.create("chat", { roomId: "both-1", userId: "owner" }));
    for (const call of [
      sdk.create("gamechat", { roomId: "both-1", userId: "rival" }),
      sdk.joinOrCreate("gamechat", { roomId: "both-1", userId: "rival" }),
    ]) {
      const err = await refusal(call);
      expect(err.code).toBe(409);
      expect(err.message).toMatch(/^\[24001\] /);
    }
    expect(await clientRefusal(chatClient("rival", "gamechat").createRoom({ roomID: "both-1" }))).toMatchObject({
      code: ErrorCode.ROOM_ALREADY_EXISTS,
    });
    expect(await listings("both-1")).toEqual([expect.objectContaining({ name: "chat" })]);
    // joinById needs no type: it lands in the one room with that id
    const guest = await opened(sdk.joinById("both-1", { userId: "guest" }));
    expect(guest.name).toBe("chat");

    const gameOwner = await opened(sdk.create("gamechat", { roomId: "both-2", userId: "owner" }));
    const err = await refusal(sdk.create("chat", { roomId: "both-2", userId: "rival" }));
    expect(err.message).toMatch(/^\[24001\] /);
    expect(await listings("both-2")).toEqual([expect.objectContaining({ name: "gamechat" })]);
    expect(members("both-1")).toEqual(["guest", "owner"]);
    await Promise.all([owner.leave(), guest.leave(), gameOwner.leave()]);
  });
});
