import { ChatError, ErrorCode } from "../../src/core/errors";
import { ATTRIBUTE_LIMITS, AttributeTable } from "../../src/core/attributes";

const NOW = 1_000_000;

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ChatError) return e.code;
    throw e;
  }
  return undefined;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}

function pairs(count: number, prefix = "k"): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`${prefix}${i}`] = "v";
  return out;
}

function tableWith(keys: number): AttributeTable {
  const t = new AttributeTable();
  for (let i = 0; i < keys; i += ATTRIBUTE_LIMITS.maxBatch) t.set("alice", pairs(Math.min(20, keys - i), `k${i}_`), {}, NOW);
  return t;
}

describe("AttributeTable limits", () => {
  it("accepts the 100th key and refuses the 101st with ATTRIBUTE_COUNT_LIMIT", () => {
    const t = tableWith(99);
    expect(t.set("alice", { hundredth: "v" }, {}, NOW)).toEqual(["hundredth"]);
    expect(t.size).toBe(100);
    expect(codeOf(() => t.set("alice", { extra: "v" }, {}, NOW))).toBe(ErrorCode.ATTRIBUTE_COUNT_LIMIT);
    expect(t.get("extra")).toBeUndefined();
    // overwriting an existing key at the limit is fine
    expect(t.set("alice", { hundredth: "w" }, {}, NOW)).toEqual(["hundredth"]);
  });

  it("accepts a key of 128 characters and refuses 129, naming the limit", () => {
    const t = new AttributeTable();
    expect(t.set("alice", { ["a".repeat(128)]: "v" }, {}, NOW)).toHaveLength(1);
    const set129 = (): unknown => t.set("alice", { ["a".repeat(129)]: "v" }, {}, NOW);
    expect(codeOf(set129)).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(messageOf(set129)).toContain("128");
  });

  it("refuses keys outside [A-Za-z0-9+=_-] and the empty key", () => {
    const t = new AttributeTable();
    expect(t.set("alice", { "Az09+=_-": "v" }, {}, NOW)).toEqual(["Az09+=_-"]);
    for (const key of ["a b", "a.b", "ключ", ""]) {
      expect(codeOf(() => t.set("alice", { [key]: "v" }, {}, NOW))).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    }
  });

  it("accepts a value of 4096 characters and refuses 4097, naming key and limit", () => {
    const t = new AttributeTable();
    expect(t.set("alice", { k: "x".repeat(4096) }, {}, NOW)).toEqual(["k"]);
    const set4097 = (): unknown => t.set("alice", { big: "x".repeat(4097) }, {}, NOW);
    expect(codeOf(set4097)).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(messageOf(set4097)).toMatch(/big.*4096/);
  });

  it("accepts a batch of 20 and refuses 21 with ATTRIBUTE_BATCH_LIMIT, for set and delete", () => {
    const t = new AttributeTable();
    expect(t.set("alice", pairs(20), {}, NOW)).toHaveLength(20);
    expect(codeOf(() => t.set("alice", pairs(21, "b"), {}, NOW))).toBe(ErrorCode.ATTRIBUTE_BATCH_LIMIT);
    expect(t.size).toBe(20);
    t.set("alice", { extra: "v" }, {}, NOW);
    expect(codeOf(() => t.delete("alice", [...Object.keys(pairs(20)), "extra"], {}))).toBe(ErrorCode.ATTRIBUTE_BATCH_LIMIT);
    expect(t.delete("alice", Object.keys(pairs(20)), {})).toHaveLength(20);
  });
});

describe("AttributeTable ownership", () => {
  it("refuses another user's overwrite and delete, allows them with isForce or as operator", () => {
    const t = new AttributeTable();
    t.set("alice", { k: "a" }, {}, NOW);
    expect(codeOf(() => t.set("bob", { k: "b" }, {}, NOW))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
    expect(codeOf(() => t.delete("bob", ["k"], {}))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
    expect(t.get("k")?.value).toBe("a");

    t.set("bob", { k: "b" }, { isForce: true }, NOW);
    expect(t.get("k")).toMatchObject({ value: "b", ownerId: "bob" });
    t.set(null, { k: "op" }, {}, NOW);
    expect(t.get("k")).toMatchObject({ value: "op", ownerId: "" });
    t.set(null, { k: "op2" }, { ownerId: "carol" }, NOW);
    expect(t.get("k")?.ownerId).toBe("carol");
    expect(t.delete(null, ["k"], {})).toEqual(["k"]);
  });

  it("lets the owner delete and reports a missing key with ATTRIBUTE_KEY_MISSING", () => {
    const t = new AttributeTable();
    t.set("alice", { k: "a" }, {}, NOW);
    expect(codeOf(() => t.delete("alice", ["k", "nope"], {}))).toBe(ErrorCode.ATTRIBUTE_KEY_MISSING);
    expect(t.get("k")).toBeDefined();
    expect(t.delete("alice", ["k"], {})).toEqual(["k"]);
  });

  it("deletes only the leaving owner's autoDelete keys", () => {
    const t = new AttributeTable();
    t.set("alice", { seat: "1", mic: "on" }, { isDeleteAfterOwnerLeft: true }, NOW);
    t.set("alice", { bio: "hi" }, {}, NOW);
    t.set("bob", { seat2: "2" }, { isDeleteAfterOwnerLeft: true }, NOW);
    expect(t.ownerLeft("alice").sort()).toEqual(["mic", "seat"]);
    expect(Object.keys(t.entries()).sort()).toEqual(["bio", "seat2"]);
    expect(t.ownerLeft("carol")).toEqual([]);
  });
});

describe("AttributeTable atomicity and versions", () => {
  it("changes nothing when one pair of a batch is bad", () => {
    const t = new AttributeTable();
    t.set("alice", { a: "1" }, {}, NOW);
    t.set("bob", { owned: "x" }, {}, NOW);
    const before = t.entries();
    expect(codeOf(() => t.set("alice", { a: "2", b: "2", "bad key": "2" }, {}, NOW))).toBe(ErrorCode.ILLEGAL_ARGUMENT);
    expect(codeOf(() => t.set("alice", { a: "2", owned: "y" }, {}, NOW))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
    expect(codeOf(() => t.delete("alice", ["a", "owned"], {}))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
    expect(t.entries()).toEqual(before);
  });

  it("increases the version on every set and records the time", () => {
    const t = new AttributeTable();
    t.set("alice", { k: "1" }, {}, NOW);
    const v1 = t.get("k")!.version;
    t.set("alice", { k: "2" }, {}, NOW + 5);
    const v2 = t.get("k")!.version;
    expect(v1).toBeGreaterThan(0);
    expect(v2).toBeGreaterThan(v1);
    expect(t.get("k")!.updatedAt).toBe(NOW + 5);
  });

  it("compare-and-set: of two setters with the same expectedVersion the first wins, the second conflicts", () => {
    const t = new AttributeTable();
    t.set("alice", { k: "0" }, {}, NOW);
    const seen = t.get("k")!.version;
    t.set("alice", { k: "first" }, { expectedVersion: seen }, NOW);
    expect(codeOf(() => t.set("alice", { k: "second" }, { expectedVersion: seen }, NOW))).toBe(ErrorCode.ATTRIBUTE_VERSION_CONFLICT);
    expect(t.get("k")?.value).toBe("first");
  });

  it("compare-and-set with expectedVersion 0 creates only a missing key", () => {
    const t = new AttributeTable();
    t.set("alice", { k: "mine" }, { expectedVersion: 0 }, NOW);
    expect(codeOf(() => t.set("alice", { k: "again" }, { expectedVersion: 0 }, NOW))).toBe(ErrorCode.ATTRIBUTE_VERSION_CONFLICT);
  });

  it("the loser of a compare-and-set race for a free key conflicts (24009) even though the winner now owns it", () => {
    const t = new AttributeTable();
    t.set("alice", { seat: "alice" }, { expectedVersion: 0 }, NOW);
    expect(codeOf(() => t.set("bob", { seat: "bob" }, { expectedVersion: 0 }, NOW))).toBe(ErrorCode.ATTRIBUTE_VERSION_CONFLICT);
    // at the right version, ownership still applies
    const current = t.get("seat")!.version;
    expect(codeOf(() => t.set("bob", { seat: "bob" }, { expectedVersion: current }, NOW))).toBe(ErrorCode.ATTRIBUTE_NOT_OWNER);
  });

  it("never reuses a version after delete and re-create, also when restored from entries", () => {
    const t = new AttributeTable();
    t.set("alice", { k: "1" }, {}, NOW);
    const old = t.get("k")!.version;
    t.delete("alice", ["k"], {});
    t.set("alice", { k: "2" }, {}, NOW);
    expect(codeOf(() => t.set("alice", { k: "3" }, { expectedVersion: old }, NOW))).toBe(ErrorCode.ATTRIBUTE_VERSION_CONFLICT);
    const restored = new AttributeTable(t.entries());
    restored.set("alice", { k: "4" }, {}, NOW);
    expect(restored.get("k")!.version).toBeGreaterThan(t.get("k")!.version);
  });
});
