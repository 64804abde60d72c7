import type { Socket } from "node:net";
import { WebSocketClient } from "@colyseus/ws-transport";
import WebSocket from "ws";
import { FrameBuffer } from "./frames";

/** The TCP socket under each WebSocket, recorded at the upgrade (`req.socket`, public in Node and ws). */
const sockets = new WeakMap<WebSocket, Socket>();

/** Records the TCP socket a WebSocket writes to. */
export function registerSocket(ws: WebSocket, socket: Socket): void {
  sockets.set(ws, socket);
}

const dirty: CoalescingClient[] = [];
let scheduled = false;

function flushAll(): void {
  scheduled = false;
  // a flush may run callbacks that send again: those go to the next turn's list
  const clients = dirty.splice(0);
  for (const client of clients) client.flush();
}

/**
 * A Colyseus WebSocket client that writes each socket at most once per event-loop turn: frames
 * sent to it during a turn are copied into one buffer, in order, and written with a single
 * `socket.write` from `setImmediate`. A broadcast of K messages to N members thus costs N writes
 * (syscalls) instead of N x K. Needs per-message deflate off (the frames are written as is).
 *
 * Guarantees: frames leave in the order they were sent; nothing is written once the WebSocket
 * is no longer OPEN (pending frames are dropped, their callbacks get an error); `leave` writes
 * pending frames before the close frame.
 */
export class CoalescingClient extends WebSocketClient {
  private pending: FrameBuffer | undefined;
  private callbacks: ((err?: Error) => void)[] | undefined;

  override raw(data: Uint8Array | Buffer, _options?: unknown, cb?: (err?: Error) => void): void {
    if (this.pending === undefined) {
      this.pending = new FrameBuffer();
      dirty.push(this);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushAll);
      }
    }
    this.pending.appendBinary(data);
    if (cb) (this.callbacks ??= []).push(cb);
  }

  /** Writes the frames sent since the last flush, in one write (called once per turn; safe to call any time). */
  flush(): void {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const callbacks = this.callbacks;
    this.callbacks = undefined;
    const ws = this.ref;
    const socket = sockets.get(ws);
    if (ws.readyState !== WebSocket.OPEN || socket === undefined || socket.destroyed) {
      const error = new Error("WebSocket is not open");
      callbacks?.forEach((cb) => cb(error));
      return;
    }
    socket.write(pending.bytes(), callbacks && ((err?: Error | null) => callbacks.forEach((cb) => cb(err ?? undefined))));
  }

  override leave(code?: number, data?: string): void {
    this.flush();
    super.leave(code, data);
  }
}
