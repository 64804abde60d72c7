/**
 * What a game client does, with the plain SDK and with ChatClient. Run against the example
 * server: `npx tsx examples/game-with-chat/client.ts` (URL, default http://localhost:2567).
 */
import { Client } from "@colyseus/sdk";
import { ChatClient, type RoomMessage } from "../../src/client";

/** Plain @colyseus/sdk: the game room and the chat room with the SDK's own calls. */
export async function plainSdk(url: string): Promise<void> {
  const client = new Client(url);
  const battle = await client.joinOrCreate("battle");
  battle.send("move", { x: 3, y: 4 });

  const chat = await client.joinOrCreate("chat", { roomId: "lobby", userId: "u1", userName: "Ann", team: "red" });
  chat.onMessage("roomJoinHistory", ({ messages }: { messages: RoomMessage[] }) => console.log("recent", messages.length));
  chat.onMessage("roomMessages", (messages: RoomMessage[]) => messages.forEach((m) => console.log(`${m.senderUserID}: ${m.content}`)));
  chat.onMessage("*", () => undefined); // member events and the rest, unused here
  const sent: RoomMessage = await chat.request("sendMessage", { type: "text", content: "gl hf" });
  console.log("sent as seq", sent.seq);
  try {
    await chat.request("sendMessage", { type: "text", content: "cheat code?" });
  } catch (e) {
    console.log("refused:", (e as { reason?: unknown }).reason); // { code: 30001, message: "no cheating talk" }
  }
  await Promise.all([chat.leave(), battle.leave()]);
}

/** ChatClient: ZIM-style calls and events over the same rooms. */
export async function withChatClient(url: string): Promise<void> {
  const chat = new ChatClient(url, { userId: "u2", userName: "Bo", roomType: "chat", joinData: { team: "blue" } });
  chat.on("roomMessageReceived", (messages) => messages.forEach((m) => console.log(`${m.senderUserID}: ${m.content}`)));
  const room = await chat.enterRoom({ roomID: "lobby", roomName: "Lobby" });
  console.log(room.members.map((m) => `${m.userId} (${m.fields?.team ?? "?"})`));
  await chat.sendRoomMessage("lobby", { type: "text", content: "hello" });
  await chat.leaveAllRoom();
}

if (require.main === module) {
  const url = process.env.URL ?? "http://localhost:2567";
  plainSdk(url)
    .then(() => withChatClient(url))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
