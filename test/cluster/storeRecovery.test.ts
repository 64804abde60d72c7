/**
 * The Redis store's recovery parts on a redis-server of the suite's own: data-loss detection
 * (epoch) across restarts with and without persistence and across a mere connection drop,
 * write-backs that never undo what operators did after the loss, claim takeover from a holder
 * whose connection is gone (and only then), and fenced room records.
 */
import { Redis } from "ioredis";
import { ClaimKeeper, TAKEOVER_GRACE_MS } from "../../src/service/claimKeeper";
import { createRedisStore } from "../../src/store/redis";
import type { ChatStore, StoreConnectionChange } from "../../src/store/types";
import { startPrivateRedis, type PrivateRedis } from "../helpers/cluster";
import { describeWithRedisServer } from "../helpers/redis";
import { waitFor } from "../helpers/wait";

describeWithRedisServer("Redis store recovery", () => {
  let redis: PrivateRedis;
  let durable: PrivateRedis;
  let admin: Redis;
  const stores: ChatStore[] = [];
  const open = (server: PrivateRedis, prefix = "t:"): ChatStore => {
    const store = createRedisStore({ url: server.url, prefix });
    stores.push(store);
    return store;
  };
  const watch = async (store: ChatStore): Promise<StoreConnectionChange[]> => {
    const changes: StoreConnectionChange[] = [];
    await store.recovery!.watch((change) => changes.push(change));
    return changes;
  };
  /**
   * Restarts `server`: SIGKILL (with appendfsync always, a persistent one keeps every write), then,
   * once every store watched in `watchers` has reported the drop, starts it again.
   */
  const restart = async (server: PrivateRedis, ...watchers: StoreConnectionChange[][]): Promise<void> => {
    const before = watchers.map((changes) => changes.length);
    await server.stop("SIGKILL");
    await waitFor(
      () => watchers.every((changes, i) => changes.slice(before[i]).some((c) => c.state === "down")),
      5000,
      "the stores to see the drop",
    );
    await server.start();
  };

  // the store says when it loses and regains Redis, and the keeper when it takes a claim over: expected here
  let quiet: jest.SpyInstance;
  beforeEach(() => {
    quiet = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => quiet.mockRestore());

  beforeAll(async () => {
    [redis, durable] = await Promise.all([startPrivateRedis({ persistence: false }), startPrivateRedis({ persistence: true })]);
    admin = new Redis(redis.url, { maxRetriesPerRequest: 2 });
    admin.on("error", () => undefined);
  }, 20_000);
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    admin?.disconnect();
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset when beforeAll failed before assigning it
    await Promise.all([redis?.dispose(), durable?.dispose()]);
  });

  test("a restart without persistence is reported as a loss; a connection drop and a restart with persistence are not", async () => {
    const lossy = open(redis);
    const kept = open(durable);
    const [lossyChanges, keptChanges] = await Promise.all([watch(lossy), watch(kept)]);

    // a dropped connection to a Redis that stayed up: no loss
    const ids = ((await admin.client("LIST")) as string)
      .split("\n")
      .filter((line) => line.includes("name=chat-store:commands"))
      .map((line) => /id=(\d+)/.exec(line)!.at(1)!);
    for (const id of ids) await admin.client("KILL", "ID", id);
    await waitFor(() => lossyChanges.some((c) => c.state === "up"), 5000, "the reconnect after CLIENT KILL");
    expect(lossyChanges).toEqual([{ state: "down" }, { state: "up", lost: false }]);

    await Promise.all([restart(redis, lossyChanges), restart(durable, keptChanges)]);
    await waitFor(() => lossyChanges.length === 4 && keptChanges.length === 2, 10_000, "both stores to reconnect");
    expect(lossyChanges.slice(2)).toEqual([{ state: "down" }, { state: "up", lost: true }]);
    expect(keptChanges).toEqual([{ state: "down" }, { state: "up", lost: false }]);
  }, 30_000);

  test("a write-back after a loss puts back live entries with their expiries, but never what was lifted, cleared or re-set since", async () => {
    const room = open(redis);
    const operator = open(redis);
    const changes = await watch(room);
    const now = Date.now();
    const held = [
      { member: "mal", expiresAt: now + 600_000 },
      { member: "lifted", expiresAt: now + 600_000 },
      { member: "reset", expiresAt: now + 600_000 },
      { member: "forever", expiresAt: null },
      { member: "expired", expiresAt: now - 1 },
    ];
    await room.sets.add("banned:r", ["mal", "lifted", "reset"], now + 600_000);
    await room.sets.add("banned:r", ["forever"], null);
    await room.sets.add("mute-exceptions:r", ["x"], null);

    await restart(redis, changes);
    await waitFor(() => changes.some((c) => c.state === "up"), 10_000, "the reconnect");
    expect(changes.at(-1)).toEqual({ state: "up", lost: true });
    // what operators do between the loss and the write-back
    await operator.sets.remove("banned:r", ["lifted"]);
    await operator.sets.add("banned:r", ["reset"], now + 60_000);
    await operator.sets.clear("mute-exceptions:r");

    expect(await room.sets.restore!("banned:r", held)).toBe(2);
    expect(await room.sets.restore!("mute-exceptions:r", [{ member: "x", expiresAt: null }])).toBe(0);
    const banned = (await room.sets.list("banned:r", Date.now())).sort((a, b) => a.member.localeCompare(b.member));
    expect(banned).toEqual([
      { member: "forever", expiresAt: null },
      { member: "mal", expiresAt: now + 600_000 },
      { member: "reset", expiresAt: now + 60_000 },
    ]);
    expect(await room.sets.list("mute-exceptions:r", Date.now())).toEqual([]);
    // once the data is marked, a removal outside the restore window leaves nothing behind
    await admin.del("t:restoring");
    await operator.sets.remove("banned:r", ["mal"]);
    expect(await admin.exists("t:tomb:other")).toBe(0);
  }, 30_000);

  test("a claim is taken over only from an announced holder whose connection is gone, after the grace period", async () => {
    const alive = open(redis, "c:");
    const dying = open(redis, "c:");
    const claimant = open(redis, "c:");
    const legacy = open(redis, "c:");
    const keeperAlive = new ClaimKeeper(alive.claims, "alive");
    const keeperDying = new ClaimKeeper(dying.claims, "dying");
    const keeperClaimant = new ClaimKeeper(claimant.claims, "claimant");
    try {
      expect(await keeperAlive.claim("held")).toBe(true);
      expect(await keeperDying.claim("orphan")).toBe(true);
      // a holder that never announced itself (an older version) is never taken over
      expect(await legacy.claims.claim("legacy", "old-process", 60_000)).toBe(true);

      expect(await keeperClaimant.claim("held")).toBe(false);
      expect(await keeperClaimant.claim("legacy")).toBe(false);

      keeperDying.stop();
      await dying.close(); // the process is gone: Redis drops its connections
      stores.splice(stores.indexOf(dying), 1);
      const started = Date.now();
      expect(await keeperClaimant.claim("orphan")).toBe(true);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(TAKEOVER_GRACE_MS);
      expect(took).toBeLessThan(TAKEOVER_GRACE_MS + 1000);
      expect(await claimant.claims.holder("orphan")).toBe(await keeperClaimant.claimOwner());
      expect(await claimant.claims.holder("held")).toBe(await keeperAlive.claimOwner());
    } finally {
      for (const k of [keeperAlive, keeperDying, keeperClaimant]) k.stop();
    }
  }, 30_000);

  test("a holder that finds its claim taken over hears of it at its next renewal", async () => {
    const holder = open(redis, "l:");
    const other = open(redis, "l:");
    const keeper = new ClaimKeeper(holder.claims, "holder", 300);
    const lost: string[] = [];
    const errors = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await keeper.claim("room", () => lost.push("room"))).toBe(true);
      // as if a takeover happened while this holder was cut off
      await admin.set("l:claim:room", "live:someone-else", "PX", 60_000);
      await waitFor(() => lost.length === 1, 2000, "onLost");
      expect(keeper.names()).toEqual([]);
      expect(await other.claims.holder("room")).toBe("live:someone-else");
    } finally {
      keeper.stop();
      errors.mockRestore();
    }
  });

  test("room records: fenced by the claim, with an expiry, read back as written", async () => {
    const store = open(redis, "r:");
    const records = store.records!;
    expect(await store.claims.claim("room", "me", 60_000)).toBe(true);
    const expiresAt = Date.now() + 120_000;
    expect(
      await records.update("room", { meta: "{}", "attr:a": "1", "attr:constructor": "2" }, [], expiresAt, { claim: "room", owner: "me" }),
    ).toBe(true);
    expect(await records.update("room", { "attr:b": "3" }, ["attr:a"], expiresAt, { claim: "room", owner: "me" })).toBe(true);
    expect(await records.update("room", { "attr:c": "4" }, [], expiresAt, { claim: "room", owner: "not-me" })).toBe(false);
    expect(await records.read("room")).toEqual({ meta: "{}", "attr:b": "3", "attr:constructor": "2" });
    expect(await admin.pexpiretime("r:record:room")).toBe(Math.ceil(expiresAt));
    await records.expire("room", null);
    expect(await admin.pttl("r:record:room")).toBe(-1);
    await records.delete("room");
    expect(await records.read("room")).toEqual({});
  });
});
