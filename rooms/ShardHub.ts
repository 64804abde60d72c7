/**
 * The owner side of a live room spread over processes (docs/scaling.md "Live rooms"): which relay
 * shards are attached and which member sessions each holds, the frames that carry the room's
 * broadcasts and state changes to them (one publish per turn, whatever the number of relays and
 * members), and the watch that finds a relay whose process died. With no relay attached it sends
 * nothing, so a room on one process pays nothing for it.
 */
import { generateId } from "@colyseus/core";
import type { ChatState } from "./ChatState";
import type { ChatContext } from "../src/service/context";
import { CLAIM_WATCH_MS, ClaimWatch } from "../src/service/claimWatch";
import { Topic } from "../src/service/scopes";
import { ServerMessage } from "../src/protocol";
import { fullStateOps, StateMirror } from "./stateMirror";
import { relayClaim, type ShardFrame, type ShardSend, type ShardSnapshot } from "../src/service/shardWire";

/** A member connection held by a relay, as the owner room uses connections. */
export interface RemoteConnection {
  readonly sessionId: string;
  send(type: string, payload: unknown): void;
  leave(code: number): void;
}

/** What the hub needs from its owner room. */
export interface ShardHubHost {
  readonly roomId: string;
  readonly ctx: ChatContext;
  /** The room's last message seq (for a relay attaching now). */
  lastSeq(): number;
  /** A relay's process died: its sessions are gone, as connections lost without a close. */
  sessionsLost(sessionIds: string[]): void;
}

/** See the file comment. */
export class ShardHub {
  /** Relay room id -> the member sessions it holds. */
  private readonly relays = new Map<string, Set<string>>();
  private readonly relayOfSession = new Map<string, string>();
  private readonly mirror = new StateMirror();
  /** This owner room instance: a relay that sees another one attaches again. */
  readonly ownerId = generateId();
  private frame = 0;
  private pending: ShardSend[] = [];
  private flushQueued = false;
  private watch: NodeJS.Timeout | undefined;
  private readonly relayWatch: ClaimWatch;

  constructor(private readonly host: ShardHubHost) {
    this.relayWatch = new ClaimWatch(host.ctx.store.claims);
  }

  /** True while at least one relay is attached. */
  get active(): boolean {
    return this.relays.size > 0;
  }

  /** Relay room ids attached now. */
  relayIds(): string[] {
    return [...this.relays.keys()];
  }

  /** A relay attaches: from the returned snapshot on, every frame reaches it. */
  attach(relayId: string, state: ChatState): ShardSnapshot {
    this.flush();
    if (!this.relays.has(relayId)) this.relays.set(relayId, new Set());
    this.watch ??= setInterval(() => void this.checkRelays(), CLAIM_WATCH_MS).unref();
    return { owner: this.ownerId, frame: this.frame, ops: fullStateOps(state), lastSeq: this.host.lastSeq() };
  }

  /** A relay left (its room closed): its sessions must have left before. */
  detach(relayId: string): void {
    const sessions = this.relays.get(relayId);
    if (!sessions) return;
    this.relays.delete(relayId);
    this.relayWatch.forget(relayClaim(relayId));
    for (const sessionId of sessions) this.relayOfSession.delete(sessionId);
    if (sessions.size > 0) this.host.sessionsLost([...sessions]);
    if (this.relays.size === 0) this.stopWatch();
  }

  /** True when `relayId` is attached. */
  has(relayId: string): boolean {
    return this.relays.has(relayId);
  }

  /** A session joined through a relay. */
  addSession(relayId: string, sessionId: string): void {
    this.relays.get(relayId)?.add(sessionId);
    this.relayOfSession.set(sessionId, relayId);
  }

  /** A relay's session is gone for good. */
  removeSession(sessionId: string): void {
    const relayId = this.relayOfSession.get(sessionId);
    if (relayId === undefined) return;
    this.relayOfSession.delete(sessionId);
    this.relays.get(relayId)?.delete(sessionId);
  }

  /** The relay holding `sessionId`, if a relay does. */
  relayOf(sessionId: string): string | undefined {
    return this.relayOfSession.get(sessionId);
  }

  /** A connection object for a relay's session, or undefined when no relay holds it. */
  connection(sessionId: string): RemoteConnection | undefined {
    if (!this.relayOfSession.has(sessionId)) return undefined;
    return {
      sessionId,
      send: (type, payload) => this.queue({ t: "to", session: sessionId, type, payload }),
      leave: (code) => this.queue({ t: "close", session: sessionId, code }),
    };
  }

  /** A broadcast of the room, for the relays' connections too (`except`: session ids). */
  broadcast(type: string, payload: unknown, except: string[], afterNextPatch: boolean): void {
    if (!this.active) return;
    const send: ShardSend = { t: "all", type, payload };
    if (except.length > 0) send.except = except;
    if (afterNextPatch) send.afterNextPatch = true;
    this.queue(send);
    // messages leave at once, in the same turn as the owner's own members get them
    if (type === ServerMessage.MESSAGES) this.flush();
  }

  /** Ends a relay session's reconnection window (the member was removed while offline). */
  endWindow(sessionId: string): void {
    if (this.relayOfSession.has(sessionId)) this.queue({ t: "end", session: sessionId });
  }

  /** The room closes: every relay closes its connections with `code`. */
  closeAll(code: number): void {
    if (!this.active) return;
    this.queue({ t: "closeAll", code });
    this.flush();
  }

  /**
   * The owner room closes for a shutdown (its process drains or stops) while the room lives on:
   * the relays bring it back on another process and keep their members, instead of sending them
   * all to re-enter at once.
   */
  handOff(): void {
    if (!this.active) return;
    this.queue({ t: "handOff" });
    this.flush();
  }

  /** At the owner's patch: the state changes since the last one go out in order with the broadcasts. */
  statePatch(state: ChatState): void {
    if (!this.active) return;
    const ops = this.mirror.diff(state);
    if (ops.length > 0) this.queue({ t: "ops", ops });
    this.flush();
  }

  /** Publishes what is queued as one frame. */
  flush(): void {
    if (this.pending.length === 0) return;
    const frame: ShardFrame = { owner: this.ownerId, f: ++this.frame, s: this.pending };
    this.pending = [];
    this.host.ctx.store.bus.publish(Topic.shard(this.host.roomId), frame).catch((e: unknown) => {
      console.error(`room ${this.host.roomId}: publishing to its relays failed:`, e instanceof Error ? e.message : e);
    });
  }

  dispose(): void {
    this.flush();
    this.stopWatch();
    this.relays.clear();
    this.relayOfSession.clear();
  }

  private queue(send: ShardSend): void {
    if (!this.active) return;
    this.pending.push(send);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  private stopWatch(): void {
    clearInterval(this.watch);
    this.watch = undefined;
  }

  /** A relay whose claim's process is dead ({@link ClaimWatch}) is detached: its sessions are lost, their members go offline and the kick-out rule removes them unless they come back through another relay or the owner. */
  private async checkRelays(): Promise<void> {
    for (const relayId of this.relays.keys()) {
      if (!(await this.relayWatch.isDead(relayClaim(relayId)))) continue;
      console.warn(`room ${this.host.roomId}: relay ${relayId} is gone; its members are offline`);
      this.detach(relayId);
    }
  }
}
