/**
 * The relay side of a live room spread over processes (docs/scaling.md "Live rooms"). A relay is a
 * Colyseus room on another process than the chatroom's owner room: it holds member sockets, asks
 * the owner to decide everything (entry, messages, moderation, attributes, member pages...), and
 * fans out the owner's frames to its own connections. Its state is the owner's, applied from the
 * frames (rooms/stateMirror.ts), so plain SDK clients read the same `state` wherever they sit.
 */
import type { Client } from "@colyseus/core";
import { ChatError, ErrorCode } from "../src/core/errors";
import { ExitReason, CloseCodeOf, opensReconnectionWindow } from "../src/core/exitReasons";
import { ensureRoom, type AdmittedEntry } from "../src/service/entry";
import type { ChatContext } from "../src/service/context";
import type { RoomCalls } from "../src/service/roomOperations";
import { CLAIM_WATCH_MS, ClaimWatch } from "../src/service/claimWatch";
import { Topic } from "../src/service/scopes";
import { ServerMessage, type HistorySync, type RoomMessage } from "../src/protocol";
import { flushWrites } from "../src/transport/CoalescingClient";
import type { ChatState } from "./ChatState";
import { joinHistory, missedMessages } from "./historyReads";
import { recordGone } from "./roomSnapshot";
import { applyStateOps, resetStateTo } from "./stateMirror";
import { relayClaim, type ShardFrame, type ShardSend, type ShardSnapshot } from "../src/service/shardWire";

/** How long a relay tries to bring its room back after the owner's process died, then closes with SHUTDOWN. */
export const RECOVERY_MS = 15_000;
const RECOVERY_RETRY_MS = 300;

/** What a relay needs from its Colyseus room. */
export interface RelayHost {
  readonly ctx: ChatContext;
  /** The chatroom id (the owner's Colyseus room id). */
  readonly chatroomId: string;
  /** This relay's Colyseus room id. */
  readonly relayId: string;
  /** The room type this relay (and its owner) is registered as. */
  readonly roomType: string;
  readonly state: ChatState;
  /** This room's connection of a session, if here. */
  client(sessionId: string): Client | undefined;
  /** Broadcast to this relay's connections only. */
  broadcastLocal(type: string, payload: unknown, except: Client[], afterNextPatch: boolean): void;
  /** Closes every connection here with `code`; the room then disposes. */
  closeAll(code: number): void;
}

/** Colyseus' allowReconnection answer (a Deferred): rejecting it ends the window. */
export interface ReconnectionWindow {
  reject?: (reason?: unknown) => void;
  catch(onRejected: () => undefined): unknown;
}

/** See the file comment. */
export class RelayShard {
  private frame = -1;
  private ownerId: string | undefined;
  /** Frames that arrived before the snapshot they follow. */
  private early: ShardFrame[] | undefined = [];
  private unsubscribe: (() => Promise<void>) | undefined;
  private watch: NodeJS.Timeout | undefined;
  private lastSeq = 0;
  /** Reconnection windows of this relay's connections, by session. */
  private readonly windows = new Map<string, (reason?: unknown) => void>();
  /** The entries the owner admitted here, by session: a new owner gets them again after a failover. */
  private readonly entries = new Map<string, AdmittedEntry>();
  private closing = false;
  private recovering = false;
  private readonly ownerWatch: ClaimWatch;
  /** The relay's calls of the owner room (ChatRoom's `shard*` operations), by room id: whichever process hosts it. */
  private readonly owner: RoomCalls;

  constructor(private readonly host: RelayHost) {
    this.ownerWatch = new ClaimWatch(host.ctx.store.claims);
    this.owner = host.ctx.directory.knownRoom(host.chatroomId);
  }

  /** Claims the relay's liveness mark, listens to the owner's frames and attaches. Throws ROOM_NOT_EXIST when the owner is gone. */
  async start(): Promise<void> {
    const { ctx, chatroomId, relayId } = this.host;
    if (!(await ctx.claims.claim(relayClaim(relayId)))) {
      throw new ChatError(ErrorCode.ROOM_ALREADY_EXISTS, `relay ${relayId} already exists`);
    }
    this.unsubscribe = await ctx.store.bus.subscribe(Topic.shard(chatroomId), (payload) => this.onFrame(payload as ShardFrame));
    await this.attach();
    this.watch = setInterval(() => void this.checkOwner(), CLAIM_WATCH_MS).unref();
  }

  /** A connection arrives: the owner admits the member (hooks, counts, events), then it gets the room's last messages. */
  async join(client: Client, entry: AdmittedEntry, options: unknown): Promise<void> {
    const { lastSeq } = await this.owner.shardJoin(this.host.relayId, client.sessionId, entry, jsonOptions(options));
    this.entries.set(client.sessionId, entry);
    const history: HistorySync = await joinHistory(this.host.ctx, this.host.chatroomId, Math.max(lastSeq, this.lastSeq));
    client.send(ServerMessage.JOIN_HISTORY, history);
  }

  /** A member request, answered by the owner. */
  request(client: Client, type: string, body: unknown): Promise<unknown> {
    return this.owner.shardRequest(this.host.relayId, client.sessionId, type, body ?? null);
  }

  /** A connection dropped: the relay keeps its reconnection window and tells the owner. */
  dropped(client: Client, code: number | undefined, allowReconnection: () => ReconnectionWindow): void {
    if (!opensReconnectionWindow(code)) return;
    const window = allowReconnection();
    if (window.reject) this.windows.set(client.sessionId, window.reject.bind(window));
    void window.catch(() => undefined);
    this.tellOwner(this.owner.shardDrop(this.host.relayId, client.sessionId), "a dropped connection");
  }

  reconnected(client: Client): void {
    this.windows.delete(client.sessionId);
    this.tellOwner(this.owner.shardReconnect(this.host.relayId, client.sessionId), "a reconnection");
  }

  left(client: Client, code: number | undefined, switchingTo: string | undefined): void {
    this.windows.delete(client.sessionId);
    this.entries.delete(client.sessionId);
    if (this.closing) return;
    this.tellOwner(this.owner.shardLeave(this.host.relayId, client.sessionId, code ?? null, switchingTo ?? null), "a leave");
  }

  async dispose(): Promise<void> {
    clearInterval(this.watch);
    const { ctx, relayId } = this.host;
    await Promise.allSettled([
      this.unsubscribe?.(),
      ctx.claims.release(relayClaim(relayId)),
      this.closing ? Promise.resolve() : this.owner.shardDetach(relayId),
    ]);
  }

  /**
   * Attaches to the owner: its state now, then its frames. Messages this relay's members have not
   * had up to the snapshot (a frame lost, an owner that died before publishing) come from history
   * first, so the members' streams stay gap-free and in seq order.
   */
  private async attach(): Promise<void> {
    this.early = [];
    const snapshot: ShardSnapshot = await this.owner.shardAttach(this.host.relayId);
    this.ownerId = snapshot.owner;
    this.frame = snapshot.frame;
    resetStateTo(this.host.state, snapshot.ops);
    if (this.entries.size > 0 && snapshot.lastSeq > this.lastSeq) await this.forwardFromHistory(snapshot.lastSeq);
    this.lastSeq = Math.max(this.lastSeq, snapshot.lastSeq);
    const early = this.early;
    this.early = undefined;
    for (const frame of early) this.onFrame(frame);
  }

  private onFrame(frame: ShardFrame): void {
    if (this.early) {
      this.early.push(frame);
      return;
    }
    if (frame.owner !== this.ownerId || frame.f <= this.frame) return;
    if (frame.f !== this.frame + 1) {
      // a frame was lost (the subscription blipped): members catch up on messages by their seq
      // gap (ChatClient syncs), and the state comes back whole from a new snapshot
      console.warn(`relay ${this.host.relayId}: frames ${this.frame + 1}..${frame.f - 1} missed; attaching again`);
      void this.attach().catch((e: unknown) => console.error(`relay ${this.host.relayId}: attaching again failed:`, e));
      return;
    }
    this.frame = frame.f;
    for (const send of frame.s) this.apply(send);
  }

  private apply(send: ShardSend): void {
    switch (send.t) {
      case "ops":
        applyStateOps(this.host.state, send.ops);
        break;
      case "all": {
        const except = (send.except ?? []).flatMap((sessionId) => this.host.client(sessionId) ?? []);
        if (send.type === ServerMessage.MESSAGES) this.noteMessages(send.payload as RoomMessage[]);
        this.host.broadcastLocal(send.type, send.payload, except, send.afterNextPatch === true);
        if (send.type === ServerMessage.MESSAGES) flushWrites();
        break;
      }
      case "to":
        this.host.client(send.session)?.send(send.type, send.payload);
        break;
      case "close":
        this.host.client(send.session)?.leave(send.code);
        this.endWindow(send.session);
        break;
      case "end":
        this.endWindow(send.session);
        break;
      case "closeAll":
        this.closing = true;
        this.host.closeAll(send.code);
        break;
      case "handOff":
        void this.recover();
        break;
    }
  }

  /** Sends this relay's members the stored messages after the last one they had, up to `upTo`. */
  private async forwardFromHistory(upTo: number): Promise<void> {
    const missed = await missedMessages(this.host.ctx, this.host.chatroomId, this.lastSeq, upTo);
    if (missed.length === 0) return;
    this.host.broadcastLocal(ServerMessage.MESSAGES, missed, [], false);
    flushWrites();
  }

  private noteMessages(messages: RoomMessage[]): void {
    const last = messages.at(-1);
    if (last && last.seq > this.lastSeq) this.lastSeq = last.seq;
  }

  private endWindow(sessionId: string): void {
    this.windows.get(sessionId)?.(new Error("reconnection window closed"));
    this.windows.delete(sessionId);
  }

  /**
   * The owner's process died (its claim is gone or held by a dead connection, twice in a row):
   * the relay brings the room back (see {@link recover}).
   */
  private async checkOwner(): Promise<void> {
    if (!(await this.ownerWatch.isDead(this.host.chatroomId))) return;
    void this.recover();
  }

  /**
   * Brings the room back after its owner's process died, without dropping this relay's members:
   * a new owner is created (on a live process, from the room's record: name, attributes,
   * moderation, history and its seq), this relay attaches to it (its members get what they
   * missed from history), and the owner admits this relay's members again (their entry events
   * and the enter hook run again, as for any entry). Concurrent relays find the one new owner.
   * If the room cannot come back within {@link RECOVERY_MS}, the relay closes its connections
   * with SHUTDOWN, so ChatClient re-enters by itself.
   */
  private async recover(): Promise<void> {
    if (this.recovering || this.closing) return;
    this.recovering = true;
    const { ctx, chatroomId, relayId } = this.host;
    console.warn(`relay ${relayId}: the owner of ${chatroomId} is gone; bringing the room back`);
    const deadline = Date.now() + RECOVERY_MS;
    try {
      // a destroyed room (its closing notice lost on the way) must not come back
      if (await recordGone(ctx, chatroomId)) {
        throw new ChatError(ErrorCode.ROOM_NOT_EXIST, `room ${chatroomId} has no record: it was destroyed`);
      }
      for (;;) {
        try {
          await ensureRoom(ctx, chatroomId, this.host.roomType);
          await this.attach();
          break;
        } catch (e) {
          // a listing of the dead owner may linger until the cluster sweeps it
          if (Date.now() > deadline) throw e;
          await new Promise((resolve) => setTimeout(resolve, RECOVERY_RETRY_MS));
        }
      }
      await Promise.all([...this.entries].map(([sessionId, entry]) => this.rejoin(sessionId, entry)));
    } catch (e) {
      console.error(
        `relay ${relayId}: the room did not come back (${e instanceof Error ? e.message : String(e)}); closing for its members to re-enter`,
      );
      this.closing = true;
      this.host.closeAll(CloseCodeOf[ExitReason.SHUTDOWN]);
    } finally {
      this.recovering = false;
    }
  }

  /** A member of this relay enters the new owner; one it refuses (banned meanwhile, the enter hook) leaves with the refusal's reason. */
  private async rejoin(sessionId: string, entry: AdmittedEntry): Promise<void> {
    try {
      await this.owner.shardJoin(this.host.relayId, sessionId, entry, {});
    } catch (e) {
      const banned = e instanceof ChatError && e.code === ErrorCode.BANNED;
      this.entries.delete(sessionId);
      this.host.client(sessionId)?.leave(CloseCodeOf[banned ? ExitReason.BANNED : ExitReason.KICKED]);
    }
  }

  private tellOwner(call: Promise<unknown>, what: string): void {
    call.catch((e: unknown) => {
      if (!this.closing)
        console.error(`relay ${this.host.relayId}: telling the owner of ${what} failed:`, e instanceof Error ? e.message : e);
    });
  }
}

/** Join options as they cross to the owner: JSON only. */
function jsonOptions(options: unknown): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(options ?? {})) as Record<string, unknown>;
  } catch {
    return {};
  }
}
