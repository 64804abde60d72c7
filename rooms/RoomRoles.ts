/**
 * Room roles in one room: the room's copy of its roles (service/roles keeps them in the store;
 * every change announces a "roles" notice the room reloads on), shown in the synchronized state
 * (`state.roles`, userId -> role) and announced to every member; and the member requests that act
 * on other users by role (kick, mute, unmute, set a role), each checked by src/core/roles.ts'
 * table and recorded in the audit trail with actor `user:<userId>`.
 */
import { ChatError, ErrorCode } from "../src/core/errors";
import { isObjectPrototypeName } from "../src/core/objectKeys";
import {
  assertMayAct,
  assertMayRecallOthers,
  assertMaySetRole,
  type RoleAction,
  type RoleHolder,
  type RoleOrMember,
  type RoomRole,
} from "../src/core/roles";
import type { RoleChange } from "../src/protocol";
import { memberActionSchema, muteMemberSchema, setRoleSchema } from "../src/schemas/roles";
import { parseInput } from "../src/schemas/parse";
import { recordAudit } from "../src/service/audit";
import type { ChatContext } from "../src/service/context";
import { muteUsers, unmuteUsers } from "../src/service/moderation";
import { readRoles, removeRoles, setRole } from "../src/service/roles";
import type { RecordHolder } from "../src/service/restore";
import { Scope } from "../src/service/scopes";
import type { ExpiringEntry } from "../src/store/types";

/** What RoomRoles needs from its room. */
export interface RolesHost {
  readonly roomId: string;
  /** The synchronized `roles` map (userId -> role): kept equal to the room's copy. */
  readonly stateRoles: { set(userId: string, role: string): unknown; delete(userId: string): unknown };
  isMember(userId: string): boolean;
  /** Removes a member now with exit reason KICKED. */
  kick(userId: string): void;
  /** Tells every member whose role changed (after the state patch that carries it). */
  announce(changes: RoleChange[]): void;
}

export class RoomRoles implements RecordHolder {
  private roles = new Map<string, RoomRole>();
  private loading: Promise<void> = Promise.resolve();
  /** The first load (at creation) fills the state without announcing: nobody is in the room yet. */
  private loaded = false;

  constructor(
    private readonly ctx: ChatContext,
    private readonly host: RolesHost,
  ) {}

  /** The user's role ("member" without one). */
  roleOf(userId: string): RoleOrMember {
    return this.roles.get(userId) ?? "member";
  }

  /** The user's role, undefined for a plain member (the wire's MemberInfo.role). */
  roleOrNone(userId: string): RoomRole | undefined {
    return this.roles.get(userId);
  }

  /**
   * Reloads the roles from the store, then brings the state up to date and announces what
   * changed. Reloads run one after another, so the last one requested is what stays; a failed
   * one keeps the previous copy and rejects.
   */
  reload(): Promise<void> {
    const next = this.loading.catch(() => undefined).then(() => this.load());
    this.loading = next;
    return next;
  }

  /**
   * The store lost its data (Redis restarted empty): puts this room's roles back as the room holds
   * them, except where they were changed since the loss (the store's `restore` rule, as for
   * moderation). Resolves when written; nothing for a store that cannot lose data.
   */
  async rewrite(): Promise<void> {
    const { sets } = this.ctx.store;
    const restore = sets.restore?.bind(sets);
    if (!restore) return;
    const byRole = new Map<RoomRole, ExpiringEntry[]>();
    for (const [userId, role] of this.roles) {
      let entries = byRole.get(role);
      if (!entries) byRole.set(role, (entries = []));
      entries.push({ member: userId, expiresAt: null });
    }
    await Promise.all([...byRole].map(([role, entries]) => restore(Scope.roomRole(this.host.roomId, role), entries)));
  }

  /** KICK `{ userId }`: removes the member (KICKED). ROLE_FORBIDDEN, NOT_IN_ROOM, PARAMETER. */
  async kick(actorId: string, body: unknown): Promise<Record<string, never>> {
    const { userId } = parseInput(memberActionSchema, body, { root: "kick request" });
    this.assertMay("kick", actorId, userId);
    if (!this.host.isMember(userId)) throw new ChatError(ErrorCode.NOT_IN_ROOM, `${userId} is not a member of room ${this.host.roomId}`);
    this.host.kick(userId);
    await this.audit(actorId, "member.kick", userId, "");
    return {};
  }

  /** MUTE `{ userId, minutes }`: the operator's room mute (service/moderation), for 1..43200 minutes. */
  async mute(actorId: string, body: unknown): Promise<Record<string, never>> {
    const { userId, minutes } = parseInput(muteMemberSchema, body, { root: "mute request" });
    this.assertMay("mute", actorId, userId);
    await muteUsers(this.ctx, this.host.roomId, [userId], minutes);
    await this.audit(actorId, "member.mute", userId, `minute=${minutes}`);
    return {};
  }

  /** UNMUTE `{ userId }`: lifts the user's room mute (whoever set it). */
  async unmute(actorId: string, body: unknown): Promise<Record<string, never>> {
    const { userId } = parseInput(memberActionSchema, body, { root: "unmute request" });
    this.assertMay("unmute", actorId, userId);
    await unmuteUsers(this.ctx, this.host.roomId, [userId]);
    await this.audit(actorId, "member.unmute", userId, "");
    return {};
  }

  /**
   * SET_ROLE `{ userId, role }` (role "admin", "moderator" or null). Resolves once this room shows
   * the change; rooms elsewhere follow on the bus notice.
   */
  async setRole(actorId: string, body: unknown): Promise<Record<string, never>> {
    const { userId, role } = parseInput(setRoleSchema, body, { root: "role request" });
    assertMaySetRole(this.holder(actorId), this.holder(userId), role, this.host.roomId);
    if (role === null) await removeRoles(this.ctx, this.host.roomId, [userId]);
    else await setRole(this.ctx, this.host.roomId, [userId], role);
    await this.reload();
    await this.audit(actorId, "member.role", userId, `role=${role ?? "member"}`);
    return {};
  }

  /** Whether `actorId` may recall a message `senderUserID` sent (core/roles assertMayRecallOthers). */
  assertMayRecall(actorId: string, senderUserID: string, messageID: string): void {
    assertMayRecallOthers(this.holder(actorId), this.holder(senderUserID), messageID, this.host.roomId);
  }

  /** Records a member's recall of another's message. */
  recalledForOther(actorId: string, senderUserID: string, messageID: string): Promise<void> {
    return this.audit(actorId, "message.recall", senderUserID, `messageID=${messageID}`);
  }

  private assertMay(action: RoleAction, actorId: string, targetId: string): void {
    assertMayAct(action, this.holder(actorId), this.holder(targetId), this.host.roomId);
  }

  private holder(userId: string): RoleHolder {
    return { userId, role: this.roleOf(userId) };
  }

  private audit(actorId: string, action: string, targetId: string, detail: string): Promise<void> {
    const role = `by=${this.roleOf(actorId)}`;
    return recordAudit(this.ctx, {
      at: this.ctx.now(),
      actor: `user:${actorId}`,
      action,
      roomIds: [this.host.roomId],
      userIds: [targetId],
      result: ErrorCode.OK,
      detail: detail ? `${role} ${detail}` : role,
    });
  }

  private async load(): Promise<void> {
    const next = await readRoles(this.ctx, this.host.roomId);
    const changes: RoleChange[] = [];
    // such ids can never be members, and the state's map cannot carry them (core/objectKeys)
    for (const userId of next.keys()) if (isObjectPrototypeName(userId)) next.delete(userId);
    for (const userId of this.roles.keys()) {
      if (next.has(userId)) continue;
      this.host.stateRoles.delete(userId);
      changes.push({ userId, role: null });
    }
    for (const [userId, role] of next) {
      if (this.roles.get(userId) === role) continue;
      this.host.stateRoles.set(userId, role);
      changes.push({ userId, role });
    }
    this.roles = next;
    if (changes.length > 0 && this.loaded) this.host.announce(changes);
    this.loaded = true;
  }
}
