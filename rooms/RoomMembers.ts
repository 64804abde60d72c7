/**
 * A room's members as everyone sees them: the synchronized member list (the first
 * `memberListCap` by join order, with promotion when a listed member leaves), the member count,
 * the batched join/leave events, member pages and the app's custom member fields. The connections
 * themselves are core/membership's; which members are listed is core/memberList's. No Colyseus
 * room: the schema state, a broadcast and a scheduler are injected.
 */
import { ChatError, ErrorCode } from "../src/core/errors";
import type { ExitReason } from "../src/core/exitReasons";
import { MAX_MEMBER_PAGE, type MemberList } from "../src/core/memberList";
import type { MemberRecord, Membership } from "../src/core/membership";
import { MapSchema } from "@colyseus/schema";
import type { RoomRole } from "../src/core/roles";
import { ServerMessage, type MemberInfo, type MemberQueryResult, type MembersChangedPayload } from "../src/protocol";
import { MemberState, type ChatState } from "./ChatState";
import { checkMemberFields, type ChatMember } from "./memberHooks";
import { chatMember, GONE, memberInfo, unknownMember, type MemberPresence } from "./memberShape";
import type { Schedule, TimerHandle } from "./roomTimers";

/** Most connections the synchronized state reports per member (its `devices` is a uint8). */
const MAX_STATE_DEVICES = 255;

/** Member changes waiting for the next member-event flush; `reasons` by userId (null prototype). */
interface PendingBatch {
  joined: MemberInfo[];
  left: MemberInfo[];
  reasons: Record<string, ExitReason>;
}

function emptyBatch(): PendingBatch {
  return { joined: [], left: [], reasons: Object.create(null) as Record<string, ExitReason> };
}

/** What the members need from their room. */
export interface RoomMembersHost {
  readonly roomId: string;
  /** The room's synchronized state: its `members` map and `memberCount` are kept here. */
  readonly state: ChatState;
  /** The room's members and their connections (the room reports connection changes to it). */
  readonly membership: Membership;
  /** Which members the state lists. */
  readonly memberList: MemberList;
  /** Above the list cap, how often member events (and the state's count) go out, in ms. */
  readonly largeRoomCountMs: number;
  /** Up to the cap, how often member events go out: the room's patch interval, in ms. */
  patchIntervalMs(): number;
  /** Sends a member event to every member. */
  broadcast(type: typeof ServerMessage.MEMBERS_JOINED | typeof ServerMessage.MEMBERS_LEFT, payload: MembersChangedPayload): void;
  schedule: Schedule;
  /** A member's room role (undefined for a plain member). */
  roleOf?(userId: string): RoomRole | undefined;
}

/** The room's member bookkeeping; see the file comment. */
export class RoomMembers {
  /** The app's custom fields by member (null-prototype records). */
  private readonly fields = new Map<string, Record<string, string>>();
  private pending = emptyBatch();
  private flushTimer: TimerHandle | undefined;

  constructor(private readonly host: RoomMembersHost) {}

  /** Members now (exact, listed or not). */
  get count(): number {
    return this.host.membership.size;
  }

  /** More members than the state lists: member events carry counts only, at the large-room cadence. */
  isLarge(): boolean {
    return this.host.memberList.isLarge(this.host.membership.size);
  }

  /** A member was added to the membership (its first connection): lists it while the list has room. */
  added(userId: string): void {
    if (this.host.memberList.add(userId).listed) this.list(userId);
    this.syncCount();
  }

  /** Announces a member that joined, in the next member-event batch. */
  announceJoined(userId: string): void {
    const record = this.host.membership.get(userId) ?? unknownMember(userId);
    this.queue(
      "joined",
      memberInfo(record, { online: true, devices: this.host.membership.devices(userId) }, undefined, this.host.roleOf?.(userId)),
    );
  }

  /**
   * A member left the membership: it leaves the list (the longest-present unlisted member takes
   * its place) and its custom fields are forgotten. With `removed` (the member as it was) the
   * leave is announced and the member is returned as the hooks see it; without it (a refused
   * entry, never announced) nothing is said and undefined is returned.
   */
  removed(userId: string, reason: ExitReason, removed?: MemberRecord): ChatMember | undefined {
    let member: ChatMember | undefined;
    if (removed) {
      const role = this.host.roleOf?.(userId);
      this.queue("left", memberInfo(removed, GONE, undefined, role), reason);
      member = chatMember(removed, GONE, this.fields.get(userId), role);
    }
    const { wasListed, promoted } = this.host.memberList.remove(userId);
    if (wasListed) this.host.state.members.delete(userId);
    if (promoted !== undefined) this.list(promoted);
    this.syncCount();
    this.fields.delete(userId);
    return member;
  }

  /** Brings a listed member's `online` and `devices` in the state up to date after a connection change. */
  sync(userId: string): void {
    const member = this.host.state.members.get(userId);
    if (!member) return;
    member.online = this.host.membership.isOnline(userId);
    member.devices = Math.min(MAX_STATE_DEVICES, this.host.membership.devices(userId));
  }

  /** A member as the wire carries it; a user that is not a member reads as offline, named by its id. */
  info(userId: string): MemberInfo {
    const record = this.host.membership.get(userId);
    return record
      ? memberInfo(record, this.presenceOf(userId), this.fields.get(userId), this.host.roleOf?.(userId))
      : memberInfo(unknownMember(userId), GONE);
  }

  /** Every member, in join order. */
  all(): MemberInfo[] {
    return this.host.membership.userIds().map((userId) => this.info(userId));
  }

  /** A member as the hooks see it (a user that left meanwhile reads as offline, named by its id). */
  view(userId: string): ChatMember {
    return chatMember(
      this.host.membership.get(userId) ?? unknownMember(userId),
      this.presenceOf(userId),
      this.fields.get(userId),
      this.host.roleOf?.(userId),
    );
  }

  /** A member as the hooks see it; throws NOT_IN_ROOM when `userId` is not a member. */
  member(userId: string): ChatMember {
    this.assertMember(userId);
    return this.view(userId);
  }

  /**
   * Replaces a member's custom fields; listed members show them in the state at once, and a
   * pending join event carries them. Throws PARAMETER naming the bad field, NOT_IN_ROOM for a
   * user that is not a member.
   */
  setFields(userId: string, fields: Record<string, string>): void {
    const checked = checkMemberFields(fields);
    this.assertMember(userId);
    this.fields.set(userId, checked);
    const member = this.host.state.members.get(userId);
    if (member) member.fields = fieldsState(checked);
  }

  /**
   * One page of every member, in join order, from a request body `{ count?, nextFlag? }`
   * (count 1..100, default 100). Throws PARAMETER naming a bad count or nextFlag.
   */
  query(body: unknown): MemberQueryResult {
    const { count = MAX_MEMBER_PAGE, nextFlag } = (body ?? {}) as { count?: unknown; nextFlag?: unknown };
    if (nextFlag !== undefined && typeof nextFlag !== "string") throw new ChatError(ErrorCode.PARAMETER, "nextFlag must be a string");
    let page;
    try {
      page = this.host.memberList.page(nextFlag, count as number);
    } catch (e) {
      throw new ChatError(ErrorCode.PARAMETER, (e as Error).message);
    }
    return { members: page.userIds.map((userId) => this.info(userId)), nextFlag: page.nextFlag, memberCount: this.host.membership.size };
  }

  private assertMember(userId: string): void {
    if (!this.host.membership.has(userId))
      throw new ChatError(ErrorCode.NOT_IN_ROOM, `${userId} is not a member of room ${this.host.roomId}`);
  }

  private presenceOf(userId: string): MemberPresence {
    return { online: this.host.membership.isOnline(userId), devices: this.host.membership.devices(userId) };
  }

  /** Adds a member to the state's (capped) member list. */
  private list(userId: string): void {
    const record = this.host.membership.get(userId);
    if (!record) return;
    const member = new MemberState();
    member.userId = record.userId;
    member.userName = record.userName;
    member.joinedAt = record.joinedAt;
    member.fields = fieldsState(this.fields.get(userId));
    this.host.state.members.set(record.userId, member);
    this.sync(userId);
  }

  /**
   * Up to the cap the state's count changes with the list, in the same patch. Above it the count
   * waits for the next member-event flush, so a join storm does not re-send (and re-encode) the
   * state to every member on every patch.
   */
  private syncCount(): void {
    if (!this.isLarge()) this.host.state.memberCount = this.host.membership.size;
  }

  /** Collects member changes and sends them as one list per patch interval (large rooms: per large-room interval). */
  private queue(kind: "joined" | "left", info: MemberInfo, reason?: ExitReason): void {
    if (kind === "joined") {
      this.pending.joined.push(info);
    } else {
      this.pending.left.push(info);
      if (reason !== undefined) this.pending.reasons[info.userId] = reason;
    }
    const interval = this.isLarge() ? this.host.largeRoomCountMs : this.host.patchIntervalMs();
    this.flushTimer ??= this.host.schedule(() => this.flush(), interval);
  }

  /** Above the member-list cap only counts go out, so member traffic stays linear in the members. */
  private flush(): void {
    this.flushTimer = undefined;
    const { joined, left, reasons } = this.pending;
    this.pending = emptyBatch();
    const memberCount = this.host.membership.size;
    this.host.state.memberCount = memberCount;
    const big = this.isLarge();
    // fields set since the join (the enter hook) go out with it
    for (const info of joined) {
      const fields = this.fields.get(info.userId);
      if (fields && this.host.membership.has(info.userId)) info.fields = { ...fields };
    }
    if (joined.length > 0) {
      this.host.broadcast(ServerMessage.MEMBERS_JOINED, {
        members: big ? [] : joined,
        count: joined.length,
        memberCount,
      } satisfies MembersChangedPayload);
    }
    if (left.length > 0) {
      this.host.broadcast(ServerMessage.MEMBERS_LEFT, {
        members: big ? [] : left,
        reasons: big ? {} : reasons,
        count: left.length,
        memberCount,
      } satisfies MembersChangedPayload);
    }
  }
}

/** A member's fields as the state holds them: undefined when there are none. */
function fieldsState(fields: Record<string, string> | undefined): MapSchema<string> | undefined {
  const entries = Object.entries(fields ?? {});
  return entries.length === 0 ? undefined : new MapSchema<string>(new Map(entries));
}
