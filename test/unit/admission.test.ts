import { ChatError } from "../../src/core/errors";
import { Priority, RoomAdmission, SendRateLimiter } from "../../src/core/admission";

const T0 = 1_000_000;
const OPTIONS = { windowSize: 40, windowMs: 200, reservedHigh: 20 };

function msg(priority: Priority, extra: { lowPriorityType?: boolean; protected?: boolean } = {}) {
  return { priority, lowPriorityType: extra.lowPriorityType ?? false, protected: extra.protected ?? false };
}

describe("RoomAdmission", () => {
  it("admits high priority up to windowSize, then drops it", () => {
    const a = new RoomAdmission(OPTIONS);
    const results = Array.from({ length: 41 }, () => a.decide(T0, msg("high")));
    expect(results.filter((r) => r === "admit")).toHaveLength(40);
    expect(results[40]).toBe("drop");
  });

  it("limits normal priority to windowSize - reservedHigh, keeping the reserve for high", () => {
    const a = new RoomAdmission(OPTIONS);
    for (let i = 0; i < 20; i++) expect(a.decide(T0, msg("normal"))).toBe("admit");
    expect(a.decide(T0, msg("normal"))).toBe("drop");
    for (let i = 0; i < 20; i++) expect(a.decide(T0, msg("high"))).toBe("admit");
    expect(a.decide(T0, msg("high"))).toBe("drop");
  });

  it("drops low-priority types before normal ones, even when sent as high", () => {
    const a = new RoomAdmission(OPTIONS);
    for (let i = 0; i < 10; i++) expect(a.decide(T0, msg("normal", { lowPriorityType: true }))).toBe("admit");
    expect(a.decide(T0, msg("normal", { lowPriorityType: true }))).toBe("drop");
    expect(a.decide(T0, msg("high", { lowPriorityType: true }))).toBe("drop");
    expect(a.decide(T0, msg("low"))).toBe("drop");
    expect(a.decide(T0, msg("normal"))).toBe("admit");
  });

  it("always admits protected messages and still counts them", () => {
    const a = new RoomAdmission(OPTIONS);
    for (let i = 0; i < 50; i++) expect(a.decide(T0, msg("low", { lowPriorityType: true, protected: true }))).toBe("admit");
    expect(a.load(T0)).toBe(50);
    expect(a.decide(T0, msg("high"))).toBe("drop");
  });

  it("handles 200 mixed messages at one instant with matching counters", () => {
    const a = new RoomAdmission(OPTIONS);
    const kinds = [msg("low", { lowPriorityType: true }), msg("normal"), msg("high"), msg("normal", { protected: true })];
    const admittedBy = new Map<number, number>();
    for (let i = 0; i < 200; i++) {
      const kind = i % 4;
      if (a.decide(T0, kinds.at(kind)!) === "admit") admittedBy.set(kind, (admittedBy.get(kind) ?? 0) + 1);
    }
    expect(admittedBy.get(3)).toBe(50); // every protected message
    expect(a.admitted + a.dropped).toBe(200);
    expect(a.admitted).toBe([...admittedBy.values()].reduce((x, y) => x + y, 0));
    expect(a.load(T0)).toBe(a.admitted);
    // Protected messages fill the window too: low stops once 10 are in it (3 got in), normal at 20
    // (6), high at 40 (16); every protected one is admitted on top.
    expect([0, 1, 2, 3].map((k) => admittedBy.get(k) ?? 0)).toEqual([3, 6, 16, 50]);
    expect(a.admitted).toBe(75);
    expect(a.dropped).toBe(125);
  });

  it("frees slots once windowMs has passed, not 1 ms before", () => {
    const a = new RoomAdmission(OPTIONS);
    for (let i = 0; i < 40; i++) a.decide(T0, msg("high"));
    expect(a.decide(T0 + 199, msg("high"))).toBe("drop");
    expect(a.decide(T0 + 200, msg("normal"))).toBe("admit");
    expect(a.load(T0 + 200)).toBe(1);
    expect(a.dropped).toBe(1);
    expect(a.admitted).toBe(41);
  });

  it("refuses a reserve larger than the window", () => {
    expect(() => new RoomAdmission({ windowSize: 10, windowMs: 200, reservedHigh: 11 })).toThrow(ChatError);
  });
});

describe("SendRateLimiter", () => {
  it("allows 5 per second: the 5th is ok, the 6th refused, ok again 1 s after the first", () => {
    const r = new SendRateLimiter(5);
    for (let i = 0; i < 5; i++) expect(r.tryConsume("alice", T0 + i * 100)).toBe(true);
    expect(r.tryConsume("alice", T0 + 500)).toBe(false);
    expect(r.tryConsume("alice", T0 + 999)).toBe(false);
    expect(r.tryConsume("alice", T0 + 1000)).toBe(true);
    expect(r.tryConsume("alice", T0 + 1000)).toBe(false);
  });

  it("counts users separately and forgets a user", () => {
    const r = new SendRateLimiter(5);
    for (let i = 0; i < 5; i++) r.tryConsume("alice", T0);
    expect(r.tryConsume("bob", T0)).toBe(true);
    expect(r.tryConsume("alice", T0)).toBe(false);
    r.forget("alice");
    expect(r.tryConsume("alice", T0)).toBe(true);
  });
});
