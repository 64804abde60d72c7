/**
 * Plain Colyseus peer (same ws transport defaults as Colyseus ships): room `fanout` only
 * broadcasts what its sender sends; room `members` keeps every member in a synchronized map,
 * the stock way to show a member list.
 */
import { defineRoom, defineServer, matchMaker, Room, type Client } from "@colyseus/core";
import { schema, t, type SchemaType } from "@colyseus/schema";
import { WebSocketTransport } from "@colyseus/ws-transport";
import { benchPort, serveControl } from "./control";

class FanoutRoom extends Room {
  override autoDispose = false;
  override onCreate(): void {
    this.onMessage("msg", (_client: Client, message: unknown) => this.broadcast("msg", message));
  }
}

const MembersState = schema({ members: t.map("string") }, "MembersState");
type MembersState = SchemaType<typeof MembersState>;

class MembersRoom extends Room<{ state: MembersState }> {
  override autoDispose = false;
  override state = new MembersState();
  override onJoin(client: Client, options: { name?: string } | undefined): void {
    const name = options?.name ?? client.sessionId;
    client.userData = name;
    this.state.members.set(name, name);
  }
  override onLeave(client: Client): void {
    this.state.members.delete(client.userData as string);
  }
}

async function main(): Promise<void> {
  const server = defineServer({
    rooms: { fanout: defineRoom(FanoutRoom), members: defineRoom(MembersRoom) },
    transport: new WebSocketTransport({ maxPayload: 64 * 1024 }),
    greet: false,
    gracefullyShutdown: false,
  });
  await server.listen(benchPort());
  const address = server.transport.server?.address();
  const fanout = await matchMaker.createRoom("fanout", {});
  const members = await matchMaker.createRoom("members", {});
  serveControl(
    { port: typeof address === "object" && address ? address.port : 0, rooms: { fanout: fanout.roomId, members: members.roomId } },
    () => server.gracefullyShutdown(false),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
