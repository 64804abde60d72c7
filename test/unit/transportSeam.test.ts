/**
 * The seam between the coalescing transport and Colyseus: the upstream functions it copies or
 * relies on are the verified ones, the versions it was verified with are the ones pinned for
 * development, and a Colyseus that differs makes the transport take the stock path instead.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defineRoom, defineServer, Room, type Client as ServerClient } from "@colyseus/core";
import { Client } from "@colyseus/sdk";
import { WebSocketClient } from "@colyseus/ws-transport";
// a studio's tests load @colyseus/testing, which wraps Room._onMessage at run time: the verdict must not change
import "@colyseus/testing/TestServer";
import { CoalescingClient } from "../../src/transport/CoalescingClient";
import { CoalescingTransport } from "../../src/transport/CoalescingTransport";
import { seamChanges, seamFingerprints, VERIFIED_UPSTREAM } from "../../src/transport/upstreamSeam";

const root = join(__dirname, "..", "..");
const manifest = (path: string): { version: string; devDependencies?: Record<string, string> } =>
  JSON.parse(readFileSync(join(root, path, "package.json"), "utf8"));

test("the installed Colyseus has the seam functions the transport was verified with", () => {
  const changed = seamFingerprints().filter((point) => point.installed !== point.verified);
  // on an upgrade this names each changed function with the fingerprint to record once the port is checked
  expect(changed.map((point) => `${point.name}: ${point.installed}`)).toEqual([]);
  expect(seamChanges()).toEqual([]);
});

test("development pins exactly the Colyseus versions the seam was verified with, and they are installed", () => {
  const devDependencies = manifest(".").devDependencies ?? {};
  for (const [name, version] of Object.entries(VERIFIED_UPSTREAM)) {
    expect(`${name}@${devDependencies[name]}`).toBe(`${name}@${version}`);
    expect(`${name}@${manifest(`node_modules/${name}`).version}`).toBe(`${name}@${version}`);
  }
});

class ProbeRoom extends Room {
  override onCreate(): void {
    this.onMessage("ping", (client: ServerClient) => client.send("pong", 1));
  }
}

/** The server-side client class of one real connection through `transport`. */
async function connectionClass(transport: CoalescingTransport): Promise<{ coalescing: boolean; stock: boolean }> {
  const server = defineServer({ rooms: { probe: defineRoom(ProbeRoom) }, transport, greet: false });
  await server.listen(0, "127.0.0.1");
  try {
    const address = transport.server?.address();
    if (!address || typeof address === "string") throw new Error("no listening address");
    const room = await new Client(`http://127.0.0.1:${address.port}`).joinOrCreate("probe");
    const pong = new Promise((resolve) => room.onMessage("pong", resolve));
    room.send("ping");
    await pong;
    const { matchMaker } = await import("@colyseus/core");
    const serverRoom = matchMaker.getLocalRoomById(room.roomId);
    const client = serverRoom.clients.get(room.sessionId);
    await room.leave();
    return {
      coalescing: client instanceof CoalescingClient,
      stock: client instanceof WebSocketClient && !(client instanceof CoalescingClient),
    };
  } finally {
    await server.gracefullyShutdown(false);
  }
}

test("with the verified Colyseus, connections are coalescing clients; with a changed one, stock clients and a warning", async () => {
  const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
  try {
    expect(await connectionClass(new CoalescingTransport())).toEqual({ coalescing: true, stock: false });
    expect(warn).not.toHaveBeenCalled();

    class ChangedUpstream extends CoalescingTransport {
      protected static override seamChanges = (): string[] => ["@colyseus/core Room._onMessage"];
    }
    expect(await connectionClass(new ChangedUpstream())).toEqual({ coalescing: false, stock: true });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("@colyseus/core Room._onMessage");
  } finally {
    warn.mockRestore();
  }
});
