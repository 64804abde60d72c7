import type { Socket } from "node:net";
import { ClientState } from "@colyseus/core";
import { WebSocketClient } from "@colyseus/ws-transport";
import WebSocket from "ws";
import { binaryFrame, FrameBuffer, headerLength } from "./frames";

const dirty: CoalescingClient[] = [];
let scheduled = false;

/**
 * The frame last built, so a broadcast (the same bytes handed to every member, as Colyseus does)
 * is framed once and every member whose socket has nothing else queued writes that same buffer,
 * without a copy of its own. A payload is matched by its bytes (one memcmp, far cheaper than the
 * write), so a caller may reuse its buffer between sends. The frame is kept across turns (it is
 * never written to after it is built): joiners of a room whose state did not change between them
 * share one full-state frame instead of each allocating a copy of it.
 */
let lastFrame: Buffer | undefined;
let lastBody: Buffer | undefined;

function sharedFrame(payload: Uint8Array): Buffer {
  if (lastBody === undefined || lastFrame === undefined || lastBody.byteLength !== payload.byteLength || !lastBody.equals(payload)) {
    lastFrame = binaryFrame(payload);
    lastBody = lastFrame.subarray(headerLength(payload.byteLength));
  }
  return lastFrame;
}

function flushAll(): void {
  scheduled = false;
  flushWrites();
}

/**
 * Writes now what every client has pending, instead of at the next turn's `setImmediate`. Called
 * right after a room's message batch is broadcast (rooms/MessagePipeline): the batch is one frame
 * per member already, so waiting for the next turn coalesces nothing more and only delays it by
 * one event-loop iteration (timers and the poll of other sockets' input). Frames sent after this
 * call are written at the next turn as usual; a no-op when nothing is pending (e.g. under the stock
 * transport).
 */
export function flushWrites(): void {
  // a flush may run callbacks that send again: those go to the next turn's list
  const clients = dirty.splice(0);
  for (const client of clients) client.flush();
}

/**
 * A Colyseus WebSocket client that writes each socket at most once per event-loop turn: frames
 * sent to it during a turn are written with a single `socket.write` from `setImmediate`: a lone
 * frame as built once for every member it was broadcast to (no copy per member), several frames
 * copied into one buffer of this client's, in order, allocated when needed and dropped after the
 * write. A broadcast of K messages to N members thus costs N writes
 * (syscalls) instead of N x K. Needs per-message deflate off (the frames are written as is).
 *
 * Guarantees: frames leave in the order they were sent; nothing is written once the WebSocket
 * is no longer OPEN (pending frames are dropped, their callbacks get an error); `leave` writes
 * pending frames before the close frame.
 */
export class CoalescingClient extends WebSocketClient {
  /** What this turn writes: one shared frame, or several frames in a buffer of this client's. */
  private pending: Buffer | FrameBuffer | undefined = undefined;
  private callbacks: ((err?: Error) => void)[] | undefined = undefined;
  /** Frames sent before the join completed (Colyseus' `_enqueuedMessages`, see below). Set by the base constructor, so never re-initialized here. */
  declare private joinQueue: unknown[] | undefined;

  /** @param socket the TCP socket under `ref` (the upgrade's `req.socket`), written directly. */
  constructor(
    sessionId: string,
    ref: WebSocket,
    private readonly socket: Socket,
  ) {
    super(sessionId, ref);
  }

  /**
   * Colyseus keeps a joining client's frames in `_enqueuedMessages`, sends them when the client
   * acknowledges the join, then `delete`s the property (its absence later means "has joined").
   * Deleting a property turns a V8 object into a hash table: ~0.8 KB more per member, and slower
   * reads of `state`/`ref` on every send. Here the property is an accessor on the prototype, so
   * the object never owns it and the `delete` changes nothing; the queue is dropped right after
   * the acknowledgement instead (Colyseus drains and deletes it in one synchronous step, so it
   * reads the queue only within that step). Checked by test/integration/coalescing.test.ts.
   */
  // @ts-expect-error an accessor where the base class declares a field (same values, same behaviour)
  override get _enqueuedMessages(): unknown[] {
    const queue = this.joinQueue;
    if (queue !== undefined && this.state === ClientState.JOINED) queueMicrotask(() => (this.joinQueue = undefined));
    return queue as unknown[];
  }

  override set _enqueuedMessages(queue: unknown[]) {
    this.joinQueue = queue;
  }

  override raw(data: Uint8Array | Buffer, _options?: unknown, cb?: (err?: Error) => void): void {
    const pending = this.pending;
    if (pending === undefined) {
      this.pending = sharedFrame(data);
      dirty.push(this);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushAll);
      }
    } else if (pending instanceof FrameBuffer) {
      pending.appendBinary(data);
    } else {
      // a second frame this turn: both go into a buffer of this client's
      const frames = new FrameBuffer(Math.max(512, 2 * (pending.byteLength + headerLength(data.byteLength) + data.byteLength)));
      frames.appendFrames(pending);
      frames.appendBinary(data);
      this.pending = frames;
    }
    if (cb) (this.callbacks ??= []).push(cb);
  }

  /** Writes the frames sent since the last flush, in one write (called once per turn; safe to call any time). */
  flush(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    const socket = this.socket;
    if (this.ref.readyState !== WebSocket.OPEN || socket.destroyed) {
      const error = new Error("WebSocket is not open");
      callbacks?.forEach((cb) => cb(error));
      return;
    }
    socket.write(
      pending instanceof FrameBuffer ? pending.bytes() : pending,
      callbacks && ((err?: Error | null) => callbacks.forEach((cb) => cb(err ?? undefined))),
    );
  }

  override leave(code?: number, data?: string): void {
    this.flush();
    super.leave(code, data);
  }
}
