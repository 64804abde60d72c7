/**
 * Frames a room cannot decode, caught before Colyseus sees them.
 *
 * Colyseus 0.18 decodes a room frame in RoomMessages.onData/onRequest
 * (node_modules/@colyseus/core/src/RoomMessages.ts:176 and :215): the message type with the
 * schema's `decode`, the payload with msgpackr's `unpack`. When `unpack` throws it prints the stack
 * (debugAndPrintError) for every such frame, and a `room.send()` frame (ROOM_DATA) makes it close
 * the sender's connection with 4002 (`client.leave(CloseCode.WITH_ERROR)`), which the room reports
 * to the others as the member going OFFLINE. A `room.request()` frame is answered with an error.
 *
 * {@link CheckedWebSocket} runs the same decoding first and drops a frame that fails it, so the
 * connection stays open: a request is answered REJECTED with `{ code: 1002, message }` (as every
 * refused chat request), a `room.send()` frame gets one error frame (`room.onError`) on the
 * first occurrence only, and the server logs one line per connection, not a stack per frame.
 */
import { createRequire } from "node:module";
import { getMessageBytes, Protocol, ResponseStatus } from "@colyseus/core";
import { decode } from "@colyseus/schema";
import WebSocket from "ws";
import { ChatError, errorBody, ErrorCode } from "../core/errors";

/** The msgpackr Colyseus itself decodes with (resolved from @colyseus/core, whose dependency it is). */
const { unpack } = createRequire(require.resolve("@colyseus/core"))("msgpackr") as typeof import("msgpackr");

/** Protocol bits of a frame's first byte (@colyseus/shared-types PROTOCOL_CODE_MASK). */
const PROTOCOL_CODE_MASK = 0x1f;

/** What is wrong with a frame, and the request it belongs to when its id could be read. */
export interface BrokenFrame {
  reason: string;
  requestId?: number;
}

const within = (it: { offset: number }, data: Buffer): boolean => Number.isInteger(it.offset) && it.offset <= data.byteLength;

/**
 * Undefined when a room can decode `data` (or it is not a room message frame); otherwise why not.
 * Decodes as Colyseus 0.18 does: [code][requestId, for requests][type: string or number][payload].
 */
function inspectFrame(data: Buffer): BrokenFrame | undefined {
  const first = data.at(0);
  if (first === undefined) return undefined;
  const code = first & PROTOCOL_CODE_MASK;
  if (code !== Protocol.ROOM_DATA && code !== Protocol.ROOM_REQUEST && code !== Protocol.ROOM_DATA_BYTES) return undefined;
  const it = { offset: 1 };
  let requestId: number | undefined;
  if (code === Protocol.ROOM_REQUEST) {
    const id: unknown = it.offset < data.byteLength ? decode.number(data, it) : undefined;
    if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0 || !within(it, data))
      return { reason: "the request id could not be read" };
    requestId = id;
  }
  if (it.offset >= data.byteLength) return { reason: "the frame ends before its message type", requestId };
  const isString = decode.stringCheck(data, it);
  const type: unknown = isString ? decode.string(data, it) : decode.number(data, it);
  if (!within(it, data) || (isString ? typeof type !== "string" : typeof type !== "number" || !Number.isFinite(type))) {
    return { reason: "the message type could not be read", requestId };
  }
  if (code !== Protocol.ROOM_DATA_BYTES && data.byteLength > it.offset) {
    try {
      unpack(data.subarray(it.offset));
    } catch (e) {
      return { reason: `the payload is not valid MessagePack (${e instanceof Error ? e.message : String(e)})`, requestId };
    }
  }
  return undefined;
}

/** What a {@link CheckedWebSocket} answers through: the Colyseus client of its connection. */
export interface FrameAnswerer {
  readonly sessionId: string;
  raw(data: Uint8Array | Buffer): void;
  error(code: number, message?: string): void;
}

/**
 * The ws class of the coalescing transport's server: a WebSocket that drops room frames Colyseus
 * could not decode (see the module comment) instead of delivering them. Set per connection by
 * the transport: the client to answer through, and the room for the log line.
 */
export class CheckedWebSocket extends WebSocket {
  private answerer: FrameAnswerer | undefined = undefined;
  private roomId: string | undefined = undefined;
  /** Frames dropped on this connection. */
  brokenFrames = 0;

  /** Answers broken frames through `client`, logging them as coming from `roomId`. */
  attach(client: FrameAnswerer, roomId: string): void {
    this.answerer = client;
    this.roomId = roomId;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "message" && this.answerer !== undefined && Buffer.isBuffer(args[0])) {
      const broken = inspectFrame(args[0]);
      if (broken) {
        this.dropped(this.answerer, broken);
        return false;
      }
    }
    return super.emit(event, ...args);
  }

  private dropped(client: FrameAnswerer, broken: BrokenFrame): void {
    const first = this.brokenFrames++ === 0;
    const message = `frame dropped: ${broken.reason}; the connection stays open`;
    if (broken.requestId !== undefined) {
      // every request is answered, so the caller's promise settles
      client.raw(
        getMessageBytes[Protocol.ROOM_RESPONSE](
          broken.requestId,
          ResponseStatus.REJECTED,
          errorBody(new ChatError(ErrorCode.PARAMETER, message)),
        ),
      );
    } else if (first) {
      client.error(ErrorCode.PARAMETER, message);
    }
    if (first) {
      console.warn(
        `room ${this.roomId} (session ${client.sessionId}): ${message}; later broken frames of this connection are dropped without a log line`,
      );
    }
  }
}
