/**
 * The coalescing transport and message batching through a real server and real SDK clients:
 * everything sent in one turn arrives in order, and a burst of sends is delivered in batches,
 * each message once and in seq order, its frames written in the turn of the broadcast. The client
 * objects stay compact V8 objects.
 */
import type { Socket } from "node:net";
import { setFlagsFromString } from "node:v8";
import type { RoomMessage } from "../../src/protocol";
import { ClientRequest, ServerMessage } from "../../src/protocol";
import { collect, dropConnection, localRoom, sdkEnter, useServer, waitFor } from "../helpers/server";

const t = useServer({ sendRatePerSecond: 1000, admissionWindow: 1000 });

test("500 broadcasts in one turn reach a member complete and in order", async () => {
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "co-order", userId: "ann" });
  room.onMessage("*", () => undefined);
  const got = collect<number>(room, "n");
  const server = await localRoom("co-order");
  for (let i = 0; i < 500; i++) server.broadcast("n", i);
  await waitFor(() => got.length === 500, 5000, "500 broadcasts");
  expect(got).toEqual(Array.from({ length: 500 }, (_, i) => i));
  await room.leave();
});

test("a burst of 100 sends arrives in batches, each message once, in seq order", async () => {
  const sender = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "co-burst", userId: "sam" });
  const reader = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "co-burst", userId: "rita" });
  for (const r of [sender, reader]) r.onMessage("*", () => undefined);
  const batches = collect<RoomMessage[]>(reader, ServerMessage.MESSAGES);
  const replies = await Promise.all(
    Array.from({ length: 100 }, (_, i) => sender.request<unknown, RoomMessage>(ClientRequest.SEND, { type: "text", content: `c${i}` })),
  );
  await waitFor(() => batches.flat().length >= 100, 5000, "100 messages");
  const seqs = batches.flat().map((m) => m.seq);
  expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  expect(batches.flat().map((m) => m.content)).toEqual(replies.map((m) => m.content));
  expect(batches.length).toBeLessThan(100);
  await Promise.all([sender.leave(), reader.leave()]);
});

test("a message batch is written to the members' sockets in the turn it is broadcast, not at the next turn", async () => {
  const sender = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "co-now", userId: "sid" });
  const reader = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "co-now", userId: "rho" });
  for (const r of [sender, reader]) r.onMessage("*", () => undefined);
  const got = collect<RoomMessage[]>(reader, ServerMessage.MESSAGES);
  const server = await localRoom("co-now");
  // the reader's TCP socket on the server (ws keeps it as _socket): every write to it, as it happens
  const socket = (server.clients.get(reader.sessionId)!.ref as unknown as { _socket: Socket })._socket;
  const writes: Buffer[] = [];
  const write = socket.write.bind(socket) as (chunk: Buffer, cb?: (err?: Error | null) => void) => boolean;
  socket.write = ((chunk: Buffer, cb?: (err?: Error | null) => void) => (
    writes.push(Buffer.from(chunk)),
    write(chunk, cb)
  )) as typeof socket.write;
  // what had reached the socket when the turn that broadcast the batch ended (its microtasks run before the next immediate)
  let atEndOfBatchTurn: Buffer[] | undefined;
  const broadcast = server.broadcast.bind(server);
  server.broadcast = (type: string | number, message?: unknown, options?: unknown) => {
    broadcast(type, message, options);
    if (type === ServerMessage.MESSAGES) queueMicrotask(() => (atEndOfBatchTurn ??= [...writes]));
  };
  await sender.request(ClientRequest.SEND, { type: "text", content: "right away" });
  await waitFor(() => got.length === 1, 5000, "the batch");
  expect(atEndOfBatchTurn?.some((chunk) => chunk.includes("right away"))).toBe(true);
  await Promise.all([sender.leave(), reader.leave()]);
});

test("a joined client is a fast-properties object with its join buffer gone, and reconnects", async () => {
  // V8's own answer, through its natives syntax (enabled for this process's later compilations)
  setFlagsFromString("--allow-natives-syntax");
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- V8 natives syntax (%HasFastProperties) only parses in code compiled after setFlagsFromString
  const hasFastProperties = new Function("o", "return %HasFastProperties(o)") as (o: object) => boolean;
  const room = await sdkEnter(t.httpUrl, { mode: "enter", roomId: "co-shape", userId: "fay" });
  room.onMessage("*", () => undefined);
  const server = await localRoom("co-shape");
  const client = server.clients.get(room.sessionId)! as unknown as Record<string, unknown>;
  await waitFor(() => client._enqueuedMessages === undefined, 3000, "the join buffer dropped after the join");
  expect(Object.prototype.hasOwnProperty.call(client, "_enqueuedMessages")).toBe(false);
  expect(hasFastProperties(client)).toBe(true);
  // Colyseus reads a missing join buffer as "has joined": the reconnection window opens
  await dropConnection(room, true);
  await waitFor(
    () =>
      server.clients.get(room.sessionId)?.ref !== undefined &&
      server.clients.length === 1 &&
      (server.clients.get(room.sessionId)!.ref as unknown as { readyState: number }).readyState === 1,
    5000,
    "reconnected",
  );
  const again = collect<number>(room, "n2");
  server.broadcast("n2", 7);
  await waitFor(() => again.length === 1, 3000, "a broadcast after the reconnection");
  await room.leave();
});
