/**
 * The example as a studio runs it: one server with its own game room and a chat room type on a
 * free port, joined with the plain SDK and with ChatClient. Every wait is for an event, bounded.
 */
import type { Server } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import { ChatClient, ChatClientError, type ChatClientEvents, type RoomMessage } from "../../src/client";
import { BOARD_SIZE, buildServer } from "./server";

let server: Server;
let url: string;
const open: Room[] = [];
const chatClients: ChatClient[] = [];

beforeAll(async () => {
  ({ server } = buildServer());
  await server.listen(0);
  const address = server.transport.server?.address();
  if (typeof address !== "object" || address === null) throw new Error("no TCP address");
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  // the leave hook logs every member that goes now; the test of that hook reads its line
  jest.spyOn(console, "log").mockImplementation(() => undefined);
  await Promise.all(chatClients.map((c) => c.leaveAllRoom()));
  await Promise.all(open.filter((r) => r.connection.isOpen).map((r) => r.leave()));
  // closes the rooms, then the chat store (buildServer's onShutdown)
  await server.gracefullyShutdown(false);
});

/** `promise`, or a rejection naming `what` after `ms`. */
function within<T>(promise: Promise<T>, what: string, ms = 3000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves when `predicate` holds for `room`'s state: at once, or after one of its state changes. */
/** Resolves with the first thing `pick` finds in a ChatClient event's first argument (then stops listening). */
function firstFound<E extends "roomMemberJoined" | "roomMessageReceived", T>(
  client: ChatClient,
  event: E,
  pick: (items: Parameters<ChatClientEvents[E]>[0]) => T | undefined,
): Promise<T> {
  return new Promise<T>((resolve) => {
    const off = client.on(event, ((items: Parameters<ChatClientEvents[E]>[0]) => {
      const found = pick(items);
      if (found === undefined) return;
      off();
      resolve(found);
    }) as never);
  });
}

function stateWhere<T>(room: Room<unknown, T>, predicate: (state: T) => boolean, what: string): Promise<void> {
  return within(
    new Promise<void>((resolve) => {
      if (room.state && predicate(room.state)) {
        resolve();
        return;
      }
      const check = (state: T) => {
        if (!predicate(state)) return;
        room.onStateChange.remove(check);
        resolve();
      };
      room.onStateChange(check);
    }),
    what,
  );
}

/** The first `roomMessages` batch holding a message that satisfies `predicate`. */
function messageWhere(room: Room, predicate: (m: RoomMessage) => boolean, what: string): Promise<RoomMessage> {
  return within(
    new Promise<RoomMessage>((resolve) => {
      const off = room.onMessage("roomMessages", (messages: RoomMessage[]) => {
        const found = messages.find(predicate);
        if (!found) return;
        off();
        resolve(found);
      });
    }),
    what,
  );
}

/** The states as the SDK decodes them: a map may not have arrived yet. */
type Board = { players?: Map<string, { x: number; y: number; team: string }> };
type ChatView = { members?: Map<string, { fields?: Map<string, string> }> };

test("the game room works beside the chat: players join one battle, moves on the board are synchronized, moves off it ignored", async () => {
  const sdk = new Client(url);
  const a = await sdk.joinOrCreate("battle");
  const b = await sdk.joinOrCreate("battle");
  open.push(a, b);
  expect(b.roomId).toBe(a.roomId);
  expect(a.name).toBe("battle");

  a.send("move", { x: BOARD_SIZE, y: 0 }); // off the board: ignored
  a.send("move", { x: 3, y: 4 });
  await stateWhere(b as Room<unknown, Board>, (s) => s.players?.get(a.sessionId)?.x === 3, "a's move on b's board");
  const board = b.state as Board;
  expect(board.players?.get(a.sessionId)).toMatchObject({ x: 3, y: 4, team: "red" });
  expect(board.players?.get(b.sessionId)).toMatchObject({ x: 0, y: 0, team: "blue" });
});

test("chat with the plain SDK and ChatClient: messages (masked) reach the room, the team field reaches others, cheating talk is refused with 30001, the leave hook logs LEFT", async () => {
  const sdk = new Client(url);
  const ann = await sdk.joinOrCreate("chat", { roomId: "lobby", userId: "ann", userName: "Ann", team: "red" });
  ann.onMessage("*", () => undefined); // member events this test does not read
  open.push(ann);
  expect(ann.roomId).toBe("lobby");

  // ChatClient on the type registered as "chat"; joinData reaches onMemberEnter as info.options
  const bo = new ChatClient(url, { userId: "bo", roomType: "chat", joinData: { team: "blue" } });
  chatClients.push(bo);
  const cyJoined = firstFound(bo, "roomMemberJoined", (members) => members.find((m) => m.userId === "cy"));
  const info = await bo.enterRoom({ roomID: "lobby" });
  expect(info.members.find((m) => m.userId === "ann")?.fields).toEqual({ team: "red" });
  await stateWhere(ann as Room<unknown, ChatView>, (s) => s.members?.get("bo")?.fields?.get("team") === "blue", "bo's team in ann's state");

  // plain SDK -> everyone, the word masked by onBeforeMessage
  const toBo = firstFound(bo, "roomMessageReceived", (messages) => messages.find((m) => m.senderUserID === "ann"));
  const annSees = messageWhere(ann, (m) => m.senderUserID === "ann", "ann's own message");
  const sent: RoomMessage = await ann.request("sendMessage", { type: "text", content: "gg noob" });
  expect(sent).toMatchObject({ seq: 1, senderUserID: "ann", content: "gg ****" });
  expect(await annSees).toMatchObject({ messageID: sent.messageID, content: "gg ****" });
  expect(await within(toBo, "bo to receive ann's message")).toMatchObject({ messageID: sent.messageID, content: "gg ****" });

  // ChatClient -> the plain SDK client
  const fromBo = messageWhere(ann, (m) => m.senderUserID === "bo", "bo's message at ann");
  const reply = await bo.sendRoomMessage("lobby", { type: "text", content: "wp" });
  expect(await fromBo).toMatchObject({ messageID: reply.messageID, seq: 2, content: "wp" });

  // a later joiner's team reaches the others with its join (bo saw ann's in the room info on entering)
  const cy = await sdk.joinById("lobby", { userId: "cy", team: "red" });
  cy.onMessage("*", () => undefined);
  open.push(cy);
  expect((await within(cyJoined, "bo to hear cy join")).fields).toEqual({ team: "red" });

  // onBeforeMessage's refusal, with the game's own code, on both client paths; nothing is sent
  await expect(ann.request("sendMessage", { type: "text", content: "any cheat codes?" })).rejects.toMatchObject({
    reason: { code: 30001, message: "no cheating talk" },
  });
  const refused = await bo.sendRoomMessage("lobby", { type: "text", content: "Cheat" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(ChatClientError);
  expect(refused).toMatchObject({ code: 30001, message: "no cheating talk" });
  expect((await bo.queryRoomHistory("lobby")).map((m) => m.content)).toEqual(["gg ****", "wp"]);

  // onMemberLeave logs the exit reason's name once the member has left
  const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    const logged = new Promise<string>((resolve) =>
      log.mockImplementation((...args: unknown[]) => {
        const line = args.join(" ");
        if (line.includes("cy (team red) left")) resolve(line);
      }),
    );
    await cy.leave();
    expect(await within(logged, "the leave hook's log line")).toBe("chat lobby: cy (team red) left: LEFT");
  } finally {
    log.mockRestore();
  }
});

test("the chat operator API is mounted at /chat-admin on the studio's Express app", async () => {
  // open development mode (no appSecret): no signature needed
  const res = await fetch(`${url}/chat-admin/chatroom/query.json`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "chatroomId=lobby&chatroomId=nowhere",
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ code: 200, chatRooms: [{ chrmId: "lobby", name: "lobby" }] });
});
