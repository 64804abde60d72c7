/**
 * Moderation through the operator API, observed by real @colyseus/sdk clients: removal is the SDK
 * room's close code (4101 KICKED, 4102 DISMISSED, 4103 BANNED, 4105 EXPIRED); refusals are error codes.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest } from "../../src/protocol";
import { ModerationCache } from "../../src/service/moderationCache";
import { enterAs, signedPost, TestClock, tokenFor, type FormParams, type OperatorCredentials } from "../helpers/operator";
import { Scope } from "../../src/service/scopes";
import { dropConnection, leaveCode, localRoom, requestSeat, useServer, waitFor } from "../helpers/server";

const creds: OperatorCredentials = { appKey: "key1", appSecret: "secret1" };
const clock = new TestClock();
const t = useServer({ ...creds, now: clock.now, reconnectWindowS: 1, kickoutMode: "timer", inactivityMin: 10 });
const post = async (path: string, params: FormParams) => {
  const reply = await signedPost(t.httpUrl, path, params, creds);
  expect(reply.body.code).toBe(200);
  return reply.body;
};
const send = (room: Room, content = "hi") => room.request(ClientRequest.SEND, { type: "text", content });
const isMember = async (roomId: string, userId: string) =>
  (await post("/chatroom/user/exist.json", { chatroomId: roomId, userId })).isInChrm as boolean;

test("a banned member is removed with BANNED (4103) and refused (23409) until the ban ends", async () => {
  await post("/chatroom/create.json", { "chatroom[ban1]": "ban" });
  const eve = await enterAs(t.httpUrl, "ban1", "eve", creds);
  const bob = await enterAs(t.httpUrl, "ban1", "bob", creds);
  const closed = leaveCode(eve);
  await post("/chatroom/user/block/add.json", { chatroomId: "ban1", userId: "eve", minute: 1 });
  expect(await closed).toBe(4103);
  expect(await isMember("ban1", "bob")).toBe(true);
  const token = await tokenFor(t.httpUrl, "eve", creds);
  await expect(requestSeat(t.httpUrl, { mode: "join", roomId: "ban1", userId: "eve", token })).rejects.toMatchObject({
    code: ErrorCode.BANNED,
  });
  clock.advance(59_000);
  await expect(requestSeat(t.httpUrl, { mode: "join", roomId: "ban1", userId: "eve", token })).rejects.toMatchObject({
    code: ErrorCode.BANNED,
  });
  clock.advance(2_000);
  const back = await enterAs(t.httpUrl, "ban1", "eve", creds);
  expect(await isMember("ban1", "eve")).toBe(true);
  await Promise.all([back.leave(), bob.leave()]);
});

test("a muted member keeps receiving, its sends are refused with 23408, and allowed after rollback", async () => {
  await post("/chatroom/create.json", { "chatroom[gag1]": "gag" });
  const mia = await enterAs(t.httpUrl, "gag1", "mia", creds);
  const ned = await enterAs(t.httpUrl, "gag1", "ned", creds);
  const received: unknown[] = [];
  mia.onMessage("roomMessages", (m: unknown[]) => received.push(...m));
  await post("/chatroom/user/gag/add.json", { chatroomId: "gag1", userId: "mia", minute: 5 });
  await expect(send(mia)).rejects.toMatchObject({ reason: { code: ErrorCode.MUTED } });
  await send(ned, "to mia");
  await waitFor(() => received.length === 1, 2000, "mia receives while muted");
  await post("/chatroom/user/gag/rollback.json", { chatroomId: "gag1", userId: "mia" });
  await expect(send(mia)).resolves.toMatchObject({ senderUserID: "mia" });
  await Promise.all([mia.leave(), ned.leave()]);
});

test("mute-all refuses every member but those on the mute-exceptions list", async () => {
  await post("/chatroom/create_new.json", { chatroomId: "all1", isBan: "true", whiteUserIds: "host" });
  const host = await enterAs(t.httpUrl, "all1", "host", creds);
  const guest = await enterAs(t.httpUrl, "all1", "guest", creds);
  await expect(send(host)).resolves.toMatchObject({ senderUserID: "host" });
  await expect(send(guest)).rejects.toMatchObject({ reason: { code: ErrorCode.MUTED } });
  await post("/chatroom/ban/rollback.json", { chatroomId: "all1" });
  await expect(send(guest)).resolves.toMatchObject({ senderUserID: "guest" });
  await Promise.all([host.leave(), guest.leave()]);
});

test("a global mute refuses the user in every room and overrides a mute exception", async () => {
  await post("/chatroom/create.json", { "chatroom[gm1]": "a", "chatroom[gm2]": "b" });
  await post("/chatroom/ban/add.json", { chatroomId: "gm2" });
  await post("/chatroom/user/ban/whitelist/add.json", { chatroomId: "gm2", userId: "zoe" });
  const inOne = await enterAs(t.httpUrl, "gm1", "zoe", creds);
  const inTwo = await enterAs(t.httpUrl, "gm2", "zoe", creds);
  await expect(send(inTwo)).resolves.toMatchObject({ senderUserID: "zoe" });
  await post("/chatroom/user/ban/add.json", { userId: "zoe", minute: 10 });
  await expect(send(inOne)).rejects.toMatchObject({ reason: { code: ErrorCode.MUTED } });
  await expect(send(inTwo)).rejects.toMatchObject({ reason: { code: ErrorCode.MUTED } });
  const anyRoom = new ModerationCache(t.server.ctx, "gm-any"); // the decision a room that does not exist yet would make
  await anyRoom.reload();
  await expect(anyRoom.assertMaySend("zoe", clock.now())).rejects.toMatchObject({ code: ErrorCode.MUTED });
  await post("/chatroom/user/ban/remove.json", { userId: "zoe" });
  await expect(send(inOne)).resolves.toMatchObject({ senderUserID: "zoe" });
  await expect(send(inTwo)).resolves.toMatchObject({ senderUserID: "zoe" });
  await Promise.all([inOne.leave(), inTwo.leave()]);
});

test("kick removes with KICKED (4101); destroy removes everyone with DISMISSED (4102)", async () => {
  await post("/chatroom/create.json", { "chatroom[kd1]": "k" });
  const a = await enterAs(t.httpUrl, "kd1", "ka", creds);
  const b = await enterAs(t.httpUrl, "kd1", "kb", creds);
  const c = await enterAs(t.httpUrl, "kd1", "kc", creds);
  const kicked = leaveCode(a);
  await post("/chatroom/user/kick.json", { chatroomId: "kd1", userId: "ka" });
  expect(await kicked).toBe(4101);
  const dismissed = [leaveCode(b), leaveCode(c)];
  await post("/chatroom/destroy.json", { chatroomId: "kd1" });
  expect(await Promise.all(dismissed)).toEqual([4102, 4102]);
});

test("a protected user survives the offline kick-out rule; an unprotected one does not", async () => {
  await post("/chatroom/create.json", { "chatroom[prot1]": "p" });
  const vip = await enterAs(t.httpUrl, "prot1", "vip", creds);
  const joe = await enterAs(t.httpUrl, "prot1", "joe", creds);
  const host = await enterAs(t.httpUrl, "prot1", "host", creds);
  await post("/chatroom/user/whitelist/add.json", { chatroomId: "prot1", userId: "vip" });
  const protectedInRoom = () =>
    t.server.ctx.moderationCaches
      .snapshot()
      .scopes.get(Scope.protectedUsers("prot1"))
      ?.some((e) => e.member === "vip") === true;
  await waitFor(protectedInRoom, 2000, "the room's moderation to hold vip as protected");
  const left: string[] = [];
  const onLeft = ({ roomId, userId }: { roomId: string; userId: string }) => {
    if (roomId === "prot1") left.push(userId);
  };
  t.server.chat.events.on("memberLeft", onLeft);
  const room = await localRoom("prot1");
  // vip goes offline first, so its window ends no later than joe's: the check that kicks joe would kick an unprotected vip too
  await dropConnection(vip, false);
  await waitFor(() => room.state.members.get("vip")?.online === false, 3000, "vip offline");
  await dropConnection(joe, false);
  await waitFor(async () => !(await isMember("prot1", "joe")), 5000, "joe kicked out after the 1 s window");
  t.server.chat.events.off("memberLeft", onLeft);
  expect(left).toEqual(["joe"]);
  expect(await isMember("prot1", "vip")).toBe(true);
  await host.leave();
});

test("keep-alive rooms and fixed-time rooms outlive inactivity; the fixed time then ends the room (EXPIRED 4105)", async () => {
  await post("/chatroom/create.json", { "chatroom[ka1]": "kept", "chatroom[ka2]": "control" });
  await post("/chatroom/keepalive/add.json", { chatroomId: "ka1" });
  await post("/chatroom/create_new.json", { chatroomId: "ka3", destroyType: 1, destroyTime: 60 });
  const member = await enterAs(t.httpUrl, "ka3", "mem", creds);
  const expired = leaveCode(member);
  const exists = async (id: string) => (await signedPost(t.httpUrl, "/chatroom/get.json", { chatroomId: id }, creds)).body.code === 200;

  clock.advance(11 * 60_000); // past the 10 min inactivity rule
  await waitFor(async () => !(await exists("ka2")), 4000, "the control room to expire");
  expect(await exists("ka1")).toBe(true);
  expect(await exists("ka3")).toBe(true);

  clock.advance(50 * 60_000); // past ka3's 60 min lifetime
  expect(await expired).toBe(4105);
  expect(await exists("ka1")).toBe(true);
  await post("/chatroom/keepalive/remove.json", { chatroomId: "ka1" });
  await waitFor(async () => !(await exists("ka1")), 4000, "ka1 to expire once no longer kept alive");
});
