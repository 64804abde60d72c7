import type { Room } from "@colyseus/sdk";
import { startPrivateRedis, startProcess, stopAllProcesses, type PrivateRedis, type ServerProcess } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";
import { signedPost, tokenFor, type OperatorCredentials } from "../helpers/operator";
import { sdkEnter, waitFor, leaveCode } from "../helpers/server";
import type { RoomMessage } from "../../src/protocol";

const creds: OperatorCredentials = { appKey: "live-key", appSecret: "live-secret" };

interface Member {
  userId: string;
  room: Room;
  messages: RoomMessage[];
}

async function enter(via: ServerProcess, roomId: string, userId: string): Promise<Member> {
  const room = await sdkEnter(via.httpUrl, { mode: "enter", roomId, userId, token: await tokenFor(via.httpUrl, userId, creds) });
  const member: Member = { userId, room, messages: [] };
  room.onMessage("*", () => undefined);
  room.onMessage("roomMessages", (batch: RoomMessage[]) => member.messages.push(...batch));
  return member;
}

const op = (via: ServerProcess, path: string, params: Record<string, string | number | string[]>) =>
  signedPost(via.httpUrl, path, params, creds);

describeWithRedisServer("a live room spans three processes (owner + relay shards)", () => {
  let redis: PrivateRedis;
  let procs: ServerProcess[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistence: false });
    const env = { REDIS_URL: redis.url, CHAT_APP_KEY: creds.appKey, CHAT_APP_SECRET: creds.appSecret, CHAT_SHARD_THRESHOLD: "2" };
    procs = await Promise.all([startProcess(env), startProcess(env), startProcess(env)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await stopAllProcesses();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await redis?.dispose();
  });

  test("joiners past the threshold sit on relays; everyone sees one count and every message once, in seq order", async () => {
    const members: Member[] = [];
    try {
      for (let i = 0; i < 6; i++) members.push(await enter(procs[i % 3]!, "live", `u${i}`));
    } catch (e) {
      console.log(procs.map((p) => p.output()).join("\n=====\n"));
      throw e;
    }
    const colyseusRooms = new Set(members.map((m) => m.room.roomId));
    expect(colyseusRooms.has("live")).toBe(true);
    expect(colyseusRooms.size).toBeGreaterThan(1);
    await waitFor(() => members.every((m) => (m.room.state as { memberCount?: number }).memberCount === 6), 5000);
    const sent: RoomMessage[] = [];
    for (const m of members) sent.push(await m.room.request<RoomMessage>("sendMessage", { type: "text", content: `from ${m.userId}` }));
    const seqs = sent.map((m) => m.seq);
    await waitFor(() => members.every((m) => m.messages.length >= 6), 5000);
    for (const m of members) expect(m.messages.map((x) => x.seq)).toEqual(seqs);
    const reply = await op(procs[1]!, "/chatroom/user/query.json", { chatroomId: "live", count: 100, order: 1 });
    expect(reply.body).toMatchObject({ code: 200, total: 6 });
    const kicked = members.find((m) => m.room.roomId !== "live")!;
    const code = leaveCode(kicked.room);
    expect((await op(procs[2]!, "/chatroom/user/kick.json", { chatroomId: "live", userId: [kicked.userId] })).body.code).toBe(200);
    expect(await code).toBe(4101);
    await waitFor(() => members.every((m) => m === kicked || (m.room.state as { memberCount?: number }).memberCount === 5), 5000);
    await Promise.all(members.filter((m) => m !== kicked).map((m) => m.room.leave()));
  }, 30_000);
});
