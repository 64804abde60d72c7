/**
 * A TCP proxy on 127.0.0.1 in front of a server process, for network failures a test can cause:
 * `cut()` destroys every connection through it (the server sees them end without a close frame, as
 * when a phone loses its network), while new connections still go through.
 */
import { connect, createServer, type Socket } from "node:net";

export interface TcpProxy {
  readonly port: number;
  /** The port connections are forwarded to (set once the server behind it listens). */
  target: number | undefined;
  /** Destroys every open connection through the proxy; resolves with how many there were. */
  cut(): number;
  close(): Promise<void>;
}

/** Listens on `port` (e.g. from freePort()) and forwards each connection to `proxy.target`. */
export async function startTcpProxy(port: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const track = (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (proxy.target === undefined) {
      client.destroy();
      return;
    }
    const upstream = connect(proxy.target, "127.0.0.1");
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const proxy: TcpProxy = {
    port,
    target: undefined,
    cut() {
      const count = open.size;
      for (const socket of open) socket.destroy();
      return count;
    },
    async close() {
      proxy.cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
