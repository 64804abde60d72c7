import { SchemaSerializer } from "@colyseus/core";
import type { Schema } from "@colyseus/schema";

/**
 * Colyseus' SchemaSerializer encodes the full state (sent to every joiner) into a buffer of
 * `Encoder.BUFFER_SIZE` (16 KB). A larger state, as in a room listing hundreds of members, does
 * not fit: the encoder grows a copy, logs "@colyseus/schema buffer overflow" and encodes again,
 * but the serializer keeps its small buffer, so every later full encode pays the overflow, the
 * second encode, the copy and the warning again. This one keeps the grown buffer, so a room
 * pays that once per 16 KB its state grows by. Raising `Encoder.BUFFER_SIZE` instead would
 * give every room, small ones included, buffers of the largest room's size.
 */
export class FullStateSerializer<T extends Schema = Schema> extends SchemaSerializer<T> {
  override getFullState(...args: Parameters<SchemaSerializer<T>["getFullState"]>): Uint8Array {
    const full = super.getFullState(...args);
    // unset until the first full encode, whatever the declaration says
    const encoded = this.fullEncodeCache as Uint8Array | undefined;
    if (encoded !== undefined && encoded.buffer !== this.fullEncodeBuffer.buffer) {
      // the grown copy starts with the ROOM_STATE byte like the original (the encoder copied it over)
      this.fullEncodeBuffer = new Uint8Array(encoded.buffer);
    }
    return full;
  }
}

/** The serializer for a room's state: {@link FullStateSerializer} in place of Colyseus' own. */
export function fullStateSerializer<S>(serializer: S): S {
  return serializer instanceof SchemaSerializer && !(serializer instanceof FullStateSerializer)
    ? (new FullStateSerializer() as S)
    : serializer;
}
