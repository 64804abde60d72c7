/**
 * WebSocket framing for the server side (RFC 6455 §5.2): unmasked, unfragmented binary frames,
 * appended to a growable buffer so many frames leave in one socket write. Pure.
 */

/** Bytes a frame header takes for a payload of `length` bytes. */
export function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Frames appended one after another, ready for one write. */
export class FrameBuffer {
  private buffer: Buffer;
  private used = 0;

  constructor(initialBytes = 512) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes appended so far. */
  get length(): number {
    return this.used;
  }

  /** Appends complete frames built elsewhere (e.g. by {@link binaryFrame}), copied. */
  appendFrames(frames: Uint8Array): void {
    this.reserve(frames.byteLength);
    this.buffer.set(frames, this.used);
    this.used += frames.byteLength;
  }

  /** Appends one binary frame carrying a copy of `payload` (the caller may reuse its buffer at once). */
  appendBinary(payload: Uint8Array): void {
    const length = payload.byteLength;
    const head = headerLength(length);
    this.reserve(head + length);
    const b = this.buffer;
    let o = this.used;
    b[o++] = 0x82; // FIN + binary
    if (head === 2) {
      b[o++] = length;
    } else if (head === 4) {
      b[o++] = 126;
      b.writeUInt16BE(length, o);
      o += 2;
    } else {
      b[o++] = 127;
      b.writeUInt32BE(Math.floor(length / 2 ** 32), o);
      b.writeUInt32BE(length >>> 0, o + 4);
      o += 8;
    }
    b.set(payload, o);
    this.used = o + length;
  }

  /** The frames appended so far, as one buffer (a view: append nothing more after this). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  private reserve(bytes: number): void {
    if (this.buffer.length === 0) this.buffer = Buffer.allocUnsafe(512);
    if (this.used + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.used + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

/** One binary frame carrying a copy of `payload`, in a buffer of its own (to be written to many sockets). */
export function binaryFrame(payload: Uint8Array): Buffer {
  const frames = new FrameBuffer(headerLength(payload.byteLength) + payload.byteLength);
  frames.appendBinary(payload);
  return frames.bytes();
}
