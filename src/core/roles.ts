/**
 * Room roles (owner, admin, moderator; everyone else is a member) and what each may do to other
 * users from the client: the one permission table (docs/client-api.md "Roles"). Pure: the caller
 * reads the roles from its room and passes them in.
 */
import { ChatError, ErrorCode } from "./errors";

/** A room role. A user without one is a member. */
export type RoomRole = "owner" | "admin" | "moderator";
/** A role or "member" (no role). */
export type RoleOrMember = RoomRole | "member";

/** Every room role, highest first. */
export const ROOM_ROLES: readonly RoomRole[] = ["owner", "admin", "moderator"];

/** What a role may do to another user from the client. */
export type RoleAction = "kick" | "mute" | "unmute" | "recall" | "setRole";

/** Limits of the roles of one room. */
export const ROLE_LIMITS = {
  /** admins one room may hold */
  adminsPerRoom: 50,
  /** moderators one room may hold */
  moderatorsPerRoom: 50,
} as const;

/** Most users a room may hold in `role` (the owner is one). */
export function roleCapacity(role: RoomRole): number {
  if (role === "owner") return 1;
  return role === "admin" ? ROLE_LIMITS.adminsPerRoom : ROLE_LIMITS.moderatorsPerRoom;
}

const RANK: Readonly<Record<RoleOrMember, number>> = { owner: 3, admin: 2, moderator: 1, member: 0 };

const ALLOWED: Readonly<Record<RoleOrMember, ReadonlySet<RoleAction>>> = {
  owner: new Set(["kick", "mute", "unmute", "recall", "setRole"]),
  admin: new Set(["kick", "mute", "unmute", "recall", "setRole"]),
  moderator: new Set(["mute", "unmute", "recall"]),
  member: new Set(),
};

/** The role with its article, for messages: "the owner", "an admin", "a moderator", "a member". */
function named(role: RoleOrMember): string {
  if (role === "owner") return "the owner";
  return role === "admin" ? "an admin" : `a ${role}`;
}

/** True for a string that names a room role. */
export function isRoomRole(value: unknown): value is RoomRole {
  return value === "owner" || value === "admin" || value === "moderator";
}

/** True for the owner, admins and moderators: users who moderate the room. */
export function isStaff(role: RoleOrMember | null | undefined): role is RoomRole {
  return isRoomRole(role);
}

/** True when `a` ranks strictly above `b`. */
export function outranks(a: RoleOrMember, b: RoleOrMember): boolean {
  return RANK[a] > RANK[b];
}

/** A user and its role in a room, as the permission rule reads it. */
export interface RoleHolder {
  userId: string;
  role: RoleOrMember;
}

/**
 * Why `actor` may not do `action` to `target`, or null when it may. Nobody acts on a user of an
 * equal or higher role (themselves included), so the owner cannot be acted on at all.
 */
export function refusalOf(action: RoleAction, actor: RoleHolder, target: RoleHolder): string | null {
  if (!ALLOWED[actor.role].has(action)) return `${named(actor.role)} may not ${action}`;
  if (actor.userId === target.userId) return `nobody may ${action} themselves`;
  if (!outranks(actor.role, target.role)) return `${named(actor.role)} may not ${action} ${named(target.role)}`;
  return null;
}

/**
 * Throws ROLE_FORBIDDEN naming the action, the actor's role and the target when
 * {@link refusalOf} refuses. `roomId` is named in the message.
 */
export function assertMayAct(action: RoleAction, actor: RoleHolder, target: RoleHolder, roomId: string): void {
  const refusal = refusalOf(action, actor, target);
  if (refusal !== null) {
    throw new ChatError(
      ErrorCode.ROLE_FORBIDDEN,
      `${action} refused: ${actor.userId} (${actor.role}) may not act on ${target.userId} (${target.role}) in room ${roomId}: ${refusal}`,
    );
  }
}

/**
 * Throws ROLE_FORBIDDEN unless `actor` may give `target` the role `role` (null: take its role
 * away). Only admin and moderator are given from the client (the owner changes through the
 * operator API); the new role must rank below the actor's, as must the target's current one: the
 * owner sets and unsets admins and moderators, an admin sets and unsets moderators.
 */
export function assertMaySetRole(actor: RoleHolder, target: RoleHolder, role: RoomRole | null, roomId: string): void {
  assertMayAct("setRole", actor, target, roomId);
  const next: RoleOrMember = role ?? "member";
  if (role === "owner" || !outranks(actor.role, next)) {
    throw new ChatError(
      ErrorCode.ROLE_FORBIDDEN,
      `setRole refused: ${actor.userId} (${actor.role}) may not make ${target.userId} ${named(next)} in room ${roomId}: ${role === "owner" ? "the owner changes only through the operator API" : `${named(actor.role)} gives only roles below its own`}`,
    );
  }
}

/**
 * Recalling another member's message (`sender`'s): a plain member never may, and is told so as
 * before roles existed (NOT_MESSAGE_SENDER); a role is judged by the table (ROLE_FORBIDDEN).
 */
export function assertMayRecallOthers(actor: RoleHolder, sender: RoleHolder, messageID: string, roomId: string): void {
  if (actor.role === "member") {
    throw new ChatError(ErrorCode.NOT_MESSAGE_SENDER, `only the sender (${sender.userId}) may recall message ${messageID}`);
  }
  assertMayAct("recall", actor, sender, roomId);
}
