/**
 * Which members a room synchronizes to every client, and paging through all of them. Big rooms
 * cannot send every member to every member (the traffic grows with the square of the members),
 * so, as RongCloud and ZIM do at 500, the synchronized list holds the first `cap` members by join
 * order; when a listed member leaves, the longest-present unlisted member takes its place. The
 * exact count is kept apart, and everyone can be paged through with an opaque cursor that stays
 * valid while members come and go (each member is returned at most once per walk, in join order).
 * Pure: no I/O, no clock.
 */

/** Result of {@link MemberList.add}. */
export interface AddResult {
  /** The member went into the synchronized list. */
  listed: boolean;
}

/** Result of {@link MemberList.remove}. */
export interface RemoveResult {
  /** The member was in the synchronized list. */
  wasListed: boolean;
  /** The unlisted member that took its place, if any. */
  promoted?: string;
}

/** One page of {@link MemberList.page}. */
export interface MemberPage {
  userIds: string[];
  /** Cursor for the next page; "" when this page reached the end. */
  nextFlag: string;
}

/** Largest page of a member query. */
export const MAX_MEMBER_PAGE = 100;

/** The members of one room in join order, with the synchronized (listed) subset. */
export class MemberList {
  private nextSeq = 1;
  /** Every member with its join sequence number, in join order. */
  private readonly seqOf = new Map<string, number>();
  private readonly listed = new Set<string>();
  /** Members not listed, in join order (the first is promoted next). */
  private readonly waiting = new Set<string>();

  constructor(readonly cap: number) {}

  get size(): number {
    return this.seqOf.size;
  }

  /**
   * A room of `memberCount` members is large when they do not all fit in the synchronized list:
   * its member events then carry counts only, at the large-room cadence.
   */
  isLarge(memberCount: number): boolean {
    return memberCount > this.cap;
  }

  /** True when `userId` is in the synchronized list. */
  isListed(userId: string): boolean {
    return this.listed.has(userId);
  }

  /** Adds a member (a rejoin counts as new: it goes to the end of the join order). */
  add(userId: string): AddResult {
    if (this.seqOf.has(userId)) return { listed: this.listed.has(userId) };
    this.seqOf.set(userId, this.nextSeq++);
    if (this.listed.size < this.cap) {
      this.listed.add(userId);
      return { listed: true };
    }
    this.waiting.add(userId);
    return { listed: false };
  }

  /** Removes a member; a listed one is replaced by the longest-present unlisted member. */
  remove(userId: string): RemoveResult {
    if (!this.seqOf.delete(userId)) return { wasListed: false };
    if (this.waiting.delete(userId)) return { wasListed: false };
    this.listed.delete(userId);
    const promoted = this.waiting.values().next();
    if (promoted.done) return { wasListed: true };
    this.waiting.delete(promoted.value);
    this.listed.add(promoted.value);
    return { wasListed: true, promoted: promoted.value };
  }

  /**
   * Up to `count` members (1..{@link MAX_MEMBER_PAGE}) after cursor `nextFlag` ("" or undefined =
   * from the first), in join order. Throws RangeError naming the bad argument.
   */
  page(nextFlag: string | undefined, count: number): MemberPage {
    if (!Number.isInteger(count) || count < 1 || count > MAX_MEMBER_PAGE)
      throw new RangeError(`count must be an integer in 1..${MAX_MEMBER_PAGE}, got ${count}`);
    const after = nextFlag === undefined || nextFlag === "" ? 0 : Number(nextFlag);
    if (!Number.isSafeInteger(after) || after < 0)
      throw new RangeError(`nextFlag must be "" or a flag from a previous page, got ${JSON.stringify(nextFlag)}`);
    const userIds: string[] = [];
    let last = after;
    let more = false;
    for (const [userId, seq] of this.seqOf) {
      if (seq <= after) continue;
      if (userIds.length === count) {
        more = true;
        break;
      }
      userIds.push(userId);
      last = seq;
    }
    return { userIds, nextFlag: more ? String(last) : "" };
  }
}
