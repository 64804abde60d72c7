/**
 * Socket.IO 4 peer: receivers join a room (`join`, "bench" unless they name another), a sender
 * emits `msg` with its room and the server relays it with `io.to(room).emit`. Member lists (room
 * "bench") as in membersPeer.
 */
import { createServer } from "node:http";
import { Server } from "socket.io";
import { MemberList } from "./membersPeer";
import { benchPort, serveControl } from "./control";

const ROOM = "bench";
const http = createServer();
const io = new Server(http, { transports: ["websocket"], perMessageDeflate: false, serveClient: false });
const members = new MemberList((delta) => io.to(ROOM).emit("members", delta));

io.on("connection", (socket) => {
  socket.on("join", (name: unknown, room: unknown, ack: unknown) => {
    void socket.join(typeof room === "string" ? room : ROOM);
    if (typeof name === "string" && name.length > 0) {
      socket.emit("members", members.join(name));
      socket.on("disconnect", () => members.leave(name));
    }
    if (typeof ack === "function") ack();
  });
  socket.on("msg", (message: unknown, room: unknown) => {
    io.to(typeof room === "string" ? room : ROOM).emit("msg", message);
  });
});

http.listen(benchPort(), "127.0.0.1", () => {
  const address = http.address();
  serveControl({ port: typeof address === "object" && address ? address.port : 0, rooms: { fanout: ROOM, members: ROOM } }, async () => {
    members.stop();
    io.disconnectSockets(true);
    await io.close();
  });
});
