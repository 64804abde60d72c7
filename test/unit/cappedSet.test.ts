/** Adding to a capped store set (mute exceptions, protected users, message type lists): one rule. */
import { ErrorCode } from "../../src/core/errors";
import { addCapped } from "../../src/service/cappedSet";
import type { ChatContext } from "../../src/service/context";
import { addMessageTypes } from "../../src/service/messageLists";
import { addMuteExceptions } from "../../src/service/moderation";
import { Scope } from "../../src/service/scopes";
import { chatHandler, fakeContext, FakeMatchmaker, listing } from "./fakeMatchmaker";

const members = async (ctx: ChatContext, scope: string) => (await ctx.store.sets.list(scope, ctx.now())).map((e) => e.member).sort();

describe("addCapped", () => {
  let ctx: ChatContext;
  beforeEach(() => {
    const mm = new FakeMatchmaker();
    mm.handlers.chatroom = chatHandler();
    mm.listings.set("lobby", listing("lobby", "chatroom"));
    ctx = fakeContext(mm);
  });
  afterEach(async () => {
    ctx.claims.stop();
    await ctx.store.close();
  });

  test("members already in the set do not count twice, so the set may fill up to its cap", async () => {
    await addCapped(ctx, "s", ["a", "b"], { max: 3, what: "test set", unit: "things" });
    await addCapped(ctx, "s", ["b", "c"], { max: 3, what: "test set", unit: "things" });
    expect(await members(ctx, "s")).toEqual(["a", "b", "c"]);
  });

  test("over the cap nothing is added, and PARAMETER names the set, its cap and both sizes", async () => {
    await addCapped(ctx, "s", ["a", "b"], { max: 3, what: "test set", unit: "things" });
    await expect(addCapped(ctx, "s", ["c", "d"], { max: 3, what: "test set", unit: "things" })).rejects.toMatchObject({
      code: ErrorCode.PARAMETER,
      message: "the test set holds at most 3 things: it has 2, this call would make it 4",
    });
    expect(await members(ctx, "s")).toEqual(["a", "b"]);
  });

  test("the mute-exceptions list and the message type lists keep their own caps and words", async () => {
    const users = Array.from({ length: 21 }, (_, i) => `u${i}`);
    await expect(addMuteExceptions(ctx, "lobby", users)).rejects.toMatchObject({
      code: ErrorCode.PARAMETER,
      message: "the mute-exceptions list holds at most 20 users: it has 0, this call would make it 21",
    });
    expect(await members(ctx, Scope.muteExceptions("lobby"))).toEqual([]);
    const types = Array.from({ length: 21 }, (_, i) => `T:${i}`);
    await expect(addMessageTypes(ctx, "protected", types)).rejects.toMatchObject({
      code: ErrorCode.PARAMETER,
      message: "the protected message types list (message whitelist) holds at most 20 types: it has 0, this call would make it 21",
    });
  });
});
