/**
 * How a relay shard's synchronized state follows its owner's (docs/scaling.md). The owner keeps a
 * plain copy of what it last sent ({@link StateMirror}) and, at each of its patches while relays
 * are attached, turns the difference into {@link StateOp}s; a relay applies them to its own
 * ChatState ({@link applyStateOps}), whose Colyseus encoder then patches its clients as the
 * owner's patches its own. Comparing at patch time, instead of hooking every write, keeps one
 * place that knows the state's shape: a field added to ChatState is mirrored by adding it here.
 */
import { MapSchema } from "@colyseus/schema";
import { MemberState, type ChatState } from "./ChatState";
import type { MemberWire, StateOp } from "../src/service/shardWire";

export type { MemberWire, StateOp };

/** A listed member's fields as last sent; `fields` by identity (the state replaces a member's fields map whole, never edits it). */
interface SentMember {
  userName: string;
  joinedAt: number;
  online: boolean;
  devices: number;
  fields: MemberState["fields"];
}

function sameMember(sent: SentMember, member: MemberState): boolean {
  return (
    sent.online === member.online &&
    sent.devices === member.devices &&
    sent.userName === member.userName &&
    sent.joinedAt === member.joinedAt &&
    sent.fields === member.fields
  );
}

function memberWire(member: MemberState): MemberWire {
  const fields = member.fields ? Object.fromEntries(member.fields.entries()) : null;
  return [member.userName, member.joinedAt, member.online, member.devices, fields];
}

/** Ops turning the string map `last` into `now`, recording `now` in `last`. */
function diffMap(
  now: MapSchema<string>,
  last: Map<string, string>,
  set: (key: string, value: string) => StateOp,
  gone: (key: string) => StateOp,
): StateOp[] {
  const ops: StateOp[] = [];
  for (const key of last.keys()) {
    if (!now.has(key)) {
      last.delete(key);
      ops.push(gone(key));
    }
  }
  for (const [key, value] of now.entries()) {
    if (last.get(key) === value) continue;
    last.set(key, value);
    ops.push(set(key, value));
  }
  return ops;
}

/** The owner's copy of the state as its relays have it. */
export class StateMirror {
  /** The room's id, name and creation time went out (set once, when the room is created). */
  private roomSent = false;
  private count = -1;
  private slow = -1;
  /** Listed members by userId, as last sent. */
  private readonly members = new Map<string, SentMember>();
  private readonly attributes = new Map<string, string>();
  private readonly roles = new Map<string, string>();

  /** The changes since the last call (all of the state on the first), now recorded as sent. */
  diff(state: ChatState): StateOp[] {
    const ops: StateOp[] = [];
    if (!this.roomSent) {
      this.roomSent = true;
      ops.push(["room", state.roomId, state.roomName, state.createdAt]);
    }
    if (state.memberCount !== this.count) ops.push(["count", (this.count = state.memberCount)]);
    if (state.slowModeSeconds !== this.slow) ops.push(["slow", (this.slow = state.slowModeSeconds)]);
    for (const userId of this.members.keys()) {
      if (!state.members.has(userId)) {
        this.members.delete(userId);
        ops.push(["memberGone", userId]);
      }
    }
    // compared field by field: this runs at every patch of a room with relays, over up to the
    // member-list cap, so it must cost next to nothing when nothing changed
    for (const [userId, member] of state.members.entries()) {
      const sent = this.members.get(userId);
      if (sent && sameMember(sent, member)) continue;
      this.members.set(userId, {
        userName: member.userName,
        joinedAt: member.joinedAt,
        online: member.online,
        devices: member.devices,
        fields: member.fields,
      });
      ops.push(["member", userId, memberWire(member)]);
    }
    ops.push(
      ...diffMap(
        state.attributes,
        this.attributes,
        (k, v) => ["attr", k, v],
        (k) => ["attrGone", k],
      ),
    );
    ops.push(
      ...diffMap(
        state.roles,
        this.roles,
        (k, v) => ["role", k, v],
        (k) => ["roleGone", k],
      ),
    );
    return ops;
  }
}

/** The whole state as ops, for a relay that attaches now. */
export function fullStateOps(state: ChatState): StateOp[] {
  return new StateMirror().diff(state);
}

function setFields(member: MemberState, fields: Record<string, string> | null): void {
  const entries = Object.entries(fields ?? {});
  if (entries.length === 0) {
    if (member.fields !== undefined) member.fields = undefined;
    return;
  }
  const now = member.fields;
  if (now?.size === entries.length && entries.every(([k, v]) => now.get(k) === v)) return;
  member.fields = new MapSchema<string>(new Map(entries));
}

/**
 * Replaces a relay's state by an owner's whole state (a snapshot's ops): what the snapshot does not
 * list is gone (after a failover the new owner's members are those that came back).
 */
export function resetStateTo(state: ChatState, ops: readonly StateOp[]): void {
  const listed = new Set<string>();
  const attributes = new Set<string>();
  const roles = new Set<string>();
  for (const op of ops) {
    if (op[0] === "member") listed.add(op[1]);
    else if (op[0] === "attr") attributes.add(op[1]);
    else if (op[0] === "role") roles.add(op[1]);
  }
  for (const userId of [...state.members.keys()]) if (!listed.has(userId)) state.members.delete(userId);
  for (const key of [...state.attributes.keys()]) if (!attributes.has(key)) state.attributes.delete(key);
  for (const userId of [...state.roles.keys()]) if (!roles.has(userId)) state.roles.delete(userId);
  applyStateOps(state, ops);
}

/** Applies an owner's ops to a relay's state, in order. */
export function applyStateOps(state: ChatState, ops: readonly StateOp[]): void {
  for (const op of ops) {
    switch (op[0]) {
      case "room":
        [, state.roomId, state.roomName, state.createdAt] = op;
        break;
      case "count":
        state.memberCount = op[1];
        break;
      case "slow":
        state.slowModeSeconds = op[1];
        break;
      case "member": {
        const [, userId, [userName, joinedAt, online, devices, fields]] = op;
        let member = state.members.get(userId);
        if (!member) {
          member = new MemberState();
          member.userId = userId;
          state.members.set(userId, member);
        }
        member.userName = userName;
        member.joinedAt = joinedAt;
        member.online = online;
        member.devices = devices;
        setFields(member, fields);
        break;
      }
      case "memberGone":
        state.members.delete(op[1]);
        break;
      case "attr":
        state.attributes.set(op[1], op[2]);
        break;
      case "attrGone":
        state.attributes.delete(op[1]);
        break;
      case "role":
        state.roles.set(op[1], op[2]);
        break;
      case "roleGone":
        state.roles.delete(op[1]);
        break;
    }
  }
}
