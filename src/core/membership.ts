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

interface Entry {
  record: MemberRecord;
  live: Set<string>;
  held: Set<string>;
}

/** Result of a connection change for the member it belongs to. */
export interface MemberChange {
  userId: string;
  /** true when this change added the member (first connection in). */
  joined?: boolean;
  /** true when this change removed the member (last connection out). */
  left?: boolean;
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
    if (!entry) {
      entry = { record: { userId, userName, joinedAt: now }, live: new Set(), held: new Set() };
      this.byUser.set(userId, entry);
    }
    const cameOnline = !joined && entry.live.size === 0;
    entry.live.add(sessionId);
    this.userOfSession.set(sessionId, userId);
    return { userId, joined, cameOnline };
  }

  /** A live connection dropped and is held for reconnection. */
  hold(sessionId: string): MemberChange | undefined {
    const entry = this.entryOf(sessionId);
    if (!entry || !entry.live.delete(sessionId)) return undefined;
    entry.held.add(sessionId);
    return { userId: entry.record.userId, wentOffline: entry.live.size === 0 };
  }

  /** A held connection came back. */
  restore(sessionId: string): MemberChange | undefined {
    const entry = this.entryOf(sessionId);
    if (!entry || !entry.held.delete(sessionId)) return undefined;
    const cameOnline = entry.live.size === 0;
    entry.live.add(sessionId);
    return { userId: entry.record.userId, cameOnline };
  }

  /** A connection (live or held) is gone for good; removes the member with its last connection. */
  disconnect(sessionId: string): MemberChange | undefined {
    const entry = this.entryOf(sessionId);
    if (!entry) return undefined;
    const wasOnline = entry.live.size > 0;
    entry.live.delete(sessionId);
    entry.held.delete(sessionId);
    this.userOfSession.delete(sessionId);
    const userId = entry.record.userId;
    if (entry.live.size === 0 && entry.held.size === 0) {
      this.byUser.delete(userId);
      return { userId, left: true };
    }
    return { userId, wentOffline: wasOnline && entry.live.size === 0 };
  }

  has(userId: string): boolean {
    return this.byUser.has(userId);
  }

  userOf(sessionId: string): string | undefined {
    return this.userOfSession.get(sessionId);
  }

  get(userId: string): MemberRecord | undefined {
    return this.byUser.get(userId)?.record;
  }

  isOnline(userId: string): boolean {
    return (this.byUser.get(userId)?.live.size ?? 0) > 0;
  }

  /** Number of connections (live + held) of a member. */
  devices(userId: string): number {
    const entry = this.byUser.get(userId);
    return entry ? entry.live.size + entry.held.size : 0;
  }

  liveSessions(userId: string): string[] {
    return [...(this.byUser.get(userId)?.live ?? [])];
  }

  heldSessions(userId: string): string[] {
    return [...(this.byUser.get(userId)?.held ?? [])];
  }

  /** Members in join order. */
  records(): MemberRecord[] {
    return [...this.byUser.values()].map((e) => e.record);
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
