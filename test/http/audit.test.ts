/**
 * The audit trail over the operator API: changes are recorded with their results (reads are not),
 * kicks and destroys add what happened to the members and rooms, and the query filters and refuses
 * bad input by name.
 */
import { ErrorCode } from "../../src/core/errors";
import type { AuditWireEntry } from "../../src/http/routes/audit";
import { enterAs, signedPost, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { leaveCode, useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "auditKey", appSecret: "auditSecret" };
const t = useServer({ ...creds });
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);

async function trail(params: FormParams = {}): Promise<AuditWireEntry[]> {
  const reply = await post("/chatroom/audit/query.json", params);
  expect(reply.body).toMatchObject({ code: 200, kept: true });
  return reply.body.entries as AuditWireEntry[];
}

test("a change is recorded with who, what, which room and users, and its result; reads are not", async () => {
  const before = Date.now();
  expect((await post("/chatroom/create.json", { "chatroom[au1]": "Audit one" })).body.code).toBe(200);
  expect(
    (await post("/chatroom/user/block/add.json", { chatroomId: "au1", userId: ["mal", "eve"], minute: 10, extra: "secret note" })).body
      .code,
  ).toBe(200);
  expect((await post("/chatroom/get.json", { chatroomId: "au1" })).body.code).toBe(200);
  expect((await post("/chatroom/user/block/list.json", { chatroomId: "au1" })).body.code).toBe(200);

  const [block, create, ...older] = (await trail({ chatroomId: "au1" })) as (AuditWireEntry | undefined)[];
  expect(older).toEqual([]);
  expect(create).toMatchObject({
    actor: "operator:auditKey",
    action: "/chatroom/create.json",
    chatroomIds: ["au1"],
    userIds: [],
    result: 200,
  });
  expect(block).toMatchObject({
    actor: "operator:auditKey",
    action: "/chatroom/user/block/add.json",
    chatroomIds: ["au1"],
    userIds: ["mal", "eve"],
    result: 200,
    detail: "minute=10",
  });
  expect(block!.timestamp).toBeGreaterThanOrEqual(before);
  expect(block!.time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

test("a refused change is recorded with the code it was answered", async () => {
  const reply = await post("/chatroom/user/gag/add.json", { chatroomId: "au2", userId: "bob", minute: 0 });
  expect(reply.body.code).toBe(ErrorCode.PARAMETER);
  const [entry] = await trail({ chatroomId: "au2", count: 1 });
  expect(entry).toMatchObject({ action: "/chatroom/user/gag/add.json", userIds: ["bob"], result: ErrorCode.PARAMETER, detail: "minute=0" });
});

test("a kick is recorded as the operator's call and as the member's removal; a destroy as the room's end", async () => {
  const room = await enterAs(t.httpUrl, "au3", "kim", creds, "enter");
  // lee stays, so the room is not emptied (and destroyed by itself) by kim's kick
  t.track(await enterAs(t.httpUrl, "au3", "lee", creds, "enter"));
  const left = leaveCode(room);
  expect((await post("/chatroom/user/kick.json", { chatroomId: "au3", userId: "kim" })).body.code).toBe(200);
  await left;
  await waitFor(
    async () => (await trail({ userId: "kim" })).some((e) => e.action === "member.removed"),
    5000,
    "the removal to be recorded",
  );
  const kim = await trail({ userId: "kim" });
  expect(kim.map((e) => [e.actor, e.action, e.detail])).toEqual(
    expect.arrayContaining([
      ["operator:auditKey", "/chatroom/user/kick.json", ""],
      ["system", "member.removed", "reason=KICKED"],
    ]),
  );

  expect((await post("/chatroom/destroy.json", { chatroomId: "au3" })).body.code).toBe(200);
  await waitFor(
    async () => (await trail({ chatroomId: "au3" })).some((e) => e.action === "room.destroyed"),
    5000,
    "the destroy to be recorded",
  );
  const [last] = (await trail({ chatroomId: "au3" })).filter((e) => e.actor === "system" && e.action === "room.destroyed");
  expect(last).toMatchObject({ chatroomIds: ["au3"], detail: "reason=DISMISSED", result: 200 });
});

test("count, time bounds and user filter select entries; newest first", async () => {
  for (const userId of ["p1", "p2", "p3"]) await post("/chatroom/user/ban/add.json", { userId, minute: 5 });
  const newest = await trail({ count: 2 });
  expect(newest.map((e) => e.userIds)).toEqual([["p3"], ["p2"]]);
  const all = await trail({ count: 500 });
  const p1 = all.find((e) => e.userIds.includes("p1"))!;
  expect((await trail({ endTime: p1.timestamp - 1 })).some((e) => e.userIds.includes("p1"))).toBe(false);
  expect((await trail({ startTime: p1.timestamp, userId: "p1" })).map((e) => e.action)).toEqual(["/chatroom/user/ban/add.json"]);
});

test("bad query input is refused naming the field and its limit, and is not itself recorded", async () => {
  const countBefore = (await trail({ count: 500 })).length;
  for (const [params, mentions] of [
    [{ count: 0 }, "count"],
    [{ count: 501 }, "count"],
    [{ startTime: -1 }, "startTime"],
    [{ chatroomId: "bad id!" }, "chatroomId"],
  ] as const) {
    const reply = await post("/chatroom/audit/query.json", params);
    expect([reply.status, reply.body.code]).toEqual([400, ErrorCode.PARAMETER]);
    expect(reply.body.errorMessage).toContain(mentions);
  }
  expect((await trail({ count: 500 })).length).toBe(countBefore);
});
