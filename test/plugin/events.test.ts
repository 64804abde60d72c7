/**
 * chat.events: what happens in the rooms, for the app and for operations. Each event is asserted
 * with its payload, once per member (not per connection); a listener that throws breaks nothing.
 */
import { defineServer } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { ChatRoom, createChatrooms, ErrorCode, ExitReason, type ChatEventMap, type Chatrooms } from "../../src/index";
import { waitFor } from "../helpers/server";
import { firstState, opened, operatorOk, servePlugin, type PluginServer } from "./helpers";

type Recorded = { [K in keyof ChatEventMap]: ChatEventMap[K][0][] };

let chat: Chatrooms;
let plugin: PluginServer;
let sdk: Client;
const seen: Recorded = {
  roomCreated: [],
  memberJoined: [],
  memberLeft: [],
  roomDestroyed: [],
  messageDelivered: [],
  messageRefused: [],
  hookTimed: [],
  messageFlagged: [],
};

beforeAll(async () => {
  chat = createChatrooms({ sendRatePerSecond: 2 });
  for (const name of Object.keys(seen) as (keyof ChatEventMap)[]) {
    chat.events.on(name, (payload: unknown) => void (seen[name] as unknown[]).push(payload));
  }
  const server = defineServer({
    rooms: { chat: chat.defineRoom(ChatRoom) },
    express: (app) => void app.use("/chat-admin", chat.router()),
    greet: false,
  });
  plugin = await servePlugin(server, [chat]);
  sdk = new Client(plugin.httpUrl);
});
afterAll(async () => {
  await plugin.stop();
});

test("a room's life as events: created by its first member, joins once per member, messages, refusals, leaves with reasons, destroyed", async () => {
  const phone = await opened(sdk.joinOrCreate("chat", { roomId: "ev", userId: "alice" }));
  const laptop = await opened(sdk.joinOrCreate("chat", { roomId: "ev", userId: "alice" }));
  const bob = await opened(sdk.joinOrCreate("chat", { roomId: "ev", userId: "bob" }));
  await Promise.all([firstState(laptop), firstState(bob)]);
  expect(seen.roomCreated).toEqual([expect.objectContaining({ roomId: "ev", roomType: "chat", createdBy: "alice" })]);
  expect(seen.memberJoined.map((e) => `${e.userId}:${e.devices}`)).toEqual(["alice:1", "bob:1"]);

  const sent = await bob.request("sendMessage", { type: "text", content: "hi" });
  expect(seen.messageDelivered).toEqual([{ roomId: "ev", message: sent }]);
  // over the send rate (2/s): refused, with the sender's code
  await Promise.allSettled([
    bob.request("sendMessage", { type: "text", content: "2" }),
    bob.request("sendMessage", { type: "text", content: "3" }),
  ]);
  expect(seen.messageRefused).toEqual([expect.objectContaining({ roomId: "ev", userId: "bob", code: ErrorCode.SEND_RATE_LIMITED })]);

  await operatorOk(plugin.httpUrl, "/chatroom/user/kick.json", { chatroomId: "ev", userId: "bob" });
  await waitFor(() => seen.memberLeft.length === 1, 2000, "bob's removal");
  await phone.leave();
  await laptop.leave();
  await waitFor(() => seen.roomDestroyed.length === 1, 2000, "the empty room's end");
  expect(seen.memberLeft.map((e) => `${e.userId}:${e.reason}`)).toEqual([`bob:${ExitReason.KICKED}`, `alice:${ExitReason.LEFT}`]);
  expect(seen.roomDestroyed).toEqual([expect.objectContaining({ roomId: "ev", reason: ExitReason.EXPIRED })]);
});

test("a listener that throws is logged and the room carries on", async () => {
  const boom = () => {
    throw new Error("listener bug");
  };
  chat.events.on("messageDelivered", boom);
  const errors: unknown[][] = [];
  const spy = jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void errors.push(args));
  try {
    const room = await opened(sdk.joinOrCreate("chat", { roomId: "ev2", userId: "carol" }));
    await firstState(room);
    expect(await room.request("sendMessage", { type: "text", content: "one" })).toMatchObject({ seq: 1 });
    expect(await room.request("sendMessage", { type: "text", content: "two" })).toMatchObject({ seq: 2 });
    expect(errors.some((args) => String(args[0]).includes("messageDelivered"))).toBe(true);
    await room.leave();
  } finally {
    spy.mockRestore();
    chat.events.off("messageDelivered", boom);
  }
});
