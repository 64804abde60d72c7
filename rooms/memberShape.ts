/**
 * The member shape (userId, userName, joinedAt, online, devices, fields, role), built in one place for
 * every server-side view of a member: room info, member pages, member events and the hooks.
 */
import type { MemberRecord } from "../src/core/membership";
import type { RoomRole } from "../src/core/roles";
import type { MemberInfo } from "../src/protocol";
import type { ChatMember } from "./memberHooks";

/** Whether a member has a live connection, and how many connections (live + held) it has. */
export interface MemberPresence {
  online: boolean;
  devices: number;
}

/** The presence of a member that is gone: offline, without connections. */
export const GONE: Readonly<MemberPresence> = { online: false, devices: 0 };

/** The record shown for a user the room does not know: its id as its name, joined at 0. */
export function unknownMember(userId: string): MemberRecord {
  return { userId, userName: userId, joinedAt: 0 };
}

/**
 * A member as the wire carries it ({@link MemberInfo}): `fields` is a copy of the given fields,
 * and absent when none are given.
 */
export function memberInfo(
  record: MemberRecord,
  presence: Readonly<MemberPresence>,
  fields?: Readonly<Record<string, string>>,
  role?: RoomRole,
): MemberInfo {
  const info: MemberInfo = {
    userId: record.userId,
    userName: record.userName,
    joinedAt: record.joinedAt,
    online: presence.online,
    devices: presence.devices,
  };
  if (fields) info.fields = { ...fields };
  if (role !== undefined) info.role = role;
  return info;
}

/** A member as the room's hooks see it ({@link ChatMember}): the same shape, `fields` always present ({} when none). */
export function chatMember(
  record: MemberRecord,
  presence: Readonly<MemberPresence>,
  fields?: Readonly<Record<string, string>>,
  role?: RoomRole,
): ChatMember {
  return { ...memberInfo(record, presence, undefined, role), fields: { ...fields } };
}
