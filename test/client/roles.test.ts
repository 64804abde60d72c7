/**
 * Room roles from the client: real server, real ChatClients. The creator owns the room; the
 * owner and admins kick, moderators mute and recall others' messages, nobody acts on an equal or
 * higher role, and every member sees role changes (event, state, member lists). The operator
 * API's role routes are in test/http/roles.test.ts; a change crossing processes on Redis in
 * test/cluster/roles.test.ts.
 */
import { ChatClient, ErrorCode, ExitReason, type ChatClientEvents, type RecallNotice, type RoleChange } from "../../src/client";
import { ClientRequest, ServerMessage } from "../../src/protocol";
import { signedPost } from "../helpers/operator";
import { collect, leaveCode, sdkEnter, useServer, waitFor } from "../helpers/server";
import { chatClient, rejection, serverMembers } from "./helpers";

const t = useServer();
const open: ChatClient[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((chat) => chat.leaveAllRoom()));
});

/** A ChatClient left at the end of the test. */
function client(userId: string): ChatClient {
  const { chat } = chatClient(t, userId);
  open.push(chat);
  return chat;
}

/** The next `event` of `chat` whose arguments satisfy `matches` (subscribe before acting). */
function next<E extends keyof ChatClientEvents>(
  chat: ChatClient,
  event: E,
  matches: (...args: Parameters<ChatClientEvents[E]>) => boolean = () => true,
  timeoutMs = 3000,
): Promise<Parameters<ChatClientEvents[E]>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = ((...args: Parameters<ChatClientEvents[E]>) => {
      if (!matches(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    }) as ChatClientEvents[E];
    const off = chat.on(event, listener as never);
  });
}

/**
 * `owner` creates `roomID`; the others join; the owner makes the given users admins and
 * moderators and every client has seen the roles.
 */
async function roomWith(roomID: string, cast: { admins?: string[]; moderators?: string[]; members?: string[] }) {
  const owner = client(`${roomID}-owner`);
  await owner.createRoom({ roomID });
  const users = new Map<string, ChatClient>();
  for (const userId of [...(cast.admins ?? []), ...(cast.moderators ?? []), ...(cast.members ?? [])]) {
    const chat = client(userId);
    await chat.joinRoom(roomID);
    users.set(userId, chat);
  }
  for (const userId of cast.admins ?? []) await owner.setMemberRole(roomID, userId, "admin");
  for (const userId of cast.moderators ?? []) await owner.setMemberRole(roomID, userId, "moderator");
  const expected = (cast.admins?.length ?? 0) + (cast.moderators?.length ?? 0) + 1;
  await waitFor(
    () => [owner, ...users.values()].every((c) => Object.keys(c.roomRoles(roomID)).length === expected),
    3000,
    "every client sees the roles",
  );
  const get = (userId: string): ChatClient => {
    const chat = users.get(userId);
    if (!chat) throw new Error(`no client ${userId}`);
    return chat;
  };
  return { owner, get };
}

test("the user whose entry created the room is its owner, and sees it; a member has no role", async () => {
  const ann = client("own-ann");
  const info = await ann.enterRoom({ roomID: "own-1" });
  expect(ann.memberRole("own-1")).toBe("owner");
  expect(info.members.find((m) => m.userId === "own-ann")?.role).toBe("owner");
  const bob = client("own-bob");
  await bob.enterRoom({ roomID: "own-1" });
  expect(bob.memberRole("own-1")).toBeNull();
  expect(bob.memberRole("own-1", "own-ann")).toBe("owner");
  const page = await bob.queryRoomMemberList("own-1");
  expect(page.memberList.map((m) => [m.userId, m.role])).toEqual([
    ["own-ann", "owner"],
    ["own-bob", undefined],
  ]);
});

test("a room created by the operator API has no owner: its first member is a plain member", async () => {
  expect((await signedPost(t.httpUrl, "/chatroom/create.json", { "chatroom[own-api]": "api" })).body.code).toBe(200);
  const ann = client("own-api-ann");
  await ann.joinRoom("own-api");
  expect(ann.memberRole("own-api")).toBeNull();
  expect(ann.roomRoles("own-api")).toEqual({});
});

test("owner kicks a member: the target exits with KICKED, the others hear KICKED, and the kick is audited as the user's", async () => {
  const { owner, get } = await roomWith("kick-1", { members: ["kick-1-bob", "kick-1-cat"] });
  const bob = get("kick-1-bob");
  const cat = get("kick-1-cat");
  const bobExit = next(bob, "exitRoom");
  const catHears = next(cat, "roomMemberLeft");
  await owner.kickMember("kick-1", "kick-1-bob");
  expect(await bobExit).toEqual(["kick-1", ExitReason.KICKED]);
  const [left, , reasons] = await catHears;
  expect(left.map((m) => m.userId)).toEqual(["kick-1-bob"]);
  expect(reasons["kick-1-bob"]).toBe(ExitReason.KICKED);
  expect(serverMembers("kick-1")).toEqual(["kick-1-cat", "kick-1-owner"]);
  const audit = await signedPost(t.httpUrl, "/chatroom/audit/query.json", { chatroomId: "kick-1", userId: "kick-1-bob" });
  expect(audit.body.entries).toEqual(
    expect.arrayContaining([expect.objectContaining({ actor: "user:kick-1-owner", action: "member.kick", userIds: ["kick-1-bob"] })]),
  );
  // kicked, not banned: bob may come back
  await bob.joinRoom("kick-1");
});

test("a moderator cannot kick (ROLE_FORBIDDEN naming the action, role and target) and the target stays", async () => {
  const { get } = await roomWith("kick-2", { moderators: ["kick-2-mo"], members: ["kick-2-bob"] });
  const e = await rejection(get("kick-2-mo").kickMember("kick-2", "kick-2-bob"));
  expect(e.code).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect(e.message).toContain("kick");
  expect(e.message).toContain("kick-2-mo (moderator)");
  expect(e.message).toContain("kick-2-bob (member)");
  expect(serverMembers("kick-2")).toContain("kick-2-bob");
  // a plain member cannot either
  expect((await rejection(get("kick-2-bob").kickMember("kick-2", "kick-2-mo"))).code).toBe(ErrorCode.ROLE_FORBIDDEN);
});

test("a moderator mutes a member: their send is refused MUTED, the operator's gag list shows it; unmute lets them send again", async () => {
  const { get } = await roomWith("mute-1", { moderators: ["mute-1-mo"], members: ["mute-1-bob"] });
  const mo = get("mute-1-mo");
  const bob = get("mute-1-bob");
  await bob.sendRoomMessage("mute-1", { type: "text", content: "before" });
  await mo.muteMember("mute-1", "mute-1-bob", 10);
  expect((await rejection(bob.sendRoomMessage("mute-1", { type: "text", content: "muted" }))).code).toBe(ErrorCode.MUTED);
  const gags = await signedPost(t.httpUrl, "/chatroom/user/gag/list.json", { chatroomId: "mute-1" });
  expect(gags.body.users.map((u: { userId: string }) => u.userId)).toEqual(["mute-1-bob"]);
  await mo.unmuteMember("mute-1", "mute-1-bob");
  await expect(bob.sendRoomMessage("mute-1", { type: "text", content: "after" })).resolves.toMatchObject({ content: "after" });
});

test("mute bounds: minutes outside 1..43200 or a bad userId are PARAMETER naming the field, and nothing is muted", async () => {
  const { get } = await roomWith("mute-2", { moderators: ["mute-2-mo"], members: ["mute-2-bob"] });
  const mo = get("mute-2-mo");
  for (const minutes of [0, 43_201, 1.5]) {
    const e = await rejection(mo.muteMember("mute-2", "mute-2-bob", minutes));
    expect([e.code, e.message]).toEqual([ErrorCode.PARAMETER, expect.stringContaining("minutes must be an integer in 1..43200")]);
  }
  const bad = await rejection(mo.muteMember("mute-2", "no spaces", 5));
  expect([bad.code, bad.message]).toEqual([ErrorCode.PARAMETER, expect.stringContaining("userId")]);
  const gags = await signedPost(t.httpUrl, "/chatroom/user/gag/list.json", { chatroomId: "mute-2" });
  expect(gags.body.users).toEqual([]);
  await expect(get("mute-2-bob").sendRoomMessage("mute-2", { type: "text", content: "free" })).resolves.toBeDefined();
});

test("a moderator recalls another member's message and everyone sees the recall; a plain member may not; nor a moderator an admin's", async () => {
  const { owner, get } = await roomWith("rec-1", { admins: ["rec-1-ad"], moderators: ["rec-1-mo"], members: ["rec-1-bob"] });
  const bob = get("rec-1-bob");
  const sent = await bob.sendRoomMessage("rec-1", { type: "text", content: "oops" });
  const seen = [owner, get("rec-1-ad"), bob].map((c) =>
    next(c, "roomMessageRecalled", (n: RecallNotice) => n.messageID === sent.messageID),
  );
  await expect(get("rec-1-mo").recallRoomMessage("rec-1", sent.messageID)).resolves.toMatchObject({ messageID: sent.messageID });
  for (const [notice, roomID] of await Promise.all(seen)) {
    expect(roomID).toBe("rec-1");
    expect(notice).toMatchObject({ messageID: sent.messageID, recalledBy: "rec-1-mo" });
  }
  expect(await owner.queryRoomHistory("rec-1")).toEqual([]);

  const adminSaid = await get("rec-1-ad").sendRoomMessage("rec-1", { type: "text", content: "admin" });
  expect((await rejection(get("rec-1-mo").recallRoomMessage("rec-1", adminSaid.messageID))).code).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect((await rejection(bob.recallRoomMessage("rec-1", adminSaid.messageID))).code).toBe(ErrorCode.NOT_MESSAGE_SENDER);
  expect((await owner.queryRoomHistory("rec-1")).map((m) => m.messageID)).toEqual([adminSaid.messageID]);
});

test("an admin cannot act on the owner (nor on another admin); the owner stays, unmuted, with its role", async () => {
  const { owner, get } = await roomWith("adm-1", { admins: ["adm-1-ad", "adm-1-ad2"] });
  const ad = get("adm-1-ad");
  const said = await owner.sendRoomMessage("adm-1", { type: "text", content: "mine" });
  for (const attempt of [
    ad.kickMember("adm-1", "adm-1-owner"),
    ad.muteMember("adm-1", "adm-1-owner", 5),
    ad.unmuteMember("adm-1", "adm-1-owner"),
    ad.setMemberRole("adm-1", "adm-1-owner", null),
    ad.recallRoomMessage("adm-1", said.messageID),
    ad.kickMember("adm-1", "adm-1-ad2"),
    ad.setMemberRole("adm-1", "adm-1-ad2", null),
  ]) {
    const e = await rejection(attempt);
    expect([e.code, e.message]).toEqual([
      ErrorCode.ROLE_FORBIDDEN,
      expect.stringMatching(/adm-1-ad \(admin\) may not act on adm-1-(owner \(owner\)|ad2 \(admin\))/),
    ]);
  }
  expect(serverMembers("adm-1")).toEqual(["adm-1-ad", "adm-1-ad2", "adm-1-owner"]);
  await expect(owner.sendRoomMessage("adm-1", { type: "text", content: "still here" })).resolves.toBeDefined();
  expect(owner.memberRole("adm-1")).toBe("owner");
  expect(ad.memberRole("adm-1", "adm-1-ad2")).toBe("admin");
});

test("a role change is visible to every other member: event, memberRole inside it, member info; admins set moderators only", async () => {
  const { owner, get } = await roomWith("vis-1", { admins: ["vis-1-ad"], members: ["vis-1-bob", "vis-1-cat"] });
  const cat = get("vis-1-cat");
  const roleSeenInEvent: (string | null)[] = [];
  const heard = next(cat, "roomMemberRoleChanged", (changes: RoleChange[], roomID: string) => {
    roleSeenInEvent.push(cat.memberRole(roomID, "vis-1-bob"));
    return changes.some((c) => c.userId === "vis-1-bob");
  });
  const bobHears = next(get("vis-1-bob"), "roomMemberRoleChanged");
  await get("vis-1-ad").setMemberRole("vis-1", "vis-1-bob", "moderator");
  const [changes, roomID] = await heard;
  expect([changes, roomID]).toEqual([[{ userId: "vis-1-bob", role: "moderator" }], "vis-1"]);
  expect(roleSeenInEvent).toEqual(["moderator"]);
  expect(cat.room("vis-1")?.members.find((m) => m.userId === "vis-1-bob")?.role).toBe("moderator");
  await bobHears;
  expect(get("vis-1-bob").memberRole("vis-1")).toBe("moderator");
  // an admin cannot make admins; the owner can, and takes roles away
  expect((await rejection(get("vis-1-ad").setMemberRole("vis-1", "vis-1-cat", "admin"))).code).toBe(ErrorCode.ROLE_FORBIDDEN);
  const demoted = next(cat, "roomMemberRoleChanged", (c: RoleChange[]) => c.some((x) => x.userId === "vis-1-bob" && x.role === null));
  await owner.setMemberRole("vis-1", "vis-1-bob", null);
  await demoted;
  expect(cat.memberRole("vis-1", "vis-1-bob")).toBeNull();
  expect(cat.room("vis-1")?.members.find((m) => m.userId === "vis-1-bob")?.role).toBeUndefined();
});

test("set role bounds: role owner or a bad role is PARAMETER naming role; the owner cannot give up its role from the client", async () => {
  const { owner } = await roomWith("bad-1", { members: ["bad-1-bob"] });
  for (const role of ["owner", "boss", 3] as unknown as ("admin" | null)[]) {
    const e = await rejection(owner.setMemberRole("bad-1", "bad-1-bob", role));
    expect([e.code, e.message]).toEqual([ErrorCode.PARAMETER, expect.stringContaining('role must be "admin", "moderator" or null')]);
  }
  expect((await rejection(owner.setMemberRole("bad-1", "bad-1-owner", null))).code).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect(owner.roomRoles("bad-1")).toEqual({ "bad-1-owner": "owner" });
});

test("roles outlive the room: a re-created room keeps its owner and moderators", async () => {
  await roomWith("keep-1", { moderators: ["keep-1-mo"] });
  await Promise.all(open.splice(0).map((chat) => chat.leaveAllRoom()));
  await waitFor(() => serverMembers("keep-1").length === 0, 3000, "the room empties");
  expect((await signedPost(t.httpUrl, "/chatroom/destroy.json", { chatroomId: "keep-1" })).body.code).toBe(200);
  const newcomer = client("keep-1-new");
  await newcomer.enterRoom({ roomID: "keep-1" });
  expect(newcomer.memberRole("keep-1")).toBeNull();
  expect(newcomer.roomRoles("keep-1")).toEqual({ "keep-1-owner": "owner", "keep-1-mo": "moderator" });
});

test("plain SDK: setMemberRole by request reaches state.roles and roomMemberRoleChanged; kickMember works by send alone", async () => {
  const owner = t.track(await sdkEnter(t.httpUrl, { mode: "create", roomId: "sdk-1", userId: "sdk-own" }));
  const bob = t.track(await sdkEnter(t.httpUrl, { mode: "join", roomId: "sdk-1", userId: "sdk-bob" }));
  const cat = await sdkEnter(t.httpUrl, { mode: "join", roomId: "sdk-1", userId: "sdk-cat" });
  const heard = collect<RoleChange[]>(bob, ServerMessage.ROLES_CHANGED);
  for (const room of [owner, bob, cat]) room.onMessage("*", () => undefined);
  await expect(owner.request(ClientRequest.SET_ROLE, { userId: "sdk-bob", role: "admin" })).resolves.toEqual({});
  await waitFor(() => heard.length === 1, 3000, "bob hears his role");
  expect(heard).toEqual([[{ userId: "sdk-bob", role: "admin" }]]);
  const roles = (bob.state as { roles: Map<string, string> }).roles;
  expect([roles.get("sdk-own"), roles.get("sdk-bob")]).toEqual(["owner", "admin"]);
  // an admin's kick sent without waiting for a reply
  const catLeft = leaveCode(cat);
  bob.send(ClientRequest.KICK, { userId: "sdk-cat" });
  expect(await catLeft).toBe(4101);
  // a refused request answers { code, message } as reason
  const refused = await bob.request(ClientRequest.KICK, { userId: "sdk-own" }).catch((e: unknown) => (e as { reason?: unknown }).reason);
  expect(refused).toMatchObject({ code: ErrorCode.ROLE_FORBIDDEN });
});

test("member events carry the role: a moderator named before entering joins as one, and leaves as one", async () => {
  const ann = client("ev-ann");
  await ann.enterRoom({ roomID: "ev-1" });
  expect(
    (await signedPost(t.httpUrl, "/chatroom/role/set.json", { chatroomId: "ev-1", userId: "ev-mo", role: "moderator" })).body.code,
  ).toBe(200);
  const joined = next(ann, "roomMemberJoined");
  const mo = new ChatClient(`ws://127.0.0.1:${t.port}`, { userId: "ev-mo" });
  await mo.enterRoom({ roomID: "ev-1" });
  const [members] = await joined;
  expect(members.map((m) => [m.userId, m.role])).toEqual([["ev-mo", "moderator"]]);
  const left = next(ann, "roomMemberLeft");
  await mo.leaveRoom("ev-1");
  const [gone] = await left;
  expect(gone.map((m) => [m.userId, m.role])).toEqual([["ev-mo", "moderator"]]);
});
