/** What a joining member receives from a peer server: everyone in the room now. */
export interface MembersSnapshot {
  kind: "members";
  names: string[];
}

/** What every member receives, at most every {@link BATCH_MS}: who joined and left since. */
export interface MembersDelta {
  kind: "delta";
  joined: string[];
  left: string[];
}

/** Member changes are batched like the chat server's (one list per 50 ms patch). */
export const BATCH_MS = 50;

/**
 * The member list a peer server (Socket.IO, raw ws) keeps for the join storm, built the way an
 * app on those libraries would: the full list to a joiner, batched deltas to everyone.
 */
export class MemberList {
  private readonly names = new Set<string>();
  private joined: string[] = [];
  private left: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly broadcast: (delta: MembersDelta) => void) {}

  /** Adds a member and returns the snapshot to send it. */
  join(name: string): MembersSnapshot {
    this.names.add(name);
    this.joined.push(name);
    this.schedule();
    return { kind: "members", names: [...this.names] };
  }

  leave(name: string): void {
    if (!this.names.delete(name)) return;
    this.left.push(name);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const delta: MembersDelta = { kind: "delta", joined: this.joined, left: this.left };
      this.joined = [];
      this.left = [];
      this.broadcast(delta);
    }, BATCH_MS);
  }
}
