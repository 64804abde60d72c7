/**
 * `createChatServer()`: the standalone server (`npm start`), built on the public plugin API like
 * any studio's server: `createChatrooms` for the chat room type and router, Colyseus' own
 * `defineServer`, plus what only the standalone adds: the coalescing transport, the Redis
 * presence/driver with the dead-peer sweep, and the demo app.
 */
import { defineServer, type Server } from "@colyseus/core";
import { ChatRoom } from "../../rooms/ChatRoom";
import type { ChatConfig } from "../config";
import { MAX_ATTRIBUTE_REQUEST_BYTES } from "../core/attributes";
import { createChatrooms, type Chatrooms, type ChatroomsOptions } from "../plugin/createChatrooms";
import { DEFAULT_ROOM_TYPE } from "../protocol";
import type { ChatContext } from "../service/context";
import { CoalescingTransport } from "../transport/CoalescingTransport";
import { createBackends } from "./backends";
import { createDemoRouter } from "./demoRoutes";

/** A running (or ready to run) chat server. */
export interface ChatServer {
  readonly config: ChatConfig;
  readonly ctx: ChatContext;
  readonly chat: Chatrooms;
  readonly colyseus: Server;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Closes every room (members exit with SHUTDOWN), the transport and the store. */
  shutdown(): Promise<void>;
}

/** Options of {@link createChatServer} beyond {@link ChatroomsOptions}. */
export interface ChatServerOptions extends ChatroomsOptions {
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
 */
export function createChatServer(options: ChatServerOptions = {}): ChatServer {
  const { handleSignals = false, roomClass = ChatRoom, ...chatOptions } = options;
  const chat = createChatrooms(chatOptions);
  const { config } = chat;
  const backends = createBackends(config);

  const colyseus = defineServer({
    rooms: { [DEFAULT_ROOM_TYPE]: chat.defineRoom(roomClass) },
    // Each socket is written once per event-loop turn (src/transport).
    transport: new CoalescingTransport({ pingInterval: 3000, pingMaxRetries: 2, maxPayload: maxFrameBytes(config) }),
    presence: backends.presence,
    driver: backends.driver,
    publicAddress: config.publicAddress,
    greet: false,
    gracefullyShutdown: handleSignals,
    express: (app) => {
      app.use(chat.router());
      app.use(createDemoRouter(config, chat.context.directory));
    },
  });
  const stop = async () => {
    await Promise.allSettled([chat.close(), backends.stop()]);
  };
  colyseus.onShutdown(stop);

  let listening = false;
  return {
    config,
    ctx: chat.context,
    chat,
    colyseus,
    async listen() {
      await colyseus.listen(config.port);
      listening = true;
      backends.start();
      const address = colyseus.transport.server?.address();
      return typeof address === "object" && address ? address.port : config.port;
    },
    async shutdown() {
      if (listening) await colyseus.gracefullyShutdown(false);
      else await stop();
    },
  };
}
