import type { IncomingMessage } from "node:http";
import {
  CloseCode,
  connectClientToRoom,
  createAuthContext,
  debugAndPrintError,
  isDevMode,
  matchMaker,
  Protocol,
  Room,
  type AuthContext,
} from "@colyseus/core";
import { WebSocketTransport, type TransportOptions } from "@colyseus/ws-transport";
import { CoalescingClient } from "./CoalescingClient";
import { CheckedWebSocket } from "./frameCheck";
import { startHeartbeat, watchPongs, type HeartbeatSocket } from "./heartbeat";
import { seamChanges } from "./upstreamSeam";

type RawClient = HeartbeatSocket;

/** One listener for every socket (a closure per connection costs each member ~0.1 KB). */
function logSocketError(err: Error): void {
  debugAndPrintError(`${err.message}\n${String(err.stack)}`);
}

/**
 * @colyseus/ws-transport with {@link CoalescingClient}s: every socket is written at most once
 * per event-loop turn, whatever the number of frames sent to it in that turn. Per-message
 * deflate is always off (frames are written as built). A room frame that cannot be decoded is
 * dropped and answered, the connection kept ({@link CheckedWebSocket}). The heartbeat pings a
 * slice of the sockets at a time instead of all at once (./heartbeat). Otherwise the stock
 * transport: options, upgrade handling and shutdown are inherited.
 *
 * Its connection code is a copy of ws-transport 0.18.4's (see ./upstreamSeam): with an installed
 * Colyseus whose seam functions differ from the verified ones, every connection takes the stock
 * path (plain WebSocketClients, no coalescing) and the constructor warns once, naming what changed.
 */
export class CoalescingTransport extends WebSocketTransport {
  /** Seam points that differ from the verified Colyseus; checked once per transport. Overridable in tests. */
  protected static seamChanges: () => string[] = seamChanges;

  constructor(options: TransportOptions = {}) {
    super({ ...options, perMessageDeflate: false, WebSocket: CheckedWebSocket });
    const changed = (this.constructor as typeof CoalescingTransport).seamChanges();
    if (changed.length > 0) {
      console.warn(
        `CoalescingTransport: this Colyseus differs from the one its connection code was verified with (${changed.join("; ")}): connections use the stock ws-transport path, without coalescing`,
      );
      // the base constructor registered this class's onConnection with the ws server: swap in the stock one
      const stock = (WebSocketTransport.prototype as unknown as { onConnection: (...args: unknown[]) => void }).onConnection;
      // off() needs the very function the base registered (unbound, as it registers it); nothing
      // calls it through this argument, and onConnection uses no members (see its comment)
      // eslint-disable-next-line @typescript-eslint/unbound-method, @typescript-eslint/no-misused-promises -- identity only, never called here
      this.wss.off("connection", this.onConnection);
      this.wss.on("connection", stock);
    }
  }

  /** The stock heartbeat (ping every socket, terminate the silent), spread over its interval: see ./heartbeat. */
  protected override autoTerminateUnresponsiveClients(pingInterval: number, pingMaxRetries: number): void {
    this.pingInterval = startHeartbeat(this.wss.clients, pingInterval, pingMaxRetries);
  }

  /**
   * ws-transport 0.18.4's onConnection with one change: the client class. Called by the ws
   * server with `this` bound to it (the base registers it unbound), so it uses no members.
   */
  protected override async onConnection(
    rawClient: RawClient,
    req: IncomingMessage,
    upgrade?: { url: URL; context: AuthContext },
  ): Promise<void> {
    rawClient.on("error", logSocketError);
    watchPongs(rawClient);

    const url = upgrade?.url ?? new URL(`ws://server${req.url ?? "/"}`);
    const sessionId = url.searchParams.get("sessionId");
    const roomId = /\/[a-zA-Z0-9_-]+\/([a-zA-Z0-9_-]+)$/.exec(url.pathname)?.[1] ?? null;

    if (!sessionId && !roomId) {
      // the SDK's latency probe: answer pings, close after 1 s
      const timeout = setTimeout(() => rawClient.close(CloseCode.NORMAL_CLOSURE), 1000);
      rawClient.on("message", () => rawClient.send(new Uint8Array([Protocol.PING])));
      rawClient.on("close", () => clearTimeout(timeout));
      return;
    }

    // Colyseus keeps its rooms in a plain object: for an id such as "toString" that this process
    // does not host, the lookup finds an inherited function, not a room.
    const found: unknown = matchMaker.getLocalRoomById(roomId as string);
    const room = found instanceof Room ? found : undefined;
    const client = new CoalescingClient(sessionId as string, rawClient, req.socket);
    if (rawClient instanceof CheckedWebSocket) rawClient.attach(client, roomId as string);
    const reconnectionToken = url.searchParams.get("reconnectionToken");
    const context =
      upgrade?.context ??
      createAuthContext({
        headers: req.headers as Record<string, string | undefined>,
        token: url.searchParams.get("_authToken") ?? undefined,
        remoteAddress: req.socket.remoteAddress,
      });
    try {
      await connectClientToRoom(room, client, context, {
        reconnectionToken: reconnectionToken ?? undefined,
        skipHandshake: url.searchParams.has("skipHandshake"),
      });
    } catch (e) {
      const err = e as { code?: number; message?: string };
      debugAndPrintError(e instanceof Error ? e : String(e));
      const closeCode = reconnectionToken
        ? isDevMode
          ? CloseCode.MAY_TRY_RECONNECT
          : CloseCode.FAILED_TO_RECONNECT
        : CloseCode.WITH_ERROR;
      client.error(err.code ?? 0, err.message ?? "", () => rawClient.close(closeCode));
    }
  }
}
