/**
 * The room's member bookkeeping (rooms/RoomMembers) over a real schema state and membership, with
 * jest fake timers for the member-event cadence: the capped list and its promotion, the count,
 * batched join/leave events, the member shape, custom fields and member pages.
 */
import { ChatState } from "../../rooms/ChatState";
import { RoomMembers } from "../../rooms/RoomMembers";
import { ErrorCode } from "../../src/core/errors";
import { ExitReason } from "../../src/core/exitReasons";
import { MemberList } from "../../src/core/memberList";
import { Membership } from "../../src/core/membership";
import type { MembersChangedPayload } from "../../src/protocol";

const PATCH_MS = 50;
const LARGE_MS = 1000;
const JOINED_AT = 1_700_000_000_000;

interface Sent {
  type: string;
  payload: MembersChangedPayload;
}

/** A room of `cap` listed members, with helpers that report connection changes as ChatRoom does. */
function room(cap: number) {
  const state = new ChatState();
  const membership = new Membership();
  const sent: Sent[] = [];
  const members = new RoomMembers({
    roomId: "lobby",
    state,
    membership,
    memberList: new MemberList(cap),
    largeRoomCountMs: LARGE_MS,
    patchIntervalMs: () => PATCH_MS,
    broadcast: (type, payload) => sent.push({ type, payload }),
    schedule: (callback, ms) => {
      const timer = setTimeout(callback, ms);
      return { clear: () => clearTimeout(timer) };
    },
  });
  const join = (userId: string, sessionId = `${userId}-1`) => {
    const change = membership.connect(sessionId, userId, `name of ${userId}`, JOINED_AT);
    if (change.joined) {
      members.added(userId);
      members.announceJoined(userId);
    } else {
      members.sync(userId);
    }
  };
  const leave = (sessionId: string, reason: ExitReason = ExitReason.LEFT) => {
    const change = membership.disconnect(sessionId)!;
    if (change.left) return members.removed(change.userId, reason, change.removed);
    members.sync(change.userId);
    return undefined;
  };
  const listed = () => [...state.members.keys()];
  return { state, membership, members, sent, join, leave, listed };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe("RoomMembers: the synchronized member list", () => {
  test("lists members up to the cap in join order, and promotes the longest-present unlisted member when a listed one leaves", () => {
    const r = room(2);
    for (const userId of ["ann", "bob", "cid", "dan"]) r.join(userId);
    expect(r.listed()).toEqual(["ann", "bob"]);
    r.leave("bob-1");
    expect(r.listed()).toEqual(["ann", "cid"]);
    r.leave("dan-1"); // an unlisted member leaves: the list stays
    expect(r.listed()).toEqual(["ann", "cid"]);
  });

  test("the state's memberCount follows every change up to the cap, and above it waits for the member-event flush", () => {
    const r = room(2);
    r.join("ann");
    r.join("bob");
    expect(r.state.memberCount).toBe(2);
    r.join("cid");
    expect(r.state.memberCount).toBe(2);
    expect(r.members.count).toBe(3);
    jest.advanceTimersByTime(LARGE_MS);
    expect(r.state.memberCount).toBe(3);
  });

  test("a listed member's online and devices in the state follow its connections", () => {
    const r = room(5);
    r.join("ann");
    r.join("ann", "ann-2");
    expect(r.state.members.get("ann")).toMatchObject({ online: true, devices: 2 });
    r.membership.hold("ann-1");
    r.membership.hold("ann-2");
    r.members.sync("ann");
    expect(r.state.members.get("ann")).toMatchObject({ online: false, devices: 2 });
    r.leave("ann-2");
    expect(r.state.members.get("ann")).toMatchObject({ online: false, devices: 1 });
  });
});

describe("RoomMembers: member events", () => {
  test("joins and leaves of one patch interval go out as one event each, with the members, the reasons and the count after the batch", () => {
    const r = room(10);
    r.join("ann");
    r.join("bob");
    r.leave("ann-1", ExitReason.KICKED);
    expect(r.sent).toEqual([]);
    jest.advanceTimersByTime(PATCH_MS);
    expect(r.sent).toEqual([
      {
        type: "roomMemberJoined",
        payload: {
          members: [
            { userId: "ann", userName: "name of ann", joinedAt: JOINED_AT, online: true, devices: 1 },
            { userId: "bob", userName: "name of bob", joinedAt: JOINED_AT, online: true, devices: 1 },
          ],
          count: 2,
          memberCount: 1,
        },
      },
      {
        type: "roomMemberLeft",
        payload: {
          members: [{ userId: "ann", userName: "name of ann", joinedAt: JOINED_AT, online: false, devices: 0 }],
          reasons: { ann: ExitReason.KICKED },
          count: 1,
          memberCount: 1,
        },
      },
    ]);
  });

  test("above the cap the events carry counts only, at the large-room cadence", () => {
    const r = room(2);
    for (const userId of ["ann", "bob", "cid"]) r.join(userId); // the first join found a small room: patch cadence
    jest.advanceTimersByTime(PATCH_MS);
    expect(r.sent).toEqual([{ type: "roomMemberJoined", payload: { members: [], count: 3, memberCount: 3 } }]);
    r.join("dan");
    r.leave("ann-1", ExitReason.OFFLINE);
    jest.advanceTimersByTime(LARGE_MS - 1);
    expect(r.sent).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(r.sent.slice(1)).toEqual([
      { type: "roomMemberJoined", payload: { members: [], count: 1, memberCount: 3 } },
      { type: "roomMemberLeft", payload: { members: [], reasons: {}, count: 1, memberCount: 3 } },
    ]);
  });

  test("a join event carries the custom fields set before the flush (by the enter hook)", () => {
    const r = room(10);
    r.join("ann");
    r.members.setFields("ann", { team: "red" });
    jest.advanceTimersByTime(PATCH_MS);
    expect(r.sent.at(0)!.payload.members.at(0)!.fields).toEqual({ team: "red" });
  });

  test("a refused entry (removed without its record) leaves no event and no hook view", () => {
    const r = room(10);
    r.membership.connect("ann-1", "ann", "Ann", JOINED_AT);
    r.members.added("ann");
    const change = r.membership.disconnect("ann-1")!;
    expect(r.members.removed(change.userId, ExitReason.LEFT)).toBeUndefined();
    jest.advanceTimersByTime(LARGE_MS);
    expect(r.sent).toEqual([]);
    expect(r.listed()).toEqual([]);
  });
});

describe("RoomMembers: the member shape", () => {
  test("info() carries the fields only when the member has some; the hooks' view always has them", () => {
    const r = room(10);
    r.join("ann");
    r.join("ann", "ann-2");
    expect(r.members.info("ann")).toEqual({ userId: "ann", userName: "name of ann", joinedAt: JOINED_AT, online: true, devices: 2 });
    expect(r.members.view("ann")).toEqual({
      userId: "ann",
      userName: "name of ann",
      joinedAt: JOINED_AT,
      online: true,
      devices: 2,
      fields: {},
    });
    r.members.setFields("ann", { team: "red" });
    expect(r.members.info("ann").fields).toEqual({ team: "red" });
    expect(r.members.all()).toEqual([r.members.info("ann")]);
  });

  test("the leave hook's view of a departed member keeps its name, join time and fields, offline without devices", () => {
    const r = room(10);
    r.join("ann");
    r.members.setFields("ann", { team: "red" });
    expect(r.leave("ann-1")).toEqual({
      userId: "ann",
      userName: "name of ann",
      joinedAt: JOINED_AT,
      online: false,
      devices: 0,
      fields: { team: "red" },
    });
    expect(r.members.view("ann").fields).toEqual({}); // forgotten with the member
  });

  test("a user that is not a member reads as offline, named by its id; member() refuses it with NOT_IN_ROOM", () => {
    const r = room(10);
    expect(r.members.info("ghost")).toEqual({ userId: "ghost", userName: "ghost", joinedAt: 0, online: false, devices: 0 });
    expect(() => r.members.member("ghost")).toThrow(expect.objectContaining({ code: ErrorCode.NOT_IN_ROOM }));
  });
});

describe("RoomMembers: custom fields", () => {
  test("fields replace the previous ones and show in a listed member's state entry", () => {
    const r = room(10);
    r.join("ann");
    r.members.setFields("ann", { team: "red", rank: "3" });
    r.members.setFields("ann", { team: "blue" });
    expect(Object.fromEntries(r.state.members.get("ann")!.fields!.entries())).toEqual({ team: "blue" });
  });

  test("a member without fields has none in the state (no empty map per listed member); clearing them removes it", () => {
    const r = room(10);
    r.join("ann");
    expect(r.state.members.get("ann")!.fields).toBeUndefined();
    r.members.setFields("ann", { team: "red" });
    expect(r.state.members.get("ann")!.fields!.get("team")).toBe("red");
    r.members.setFields("ann", {});
    expect(r.state.members.get("ann")!.fields).toBeUndefined();
  });

  test("a member promoted into the list brings its fields into the state", () => {
    const r = room(1);
    r.join("ann");
    r.join("bob");
    r.members.setFields("bob", { team: "red" });
    r.leave("ann-1");
    expect(r.state.members.get("bob")!.fields!.get("team")).toBe("red");
  });

  test("bad fields are refused with PARAMETER before membership is checked; a non-member with NOT_IN_ROOM", () => {
    const r = room(10);
    expect(() => r.members.setFields("ghost", { "bad name": "x" })).toThrow(expect.objectContaining({ code: ErrorCode.PARAMETER }));
    expect(() => r.members.setFields("ghost", { team: "red" })).toThrow(expect.objectContaining({ code: ErrorCode.NOT_IN_ROOM }));
  });
});

describe("RoomMembers: member pages", () => {
  test("pages through every member in join order, listed or not, with the exact count", () => {
    const r = room(1);
    for (const userId of ["ann", "bob", "cid"]) r.join(userId);
    const first = r.members.query({ count: 2 });
    expect(first.members.map((m) => m.userId)).toEqual(["ann", "bob"]);
    expect(first.memberCount).toBe(3);
    const second = r.members.query({ count: 2, nextFlag: first.nextFlag });
    expect(second.members.map((m) => m.userId)).toEqual(["cid"]);
    expect(second.nextFlag).toBe("");
    expect(r.members.query(undefined).members).toHaveLength(3);
  });

  test.each([
    ["a count of 0", { count: 0 }],
    ["a count over 100", { count: 101 }],
    ["a count that is no integer", { count: "5" }],
    ["a nextFlag that is no string", { nextFlag: 3 }],
    ["a nextFlag from nowhere", { nextFlag: "x" }],
  ])("refuses %s with PARAMETER", (_what, body) => {
    const r = room(10);
    r.join("ann");
    expect(() => r.members.query(body)).toThrow(expect.objectContaining({ code: ErrorCode.PARAMETER }));
  });
});
