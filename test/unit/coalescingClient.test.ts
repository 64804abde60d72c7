/**
 * CoalescingClient (src/transport): frames sent during one turn leave in one socket write, in
 * order, correctly framed; `leave` writes pending frames before closing; nothing is written to
 * a socket that is no longer open; flushWrites writes what is pending at once.
 */
import type { Socket } from "node:net";
import type WebSocket from "ws";
import { CoalescingClient, flushWrites } from "../../src/transport/CoalescingClient";
import { FrameBuffer } from "../../src/transport/frames";

/** Splits server frames (unmasked, unfragmented) back into their payloads. */
function parseFrames(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let o = 0;
  while (o < bytes.length) {
    expect(bytes[o]).toBe(0x82);
    let length = bytes.readUInt8(o + 1);
    o += 2;
    if (length === 126) {
      length = bytes.readUInt16BE(o);
      o += 2;
    } else if (length === 127) {
      length = bytes.readUInt32BE(o) * 2 ** 32 + bytes.readUInt32BE(o + 4);
      o += 8;
    }
    out.push(bytes.subarray(o, o + length));
    o += length;
  }
  return out;
}

function fakeConnection(readyState = 1) {
  const writes: Buffer[] = [];
  const events: string[] = [];
  const socket = {
    destroyed: false,
    write: (b: Buffer, cb?: (e?: Error | null) => void) => (writes.push(Buffer.from(b)), events.push("write"), cb?.(null), true),
  };
  const ws = { readyState, close: (code: number) => events.push(`close ${code}`) };
  const client = new CoalescingClient("s1", ws as unknown as WebSocket, socket as unknown as Socket);
  return { client, writes, events, ws };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

test("payloads of every length class are framed so that a WebSocket parser gets them back", () => {
  const frames = new FrameBuffer(4);
  const payloads = [0, 1, 125, 126, 65_535, 65_536, 200_000].map((n) => Buffer.alloc(n, n % 251));
  for (const p of payloads) frames.appendBinary(p);
  expect(parseFrames(frames.bytes())).toEqual(payloads);
});

test("frames sent in one turn leave in one write, in send order; a later turn gets its own write", async () => {
  const { client, writes } = fakeConnection();
  for (let i = 0; i < 100; i++) client.raw(Buffer.from(`m${i}`));
  expect(writes).toHaveLength(0);
  await nextTurn();
  expect(writes).toHaveLength(1);
  expect(parseFrames(writes.at(0)!).map(String)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i}`));
  client.raw(Buffer.from("later"));
  await nextTurn();
  expect(writes).toHaveLength(2);
  expect(parseFrames(writes.at(1)!).map(String)).toEqual(["later"]);
});

test("a frame is copied when sent: reusing the caller's buffer afterwards does not change it", async () => {
  const { client, writes } = fakeConnection();
  const shared = Buffer.from("first");
  client.raw(shared);
  shared.write("XXXXX");
  await nextTurn();
  expect(parseFrames(writes.at(0)!).map(String)).toEqual(["first"]);
});

test("leave writes the pending frames before the close frame", async () => {
  const { client, events, writes } = fakeConnection();
  client.raw(Buffer.from("bye"));
  client.leave(4000);
  expect(events).toEqual(["write", "close 4000"]);
  await nextTurn();
  expect(writes).toHaveLength(1);
});

test("nothing is written once the WebSocket is not open; send callbacks get an error", async () => {
  const { client, writes, ws } = fakeConnection();
  const errors: (Error | undefined)[] = [];
  client.raw(Buffer.from("lost"), undefined, (e) => errors.push(e));
  ws.readyState = 2;
  await nextTurn();
  expect(writes).toHaveLength(0);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(Error);
});

test("a broadcast is framed once: members with nothing else queued write the same buffer, without a copy each", async () => {
  const sockets: Buffer[][] = [];
  const clients = Array.from({ length: 3 }, (_, i) => {
    const writes: Buffer[] = [];
    sockets.push(writes);
    const socket = { destroyed: false, write: (b: Buffer) => (writes.push(b), true) };
    const ws = { readyState: 1 };
    return new CoalescingClient(`s${i}`, ws as unknown as WebSocket, socket as unknown as Socket);
  });
  const payload = Buffer.from("to everyone");
  for (const c of clients) c.raw(payload);
  clients.at(2)!.raw(Buffer.from("only you"));
  await nextTurn();
  // members 0 and 1 write the very same frame buffer; member 2 has two frames in a buffer of its own
  expect(sockets.at(0)!.at(0)).toBe(sockets.at(1)!.at(0));
  expect(parseFrames(sockets.at(0)!.at(0)!).map(String)).toEqual(["to everyone"]);
  expect(sockets.at(2)!.at(0)).not.toBe(sockets.at(0)!.at(0));
  expect(parseFrames(sockets.at(2)!.at(0)!).map(String)).toEqual(["to everyone", "only you"]);
});

test("a buffer reused between sends in one turn is matched by its bytes, never by identity", async () => {
  const a = fakeConnection();
  const b = fakeConnection();
  const reused = Buffer.from("first");
  a.client.raw(reused);
  reused.write("other");
  b.client.raw(reused);
  await nextTurn();
  expect(parseFrames(a.writes.at(0)!).map(String)).toEqual(["first"]);
  expect(parseFrames(b.writes.at(0)!).map(String)).toEqual(["other"]);
});

test("flushWrites writes every client's pending frames at once, in order; frames sent after it wait for the next turn", async () => {
  const a = fakeConnection();
  const b = fakeConnection();
  a.client.raw(Buffer.from("a1"));
  a.client.raw(Buffer.from("a2"));
  b.client.raw(Buffer.from("b1"));
  flushWrites();
  expect(a.writes).toHaveLength(1);
  expect(parseFrames(a.writes.at(0)!).map(String)).toEqual(["a1", "a2"]);
  expect(b.writes).toHaveLength(1);
  expect(parseFrames(b.writes.at(0)!).map(String)).toEqual(["b1"]);
  a.client.raw(Buffer.from("a3"));
  expect(a.writes).toHaveLength(1);
  await nextTurn();
  expect(a.writes).toHaveLength(2);
  expect(parseFrames(a.writes.at(1)!).map(String)).toEqual(["a3"]);
  expect(b.writes).toHaveLength(1);
});
