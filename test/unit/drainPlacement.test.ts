import { chooseProcess, leastLoaded } from "../../src/core/drain";
import { waitFor } from "../helpers/wait";
import { drainingProcesses, ProcessDrain, DRAIN_MARK_TTL_MS, DRAIN_MARK_WAIT_MS } from "../../src/service/drain";
import { ErrorCode } from "../../src/core/errors";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createMemoryStore } from "../../src/store/memory";
import { createRedisStore } from "../../src/store/redis";
import type { ChatStore, ExpiringSetStore } from "../../src/store/types";
import { deleteKeys, describeWithRedis, REDIS_URL } from "../helpers/redis";

const loads = [
  { processId: "a", roomCount: 1 },
  { processId: "b", roomCount: 5 },
  { processId: "c", roomCount: 3 },
];

describe("room placement while processes drain (core/drain)", () => {
  test("leastLoaded picks the fewest rooms outside the excluded ones; undefined when none is left", () => {
    expect(leastLoaded(loads, new Set())).toBe("a");
    expect(leastLoaded(loads, new Set(["a"]))).toBe("c");
    expect(leastLoaded(loads, new Set(["a", "b", "c"]))).toBeUndefined();
    expect(leastLoaded([], new Set())).toBeUndefined();
  });

  test("with nothing excluded it answers as Colyseus' default selector does, ties included", () => {
    const colyseusDefault = (ps: { processId: string; roomCount: number }[]) =>
      [...ps].sort((p1, p2) => (p1.roomCount > p2.roomCount ? 1 : -1))[0]?.processId;
    const cases = [
      [0, 0, 0],
      [2, 0, 0, 1],
      [1, 1, 0, 0, 3],
      [5, 5],
    ].map((counts) => counts.map((roomCount, i) => ({ processId: `p${i}`, roomCount })));
    for (const ps of cases) expect(leastLoaded(ps, new Set())).toBe(colyseusDefault(ps));
  });

  test("the preferred process stands unless it drains; then the least loaded live one takes the room", () => {
    expect(chooseProcess("b", loads, new Set())).toBe("b");
    expect(chooseProcess("b", loads, new Set(["a"]))).toBe("b");
    expect(chooseProcess("a", loads, new Set(["a"]))).toBe("c");
    expect(chooseProcess("a", loads, new Set(["a", "c"]))).toBe("b");
  });

  test("when every process drains the preferred one stands (its entry rule refuses with SHUTTING_DOWN)", () => {
    expect(chooseProcess("a", loads, new Set(["a", "b", "c"]))).toBe("a");
    expect(chooseProcess(undefined, loads, new Set(["a", "b", "c"]))).toBeUndefined();
  });
});

/** The ProcessDrain suite on one store; Redis runs on a key prefix of its own (never FLUSHDB). */
function describeDrain(name: string, makeStore: () => ChatStore, cleanup: () => Promise<void> = async () => undefined): void {
  describe(`ProcessDrain (service/drain) on ${name}`, () => {
    let store: ChatStore;
    beforeEach(() => {
      store = makeStore();
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    test("drain marks the process with a TTL, refuses new rooms, closes every tracked room and resolves once they are untracked", async () => {
      let now = Date.now();
      const drain = new ProcessDrain(
        store.sets,
        () => now,
        () => "proc-a",
      );
      const closed: string[] = [];
      const untrack = new Map<string, () => void>();
      for (const id of ["r1", "r2"]) untrack.set(id, drain.track(id, { close: () => closed.push(id) }));
      expect(() => drain.assertAccepting("r3")).not.toThrow();

      let resolved = false;
      const done = drain.drain().then(() => (resolved = true));
      expect(drain.drain()).toBe(drain.drain());
      await waitFor(() => closed.length === 2, 2000, "the rooms closed");
      expect(closed.sort()).toEqual(["r1", "r2"]);
      expect(() => drain.assertAccepting("r3")).toThrow(expect.objectContaining({ code: ErrorCode.SHUTTING_DOWN }));
      expect(await drainingProcesses(store.sets, now)).toEqual(new Set(["proc-a"]));
      untrack.get("r1")?.();
      await new Promise((r) => setImmediate(r));
      expect(resolved).toBe(false);
      untrack.get("r2")?.();
      await done;
      expect(resolved).toBe(true);

      // a drainer that stops renewing drops out of the set when the TTL passes
      now += DRAIN_MARK_TTL_MS;
      expect(await drainingProcesses(store.sets, now)).toEqual(new Set());
      await drain.stop();
    });

    test("a room that finishes creating after the drain began is closed at once; stop() removes the mark", async () => {
      const drain = new ProcessDrain(store.sets, Date.now, () => "proc-b");
      await drain.drain();
      const closed = new Promise<string>((resolve) => drain.track("late", { close: () => resolve("late") }));
      expect(await closed).toBe("late");
      expect(await drainingProcesses(store.sets, Date.now())).toEqual(new Set(["proc-b"]));
      await drain.stop();
      expect(await drainingProcesses(store.sets, Date.now())).toEqual(new Set());
    });
  });
}

describeDrain("the memory store", () => createMemoryStore());

describeWithRedis("ProcessDrain on a real Redis", () => {
  const prefix = `chattest:drain:${randomUUID().slice(0, 8)}:`;
  describeDrain(
    "Redis",
    () => createRedisStore({ url: REDIS_URL, prefix }),
    async () => {
      // SCAN under this suite's own prefix (never KEYS, never FLUSHDB)
      const admin = new Redis(REDIS_URL);
      await deleteKeys(admin, prefix);
      admin.disconnect();
    },
  );
});

test("a store that does not answer delays the rooms' closing by 2 s at most", async () => {
  const hanging = { add: () => new Promise(() => undefined), remove: () => new Promise(() => undefined) } as unknown as ExpiringSetStore;
  jest.useFakeTimers();
  try {
    const drain = new ProcessDrain(hanging, Date.now, () => "proc-c");
    const closed: string[] = [];
    const untrack = drain.track("r", { close: () => closed.push("r") });
    const done = drain.drain();
    await jest.advanceTimersByTimeAsync(DRAIN_MARK_WAIT_MS - 1);
    expect(closed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(closed).toEqual(["r"]);
    untrack();
    await done;
    void drain.stop(); // clears the renewal at once; the hanging remove is not awaited
  } finally {
    jest.useRealTimers();
  }
});
