import { MapSchema } from "@colyseus/schema";
import { ChatState, MemberState } from "../../rooms/ChatState";
import { applyStateOps, fullStateOps, resetStateTo, StateMirror } from "../../rooms/stateMirror";

function addMember(state: ChatState, userId: string): MemberState {
  const member = new MemberState();
  member.userId = userId;
  member.userName = `name of ${userId}`;
  member.joinedAt = 1000;
  member.online = true;
  member.devices = 1;
  state.members.set(userId, member);
  return member;
}

/** The state as plain data, to compare an owner's with a relay's. */
function plain(state: ChatState): unknown {
  return state.toJSON();
}

test("a relay that applies the owner's full ops, then every diff, holds the owner's state", () => {
  const owner = new ChatState();
  owner.roomId = "r1";
  owner.roomName = "Room";
  owner.createdAt = 5;
  owner.memberCount = 2;
  addMember(owner, "ann");
  const bob = addMember(owner, "bob");
  owner.attributes.set("topic", "chess");
  owner.roles.set("ann", "owner");
  const relay = new ChatState();
  applyStateOps(relay, fullStateOps(owner));
  const mirror = new StateMirror();
  mirror.diff(owner);
  expect(plain(relay)).toEqual(plain(owner));

  bob.online = false;
  bob.fields = new MapSchema<string>(new Map([["level", "3"]]));
  owner.members.delete("ann");
  addMember(owner, "cid");
  owner.memberCount = 2;
  owner.attributes.delete("topic");
  owner.attributes.set("mode", "blitz");
  owner.roles.delete("ann");
  owner.roles.set("bob", "admin");
  owner.slowModeSeconds = 10;
  const ops = mirror.diff(owner);
  applyStateOps(relay, ops);
  expect(plain(relay)).toEqual(plain(owner));
  expect(ops.map((op) => op[0]).sort()).toEqual(["attr", "attrGone", "member", "member", "memberGone", "role", "roleGone", "slow"]);
});

test("an unchanged state gives no ops; one changed member gives one op", () => {
  const owner = new ChatState();
  for (let i = 0; i < 500; i++) addMember(owner, `u${i}`);
  const mirror = new StateMirror();
  mirror.diff(owner);
  expect(mirror.diff(owner)).toEqual([]);
  owner.members.get("u7")!.devices = 2;
  expect(mirror.diff(owner)).toEqual([["member", "u7", ["name of u7", 1000, true, 2, null]]]);
  expect(mirror.diff(owner)).toEqual([]);
});

test("a snapshot replaces a relay's state: members, attributes and roles it does not list are gone", () => {
  const relay = new ChatState();
  addMember(relay, "gone");
  addMember(relay, "stays");
  relay.attributes.set("old", "x");
  relay.roles.set("gone", "admin");
  const owner = new ChatState();
  addMember(owner, "stays");
  owner.attributes.set("new", "y");
  resetStateTo(relay, fullStateOps(owner));
  expect(plain(relay)).toEqual(plain(owner));
});
