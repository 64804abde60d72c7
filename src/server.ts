import { randomUUID } from "node:crypto";
import express, { type Request, type Response } from "express";
import { defineRoom, defineServer, matchMaker, type Server } from "@colyseus/core";
import { ChatRoom } from "../rooms/ChatRoom";
import { resolveConfig, type ChatConfig } from "./config";
import { MAX_ATTRIBUTE_REQUEST_BYTES } from "./core/attributes";
import { ChatError, ErrorCode, httpStatusOf, isChatError } from "./core/errors";
import { createDemoRouter } from "./demoRoutes";
import { verifyUserToken } from "./core/tokens";
import { createOperatorRouter } from "./http/router";
import { CHATROOM, ENTER_PATH, type EnterResponse, type ErrorBody } from "./protocol";
import { ClaimKeeper } from "./service/claimKeeper";
import type { ChatContext } from "./service/context";
import { ModerationCaches } from "./service/moderationCache";
import { enter, parseEnterRequest } from "./service/entry";
import { createBackends } from "./backends";
import { CoalescingTransport } from "./transport/CoalescingTransport";
import type { ChatStore } from "./store/types";

/** A running (or ready to run) chat server. */
export interface ChatServer {
  readonly config: ChatConfig;
  readonly ctx: ChatContext;
  readonly colyseus: Server;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Closes every room (members exit with SHUTDOWN), the transport and the store. */
  shutdown(): Promise<void>;
}

/** Options of {@link createChatServer} beyond {@link ChatConfig}. */
export interface ChatServerOptions extends Partial<ChatConfig> {
  /** Register SIGINT/SIGTERM handlers that shut down and exit (main.ts) [false]. */
  handleSignals?: boolean;
  /** Clock for rooms and rules [Date.now]. */
  now?: () => number;
  /** A store to use instead of the one REDIS_URL selects (tests). */
  store?: ChatStore;
}

/** Sends a ChatError (or an unexpected fault) as `{ code, message }` with its HTTP status. */
export function sendError(res: Response, e: unknown): void {
  const err = isChatError(e) ? e : new ChatError(ErrorCode.INTERNAL, "internal error");
  if (!isChatError(e)) console.error(e);
  res.status(httpStatusOf(err.code)).json({ code: err.code, message: err.message } satisfies ErrorBody);
}

/**
 * Builds the chat server: Colyseus with the `chatroom` room type, the entry route, the demo page
 * and `/__healthcheck`. In memory by default; REDIS_URL switches presence, driver and store to Redis.
 */
/**
 * The largest WebSocket frame a client may send; a larger one closes its connection (1009) before
 * the server can read it. It sits well above the message limit, so an over-size message is
 * answered with MESSAGE_TOO_LARGE, and admits the largest valid attribute batch.
 */
function maxFrameBytes(config: ChatConfig): number {
  return Math.max(4 * config.maxMessageBytes, MAX_ATTRIBUTE_REQUEST_BYTES) + 16 * 1024;
}

export function createChatServer(options: ChatServerOptions = {}): ChatServer {
  const { handleSignals = false, now = Date.now, store: givenStore, ...overrides } = options;
  const config = resolveConfig(overrides);
  const backends = createBackends(config, givenStore);
  const { store } = backends;
  const processToken = randomUUID();
  const ctx: ChatContext = { config, store, now, processToken, claims: new ClaimKeeper(store.claims, processToken), moderationCaches: new ModerationCaches() };

  class BoundChatRoom extends ChatRoom {
    protected readonly ctx = ctx;
  }

  const authenticate = async (userId: string, token?: string): Promise<void> => {
    if (config.appSecret) verifyUserToken(config.appSecret, userId, token, now());
  };

  const colyseus = defineServer({
    rooms: { [CHATROOM]: defineRoom(BoundChatRoom) },
    // Each socket is written once per event-loop turn (src/transport).
    transport: new CoalescingTransport({ pingInterval: 3000, pingMaxRetries: 2, maxPayload: maxFrameBytes(config) }),
    presence: backends.presence,
    driver: backends.driver,
    publicAddress: config.publicAddress,
    greet: false,
    gracefullyShutdown: handleSignals,
    express: (app) => {
      app.post(ENTER_PATH, express.json({ limit: "64kb" }), async (req: Request, res: Response) => {
        try {
          const seat = await enter(ctx, parseEnterRequest(req.body), authenticate);
          res.json({ seat } satisfies EnterResponse);
        } catch (e) {
          sendError(res, e);
        }
      });
      app.use(createOperatorRouter(ctx, { rateLimitRedis: backends.rateLimitRedis }));
      app.use(createDemoRouter(config));
    },
  });
  // Every way into a room goes through ENTER_PATH, so bans and limits cannot be bypassed.
  matchMaker.controller.exposedMethods = ["reconnect"];
  colyseus.onShutdown(async () => {
    ctx.claims.stop();
    await backends.stop();
  });

  let listening = false;
  return {
    config,
    ctx,
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
      else {
        ctx.claims.stop();
        await backends.stop();
      }
    },
  };
}
