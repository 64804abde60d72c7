/**
 * Payloads past Colyseus' defaults, through a real server and SDK clients:
 * - a room whose synchronized state outgrows the 16 KB encode buffer (here through large
 *   attributes; in production, a long member list): joiners still get the whole state, and the
 *   room grows its full-state buffer once instead of overflowing (re-encoding, copying and
 *   logging a warning) on every later join;
 * - the socket's frame limit: every valid request fits under it (the largest attribute batch is
 *   covered in test/client/attributes), and a frame over it closes only the sender's connection
 *   (1009, "message too big"); the room and its other members carry on.
 */
import { ClientRequest, ServerMessage, type RoomMessage } from "../../src/protocol";
import { MAX_ATTRIBUTE_REQUEST_BYTES } from "../../src/core/attributes";
import { FullStateSerializer } from "../../rooms/FullStateSerializer";
import { collect, localRoom, sdkEnter, useServer, waitFor } from "../helpers/server";

const t = useServer();

test("joiners of a room with an 80 KB state get all of it, and the buffer overflow happens once, not per join", async () => {
  const warn = jest.spyOn(console, "warn");
  const overflows = () => warn.mock.calls.filter((args) => String(args[0]).includes("buffer overflow")).length;
  const ann = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "big", userId: "ann" });
  ann.onMessage("*", () => undefined);
  const big: Record<string, string> = {};
  for (let i = 0; i < 20; i++) big[`k${i}`] = String(i % 10).repeat(4000);
  await ann.request(ClientRequest.SET_ATTRIBUTES, { attributes: big });
  // the patch carrying the batch (over 16 KB: Colyseus grows its patch buffer, warning once) is out
  const annAttributes = (ann.state as unknown as { attributes: Map<string, string> }).attributes;
  await waitFor(() => annAttributes.size === 20, 3000, "the batch in ann's state");
  const server = await localRoom("big");
  expect((server as unknown as { _serializer: unknown })._serializer).toBeInstanceOf(FullStateSerializer);

  const joiners = [];
  let afterFirstJoin = -1;
  for (const userId of ["bob", "cleo", "dan", "eve"]) {
    // a change before each join, so each joiner's full state is encoded afresh
    await ann.request(ClientRequest.SET_ATTRIBUTES, { attributes: { before: userId } });
    const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "big", userId });
    room.onMessage("*", () => undefined);
    const attributes = (room.state as unknown as { attributes: Map<string, string> }).attributes;
    expect(attributes.get("before")).toBe(userId);
    expect(attributes.get("k7")).toBe("7".repeat(4000));
    expect(attributes.size).toBe(21);
    joiners.push(room);
    if (userId === "bob") afterFirstJoin = overflows();
  }
  // the patch and bob's full state each outgrew 16 KB once (Colyseus warned); later joins did not
  expect(afterFirstJoin).toBe(2);
  expect(overflows()).toBe(2);
  warn.mockRestore();
  await Promise.all([ann, ...joiners].map((room) => room.leave()));
});

test("a frame over the limit drops only its sender (close 1009); the other member keeps sending and receiving", async () => {
  const ann = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "fl", userId: "ann" });
  const bob = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "fl", userId: "bob" });
  for (const room of [ann, bob]) room.onMessage("*", () => undefined);
  ann.reconnection.enabled = false;
  const dropped: number[] = [];
  ann.onDrop((code) => dropped.push(code));
  ann.onLeave((code) => dropped.push(code));
  const atBob = collect<RoomMessage[]>(bob, ServerMessage.MESSAGES);

  ann.send(ClientRequest.SET_ATTRIBUTES, { attributes: { huge: "x".repeat(MAX_ATTRIBUTE_REQUEST_BYTES + 32 * 1024) } });
  await waitFor(() => dropped.length > 0, 5000, "ann's connection closed");
  expect(dropped[0]).toBe(1009);

  const sent = await bob.request<unknown, RoomMessage>(ClientRequest.SEND, { type: "text", content: "still here" });
  await waitFor(() => atBob.flat().some((m) => m.messageID === sent.messageID), 3000, "bob's message back at bob");
  const server = await localRoom("fl");
  expect(server.state.attributes.has("huge")).toBe(false);
  await bob.leave();
});
