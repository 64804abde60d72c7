/**
 * Room attributes through real ChatClients (and a plain SDK client): initial attributes, limits,
 * ownership, auto-delete on leave, all-or-nothing batches, compare-and-set under a race.
 */
import { ErrorCode, type AttributeInfo, type AttributesUpdate, type ChatClient } from "../../src/client";
import { ServerMessage } from "../../src/protocol";
import { collect, sdkEnter, useServer, waitFor } from "../helpers/server";
import { chatClient, rejection } from "./helpers";

const t = useServer();

const clients: ChatClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((chat) => chat.leaveAllRoom()));
});

/** A ChatClient in `roomID` (entered, created with `roomAttributes` when given), recording attribute updates there. */
async function member(userId: string, roomID: string, roomAttributes?: Record<string, string>) {
  const { chat, seen } = chatClient(t, userId);
  clients.push(chat);
  const updates: AttributesUpdate[] = [];
  chat.on("roomAttributesUpdated", (update, id) => {
    if (id === roomID) updates.push(update);
  });
  await chat.enterRoom({ roomID }, roomAttributes ? { roomAttributes } : undefined);
  return { chat, seen, updates };
}

test("config.roomAttributes are set on creation, owned by the creator; a set reaches every member as roomAttributesUpdated", async () => {
  const alice = await member("alice", "a-basic", { topic: "welcome" });
  const bob = await member("bob", "a-basic");
  expect(await bob.chat.queryRoomAllAttributes("a-basic")).toEqual({ topic: "welcome" });
  expect(await bob.chat.queryRoomAttributeInfo("a-basic")).toEqual({
    topic: { value: "welcome", ownerId: "alice", autoDelete: false, version: 1, updatedAt: expect.any(Number) },
  });

  expect(await alice.chat.setRoomAttributes("a-basic", { seat1: "alice", "mic+=_-": "on" })).toEqual(["seat1", "mic+=_-"]);
  await waitFor(() => bob.updates.length === 1 && alice.updates.length === 1, 2000, "the update at both members");
  expect(bob.updates).toEqual([{ set: { seat1: "alice", "mic+=_-": "on" }, deleted: [], by: "alice" }]);
  expect(await bob.chat.queryRoomAllAttributes("a-basic")).toEqual({ topic: "welcome", seat1: "alice", "mic+=_-": "on" });

  expect(await alice.chat.deleteRoomAttributes("a-basic", ["seat1"])).toEqual(["seat1"]);
  await waitFor(() => bob.updates.length === 2, 2000, "the delete");
  expect(bob.updates[1]).toEqual({ set: {}, deleted: ["seat1"], by: "alice" });

  const stranger = chatClient(t, "stranger").chat;
  expect(await rejection(stranger.setRoomAttributes("a-basic", { k: "v" }))).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
  expect(await rejection(stranger.queryRoomAllAttributes("a-basic"))).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
});

test("limits: key format and length, value length, 100 keys per room, 20 per call (ATTRIBUTE_BATCH_LIMIT 23429)", async () => {
  const alice = await member("alice", "a-limits");
  const set = (pairs: Record<string, string>) => alice.chat.setRoomAttributes("a-limits", pairs);
  expect(await rejection(set({ "bad key": "v" }))).toMatchObject({
    code: ErrorCode.ILLEGAL_ARGUMENT,
    message: expect.stringContaining("[A-Za-z0-9+=_-]"),
  });
  expect(await rejection(set({ ["k".repeat(129)]: "v" }))).toMatchObject({
    code: ErrorCode.ILLEGAL_ARGUMENT,
    message: expect.stringContaining("128"),
  });
  expect(await set({ ["k".repeat(128)]: "v".repeat(4096) })).toHaveLength(1);
  expect(await rejection(set({ long: "v".repeat(4097) }))).toMatchObject({
    code: ErrorCode.ILLEGAL_ARGUMENT,
    message: expect.stringContaining("4096"),
  });
  expect(await rejection(set({}))).toMatchObject({ code: ErrorCode.PARAMETER });

  const batch = (from: number, count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`key${from + i}`, `${from + i}`]));
  expect(await rejection(set(batch(0, 21)))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_BATCH_LIMIT,
    message: expect.stringContaining("20"),
  });
  for (let from = 0; from < 99; from += 20) await set(batch(from, Math.min(20, 99 - from)));
  expect(Object.keys(await alice.chat.queryRoomAllAttributes("a-limits"))).toHaveLength(100);
  expect(await rejection(set({ onemore: "v" }))).toMatchObject({ code: ErrorCode.ATTRIBUTE_COUNT_LIMIT });
  // overwriting an existing key does not count as a new one
  expect(await set({ key5: "five" })).toEqual(["key5"]);
  expect(
    await rejection(
      alice.chat.deleteRoomAttributes(
        "a-limits",
        Array.from({ length: 21 }, (_, i) => `key${i}`),
      ),
    ),
  ).toMatchObject({ code: ErrorCode.ATTRIBUTE_BATCH_LIMIT });
});

test("the largest valid batch (20 keys of 128 characters, values of 4096 three-byte characters, ~250 KB on the wire) is accepted and reaches other members", async () => {
  const alice = await member("alice", "a-widest");
  const bob = await member("bob", "a-widest");
  const widest = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padStart(128, "k"), "中".repeat(4096)]));
  expect(await alice.chat.setRoomAttributes("a-widest", widest)).toHaveLength(20);
  await waitFor(() => bob.updates.some((u) => Object.keys(u.set).length === 20), 5000, "the batch at bob");
  expect(await bob.chat.queryRoomAllAttributes("a-widest")).toEqual(widest);
});

test("a batch is all or nothing: one bad key, or one key owned by someone else, and nothing is set or deleted", async () => {
  const alice = await member("alice", "a-batch");
  const bob = await member("bob", "a-batch");
  await bob.chat.setRoomAttributes("a-batch", { bobs: "b" });
  await waitFor(() => alice.updates.length === 1, 2000, "bob's set");

  expect(await rejection(alice.chat.setRoomAttributes("a-batch", { ok1: "1", ok2: "2", "no/slash": "3" }))).toMatchObject({
    code: ErrorCode.ILLEGAL_ARGUMENT,
  });
  expect(await rejection(alice.chat.setRoomAttributes("a-batch", { ok1: "1", bobs: "taken" }))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_NOT_OWNER,
  });
  await alice.chat.setRoomAttributes("a-batch", { mine: "m" });
  expect(await rejection(alice.chat.deleteRoomAttributes("a-batch", ["mine", "bobs"]))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_NOT_OWNER,
  });
  expect(await rejection(alice.chat.deleteRoomAttributes("a-batch", ["mine", "missing"]))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_KEY_MISSING,
  });
  expect(await alice.chat.queryRoomAllAttributes("a-batch")).toEqual({ bobs: "b", mine: "m" });
  // a later set is a barrier: the room announces in order, so a refused batch's announcement would come before it
  await bob.chat.setRoomAttributes("a-batch", { last: "l" });
  await waitFor(() => alice.updates.some((u) => "last" in u.set), 2000, "the later set");
  // only the successful sets were announced
  expect(alice.updates.map((u) => Object.keys(u.set))).toEqual([["bobs"], ["mine"], ["last"]]);
});

test("ownership: another member's overwrite or delete is refused (ATTRIBUTE_NOT_OWNER 23424) unless isForce, which takes the key over", async () => {
  const alice = await member("alice", "a-owner");
  const bob = await member("bob", "a-owner");
  await alice.chat.setRoomAttributes("a-owner", { seat: "alice", stage: "open" });
  expect(await rejection(bob.chat.setRoomAttributes("a-owner", { seat: "bob" }))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_NOT_OWNER,
    message: expect.stringContaining("isForce"),
  });
  expect(await rejection(bob.chat.deleteRoomAttributes("a-owner", ["stage"]))).toMatchObject({ code: ErrorCode.ATTRIBUTE_NOT_OWNER });

  expect(await bob.chat.setRoomAttributes("a-owner", { seat: "bob" }, { isForce: true })).toEqual(["seat"]);
  expect((await alice.chat.queryRoomAttributeInfo("a-owner")).seat).toMatchObject({ value: "bob", ownerId: "bob" });
  // now alice is the one refused
  expect(await rejection(alice.chat.setRoomAttributes("a-owner", { seat: "alice" }))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_NOT_OWNER,
  });
  expect(await bob.chat.deleteRoomAttributes("a-owner", ["stage"], { isForce: true })).toEqual(["stage"]);
  await waitFor(() => alice.updates.length === 3, 2000, "three updates");
  expect(alice.updates.at(-1)).toEqual({ set: {}, deleted: ["stage"], by: "bob" });
});

test("isDeleteAfterOwnerLeft: the owner's flagged keys go when it leaves (by: null), its other keys stay", async () => {
  const alice = await member("alice", "a-auto");
  const bob = await member("bob", "a-auto");
  await alice.chat.setRoomAttributes("a-auto", { seat1: "alice", mic1: "on" }, { isDeleteAfterOwnerLeft: true });
  await alice.chat.setRoomAttributes("a-auto", { note: "stays" });
  await waitFor(() => bob.updates.length === 2, 2000, "the sets");
  await alice.chat.leaveRoom("a-auto");
  await waitFor(() => bob.updates.length === 3, 2000, "the auto-delete");
  expect(bob.updates[2]).toEqual({ set: {}, deleted: ["seat1", "mic1"], by: null });
  expect(await bob.chat.queryRoomAllAttributes("a-auto")).toEqual({ note: "stays" });
});

test("compare-and-set: two members racing for a free seat with expectedVersion 0 — exactly one wins, the other gets ATTRIBUTE_VERSION_CONFLICT (24009)", async () => {
  const alice = await member("alice", "a-cas");
  const bob = await member("bob", "a-cas");
  for (let seat = 1; seat <= 5; seat++) {
    const key = `seat${seat}`;
    const results = await Promise.allSettled([
      alice.chat.setRoomAttributes("a-cas", { [key]: "alice" }, { expectedVersion: 0 }),
      bob.chat.setRoomAttributes("a-cas", { [key]: "bob" }, { expectedVersion: 0 }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { code: number }).code)).toEqual([ErrorCode.ATTRIBUTE_VERSION_CONFLICT]);
    const winner = results[0].status === "fulfilled" ? "alice" : "bob";
    expect((await alice.chat.queryRoomAllAttributes("a-cas"))[key]).toBe(winner);
  }
  // a compare-and-set update at the current version works; a stale version does not
  await alice.chat.setRoomAttributes("a-cas", { turn: "1" });
  const infos: Partial<Record<string, AttributeInfo>> = await alice.chat.queryRoomAttributeInfo("a-cas");
  const { version } = infos.turn!;
  expect(await alice.chat.setRoomAttributes("a-cas", { turn: "2" }, { expectedVersion: version })).toEqual(["turn"]);
  expect(await rejection(alice.chat.setRoomAttributes("a-cas", { turn: "3" }, { expectedVersion: version }))).toMatchObject({
    code: ErrorCode.ATTRIBUTE_VERSION_CONFLICT,
    message: expect.stringContaining(`${version}`),
  });
  expect(await rejection(alice.chat.setRoomAttributes("a-cas", { turn: "3" }, { expectedVersion: -1 }))).toMatchObject({
    code: ErrorCode.PARAMETER,
  });
});

test("a plain @colyseus/sdk client sees attributes in room.state.attributes and the roomAttributesUpdated message, and sets them by request", async () => {
  const alice = await member("alice", "a-plain", { topic: "hi" });
  const room = await sdkEnter(t.httpUrl, { mode: "join", roomId: "a-plain", userId: "gamer" });
  const state = () => {
    const out: Record<string, string> = {};
    (room.state as { attributes: { forEach(cb: (v: string, k: string) => void): void } }).attributes.forEach((v, k) => (out[k] = v));
    return out;
  };
  const updates = collect<AttributesUpdate>(room, ServerMessage.ATTRIBUTES_UPDATED);
  expect(state()).toEqual({ topic: "hi" });
  await alice.chat.setRoomAttributes("a-plain", { seat1: "alice" });
  await waitFor(() => state().seat1 === "alice", 2000, "the state patch");
  await waitFor(() => updates.length === 1, 2000, "the update message");
  expect(updates[0]).toEqual({ set: { seat1: "alice" }, deleted: [], by: "alice" });

  expect(await room.request("setAttributes", { attributes: { seat2: "gamer" } })).toEqual({ keys: ["seat2"] });
  // a refusal rejects with the server's { code, message } as error.reason
  const refused = await room.request("setAttributes", { attributes: { seat1: "gamer" } }).then(
    () => undefined,
    (e: unknown) => (e as { reason?: unknown }).reason,
  );
  expect(refused).toMatchObject({ code: ErrorCode.ATTRIBUTE_NOT_OWNER, message: expect.any(String) });
  await waitFor(() => state().seat2 === "gamer", 2000, "the plain client's own set");
  expect(await alice.chat.queryRoomAllAttributes("a-plain")).toEqual({ topic: "hi", seat1: "alice", seat2: "gamer" });
  await room.leave();
});
