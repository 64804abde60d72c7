/** The room-role permission table (src/core/roles.ts): every role x action x target role, and setting roles. */
import { ChatError, ErrorCode } from "../../src/core/errors";
import {
  assertMayAct,
  assertMayRecallOthers,
  assertMaySetRole,
  isStaff,
  refusalOf,
  roleCapacity,
  ROLE_LIMITS,
  type RoleAction,
  type RoleOrMember,
  type RoomRole,
} from "../../src/core/roles";

const ROLES: RoleOrMember[] = ["owner", "admin", "moderator", "member"];
const ACTIONS: RoleAction[] = ["kick", "mute", "unmute", "recall", "setRole"];

/** The brief's table, written out by hand: what each role may do (to a lower role). */
const EXPECTED: Record<RoleOrMember, RoleAction[]> = {
  owner: ["kick", "mute", "unmute", "recall", "setRole"],
  admin: ["kick", "mute", "unmute", "recall", "setRole"],
  moderator: ["mute", "unmute", "recall"],
  member: [],
};
const RANK: Record<RoleOrMember, number> = { owner: 3, admin: 2, moderator: 1, member: 0 };

function thrown(fn: () => void): ChatError | undefined {
  try {
    fn();
  } catch (e) {
    return e as ChatError;
  }
  return undefined;
}

test("each role may do its actions to every lower role and nothing to an equal or higher one", () => {
  const table: string[] = [];
  for (const actor of ROLES)
    for (const action of ACTIONS)
      for (const target of ROLES) {
        const allowed = refusalOf(action, { userId: "a", role: actor }, { userId: "t", role: target }) === null;
        const expected = EXPECTED[actor].includes(action) && RANK[actor] > RANK[target];
        if (allowed !== expected) table.push(`${actor} ${action} ${target}: ${allowed ? "allowed" : "refused"}`);
      }
  expect(table).toEqual([]);
  // the owner cannot be acted on by anyone
  for (const actor of ROLES)
    for (const action of ACTIONS) expect(refusalOf(action, { userId: "a", role: actor }, { userId: "o", role: "owner" })).not.toBeNull();
});

test("nobody acts on themselves, the owner included", () => {
  expect(refusalOf("kick", { userId: "o", role: "owner" }, { userId: "o", role: "owner" })).toMatch(/themselves/);
});

test("a refusal is ROLE_FORBIDDEN naming the action, the actor's role and the target", () => {
  const e = thrown(() => assertMayAct("kick", { userId: "mo", role: "moderator" }, { userId: "bob", role: "member" }, "lobby"));
  expect(e).toBeInstanceOf(ChatError);
  expect(e?.code).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect(e?.code).toBe(24015);
  expect(e?.message).toContain("kick");
  expect(e?.message).toContain("mo (moderator)");
  expect(e?.message).toContain("bob (member)");
  expect(e?.message).toContain("lobby");
  expect(thrown(() => assertMayAct("mute", { userId: "mo", role: "moderator" }, { userId: "bob", role: "member" }, "lobby"))).toBe(
    undefined,
  );
});

test("setting roles: the owner sets and unsets admins and moderators, an admin only moderators, nobody the owner", () => {
  const may = (actor: RoleOrMember, target: RoleOrMember, role: RoomRole | null): boolean =>
    thrown(() => assertMaySetRole({ userId: "a", role: actor }, { userId: "t", role: target }, role, "r")) === undefined;
  expect(may("owner", "member", "admin")).toBe(true);
  expect(may("owner", "member", "moderator")).toBe(true);
  expect(may("owner", "admin", null)).toBe(true);
  expect(may("owner", "admin", "moderator")).toBe(true);
  expect(may("owner", "moderator", "admin")).toBe(true);
  expect(may("owner", "member", "owner")).toBe(false);
  expect(may("admin", "member", "moderator")).toBe(true);
  expect(may("admin", "moderator", null)).toBe(true);
  expect(may("admin", "member", "admin")).toBe(false);
  expect(may("admin", "admin", null)).toBe(false);
  expect(may("admin", "owner", null)).toBe(false);
  expect(may("moderator", "member", "moderator")).toBe(false);
  expect(may("member", "member", "moderator")).toBe(false);
  const e = thrown(() => assertMaySetRole({ userId: "ad", role: "admin" }, { userId: "bob", role: "member" }, "admin", "r"));
  expect(e?.code).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect(e?.message).toContain("ad (admin) may not make bob an admin");
});

test("isStaff is true for owner, admin and moderator only; caps are 1 owner and 50 of each other role", () => {
  expect(ROLES.filter((r) => isStaff(r))).toEqual(["owner", "admin", "moderator"]);
  expect(isStaff(null)).toBe(false);
  expect(isStaff(undefined)).toBe(false);
  expect([roleCapacity("owner"), roleCapacity("admin"), roleCapacity("moderator")]).toEqual([1, 50, 50]);
  expect(ROLE_LIMITS).toEqual({ adminsPerRoom: 50, moderatorsPerRoom: 50 });
});

test("recalling another's message: a plain member is told only the sender may (NOT_MESSAGE_SENDER); a role is judged by the table", () => {
  const refusal = (actor: RoleOrMember, sender: RoleOrMember): number | null => {
    try {
      assertMayRecallOthers({ userId: "a", role: actor }, { userId: "s", role: sender }, "m1", "r1");
      return null;
    } catch (e) {
      return (e as ChatError).code;
    }
  };
  expect(refusal("member", "member")).toBe(ErrorCode.NOT_MESSAGE_SENDER);
  expect(refusal("moderator", "member")).toBeNull();
  expect(refusal("moderator", "moderator")).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect(refusal("admin", "owner")).toBe(ErrorCode.ROLE_FORBIDDEN);
  expect(refusal("owner", "admin")).toBeNull();
});
