/**
 * `createChatServer()`: the standalone server (`npm start`), built on the public plugin API like
 * any studio's server: `createChatrooms` for the chat room type and router, Colyseus' own
 * `defineServer`, plus what only the standalone adds: the coalescing transport, the Redis
 * presence/driver with the dead-peer sweep, the demo app, and safe browser-facing edges
 * (src/standalone/edges.ts: loopback in open development mode, a CORS allow-list, CSRF refusal).
 */
import type { AddressInfo } from "node:net";
import { defineServer, type Server } from "@colyseus/core";
import { ChatRoom } from "../../rooms/ChatRoom";
import type { ChatConfig } from "../config";
import { MAX_ATTRIBUTE_REQUEST_BYTES } from "../core/attributes";
import { createChatrooms, type Chatrooms, type ChatroomsOptions } from "../plugin/createChatrooms";
import { drainRoute } from "../http/routes/process";
import { DEFAULT_ROOM_TYPE } from "../protocol";
import type { ChatContext } from "../service/context";
import { CoalescingTransport } from "../transport/CoalescingTransport";
import { createBackends } from "./backends";
import { errorJson, notFoundJson } from "../http/fallback";
import { createDemoRouter } from "./demoRoutes";
import { installColyseusEdges, listenHost, refuseCrossSite, resolveEdges, type EdgeOptions } from "./edges";

/** A running (or ready to run) chat server. */
export interface ChatServer {
  readonly config: ChatConfig;
  readonly ctx: ChatContext;
  readonly chat: Chatrooms;
  readonly colyseus: Server;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** The bound address and port once listening (main.ts prints it with `listenDescription`). */
  address(): AddressInfo | undefined;
  /** Closes every room (members exit with SHUTDOWN), the transport and the store. */
  shutdown(): Promise<void>;
}

/**
 * Options of {@link createChatServer} beyond {@link ChatroomsOptions}; {@link EdgeOptions} are
 * `host` (CHAT_HOST) and `corsOrigins` (CHAT_CORS_ORIGINS), read from the environment by
 * `edgesFromEnv()` (src/standalone/edges.ts).
 */
export interface ChatServerOptions extends ChatroomsOptions, EdgeOptions {
  /** Register SIGINT/SIGTERM handlers that shut down and exit (main.ts) [false]. */
  handleSignals?: boolean;
  /** The room class to serve [ChatRoom]. */
  roomClass?: typeof ChatRoom;
}

/**
 * The largest WebSocket frame a client may send; a larger one closes its connection (1009) before
 * the server can read it. It sits well above the message limit, so an over-size message is
 * answered with MESSAGE_TOO_LARGE, and admits the largest valid attribute batch.
 */
export function maxFrameBytes(config: Pick<ChatConfig, "maxMessageBytes">): number {
  return Math.max(4 * config.maxMessageBytes, MAX_ATTRIBUTE_REQUEST_BYTES) + 16 * 1024;
}

/**
 * Builds the standalone chat server: the `chatroom` room type, the chat router (operator API and
 * entry route) at the root, the demo, and `/__healthcheck`. In memory by default; `redisUrl`
 * (REDIS_URL) switches presence, driver and store to Redis. Options are checked like the
 * environment variables: a bad one throws PARAMETER naming it and its range.
 *
 * Edges: it listens on `host`, by default 127.0.0.1 in open development mode (no `appSecret`) and
 * every interface otherwise; browsers may call it cross-origin only from `corsOrigins`; every
 * state-changing request from a page of another origin (Express routes and /matchmake) is refused
 * with 403.
 */
export function createChatServer(options: ChatServerOptions = {}): ChatServer {
  const { handleSignals = false, roomClass = ChatRoom, host, corsOrigins, ...chatOptions } = options;
  const edges = resolveEdges({ host, corsOrigins });
  const chat = createChatrooms(chatOptions);
  const { config } = chat;
  const backends = createBackends(config, (connection) => chat.metrics.redisError(connection));

  const colyseus = defineServer({
    rooms: { [DEFAULT_ROOM_TYPE]: chat.defineRoom(roomClass) },
    // Each socket is written once per event-loop turn (src/transport).
    transport: new CoalescingTransport({ pingInterval: config.pingIntervalS * 1000, pingMaxRetries: 2, maxPayload: maxFrameBytes(config) }),
    presence: backends.presence,
    driver: backends.driver,
    publicAddress: config.publicAddress,
    // new rooms skip draining processes (chat.drain(): POST /process/drain.json, or SIGTERM)
    selectProcessIdToCreateRoom: chat.processSelector(),
    greet: false,
    gracefullyShutdown: handleSignals,
    express: (app) => {
      // Before every route: a cross-site POST (CSRF) reaches neither the operator API (unsigned in
      // open development mode), nor the entry route, nor the operator panel's proxy.
      app.use(refuseCrossSite(edges.corsOrigins));
      app.get("/metrics", chat.metrics.handler);
      app.use(chat.router({ extraRoutes: [drainRoute] }));
      app.use(createDemoRouter(config, chat.context.directory, { allowedOrigins: edges.corsOrigins }));
      // what no route answered: JSON, never Express' HTML page (Colyseus' own routes come first)
      app.use(notFoundJson());
      app.use(errorJson);
    },
  });
  let uninstallEdges: (() => void) | undefined;
  const stop = async () => {
    uninstallEdges?.();
    uninstallEdges = undefined;
    await Promise.allSettled([chat.close(), backends.stop()]);
  };
  // A shutdown drains first, while matchmaking still places rooms: the rooms here close with
  // SHUTDOWN and come back on the other processes, where ChatClient re-enters by itself. Then the
  // peer sweep stops (and its health checks settle) before Colyseus closes the presence.
  colyseus.onBeforeShutdown(async () => {
    await chat.drain();
    await backends.stop();
  });
  colyseus.onShutdown(stop);

  const address = (): AddressInfo | undefined => {
    const bound = colyseus.transport.server?.address();
    return typeof bound === "object" && bound ? bound : undefined;
  };
  let listening = false;
  return {
    config,
    ctx: chat.context,
    chat,
    colyseus,
    async listen() {
      // Colyseus answers CORS (preflights included) for every request, and runs /matchmake, from
      // its matchmaking controller, which is process-global: the standalone server owns its
      // process, so it may set it; a studio's server built on the plugin keeps its own (the plugin
      // never touches it).
      uninstallEdges ??= installColyseusEdges(edges.corsOrigins);
      await colyseus.listen(config.port, listenHost(edges.host, config.appSecret));
      listening = true;
      backends.start();
      return address()?.port ?? config.port;
    },
    address,
    async shutdown() {
      if (listening) await colyseus.gracefullyShutdown(false);
      else await stop();
    },
  };
}
