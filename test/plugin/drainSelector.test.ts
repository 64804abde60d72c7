import { matchMaker } from "@colyseus/core";
import { skipDrainingProcesses } from "../../src/plugin/drain";
import { Scope } from "../../src/service/scopes";
import type { ExpiringSetStore } from "../../src/store/types";
import { useServer } from "../helpers/server";

// A real Colyseus matchmaker (this process, in-memory presence) with two more processes written
// into its registry as a remote process would write them: "p-busy" (9 rooms) and "p-idle" (1 room).
const t = useServer();
const ROOM_COUNT_KEY = "roomcount";

beforeAll(async () => {
  await matchMaker.presence.hset(ROOM_COUNT_KEY, "p-busy", "9,0");
  await matchMaker.presence.hset(ROOM_COUNT_KEY, "p-idle", "1,0");
});
afterAll(async () => {
  await matchMaker.presence.hdel(ROOM_COUNT_KEY, "p-busy");
  await matchMaker.presence.hdel(ROOM_COUNT_KEY, "p-idle");
});
afterEach(async () => {
  await t.server.ctx.store.sets.clear(Scope.drainingProcesses);
});

const markDraining = (...ids: string[]) => t.server.ctx.store.sets.add(Scope.drainingProcesses, ids, Date.now() + 30_000);
const choose = (inner: string) => skipDrainingProcesses(t.server.ctx, () => Promise.resolve(inner));

test("the inner selector's choice stands while it is not draining", async () => {
  await markDraining("p-idle");
  expect(await choose("p-busy")("chatroom", {})).toBe("p-busy");
  expect(await choose("p-idle")("chatroom", {})).not.toBe("p-idle");
});

test("a draining choice is replaced by the least loaded process that is not draining", async () => {
  await markDraining("p-idle", matchMaker.processId);
  expect(await choose("p-idle")("chatroom", {})).toBe("p-busy");
  await t.server.ctx.store.sets.clear(Scope.drainingProcesses);
  await markDraining("p-idle");
  // this process has no rooms: fewer than p-busy's 9
  expect(await choose("p-idle")("chatroom", {})).toBe(matchMaker.processId);
});

test("without an inner selector it wraps Colyseus' default (fewest rooms), skipping draining processes", async () => {
  const select = skipDrainingProcesses(t.server.ctx);
  expect(await select("chatroom", {})).toBe(matchMaker.processId);
  await markDraining(matchMaker.processId);
  expect(await select("chatroom", {})).toBe("p-idle");
  await markDraining("p-idle");
  expect(await select("chatroom", {})).toBe("p-busy");
});

test("when every process drains, or the store cannot be read, the inner choice stands", async () => {
  await markDraining("p-idle", "p-busy", matchMaker.processId);
  expect(await choose("p-idle")("chatroom", {})).toBe("p-idle");
  const failing = { list: () => Promise.reject(new Error("store down")) } as unknown as ExpiringSetStore;
  const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    const select = skipDrainingProcesses({ store: { ...t.server.ctx.store, sets: failing }, now: Date.now }, () =>
      Promise.resolve("p-idle"),
    );
    expect(await select("chatroom", {})).toBe("p-idle");
    expect(errors).toHaveBeenCalledWith(expect.stringContaining("reading the draining processes failed"), "store down");
  } finally {
    errors.mockRestore();
  }
});
