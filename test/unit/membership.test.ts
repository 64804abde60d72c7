/**
 * A room's members and their connections (src/core/membership): a member per user whatever its
 * devices, online while one connection is live, joining with its first connection and leaving
 * with its last, dropped connections held until they come back or go for good.
 */
import { Membership } from "../../src/core/membership";

const T0 = 1_700_000_000_000;

describe("Membership", () => {
  test("the first connection makes the member (joined), a second device does not", () => {
    const m = new Membership();
    expect(m.connect("s1", "ann", "Ann", T0)).toEqual({ userId: "ann", joined: true, cameOnline: false });
    expect(m.connect("s2", "ann", "Ann on a phone", T0 + 5)).toEqual({ userId: "ann", joined: false, cameOnline: false });
    expect(m.get("ann")).toMatchObject({ userId: "ann", userName: "Ann", joinedAt: T0 });
    expect(m.devices("ann")).toBe(2);
    expect(m.size).toBe(1);
    expect(m.userOf("s2")).toBe("ann");
  });

  test("a member stays online while any connection is live, and goes offline (kept) when the last one drops", () => {
    const m = new Membership();
    m.connect("s1", "ann", "Ann", T0);
    m.connect("s2", "ann", "Ann", T0);
    expect(m.hold("s1")).toEqual({ userId: "ann", wentOffline: false });
    expect(m.isOnline("ann")).toBe(true);
    expect(m.hold("s2")).toEqual({ userId: "ann", wentOffline: true });
    expect(m.isOnline("ann")).toBe(false);
    expect(m.has("ann")).toBe(true);
    expect(m.devices("ann")).toBe(2); // held connections still count
    expect(m.heldSessions("ann")).toEqual(["s1", "s2"]);
    expect(m.liveSessions("ann")).toEqual([]);
  });

  test("a held connection that comes back brings the member online again", () => {
    const m = new Membership();
    m.connect("s1", "ann", "Ann", T0);
    m.hold("s1");
    expect(m.restore("s1")).toEqual({ userId: "ann", cameOnline: true });
    expect(m.isOnline("ann")).toBe(true);
    expect(m.restore("s1")).toBeUndefined(); // not held any more
  });

  test("a new connection of an offline member brings it online without a join", () => {
    const m = new Membership();
    m.connect("s1", "ann", "Ann", T0);
    m.hold("s1");
    expect(m.connect("s2", "ann", "Ann", T0 + 10)).toEqual({ userId: "ann", joined: false, cameOnline: true });
  });

  test("the member leaves with its last connection, live or held, and the change carries it as it was", () => {
    const m = new Membership();
    m.connect("s1", "ann", "Ann", T0);
    m.connect("s2", "ann", "Ann", T0);
    m.hold("s2");
    expect(m.disconnect("s1")).toEqual({ userId: "ann", wentOffline: true });
    expect(m.disconnect("s2")).toEqual({ userId: "ann", left: true, removed: { userId: "ann", userName: "Ann", joinedAt: T0 } });
    expect(m.has("ann")).toBe(false);
    expect(m.userOf("s2")).toBeUndefined();
    expect(m.devices("ann")).toBe(0);
  });

  test("unknown sessions change nothing", () => {
    const m = new Membership();
    expect(m.hold("nope")).toBeUndefined();
    expect(m.restore("nope")).toBeUndefined();
    expect(m.disconnect("nope")).toBeUndefined();
    m.connect("s1", "ann", "Ann", T0);
    expect(m.hold("s1")).toBeDefined();
    expect(m.hold("s1")).toBeUndefined(); // already held
  });

  test("members are listed in join order; a member that left and came back joins at the end, with its new join time", () => {
    const m = new Membership();
    m.connect("a1", "ann", "Ann", T0);
    m.connect("b1", "bob", "Bob", T0 + 1);
    m.disconnect("a1");
    m.connect("a2", "ann", "Ann", T0 + 2);
    expect(m.userIds()).toEqual(["bob", "ann"]);
    expect(m.records().map((r) => [r.userId, r.joinedAt])).toEqual([
      ["bob", T0 + 1],
      ["ann", T0 + 2],
    ]);
  });

  test("user ids named like Object.prototype properties are ordinary members", () => {
    const m = new Membership();
    m.connect("s1", "constructor", "C", T0);
    expect(m.has("constructor")).toBe(true);
    expect(m.has("toString")).toBe(false);
    expect(m.disconnect("s1")).toMatchObject({ left: true });
  });
});
