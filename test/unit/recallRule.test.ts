/** The one rule of who may recall which message (service/recall), for every door. */
import { ErrorCode } from "../../src/core/errors";
import type { RoomMessage } from "../../src/protocol";
import type { ChatContext } from "../../src/service/context";
import { findRecallable } from "../../src/service/recall";
import { fakeContext, FakeMatchmaker } from "./fakeMatchmaker";

const message = (seq: number, senderUserID: string): RoomMessage => ({
  messageID: `m${seq}`,
  seq,
  timestamp: seq,
  senderUserID,
  type: "text",
  content: `#${seq}`,
});

describe("findRecallable", () => {
  let ctx: ChatContext;
  beforeEach(async () => {
    ctx = fakeContext(new FakeMatchmaker(), { config: { historySize: 3 } });
    for (let seq = 1; seq <= 5; seq++) await ctx.store.history.append("lobby", message(seq, seq % 2 ? "ann" : "bob"), 100);
  });
  afterEach(async () => {
    ctx.claims.stop();
    await ctx.store.close();
  });

  test("a member recalls its own kept message, and nobody else's", async () => {
    await expect(findRecallable(ctx, "lobby", "m5", { kind: "member", userId: "ann" })).resolves.toEqual(message(5, "ann"));
    await expect(findRecallable(ctx, "lobby", "m4", { kind: "member", userId: "ann" })).rejects.toMatchObject({
      code: ErrorCode.NOT_MESSAGE_SENDER,
      message: "only the sender (bob) may recall message m4",
    });
  });

  test("the operator in the room recalls anyone's message", async () => {
    await expect(findRecallable(ctx, "lobby", "m4", { kind: "operator" })).resolves.toEqual(message(4, "bob"));
  });

  test("the operator API on behalf of a sender recalls only that sender's messages, in its own words", async () => {
    await expect(findRecallable(ctx, "lobby", "m4", { kind: "operatorAs", senderUserID: "bob" })).resolves.toEqual(message(4, "bob"));
    await expect(findRecallable(ctx, "lobby", "m5", { kind: "operatorAs", senderUserID: "bob" })).rejects.toMatchObject({
      code: ErrorCode.NOT_MESSAGE_SENDER,
      message: "message m5 was sent by ann, not by fromUserId bob",
    });
  });

  test("only the last historySize messages can be recalled, by anyone", async () => {
    await expect(findRecallable(ctx, "lobby", "m2", { kind: "operator" })).rejects.toMatchObject({
      code: ErrorCode.MESSAGE_NOT_FOUND,
      message: "message m2 is not in the history of room lobby",
    });
    await expect(findRecallable(ctx, "lobby", "m2", { kind: "operatorAs", senderUserID: "bob" })).rejects.toMatchObject({
      code: ErrorCode.MESSAGE_NOT_FOUND,
      message: "message m2 is not in the history of chatroom lobby",
    });
  });
});
