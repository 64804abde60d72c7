/**
 * Raw `ws` peer: one frame is built per message (ws' own Sender.frame) and the same bytes are
 * written to every receiver's socket, the cheapest broadcast ws allows without coalescing.
 * Receivers connect to `/?role=recv`, the sender to `/?role=send`, members of many small rooms to
 * `/?role=talk&room=<id>` (they receive and send); `room` defaults to "bench". Member lists as in
 * membersPeer.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { MemberList } from "./membersPeer";
import { benchPort, serveControl } from "./control";

interface Sender {
  frame(data: Buffer, options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean }): Buffer[];
}
const frameOf = (data: Buffer): Buffer =>
  Buffer.concat(
    (WebSocket as unknown as { Sender: Sender }).Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false }),
  );

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 64 * 1024 });
/** The receiving sockets of each room. */
const rooms = new Map<string, Set<Socket>>();
const receiversOf = (room: string): Set<Socket> => {
  let set = rooms.get(room);
  if (!set) rooms.set(room, (set = new Set()));
  return set;
};
const members = new MemberList((payload) => {
  const frame = frameOf(Buffer.from(JSON.stringify(payload)));
  for (const socket of receiversOf("bench")) socket.write(frame);
});

wss.on("connection", (ws: WebSocket, req: IncomingMessage) => {
  const url = new URL(req.url ?? "/", "ws://bench");
  const role = url.searchParams.get("role");
  const receivers = receiversOf(url.searchParams.get("room") ?? "bench");
  ws.on("error", () => undefined);
  ws.on("message", (data: Buffer) => {
    const frame = frameOf(data);
    for (const socket of receivers) socket.write(frame);
  });
  if (role === "send") return;
  // req.socket is the connection ws writes to; writing a complete frame to it is a valid ws send
  const socket = req.socket;
  receivers.add(socket);
  const name = url.searchParams.get("name");
  if (role === "member" && name) {
    ws.send(JSON.stringify(members.join(name)));
  }
  ws.on("close", () => {
    receivers.delete(socket);
    if (name) members.leave(name);
  });
});

http.listen(benchPort(), "127.0.0.1", () => {
  const address = http.address();
  serveControl(
    { port: typeof address === "object" && address ? address.port : 0, rooms: { fanout: "bench", members: "bench" } },
    async () => {
      members.stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.close();
    },
  );
});
