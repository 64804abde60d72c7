/**
 * What happens in the chat rooms of one chatrooms instance, as events for the app and for
 * operations (webhooks, metrics, audit): one typed emitter per instance, `chat.events`. Listeners
 * run synchronously in the room's turn: keep them cheap, and hand slow work to a queue.
 */
import { EventEmitter } from "node:events";
import type { ExitReason } from "../core/exitReasons";
import type { RoomMessage } from "../protocol";

/** The events and their payloads. Times are the room clock's ms. */
export interface ChatEventMap {
  /** A room was created on this process (`createdBy` null: by the operator API or server code). */
  roomCreated: [{ roomId: string; roomType: string; createdBy: string | null; at: number }];
  /** A member entered (its first connection), with its connections (devices) now. */
  memberJoined: [{ roomId: string; userId: string; devices: number; at: number }];
  /** A member left for good (its last connection), with the exit reason. */
  memberLeft: [{ roomId: string; userId: string; reason: ExitReason; at: number }];
  /** A room was destroyed: DISMISSED (operator), EXPIRED (inactivity, lifetime, empty delay) or SHUTDOWN. */
  roomDestroyed: [{ roomId: string; reason: ExitReason; at: number }];
  /** A message got its seq and went out to the room's members. */
  messageDelivered: [{ roomId: string; message: RoomMessage }];
  /** The room's message hook (onBeforeMessage, with the before-send callback when configured) ran for one message. */
  hookTimed: [{ roomId: string; hook: string; seconds: number; outcome: "pass" | "replace" | "refuse" | "error" }];
  /**
   * A member's message matched a "flag" entry of the word filter and went out (unchanged, or masked
   * by "mask" entries): `flagged` holds the matched texts (at most 10, each cut at 64 characters).
   * `shadowBanned`: the sender is shadow-banned, so only the sender received it.
   */
  messageFlagged: [{ roomId: string; userId: string; message: RoomMessage; flagged: string[]; shadowBanned: boolean; at: number }];
  /** A member's message was refused (muted, rate, admission drop, a hook's veto, ...), with the code its sender got. */
  messageRefused: [{ roomId: string; userId: string; code: number; at: number }];
}

/** A typed emitter of {@link ChatEventMap}; rooms {@link publish}, the app listens with `on`. */
export class ChatEvents extends EventEmitter<ChatEventMap> {
  /** Emits `event` when someone listens; a listener that throws is logged and never breaks the room. */
  publish<K extends keyof ChatEventMap>(event: K, payload: ChatEventMap[K][0]): void {
    if (this.listenerCount(event) === 0) return;
    try {
      (this.emit as (name: K, value: ChatEventMap[K][0]) => boolean)(event, payload);
    } catch (e) {
      console.error(`a listener of chat event ${event} failed:`, e);
    }
  }
}
