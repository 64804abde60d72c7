/**
 * The example as a studio runs it: one server with its own game room and a chat room type, joined
 * with the plain SDK and with ChatClient.
 */
import type { Server } from "@colyseus/core";
import { Client, type Room } from "@colyseus/sdk";
import { ChatClient, type RoomMessage } from "../../src/client";
import type { Chatrooms } from "../../src/index";
import { buildServer } from "./server";

let server: Server;
let chat: Chatrooms;
let url: string;
const open: Room[] = [];

beforeAll(async () => {
  ({ server, chat } = buildServer());
  await server.listen(0);
  const address = server.transport.server?.address();
  if (typeof address !== "object" || address === null) throw new Error("no TCP address");
  url = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await Promise.all(open.filter((r) => r.connection?.isOpen).map((r) => r.leave()));
  await server.gracefullyShutdown(false);
  await chat.close();
});

/** Resolves when `predicate` holds after a state change of `room` (checked at once too), bounded. */
function stateWhere<T>(room: Room<unknown, T>, predicate: (state: T) => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (room.state && predicate(room.state)) return resolve();
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 3000);
    room.onStateChange((state: T) => {
      if (!predicate(state)) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

test("the game room works beside the chat: players join one battle and their moves are synchronized", async () => {
  const sdk = new Client(url);
  const a = await sdk.joinOrCreate("battle");
  const b = await sdk.joinOrCreate("battle");
  open.push(a, b);
  expect(b.roomId).toBe(a.roomId);
  type Board = { players: Map<string, { x: number; y: number; team: string }> };
  a.send("move", { x: 3, y: 4 });
  await stateWhere(b as Room<unknown, Board>, (s) => s.players?.get(a.sessionId)?.x === 3, "a's move on b's board");
  const board = b.state as Board;
  expect(board.players.get(a.sessionId)).toMatchObject({ x: 3, y: 4, team: "red" });
  expect(board.players.get(b.sessionId)?.team).toBe("blue");
});

test("chat with the plain SDK: a message reaches the room, a team field reaches others, cheating talk is refused with 30001", async () => {
  const sdk = new Client(url);
  const ann = await sdk.joinOrCreate("chat", { roomId: "lobby", userId: "ann", team: "red" });
  const received: RoomMessage[] = [];
  ann.onMessage("roomMessages", (messages: RoomMessage[]) => received.push(...messages));
  ann.onMessage("*", () => undefined);
  open.push(ann);

  const bo = new ChatClient(url, { userId: "bo", roomType: "chat", joinData: { team: "blue" } });
  const info = await bo.enterRoom({ roomID: "lobby" });
  expect(info.members.find((m) => m.userId === "ann")?.fields).toEqual({ team: "red" });
  type Members = { members: Map<string, { fields: Map<string, string> }> };
  await stateWhere(ann as Room<unknown, Members>, (s) => s.members?.get("bo")?.fields?.get("team") === "blue", "bo's team in ann's state");

  const sent = await bo.sendRoomMessage("lobby", { type: "text", content: "gg noob" });
  expect(sent.content).toBe("gg ****");
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out waiting for bo's message")), 3000);
    const check = setInterval(() => {
      if (!received.some((m) => m.messageID === sent.messageID)) return;
      clearInterval(check);
      clearTimeout(timer);
      resolve();
    }, 10);
  });
  expect(received.find((m) => m.messageID === sent.messageID)).toMatchObject({ senderUserID: "bo", content: "gg ****", seq: sent.seq });

  await expect(ann.request("sendMessage", { type: "text", content: "any cheat codes?" })).rejects.toMatchObject({ reason: { code: 30001, message: "no cheating talk" } });
  await expect(bo.sendRoomMessage("lobby", { type: "text", content: "cheat" })).rejects.toMatchObject({ code: 30001, message: "no cheating talk" });
  await bo.leaveAllRoom();
});
