/**
 * The socket's frame limit: every valid request fits under it (the largest attribute batch is
 * covered in test/client/attributes), and a frame over it closes only the sender's connection
 * (1009, "message too big"); the room and its other members carry on.
 */
import { ClientRequest, ServerMessage, type RoomMessage } from "../../src/protocol";
import { MAX_ATTRIBUTE_REQUEST_BYTES } from "../../src/core/attributes";
import { collect, localRoom, sdkEnter, startServer, waitFor, type TestServer } from "../helpers/server";

let t: TestServer;
beforeAll(async () => {
  t = await startServer();
});
afterAll(async () => {
  await t.server.shutdown();
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

  const sent = (await bob.request(ClientRequest.SEND, { type: "text", content: "still here" })) as RoomMessage;
  await waitFor(() => atBob.flat().some((m) => m.messageID === sent.messageID), 3000, "bob's message back at bob");
  const server = await localRoom("fl");
  expect(server.state.attributes.has("huge")).toBe(false);
  await bob.leave();
});
