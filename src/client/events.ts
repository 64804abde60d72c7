import type { ExitReason } from "../core/exitReasons";
import type { AttributesUpdate, MemberInfo, RecallNotice, RoleChange, RoomMessage } from "../protocol";

/** Connection state of one room, as in ZIM's ZIMRoomState. */
export type RoomState = "connecting" | "connected" | "disconnected";

/**
 * Why a room's state changed, as in ZIM's ZIMRoomEvent:
 * - `activeCreate` / `activeEnter` / `activeSwitch`: a createRoom / joinRoom or enterRoom / switchRoom call started (connecting);
 * - `success`: the room is connected, or (disconnected) it was left on request;
 * - `createFailed` / `enterFailed` / `switchFailed` / `roomNotExist` / `connectTimeout`: the call failed (disconnected);
 * - `interrupted`: the connection dropped and the SDK is reconnecting (connecting), or the server shut down (disconnected);
 * - `kickedOut`: removed by the server (kicked, banned, or offline too long; disconnected);
 * - `roomNotExist` (disconnected, after connected): the room was dismissed or expired.
 */
export type RoomEvent =
  | "success"
  | "activeCreate"
  | "activeEnter"
  | "activeSwitch"
  | "createFailed"
  | "enterFailed"
  | "switchFailed"
  | "roomNotExist"
  | "kickedOut"
  | "interrupted"
  | "connectTimeout";

/**
 * Events of {@link ChatClient}, by name. Add a member here to add an event; `on`/`off`/`emit`
 * are typed from this map.
 */
export interface ChatClientEvents {
  /** A room's connection state changed (see {@link RoomEvent} for the sequences). */
  roomStateChanged: (roomID: string, state: RoomState, event: RoomEvent) => void;
  /** Other users joined a room this client is in (batched; this client's own user is left out; rooms of at most 500 members). */
  roomMemberJoined: (members: MemberInfo[], roomID: string) => void;
  /** Other users left a room this client is in; `reasons` maps each userId to its exit reason. */
  roomMemberLeft: (members: MemberInfo[], roomID: string, reasons: Record<string, ExitReason>) => void;
  /**
   * The exact member count of a room changed (sent with every member batch). In rooms above 500
   * members this is the only member event: `roomMemberJoined`/`roomMemberLeft` name members only
   * while the room has at most 500 (see ChatClient.queryRoomMemberList for everyone).
   */
  roomMemberCountChanged: (memberCount: number, roomID: string) => void;
  /** This client is no longer in the room, for `reason` (LEFT after leaveRoom/switchRoom, KICKED, ...). */
  exitRoom: (roomID: string, reason: ExitReason) => void;
  /**
   * Messages of a room this client is in, in seq order and each exactly once, this client's own
   * included: first the room's recent history on join, then live ones, and after a reconnect
   * the ones sent while this client was offline.
   */
  roomMessageReceived: (messages: RoomMessage[], roomID: string) => void;
  /** A message was recalled (by its sender, or by the operator when `recalledBy` is null) and left history. */
  roomMessageRecalled: (notice: RecallNotice, roomID: string) => void;
  /** Room attributes were set or deleted (`by` null: the operator API, or deleted as their owner left). */
  roomAttributesUpdated: (update: AttributesUpdate, roomID: string) => void;
  /**
   * The other members typing in a room changed: `userIDs` are those typing now, in the order they
   * started ([] when nobody is). A typist is dropped 6 s after its last notice, when it stops, when
   * its message arrives or when it leaves. Not sent in rooms above 500 members.
   */
  roomTypingChanged: (userIDs: string[], roomID: string) => void;
  /**
   * Users' room roles changed (a member's setMemberRole or the operator API): each change is the
   * user's role now, null for a plain member. `memberRole` and `room(roomID).members` show the new
   * roles already when this fires.
   */
  roomMemberRoleChanged: (changes: RoleChange[], roomID: string) => void;
  /**
   * The room's slow mode changed: `seconds` between one member's messages (0 = off; a send too soon
   * is refused with SLOW_MODE, 24013). The current value is `room(roomID).slowModeSeconds`.
   */
  roomSlowModeChanged: (seconds: number, roomID: string) => void;
}

/** Listener type of event `E` of the map `M`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Listener<M, E extends keyof M> = M[E] extends (...args: any[]) => void ? M[E] : never;

/**
 * A small typed event emitter. A listener that throws is reported on `console.error` and does
 * not stop the other listeners or the client's own bookkeeping.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class TypedEmitter<M extends { [K in keyof M]: (...args: any[]) => void }> {
  private readonly listeners = new Map<keyof M, Set<M[keyof M]>>();

  /** Adds `listener` for `event`; returns a function that removes it. */
  on<E extends keyof M>(event: E, listener: Listener<M, E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => this.off(event, listener);
  }

  /** Removes `listener` from `event` (no-op when it was not added). */
  off<E extends keyof M>(event: E, listener: Listener<M, E>): void {
    this.listeners.get(event)?.delete(listener);
  }

  /** Calls every listener of `event` with `args`, in the order they were added. */
  protected emit<E extends keyof M>(event: E, ...args: Parameters<M[E]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<M[E]>) => void)(...args);
      } catch (e) {
        console.error(`ChatClient: a "${String(event)}" listener threw`, e);
      }
    }
  }
}
