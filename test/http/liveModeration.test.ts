/**
 * The live-moderation operator routes (src/http/routes/liveModeration.ts): each call's answer and
 * what the matching query then lists, bad input refused by name and limit (changing nothing), and
 * every change written to the audit trail.
 */
import { ErrorCode } from "../../src/core/errors";
import { FILTER_LIMITS } from "../../src/core/wordFilter";
import { signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "lmKey", appSecret: "lmSecret" };
/** A frozen clock: 2030-01-01 00:00:00.500 UTC, so end times are predictable. */
const nowMs = Date.UTC(2030, 0, 1, 0, 0, 0, 500);
const t = useServer({ ...creds, now: () => nowMs, apiRateLimit: 1000 });
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);
const ok = async (path: string, params: FormParams) => {
  const reply = await post(path, params);
  expect(reply.body).toMatchObject({ code: 200 });
  return reply.body as Record<string, unknown>;
};
beforeAll(async () => {
  await ok("/chatroom/create.json", { "chatroom[lm1]": "one", "chatroom[lm2]": "two" });
});

/** A refusal: HTTP status and code, and the message naming `mentions`. */
async function refused(path: string, params: FormParams, mentions: string, code: number = ErrorCode.PARAMETER): Promise<void> {
  const reply = await post(path, params);
  expect([reply.body.code, reply.body.errorMessage]).toEqual([code, expect.stringContaining(mentions)]);
  expect(reply.status).toBe(code === ErrorCode.ROOM_NOT_EXIST ? 200 : 400);
}

describe("slow mode", () => {
  test("set and query; 0 turns it off", async () => {
    expect(await ok("/chatroom/slowmode/query.json", { chatroomId: "lm1" })).toEqual({ code: 200, seconds: 0 });
    await ok("/chatroom/slowmode/set.json", { chatroomId: "lm1", seconds: 120 });
    expect(await ok("/chatroom/slowmode/query.json", { chatroomId: "lm1" })).toEqual({ code: 200, seconds: 120 });
    await ok("/chatroom/slowmode/set.json", { chatroomId: "lm1", seconds: 0 });
    expect(await ok("/chatroom/slowmode/query.json", { chatroomId: "lm1" })).toEqual({ code: 200, seconds: 0 });
  });

  test("refuses seconds outside 0..120 or missing, a bad or missing room id, and a room that is not live; nothing changes", async () => {
    await ok("/chatroom/slowmode/set.json", { chatroomId: "lm2", seconds: 5 });
    await refused("/chatroom/slowmode/set.json", { chatroomId: "lm2", seconds: 121 }, "seconds");
    await refused("/chatroom/slowmode/set.json", { chatroomId: "lm2", seconds: -1 }, "0..120");
    await refused("/chatroom/slowmode/set.json", { chatroomId: "lm2", seconds: "1.5" }, "seconds");
    await refused("/chatroom/slowmode/set.json", { chatroomId: "lm2" }, "seconds is required (an integer in 0..120)");
    await refused("/chatroom/slowmode/set.json", { seconds: 3 }, "chatroomId");
    await refused("/chatroom/slowmode/set.json", { chatroomId: "bad id!", seconds: 3 }, "chatroomId");
    await refused(
      "/chatroom/slowmode/set.json",
      { chatroomId: "nowhere", seconds: 3 },
      "chatroom nowhere does not exist",
      ErrorCode.ROOM_NOT_EXIST,
    );
    expect(await ok("/chatroom/slowmode/query.json", { chatroomId: "lm2" })).toEqual({ code: 200, seconds: 5 });
  });
});

describe("word filter", () => {
  test("the app-wide list: add (RongCloud's replaceWord = mask, else block; action wins), list by type, batch delete", async () => {
    await ok("/sensitiveword/add.json", { word: "alpha" });
    await ok("/sensitiveword/add.json", { word: "beta", replaceWord: "***" });
    await ok("/sensitiveword/add.json", { word: "g[a4]mma", isRegex: "true", action: "flag" });
    const all = [
      { word: "alpha", type: "1", action: "block", isRegex: false },
      { word: "beta", type: "0", action: "mask", isRegex: false },
      { word: "g[a4]mma", type: "2", action: "flag", isRegex: true },
    ];
    expect(await ok("/sensitiveword/list.json", {})).toEqual({ code: 200, words: all });
    expect(await ok("/sensitiveword/list.json", { type: 0 })).toEqual({ code: 200, words: [all[1]] });
    expect(await ok("/sensitiveword/list.json", { type: 1 })).toEqual({ code: 200, words: [all[0]] });
    // adding a listed pattern again replaces its action
    await ok("/sensitiveword/add.json", { word: "alpha", action: "mask" });
    expect((await ok("/sensitiveword/list.json", {})).words).toEqual([{ ...all[0], type: "0", action: "mask" }, all[1], all[2]]);
    await ok("/sensitiveword/batch/delete.json", { words: ["alpha", "beta", "g[a4]mma", "never listed"] });
    expect(await ok("/sensitiveword/list.json", {})).toEqual({ code: 200, words: [] });
  });

  test("a room's list is its own", async () => {
    await ok("/chatroom/filter/add.json", { chatroomId: "lm1", word: "roomword", action: "block" });
    expect(await ok("/chatroom/filter/list.json", { chatroomId: "lm1" })).toEqual({
      code: 200,
      words: [{ word: "roomword", type: "1", action: "block", isRegex: false }],
    });
    expect(await ok("/chatroom/filter/list.json", { chatroomId: "lm2" })).toEqual({ code: 200, words: [] });
    expect(await ok("/sensitiveword/list.json", {})).toEqual({ code: 200, words: [] });
    await ok("/chatroom/filter/batch/delete.json", { chatroomId: "lm1", words: "roomword" });
    expect(await ok("/chatroom/filter/list.json", { chatroomId: "lm1" })).toEqual({ code: 200, words: [] });
  });

  test("refuses bad entries by name and limit, and adds nothing", async () => {
    const add = "/sensitiveword/add.json";
    await refused(add, {}, "word is required");
    await refused(add, { word: "x".repeat(65) }, "word must be a word of 1..64 characters, got 65", ErrorCode.TOO_LONG);
    await refused(add, { word: "x".repeat(257), isRegex: 1 }, "1..256 characters", ErrorCode.TOO_LONG);
    await refused(add, { word: "a(", isRegex: 1 }, "word is not a valid RE2 regex");
    await refused(add, { word: "(?=look)", isRegex: 1 }, "word is not a valid RE2 regex");
    await refused(add, { word: "a*", isRegex: 1 }, "word can match the empty text");
    await refused(add, { word: "[a-z]{1000}", isRegex: 1 }, "word is too complex");
    await refused(add, { word: "w", action: "delete" }, "action must be one of block, mask, flag");
    await refused(add, { word: "w", isRegex: "maybe" }, "isRegex");
    await refused("/sensitiveword/list.json", { type: 3 }, "type");
    await refused("/sensitiveword/batch/delete.json", {}, "words is required");
    await refused("/sensitiveword/batch/delete.json", { words: Array.from({ length: 51 }, (_, i) => `w${i}`) }, "at most 50");
    await refused("/chatroom/filter/add.json", { word: "w" }, "chatroomId");
    await refused("/chatroom/filter/add.json", { chatroomId: "nowhere", word: "w" }, "does not exist", ErrorCode.ROOM_NOT_EXIST);
    expect(await ok("/sensitiveword/list.json", {})).toEqual({ code: 200, words: [] });
    expect(await ok("/chatroom/filter/list.json", { chatroomId: "nowhere" })).toEqual({ code: 200, words: [] });
  });

  test(`a room's list holds at most ${FILTER_LIMITS.roomEntries} entries: the call that would go over is refused`, async () => {
    for (let i = 0; i < FILTER_LIMITS.roomEntries; i++) await ok("/chatroom/filter/add.json", { chatroomId: "lm2", word: `w${i}` });
    await refused("/chatroom/filter/add.json", { chatroomId: "lm2", word: "one more" }, "holds at most 100 entries: it has 100");
    // replacing a listed one is no growth
    await ok("/chatroom/filter/add.json", { chatroomId: "lm2", word: "w0", action: "flag" });
    const words = (await ok("/chatroom/filter/list.json", { chatroomId: "lm2" })).words as unknown[];
    expect(words).toHaveLength(FILTER_LIMITS.roomEntries);
  });
});

test(`the regexes of a list hold at most ${FILTER_LIMITS.roomRegexProgramSize} RE2 instructions per room (${FILTER_LIMITS.appRegexProgramSize} app-wide) in all`, async () => {
  await ok("/chatroom/create.json", { "chatroom[lmrx]": "regexes" });
  // [a-z]{40}q is 43 instructions (the 100 per regex allow it): two fit in a room, a third does not
  await ok("/chatroom/filter/add.json", { chatroomId: "lmrx", word: "[a-z]{40}q", isRegex: 1 });
  await ok("/chatroom/filter/add.json", { chatroomId: "lmrx", word: "[a-z]{40}r", isRegex: 1 });
  await refused(
    "/chatroom/filter/add.json",
    { chatroomId: "lmrx", word: "[a-z]{40}s", isRegex: 1 },
    "the regexes of the word filter of chatroom lmrx may hold at most 100 RE2 instructions in all: they have 86, this call would make it 129",
  );
  await refused("/chatroom/filter/add.json", { chatroomId: "lmrx", word: "[a-z]{120}", isRegex: 1 }, "at most 100");
  // words do not count
  await ok("/chatroom/filter/add.json", { chatroomId: "lmrx", word: "plain" });
  expect(((await ok("/chatroom/filter/list.json", { chatroomId: "lmrx" })).words as unknown[]).length).toBe(3);
});

describe("shadow ban", () => {
  test("room: add lists each user with its end time, rollback removes", async () => {
    await ok("/chatroom/user/shadowban/add.json", { chatroomId: "lm1", userId: ["ua", "ub"], minute: 10 });
    expect(await ok("/chatroom/user/shadowban/list.json", { chatroomId: "lm1" })).toEqual({
      code: 200,
      users: [
        { time: "2030-01-01 00:10:01", userId: "ua" },
        { time: "2030-01-01 00:10:01", userId: "ub" },
      ],
    });
    await ok("/chatroom/user/shadowban/rollback.json", { chatroomId: "lm1", userId: "ua" });
    expect((await ok("/chatroom/user/shadowban/list.json", { chatroomId: "lm1" })).users).toEqual([
      { time: "2030-01-01 00:10:01", userId: "ub" },
    ]);
  });

  test("app-wide: add, query, remove", async () => {
    await ok("/chatroom/user/shadowban/global/add.json", { userId: "uz", minute: 1 });
    expect(await ok("/chatroom/user/shadowban/global/query.json", {})).toEqual({
      code: 200,
      users: [{ time: "2030-01-01 00:01:01", userId: "uz" }],
    });
    await ok("/chatroom/user/shadowban/global/remove.json", { userId: "uz" });
    expect(await ok("/chatroom/user/shadowban/global/query.json", {})).toEqual({ code: 200, users: [] });
  });

  test("refuses minute outside 1..43200, over 20 users, missing ids; nothing changes", async () => {
    const users = Array.from({ length: 21 }, (_, i) => `u${i}`);
    await refused("/chatroom/user/shadowban/add.json", { chatroomId: "lm2", userId: "u", minute: 0 }, "1..43200");
    await refused("/chatroom/user/shadowban/add.json", { chatroomId: "lm2", userId: "u" }, "minute");
    await refused("/chatroom/user/shadowban/add.json", { chatroomId: "lm2", userId: users, minute: 1 }, "at most 20");
    await refused("/chatroom/user/shadowban/add.json", { chatroomId: "lm2", minute: 1 }, "userId");
    await refused("/chatroom/user/shadowban/global/add.json", { userId: "u", minute: 43_201 }, "1..43200");
    await refused("/chatroom/user/shadowban/global/remove.json", {}, "userId");
    expect(await ok("/chatroom/user/shadowban/list.json", { chatroomId: "lm2" })).toEqual({ code: 200, users: [] });
    expect(await ok("/chatroom/user/shadowban/global/query.json", {})).toEqual({ code: 200, users: [] });
  });
});

test("destroying a room forgets its slow mode and its word filter; its shadow bans stay until they end", async () => {
  await ok("/chatroom/create.json", { "chatroom[lmd]": "doomed" });
  await ok("/chatroom/slowmode/set.json", { chatroomId: "lmd", seconds: 9 });
  await ok("/chatroom/filter/add.json", { chatroomId: "lmd", word: "gone" });
  await ok("/chatroom/user/shadowban/add.json", { chatroomId: "lmd", userId: "stays", minute: 5 });
  await ok("/chatroom/destroy.json", { chatroomId: "lmd" });
  await waitFor(
    async () =>
      (await ok("/chatroom/slowmode/query.json", { chatroomId: "lmd" })).seconds === 0 &&
      ((await ok("/chatroom/filter/list.json", { chatroomId: "lmd" })).words as unknown[]).length === 0,
    5000,
    "the destroyed room's slow mode and filter to be forgotten",
  );
  expect((await ok("/chatroom/user/shadowban/list.json", { chatroomId: "lmd" })).users).toEqual([
    { time: "2030-01-01 00:05:01", userId: "stays" },
  ]);
});

test("every change is in the audit trail with its result, refusals included; queries are not", async () => {
  await ok("/chatroom/slowmode/set.json", { chatroomId: "lm1", seconds: 30 });
  await post("/chatroom/slowmode/set.json", { chatroomId: "lm1", seconds: 500 });
  await ok("/chatroom/slowmode/query.json", { chatroomId: "lm1" });
  await ok("/chatroom/user/shadowban/add.json", { chatroomId: "lm1", userId: "uq", minute: 3 });
  const trail = (await ok("/chatroom/audit/query.json", { chatroomId: "lm1", count: 3 })).entries as Record<string, unknown>[];
  expect(trail).toMatchObject([
    { action: "/chatroom/user/shadowban/add.json", chatroomIds: ["lm1"], userIds: ["uq"], result: 200, detail: "minute=3" },
    { action: "/chatroom/slowmode/set.json", chatroomIds: ["lm1"], result: ErrorCode.PARAMETER, detail: "seconds=500" },
    { action: "/chatroom/slowmode/set.json", chatroomIds: ["lm1"], result: 200, detail: "seconds=30" },
  ]);
  await ok("/sensitiveword/add.json", { word: "audited" });
  const appWide = (await ok("/chatroom/audit/query.json", { count: 1 })).entries as Record<string, unknown>[];
  expect(appWide).toMatchObject([{ action: "/sensitiveword/add.json", result: 200, detail: "word=audited" }]);
  await ok("/sensitiveword/batch/delete.json", { words: "audited" });
});
