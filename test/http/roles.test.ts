/**
 * The operator API's room roles (/chatroom/role/set|remove|query.json): signed forms, audited,
 * bad input refused naming the field and its limit with nothing changed, caps, and a change that
 * reaches the members of the live room at once.
 */
import { ChatClient, ErrorCode, type RoleChange } from "../../src/client";
import { signedPost, tokenFor, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "rolekey", appSecret: "rolesecret" };
const t = useServer({ ...creds });
const post = (path: string, params: FormParams) => signedPost(t.httpUrl, path, params, creds);
const query = async (roomId: string) => (await post("/chatroom/role/query.json", { chatroomId: roomId })).body as unknown;
const users = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

async function expectRefused(path: string, params: FormParams, mentions: string, code: number = ErrorCode.PARAMETER): Promise<void> {
  const reply = await post(path, params);
  expect([reply.status, reply.body.code]).toEqual([400, code]);
  expect(reply.body.errorMessage).toContain(mentions);
}

test("set gives roles, query lists them highest first then by user id, remove takes them; the room need not be live", async () => {
  expect((await post("/chatroom/role/set.json", { chatroomId: "hr1", userId: ["zed", "amy"], role: "moderator" })).body).toEqual({
    code: 200,
  });
  expect((await post("/chatroom/role/set.json", { chatroomId: "hr1", userId: "bob", role: "admin" })).body).toEqual({ code: 200 });
  expect((await post("/chatroom/role/set.json", { chatroomId: "hr1", userId: "own", role: "owner" })).body).toEqual({ code: 200 });
  expect(await query("hr1")).toEqual({
    code: 200,
    users: [
      { userId: "own", role: "owner" },
      { userId: "bob", role: "admin" },
      { userId: "amy", role: "moderator" },
      { userId: "zed", role: "moderator" },
    ],
  });
  // a new role replaces the old one
  await post("/chatroom/role/set.json", { chatroomId: "hr1", userId: "amy", role: "admin" });
  // a new owner replaces the previous one, who becomes a member
  await post("/chatroom/role/set.json", { chatroomId: "hr1", userId: "zed", role: "owner" });
  expect(await query("hr1")).toEqual({
    code: 200,
    users: [
      { userId: "zed", role: "owner" },
      { userId: "amy", role: "admin" },
      { userId: "bob", role: "admin" },
    ],
  });
  expect((await post("/chatroom/role/remove.json", { chatroomId: "hr1", userId: ["amy", "zed", "nobody"] })).body).toEqual({ code: 200 });
  expect(await query("hr1")).toEqual({ code: 200, users: [{ userId: "bob", role: "admin" }] });
  expect(await query("hr-none")).toEqual({ code: 200, users: [] });
});

test("set and remove are audited with the operator as actor and the role in the detail", async () => {
  await post("/chatroom/role/set.json", { chatroomId: "hr2", userId: "kim", role: "moderator" });
  await post("/chatroom/role/set.json", { chatroomId: "hr2", userId: "kim", role: "boss" });
  const reply = await post("/chatroom/audit/query.json", { chatroomId: "hr2" });
  const entries = reply.body.entries as { actor: string; action: string; userIds: string[]; result: number; detail: string }[];
  expect(entries.map((e) => [e.actor, e.action, e.userIds, e.result, e.detail])).toEqual([
    ["operator:rolekey", "/chatroom/role/set.json", ["kim"], ErrorCode.PARAMETER, "role=boss"],
    ["operator:rolekey", "/chatroom/role/set.json", ["kim"], 200, "role=moderator"],
  ]);
});

test("bad input is PARAMETER naming the field and its limit, and changes nothing", async () => {
  await post("/chatroom/role/set.json", { chatroomId: "hr3", userId: "keep", role: "admin" });
  const before = await query("hr3");
  const set = "/chatroom/role/set.json";
  await expectRefused(set, { chatroomId: "hr3", userId: "u" }, "role is required");
  await expectRefused(set, { chatroomId: "hr3", userId: "u", role: "boss" }, "role must be one of owner, admin, moderator");
  await expectRefused(set, { chatroomId: "hr3", userId: "u", role: "x".repeat(17) }, "role", ErrorCode.TOO_LONG);
  await expectRefused(set, { chatroomId: "hr3", role: "admin" }, "userId is required");
  await expectRefused(set, { chatroomId: "hr3", userId: "a b", role: "admin" }, "userId");
  await expectRefused(set, { chatroomId: "hr3", userId: "toString", role: "admin" }, "Object.prototype");
  await expectRefused(set, { chatroomId: "hr3", userId: users("v", 21), role: "moderator" }, "at most 20");
  await expectRefused(set, { chatroomId: "hr3", userId: ["a", "b"], role: "owner" }, "exactly one userId");
  await expectRefused(set, { userId: "u", role: "admin" }, "chatroomId");
  await expectRefused("/chatroom/role/remove.json", { chatroomId: "hr3" }, "userId is required");
  await expectRefused("/chatroom/role/query.json", {}, "chatroomId");
  expect(await query("hr3")).toEqual(before);
});

test("a room holds at most 50 admins and 50 moderators: the call that would go over is refused whole", async () => {
  for (const role of ["admin", "moderator"]) {
    const room = `hr4-${role}`;
    for (let i = 0; i < 50; i += 20) {
      const batch = users(`${role}-`, 50).slice(i, i + 20);
      expect((await post("/chatroom/role/set.json", { chatroomId: room, userId: batch, role })).body.code).toBe(200);
    }
    await expectRefused("/chatroom/role/set.json", { chatroomId: room, userId: ["extra1", "extra2"], role }, `at most 50 users: it has 50`);
    // users already in the list do not count twice
    expect((await post("/chatroom/role/set.json", { chatroomId: room, userId: `${role}-7`, role })).body.code).toBe(200);
    const listed = ((await query(room)) as { users: { role: string }[] }).users;
    expect([listed.length, listed.every((u) => u.role === role)]).toEqual([50, true]);
  }
});

test("a role set through the API reaches the live room's members at once, and the new moderator may mute", async () => {
  const client = async (userId: string): Promise<ChatClient> =>
    new ChatClient(`ws://127.0.0.1:${t.port}`, { userId, token: await tokenFor(t.httpUrl, userId, creds) });
  const ann = await client("hr5-ann");
  const bob = await client("hr5-bob");
  try {
    await ann.enterRoom({ roomID: "hr5" });
    await bob.enterRoom({ roomID: "hr5" });
    expect(ann.memberRole("hr5")).toBe("owner");
    const changes: RoleChange[] = [];
    ann.on("roomMemberRoleChanged", (c) => changes.push(...c));
    expect((await post("/chatroom/role/set.json", { chatroomId: "hr5", userId: "hr5-bob", role: "moderator" })).body.code).toBe(200);
    await waitFor(() => changes.length > 0, 3000, "ann hears the change");
    expect(changes).toEqual([{ userId: "hr5-bob", role: "moderator" }]);
    expect(ann.memberRole("hr5", "hr5-bob")).toBe("moderator");
    await waitFor(() => bob.memberRole("hr5") === "moderator", 3000, "bob sees his role");
    // the owner outranks the moderator; a moderator may not mute the owner
    expect(await bob.muteMember("hr5", "hr5-ann", 1).catch((e: unknown) => (e as { code: number }).code)).toBe(ErrorCode.ROLE_FORBIDDEN);
    // taken away through the API: the room follows
    await post("/chatroom/role/remove.json", { chatroomId: "hr5", userId: "hr5-bob" });
    await waitFor(() => ann.memberRole("hr5", "hr5-bob") === null, 3000, "ann sees it taken");
    expect(changes).toEqual([
      { userId: "hr5-bob", role: "moderator" },
      { userId: "hr5-bob", role: null },
    ]);
  } finally {
    await Promise.all([ann.leaveAllRoom(), bob.leaveAllRoom()]);
  }
});
