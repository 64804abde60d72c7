/**
 * Plain @colyseus/sdk (colyseus.js) clients without ChatClient, through the `/chat/enter` route
 * (the entry sugar in chat.router()) and `consumeSeatReservation`; the SDK's own matchmaking calls
 * are covered by test/plugin/sdkPaths.test.ts and test/integration/membership.test.ts.
 */
import { Client, type Room, type SeatReservation } from "@colyseus/sdk";
import {
  ClientRequest,
  ENTER_PATH,
  ServerMessage,
  type EnterRequest,
  type HistorySync,
  type MembersChangedPayload,
  type RoomInfo,
  type RoomMessage,
} from "../../src/protocol";
import { MessageSequencer, type SequencerStep } from "../../src/client";
import { ErrorCode } from "../../src/core/errors";
import { ExitReason, exitReasonOfCloseCode } from "../../src/core/exitReasons";
import { Topic } from "../../src/service/scopes";
import { dropConnection, useServer, waitFor } from "../helpers/server";
import { chatClient, serverMembers } from "./helpers";

const t = useServer();

// --- the documented example -------------------------------------------------------------------

/** Enters a chatroom with a plain SDK client: POST the entry request, then consume the seat. */
async function enterChatroom(client: Client, httpUrl: string, request: EnterRequest): Promise<Room> {
  const res = await fetch(httpUrl + ENTER_PATH, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = (await res.json()) as { seat?: SeatReservation; code?: number; message?: string };
  // business errors (23xxx/24xxx) come with HTTP 200 and a code, like RongCloud's API
  if (!body.seat) throw Object.assign(new Error(body.message), { code: body.code });
  return client.consumeSeatReservation(body.seat);
}

// ------------------------------------------------------------------------------------------------

test("a plain SDK client enters, reads the state and the info request, hears members, and leaves", async () => {
  const client = new Client(t.httpUrl);
  const room = await enterChatroom(client, t.httpUrl, {
    mode: "enter",
    roomId: "plain1",
    roomName: "Plain",
    userId: "gamer",
    userName: "Gamer",
  });
  const joined: MembersChangedPayload[] = [];
  room.onMessage(ServerMessage.MEMBERS_JOINED, (payload: MembersChangedPayload) => joined.push(payload));
  room.onMessage(ServerMessage.MEMBERS_LEFT, () => undefined);

  const info = await room.request<unknown, RoomInfo>("info");
  expect(info).toMatchObject({
    roomID: "plain1",
    roomName: "Plain",
    memberCount: 1,
    members: [expect.objectContaining({ userId: "gamer", userName: "Gamer" })],
  });
  await waitFor(() => (room.state as { memberCount?: number }).memberCount === 1, 2000, "the state");

  // ChatClient users and plain SDK users share rooms
  const { chat, seen } = chatClient(t, "app-user");
  await chat.joinRoom("plain1");
  await waitFor(() => joined.some((p) => p.members.some((m) => m.userId === "app-user")), 2000, "the plain client hears the app user");

  const code = await room.leave(); // consented: close code 4000, reason LEFT for everyone else
  expect(exitReasonOfCloseCode(code)).toBe(ExitReason.LEFT);
  await waitFor(() => seen.left.length === 1, 2000, "the app user hears the plain client leave");
  expect(seen.left).toEqual([`plain1:gamer:${ExitReason.LEFT}`]);
  await chat.leaveAllRoom();
});

test("a refused entry answers { code, message } with the error table's code", async () => {
  const client = new Client(t.httpUrl);
  await expect(enterChatroom(client, t.httpUrl, { mode: "join", roomId: "plain-missing", userId: "gamer" })).rejects.toMatchObject({
    code: ErrorCode.ROOM_NOT_EXIST,
  });
});

test("a plain SDK client removed by the server gets the exit table's close code in onLeave", async () => {
  const client = new Client(t.httpUrl);
  const room = await enterChatroom(client, t.httpUrl, { mode: "enter", roomId: "plain2", userId: "gamer" });
  const closed = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
  await waitFor(() => serverMembers("plain2").length === 1, 2000, "the join");
  await t.server.ctx.store.bus.publish(Topic.room("plain2"), { type: "remove", userIds: ["gamer"], reason: ExitReason.KICKED });
  const code = await closed;
  expect(code).toBe(4101);
  expect(exitReasonOfCloseCode(code)).toBe(ExitReason.KICKED);
});

test("a plain SDK client sends, receives in order, and recovers what it missed offline with syncMessages (the documented MessageSequencer wiring)", async () => {
  const client = new Client(t.httpUrl);
  const room = await enterChatroom(client, t.httpUrl, { mode: "enter", roomId: "plain3", userId: "gamer" });

  // --- the documented example ---
  const shown: RoomMessage[] = [];
  const sequencer = new MessageSequencer();
  const apply = ({ deliver, syncAfter }: SequencerStep) => {
    shown.push(...deliver);
    if (syncAfter === undefined) return;
    room.request("syncMessages", { afterSeq: syncAfter }).then(
      (reply: HistorySync) => apply(sequencer.synced(reply)),
      () => sequencer.syncFailed(),
    );
  };
  room.onMessage("roomJoinHistory", (history: HistorySync) => apply(sequencer.joined(history)));
  room.onMessage("roomMessages", (messages: RoomMessage[]) => apply(sequencer.received(messages)));
  room.onReconnect(() => apply(sequencer.reconnected()));
  // ---

  const sent = await room.request<unknown, RoomMessage>(ClientRequest.SEND, { type: "text", content: "hi from a plain client" });
  expect(sent).toMatchObject({ seq: 1, senderUserID: "gamer", content: "hi from a plain client" });
  const refused = await room.request(ClientRequest.SEND, { type: "", content: "x" }).then(
    () => undefined,
    (e: unknown) => (e as { reason?: unknown }).reason,
  );
  expect(refused).toMatchObject({ code: ErrorCode.PARAMETER });

  const { chat } = chatClient(t, "app-user");
  await chat.joinRoom("plain3");
  room.reconnection.minDelay = 1000;
  room.reconnection.maxDelay = 1000;
  const back = new Promise<void>((resolve) => room.onReconnect(() => resolve()));
  await dropConnection(room, true);
  await waitFor(
    () => serverMembers("plain3").length === 2 && chat.room("plain3")?.members.find((m) => m.userId === "gamer")?.online === false,
    2000,
    "the drop",
  );
  for (let i = 0; i < 5; i++) await chat.sendRoomMessage("plain3", { type: "text", content: `missed ${i}` });
  await back;
  await room.request(ClientRequest.SEND, { type: "text", content: "after" });
  await waitFor(() => shown.length === 7, 3000, "every message");
  expect(shown.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  await room.leave();
  await chat.leaveAllRoom();
});
