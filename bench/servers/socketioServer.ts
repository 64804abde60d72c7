/**
 * Socket.IO 4 peer: receivers join room "bench" (`join`), the sender emits `msg` and the server
 * relays it with `io.to("bench").emit`. Member lists as in membersPeer.
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
  socket.on("join", (name: unknown, ack: unknown) => {
    void socket.join(ROOM);
    if (typeof name === "string" && name.length > 0) {
      socket.emit("members", members.join(name));
      socket.on("disconnect", () => members.leave(name));
    }
    if (typeof ack === "function") ack();
  });
  socket.on("msg", (message: unknown) => {
    io.to(ROOM).emit("msg", message);
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
