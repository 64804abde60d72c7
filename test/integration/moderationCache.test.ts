/**
 * The room's moderation cache (src/service/moderationCache): sends are decided without a store
 * round trip, yet exactly as the store would decide them: at a mute's expiry millisecond, and
 * right after a change made on this process.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest } from "../../src/protocol";
import {
  addMuteExceptions,
  listGloballyMuted,
  listMuted,
  muteGlobally,
  muteUsers,
  setMuteAll,
  unmuteGlobally,
  unmuteUsers,
} from "../../src/service/moderation";
import { sdkEnter, useServer } from "../helpers/server";

// frozen, from the real time: the store prunes long-expired entries by the real clock
let now = Date.now();
const t = useServer({ now: () => now, sendRatePerSecond: 1000 });

const send = (room: Room) => room.request(ClientRequest.SEND, { type: "text", content: "hi" });
const muted = { reason: { code: ErrorCode.MUTED } };
async function enter(roomId: string, userId: string): Promise<Room> {
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId });
  room.onMessage("*", () => undefined);
  return room;
}

test("a mute refuses sends up to the millisecond before its expiry and allows them from that millisecond, with no notice at expiry", async () => {
  const alice = await enter("mc-exp", "alice");
  await muteUsers(t.server.ctx, "mc-exp", ["alice"], 1);
  const { expiresAt } = (await listMuted(t.server.ctx, "mc-exp")).at(0)!;
  await expect(send(alice)).rejects.toMatchObject(muted);
  now = expiresAt! - 1;
  await expect(send(alice)).rejects.toMatchObject(muted);
  now = expiresAt!;
  await expect(send(alice)).resolves.toMatchObject({ senderUserID: "alice" });
  await alice.leave();
});

test("a global mute expires at its exact millisecond too", async () => {
  const bob = await enter("mc-gexp", "bob");
  await muteGlobally(t.server.ctx, ["bob"], 2);
  const { expiresAt } = (await listGloballyMuted(t.server.ctx)).at(0)!;
  await expect(send(bob)).rejects.toMatchObject(muted);
  now = expiresAt! - 1;
  await expect(send(bob)).rejects.toMatchObject(muted);
  now = expiresAt!;
  await expect(send(bob)).resolves.toMatchObject({ senderUserID: "bob" });
  await bob.leave();
});

test("every change made on this process holds for the very next send", async () => {
  const carol = await enter("mc-now", "carol");
  for (let i = 0; i < 5; i++) {
    await muteUsers(t.server.ctx, "mc-now", ["carol"], 10);
    await expect(send(carol)).rejects.toMatchObject(muted);
    await unmuteUsers(t.server.ctx, "mc-now", ["carol"]);
    await expect(send(carol)).resolves.toMatchObject({ senderUserID: "carol" });
  }
  await muteGlobally(t.server.ctx, ["carol"], 10);
  await expect(send(carol)).rejects.toMatchObject(muted);
  await unmuteGlobally(t.server.ctx, ["carol"]);
  await expect(send(carol)).resolves.toMatchObject({ senderUserID: "carol" });
  await setMuteAll(t.server.ctx, "mc-now", true);
  await expect(send(carol)).rejects.toMatchObject(muted);
  await addMuteExceptions(t.server.ctx, "mc-now", ["carol"]);
  await expect(send(carol)).resolves.toMatchObject({ senderUserID: "carol" });
  await carol.leave();
});
