/**
 * Live moderation across processes on Redis: this process (A) and an `npm start` child (B) share
 * one database; the members are ChatClients entering through B (Colyseus creates the room on the
 * less loaded process), and every change is made through the operator API of the process that
 * does NOT host the room. Slow mode, the room's word filter and a shadow ban each reach the room
 * through the store's bus, as the next send there shows.
 */
import { randomUUID } from "node:crypto";
import { matchMaker } from "@colyseus/core";
import { ChatClient } from "../../src/client";
import { ErrorCode } from "../../src/core/errors";
import { redisDbUrl, startProcess, stopAllProcesses, type ServerProcess } from "../helpers/cluster";
import { signedPost, type FormParams } from "../helpers/operator";
import { describeWithRedis, REDIS_URL } from "../helpers/redis";
import { useServer, waitFor } from "../helpers/server";
import { receivedMessages, rejection } from "../client/helpers";

/** A database of this suite's own (the cluster suites use 11 and 12, objectNamesRedis 13); room ids are unique per run. */
const url = redisDbUrl(REDIS_URL, 9);
const roomID = `lmr-${randomUUID().slice(0, 8)}`;
const text = (content: string) => ({ type: "text", content });

describeWithRedis("live moderation with two processes on Redis", () => {
  let b: ServerProcess;
  const a = useServer({ redisUrl: url, sendRatePerSecond: 1000 });
  beforeAll(async () => {
    b = await startProcess({ REDIS_URL: url, CHAT_SEND_RATE_PER_S: "1000" });
  }, 30_000);
  afterAll(async () => {
    await stopAllProcesses();
  });
  /** The operator API of the process that does not host the room. */
  let otherUrl = "";
  const viaOther = async (path: string, params: FormParams) => {
    const reply = await signedPost(otherUrl, path, params);
    expect(reply.body).toMatchObject({ code: 200 });
  };

  test("slow mode, the room's filter and a shadow ban set on one process reach the room on the other", async () => {
    const ann = new ChatClient(`ws://127.0.0.1:${b.port}`, { userId: "ann" });
    const bob = new ChatClient(`ws://127.0.0.1:${b.port}`, { userId: "bob" });
    const slowMode: number[] = [];
    ann.on("roomSlowModeChanged", (seconds) => slowMode.push(seconds));
    const bobReceived = receivedMessages(bob, roomID);
    // bob creates the room and owns it: ann, a plain member, is not exempt from slow mode
    await bob.enterRoom({ roomID });
    await ann.enterRoom({ roomID });
    const hostedHere = (matchMaker.getLocalRoomById(roomID) as unknown) !== undefined;
    otherUrl = hostedHere ? b.httpUrl : a.httpUrl;
    try {
      await viaOther("/chatroom/slowmode/set.json", { chatroomId: roomID, seconds: 60 });
      await waitFor(() => slowMode.includes(60), 5000, "ann told of slow mode set on the other process");
      await ann.sendRoomMessage(roomID, text("one"));
      expect((await rejection(ann.sendRoomMessage(roomID, text("two")))).code).toBe(ErrorCode.SLOW_MODE);
      await viaOther("/chatroom/slowmode/set.json", { chatroomId: roomID, seconds: 0 });
      await waitFor(() => slowMode.at(-1) === 0, 5000, "ann told slow mode is off");

      await viaOther("/chatroom/filter/add.json", { chatroomId: roomID, word: "forbidden" });
      // the notice crosses Redis after A's answer: the room on B applies it within a round trip
      await waitFor(
        () =>
          ann.sendRoomMessage(roomID, text("FORBIDDEN")).then(
            () => false,
            (e: unknown) => (e as { code?: unknown }).code === ErrorCode.CONTENT_BLOCKED,
          ),
        5000,
        "the filter set on the other process refuses",
      );

      await viaOther("/chatroom/user/shadowban/add.json", { chatroomId: roomID, userId: "ann", minute: 1 });
      let hidden: string | undefined;
      await waitFor(
        async () => {
          const sent = await ann.sendRoomMessage(roomID, text("hidden?"));
          const marker = await bob.sendRoomMessage(roomID, text("marker"));
          await waitFor(() => bobReceived.some((m) => m.messageID === marker.messageID), 5000, "bob receives his marker");
          if (bobReceived.some((m) => m.messageID === sent.messageID)) return false;
          hidden = sent.messageID;
          return true;
        },
        5000,
        "the shadow ban set on the other process holds",
      );
      expect(bobReceived.some((m) => m.messageID === hidden)).toBe(false);
      expect((await bob.queryRoomHistory(roomID)).some((m) => m.messageID === hidden)).toBe(false);
    } finally {
      await Promise.all([ann.leaveAllRoom(), bob.leaveAllRoom()]);
    }
  }, 30_000);
});
