/**
 * Members of one room, keyed by userId, each with its connections (devices). A member exists
 * while it has a live or a held (dropped, awaiting reconnection) connection; it is online while
 * it has a live one. Join/leave events belong to the first connection in and the last out.
 */

/** What the room shows of a member. */
export interface MemberRecord {
  userId: string;
  userName: string;
  joinedAt: number;
}

/**
 * A member and its connections, in one object (it is the record callers read). A member usually
 * has one connection, so the session lists are small arrays, `held` made only when one drops:
 * two Sets per member cost ~0.35 KB, which a 5,000-member room multiplies.
 */
interface Entry extends MemberRecord {
  live: string[];
  held: string[] | undefined;
}

/** Removes `item` from `list`; false when it was not there. */
function remove(list: string[] | undefined, item: string): boolean {
  if (!list) return false;
  const at = list.indexOf(item);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}

/** Result of a connection change for the member it belongs to. */
export interface MemberChange {
  userId: string;
  /** true when this change added the member (first connection in). */
  joined?: boolean;
  /** true when this change removed the member (last connection out). */
  left?: boolean;
  /** The member as it was, when this change removed it. */
  removed?: MemberRecord;
  /** true when the member lost its last live connection but is kept (offline). */
  wentOffline?: boolean;
  /** true when an offline member got a live connection back. */
  cameOnline?: boolean;
}

export class Membership {
  private readonly byUser = new Map<string, Entry>();
  private readonly userOfSession = new Map<string, string>();

  /** A connection of `userId` joined. Creates the member on its first connection. */
  connect(sessionId: string, userId: string, userName: string, now: number): MemberChange {
    let entry = this.byUser.get(userId);
    const joined = entry === undefined;
    let cameOnline = false;
    if (!entry) {
      // a literal of one: pushing onto [] would reserve room for 17
      entry = { userId, userName, joinedAt: now, live: [sessionId], held: undefined };
      this.byUser.set(userId, entry);
    } else {
      cameOnline = entry.live.length === 0;
      entry.live.push(sessionId);
    }
    this.userOfSession.set(sessionId, userId);
    return { userId, joined, cameOnline };
  }

  /** A live connection dropped and is held for reconnection. */
  hold(sessionId: string): MemberChange | undefined {
    const entry = this.entryOf(sessionId);
    if (!entry || !remove(entry.live, sessionId)) return undefined;
    (entry.held ??= []).push(sessionId);
    return { userId: entry.userId, wentOffline: entry.live.length === 0 };
  }

  /** A held connection came back. */
  restore(sessionId: string): MemberChange | undefined {
    const entry = this.entryOf(sessionId);
    if (!entry || !remove(entry.held, sessionId)) return undefined;
    const cameOnline = entry.live.length === 0;
    entry.live.push(sessionId);
    return { userId: entry.userId, cameOnline };
  }

  /** A connection (live or held) is gone for good; removes the member with its last connection. */
  disconnect(sessionId: string): MemberChange | undefined {
    const entry = this.entryOf(sessionId);
    if (!entry) return undefined;
    const wasOnline = entry.live.length > 0;
    remove(entry.live, sessionId);
    remove(entry.held, sessionId);
    this.userOfSession.delete(sessionId);
    const userId = entry.userId;
    if (entry.live.length === 0 && (entry.held?.length ?? 0) === 0) {
      this.byUser.delete(userId);
      return { userId, left: true, removed: { userId, userName: entry.userName, joinedAt: entry.joinedAt } };
    }
    return { userId, wentOffline: wasOnline && entry.live.length === 0 };
  }

  has(userId: string): boolean {
    return this.byUser.has(userId);
  }

  userOf(sessionId: string): string | undefined {
    return this.userOfSession.get(sessionId);
  }

  get(userId: string): MemberRecord | undefined {
    return this.byUser.get(userId);
  }

  isOnline(userId: string): boolean {
    return (this.byUser.get(userId)?.live.length ?? 0) > 0;
  }

  /** Number of connections (live + held) of a member. */
  devices(userId: string): number {
    const entry = this.byUser.get(userId);
    return entry ? entry.live.length + (entry.held?.length ?? 0) : 0;
  }

  liveSessions(userId: string): string[] {
    return [...(this.byUser.get(userId)?.live ?? [])];
  }

  heldSessions(userId: string): string[] {
    return [...(this.byUser.get(userId)?.held ?? [])];
  }

  /** Members in join order. */
  records(): MemberRecord[] {
    return [...this.byUser.values()];
  }

  userIds(): string[] {
    return [...this.byUser.keys()];
  }

  get size(): number {
    return this.byUser.size;
  }

  private entryOf(sessionId: string): Entry | undefined {
    const userId = this.userOfSession.get(sessionId);
    return userId === undefined ? undefined : this.byUser.get(userId);
  }
}
