/**
 * What a member sends that the room cannot use must not cost it its seat. Colyseus 0.18 closes the
 * sender with 4002 (shown to the others as OFFLINE) for a `room.send()` of a type without handler
 * (RoomMessages.#noHandler, node_modules/@colyseus/core/src/RoomMessages.ts:334) and for a frame
 * whose MessagePack does not decode (RoomMessages.onData, :192), printing a stack per frame.
 */
import type { Room } from "@colyseus/sdk";
import { ErrorCode } from "../../src/core/errors";
import { ClientRequest, ServerMessage, type MembersChangedPayload, type RoomMessage } from "../../src/protocol";
import { collect, sdkEnter, useServer, waitFor } from "../helpers/server";

const t = useServer({ destroyDelayS: 600 });

/** Two members of `roomId`: `sender` and `watcher`, with what the watcher sees of departures. */
async function pair(
  roomId: string,
): Promise<{ sender: Room; watcher: Room; left: MembersChangedPayload[]; errors: [number, string][]; closed: number[] }> {
  const sender = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "sender" });
  const watcher = await sdkEnter(t.httpUrl, { mode: "enter", roomId, userId: "watcher" });
  sender.onMessage("*", () => undefined);
  const left = collect<MembersChangedPayload>(watcher, ServerMessage.MEMBERS_LEFT);
  watcher.onMessage("*", () => undefined);
  const errors: [number, string][] = [];
  sender.onError((code: number, message?: string) => errors.push([code, message ?? ""]));
  const closed: number[] = [];
  sender.onLeave((code: number) => closed.push(code));
  return { sender, watcher, left, errors, closed };
}

/** The socket under an SDK room. */
const socketOf = (room: Room) => (room.connection as unknown as { transport: { ws: { send(data: Uint8Array): void } } }).transport.ws;

/**
 * Proves the sender is still a member after what it sent: the server answers a request sent after
 * it (frames of one socket are handled in order), and a message it sends reaches the watcher.
 */
async function stillMember(sender: Room, watcher: Room, content: string): Promise<void> {
  const info = await sender.request<unknown, { members: { userId: string; online: boolean }[] }>(ClientRequest.INFO);
  expect(info.members.find((m) => m.userId === "sender")?.online).toBe(true);
  const received = collect<RoomMessage[]>(watcher, ServerMessage.MESSAGES);
  await sender.request(ClientRequest.SEND, { type: "text", content });
  await waitFor(() => received.flat().some((m) => m.content === content), 3000, "the watcher to receive the message");
}

test("room.send() of an unknown type keeps the sender (no 4002, no OFFLINE for the others) and answers one error frame 1002 naming the type", async () => {
  const { sender, watcher, left, errors, closed } = await pair("unknown-type");
  sender.send("noSuchType", { x: 1 });
  sender.send(12345, "numbered");
  await stillMember(sender, watcher, "after unknown types");
  expect(closed).toEqual([]);
  expect(left).toEqual([]);
  expect(errors.map(([code]) => code)).toEqual([ErrorCode.PARAMETER, ErrorCode.PARAMETER]);
  expect(errors.at(0)![1]).toContain("noSuchType");
  await Promise.all([sender.leave(), watcher.leave()]);
});

test("frames whose MessagePack does not decode are dropped: the sender stays, gets one error frame, requests are answered 1002, one log line per connection", async () => {
  const warn = jest.spyOn(console, "warn");
  const error = jest.spyOn(console, "error");
  try {
    const { sender, watcher, left, errors, closed } = await pair("broken-frames");
    const ws = socketOf(sender);
    const type = Buffer.from(ClientRequest.SEND);
    // ROOM_DATA (13): [code][type as a msgpack fixstr][payload]; 0x92 0x01 is an array of two cut after one
    const brokenData = Buffer.from([13, 0xa0 | type.length, ...type, 0x92, 0x01]);
    for (let i = 0; i < 5; i++) ws.send(brokenData);
    ws.send(Buffer.from([13])); // a frame that ends before its type

    // a request whose payload the server cannot decode: the SDK's own frame, cut short by one byte
    const realSend = ws.send.bind(ws);
    ws.send = (data: Uint8Array) => realSend(data.subarray(0, data.byteLength - 1));
    const refused = sender.request(ClientRequest.SEND, { type: "text", content: "cut" }).then(
      () => undefined,
      (e: unknown) => (e as { reason?: { code: number; message: string } }).reason,
    );
    ws.send = realSend;
    expect(await refused).toEqual({ code: ErrorCode.PARAMETER, message: expect.stringContaining("not valid MessagePack") });

    await stillMember(sender, watcher, "after broken frames");
    expect(closed).toEqual([]);
    expect(left).toEqual([]);
    expect(errors).toEqual([[ErrorCode.PARAMETER, expect.stringContaining("not valid MessagePack")]]);
    const logged = warn.mock.calls.filter((c) => String(c[0]).includes("frame dropped"));
    expect(logged).toHaveLength(1);
    expect(String(logged.at(0)![0])).toContain("room broken-frames");
    expect(error.mock.calls.filter((c) => /MessagePack|Unexpected end/.test(String(c[0])))).toEqual([]);
    await Promise.all([sender.leave(), watcher.leave()]);
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
});
