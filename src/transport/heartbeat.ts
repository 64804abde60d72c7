/**
 * The transport's heartbeat, spread over its interval. Stock ws-transport pings every socket in
 * one timer callback every `pingInterval`: with thousands of members that is thousands of ping
 * writes in one turn, then as many pong reads arriving together, a periodic stall that every
 * message delivered meanwhile waits behind (the paced fan-out's p99). Here the interval is cut into
 * {@link HEARTBEAT_SLICES} slices and each slice pings its share of the sockets, so each socket is
 * still pinged once per interval, and terminated after the same number of unanswered pings.
 */
import WebSocket from "ws";

/** Slices of one ping interval (10 s in the standalone server by default: one slice every ~330 ms). */
export const HEARTBEAT_SLICES = 30;

/** A socket as the heartbeat sees it: the pings it has not had answered (reset by a pong). */
export type HeartbeatSocket = WebSocket & { pingCount: number };

/**
 * The positions [start, end) of slice `index` (0-based) when `count` items are cut into `slices`
 * near-equal runs: every item belongs to exactly one slice, sizes differ by at most one. Pure.
 */
export function sliceBounds(count: number, slices: number, index: number): [number, number] {
  return [Math.floor((count * index) / slices), Math.floor((count * (index + 1)) / slices)];
}

function answered(this: WebSocket): void {
  (this as HeartbeatSocket).pingCount = 0;
}

/** Counts a new socket's unanswered pings from 0; a pong resets the count (one listener for every socket). */
export function watchPongs(socket: HeartbeatSocket): void {
  socket.pingCount = 0;
  socket.on("pong", answered);
}

function noop(): void {
  // a ping's write callback: a failed write closes the socket, which the close handling reports
}

/** Pings `socket`, or terminates it when `maxRetries` pings in a row went unanswered; skips a socket that is no longer open. */
function beat(socket: HeartbeatSocket, maxRetries: number): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.pingCount >= maxRetries) {
    socket.terminate();
    return;
  }
  socket.pingCount++;
  socket.ping(noop);
}

/**
 * Starts the sliced heartbeat over `clients` (the ws server's live set); returns its timer. At the
 * first slice of each interval the set is copied, so a socket that connects mid-interval waits for
 * the next one, and one that closes is skipped.
 */
export function startHeartbeat(clients: ReadonlySet<WebSocket>, intervalMs: number, maxRetries: number): NodeJS.Timeout {
  let round: HeartbeatSocket[] = [];
  let slice = 0;
  return setInterval(() => {
    if (slice === 0) round = [...clients] as HeartbeatSocket[];
    const [start, end] = sliceBounds(round.length, HEARTBEAT_SLICES, slice);
    for (let i = start; i < end; i++) {
      const socket = round[i];
      if (socket) beat(socket, maxRetries);
    }
    slice = (slice + 1) % HEARTBEAT_SLICES;
    // the copy is not kept between intervals (it would hold closed sockets)
    if (slice === 0) round = [];
  }, intervalMs / HEARTBEAT_SLICES);
}
