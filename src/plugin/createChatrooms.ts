/**
 * The plugin's front door: `createChatrooms(config)` builds the per-process context (store,
 * moderation caches, id claims) once, and hands out chat room types for the studio's own
 * `defineServer({ rooms })` and the Express router for its `express` hook. Nothing global is
 * touched: other room types and their matchmaking stay as the studio set them.
 */
import { randomUUID } from "node:crypto";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import { defineRoom as defineColyseusRoom, matchMaker, type RegisteredHandler } from "@colyseus/core";
import { Redis } from "ioredis";
import type { AuthContext } from "@colyseus/core";
import { ChatRoom } from "../../rooms/ChatRoom";
import { resolveConfig, type ChatConfig } from "../config";
import { ChatError, ErrorCode, isChatError } from "../core/errors";
import { verifyUserToken } from "../core/tokens";
import { errorJson, notFoundJson } from "../http/fallback";
import { bodyParserError, sendErrorReply } from "../http/respond";
import { createOperatorRouter, OPERATOR_ROUTES, type OperatorRouterOptions } from "../http/router";
import { ENTER_PATH, type EnterResponse } from "../protocol";
import { auditRemovals } from "../service/audit";
import { ClaimKeeper } from "../service/claimKeeper";
import { ProcessDrain } from "../service/drain";
import type { ChatContext } from "../service/context";
import { APP_ON_AUTH, CHAT_CONTEXT, createRoomDirectory, type AppOnAuth } from "../service/directory";
import { ChatEvents } from "../service/events";
import { admitMatchmaking, enter, FILTER_KEY, parseEnterRequest, toMatchmakingError } from "../service/entry";
import { ModerationCaches } from "../service/moderationCache";
import { SHARD_KEY } from "../service/shardWire";
import { createMemoryStore } from "../store/memory";
import { createRedisStore, watchRedisConnection } from "../store/redis";
import type { ChatStore } from "../store/types";
import { createMetrics, type ChatMetrics } from "../ops/metrics";
import { placeRelays, skipDrainingProcesses, type SelectProcessId } from "./drain";
import { startOperations } from "./operations";
import { assertRoomSettings, type RoomSettings } from "./roomSettings";

/** Options of {@link createChatrooms}: every {@link ChatConfig} setting, plus what only code can give. */
export interface ChatroomsOptions extends Partial<ChatConfig> {
  /** Clock for rooms and rules [Date.now] (tests). */
  now?: () => number;
  /** A store to use instead of the one `redisUrl` selects (tests, custom backends). */
  store?: ChatStore;
  /**
   * Room type the operator API (`chatroom/create.json`, ...) and the `/chat/enter` route create
   * rooms of [`chatroom` when registered, else the first chat room type].
   */
  operatorRoomType?: string;
}

/** Options of {@link Chatrooms.router}. */
export interface ChatRouterOptions extends Pick<OperatorRouterOptions, "extraRoutes"> {
  /** Serve the operator API (RongCloud's chatroom Server API) [true]. */
  operatorApi?: boolean;
  /** Serve `POST /chat/enter`, the JSON entry route for clients that do not use the SDK's matchmaking [true]. */
  enterRoute?: boolean;
}

/** A chat room class (ChatRoom or a studio's subclass of it). */
export type ChatRoomClass = typeof ChatRoom;

/** What {@link createChatrooms} returns: one per process. */
export interface Chatrooms {
  /** The resolved settings. */
  readonly config: ChatConfig;
  /** The context rooms and services share (store, claims, clock). For tools and tests. */
  readonly context: ChatContext;
  /**
   * Room events of this instance on this process (rooms created and destroyed, members in and out
   * with exit reasons, messages delivered and refused), e.g. `chat.events.on("memberLeft", ...)`.
   */
  readonly events: ChatEvents;
  /**
   * A Colyseus room definition of `RoomClass` [ChatRoom] bound to these chatrooms, for
   * `defineServer({ rooms: { chat: chat.defineRoom(MyChat) } })`. `settings` override room-level
   * settings for this type only (e.g. `{ reconnectWindowS: 10, historySize: 500 }`); several chat
   * types with different settings can live in one server. Throws PARAMETER naming a bad setting.
   */
  defineRoom<T extends ChatRoomClass>(RoomClass?: T, settings?: RoomSettings): RegisteredHandler<InstanceType<T>>;
  /**
   * The Express router with the operator API and the entry route, for
   * `express: (app) => app.use("/chat-admin", chat.router())`. Every answer is JSON `{ code, ... }`.
   */
  router(options?: ChatRouterOptions): Router;
  /**
   * Prometheus metrics of this instance's rooms on this process (docs/metrics.md): mount
   * `app.get("/metrics", chat.metrics.handler)` where your scraper reaches it.
   */
  readonly metrics: ChatMetrics;
  /**
   * Drains this process for a deploy (docs/deployment.md#draining-a-process): marks it as draining
   * in the store (renewed while it drains, so a drainer that dies is skipped no longer than 30 s),
   * refuses new chat rooms here, and closes this process's chat rooms with SHUTDOWN, keeping their
   * records: ChatClient re-enters by itself and each room comes back, the same room, on a process
   * placed by {@link processSelector}. Resolves once the rooms here are closed. Idempotent.
   */
  drain(): Promise<void>;
  /**
   * Colyseus' `selectProcessIdToCreateRoom` server option that skips draining processes: wraps
   * `inner` (a studio's own selector) [Colyseus' default: the process with the fewest rooms].
   * `defineServer({ ..., selectProcessIdToCreateRoom: chat.processSelector() })`.
   */
  processSelector(inner?: SelectProcessId): SelectProcessId;
  /** Stops renewing room-id claims and closes the store connections this instance opened. */
  close(): Promise<void>;
}

/** Sends a ChatError (or an unexpected fault) as `{ code, message }` with its HTTP status. */
function sendError(res: Response, e: unknown): void {
  sendErrorReply(res, e, "chat router", "message");
}

/**
 * The app's static onAuth as the chat calls it: after the chat's rules, on every door (SDK
 * matchmaking and /chat/enter). A falsy result refuses with AUTH_FAILED; a ChatError passes with
 * its code; another exception is logged and refuses with AUTH_FAILED carrying its message.
 */
function checkAppAuth(className: string, onAuth: AppOnAuth): AppOnAuth {
  return async (token, options, context) => {
    let result: unknown;
    try {
      result = await onAuth(token, options, context);
    } catch (e) {
      if (isChatError(e)) throw e;
      console.error(`${className}.onAuth failed:`, e);
      throw new ChatError(ErrorCode.AUTH_FAILED, `${className}.onAuth refused the entry: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!result) throw new ChatError(ErrorCode.AUTH_FAILED, `${className}.onAuth refused the entry`);
    return result;
  };
}

/** The bearer token of an Authorization header (what the SDK's auth sends), if any. */
function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice(7) : undefined;
}

/**
 * Answers everything express.json() refused (malformed, over-size, badly encoded or compressed
 * bodies) as `{ code, message }`, never with Express' HTML error page.
 */
function jsonBodyErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  sendError(res, bodyParserError(err, "JSON", "64 KB"));
}

/**
 * Builds the chatrooms of one process from `options` (checked like the environment variables:
 * a bad value throws PARAMETER naming the option and its range). In memory by default;
 * `redisUrl` puts the store (bans, mutes, history, claims, the room bus) on Redis.
 */
export function createChatrooms(options: ChatroomsOptions = {}): Chatrooms {
  const { now = Date.now, store: givenStore, operatorRoomType, ...settings } = options;
  const config = resolveConfig(settings);
  const events = new ChatEvents();
  const metrics = createMetrics({ events }, { now });
  // before any connection opens: a setting that cannot work throws here
  let operations: ReturnType<typeof startOperations>;
  try {
    operations = startOperations(config, events, metrics);
  } catch (e) {
    metrics.close();
    throw e;
  }
  const auditRetention = { maxEntries: config.auditMaxEntries, maxAgeMs: config.auditRetentionDays * 24 * 3600 * 1000 };
  const store =
    givenStore ??
    (config.redisUrl
      ? createRedisStore({ url: config.redisUrl, auditRetention, onConnectionError: (connection) => metrics.redisError(connection) })
      : createMemoryStore({ auditRetention }));
  const rateLimitRedis = config.redisUrl ? new Redis(config.redisUrl, { lazyConnect: true, enableOfflineQueue: true }) : undefined;
  if (rateLimitRedis && config.redisUrl)
    watchRedisConnection(rateLimitRedis, "operator rate limits", config.redisUrl, () => metrics.redisError("rate-limits"));
  const processToken = randomUUID();
  const context: ChatContext = {
    config,
    store,
    now,
    processToken,
    claims: new ClaimKeeper(store.claims, processToken),
    moderationCaches: new ModerationCaches(),
    directory: createRoomDirectory(processToken, operatorRoomType),
    events,
    drain: new ProcessDrain(store.sets, now, () => matchMaker.processId),
    authenticate(userId, token) {
      if (config.appSecret) verifyUserToken(config.appSecret, userId, token, now());
    },
  };
  let closed = false;
  const stopAuditing = auditRemovals(context, context.events);

  return {
    config,
    context,
    events: context.events,
    metrics,
    defineRoom<T extends ChatRoomClass>(RoomClass: T = ChatRoom as T, roomSettings?: RoomSettings) {
      if (typeof RoomClass !== "function" || !(RoomClass === ChatRoom || RoomClass.prototype instanceof ChatRoom)) {
        throw new ChatError(ErrorCode.PARAMETER, "chat.defineRoom(RoomClass) takes ChatRoom or a subclass of it");
      }
      RoomClass = operations.withCallbacks(RoomClass);
      const typeContext: ChatContext = { ...context, config: { ...config, ...assertRoomSettings(roomSettings) } };
      const appOnAuth = RoomClass.onAuth === ChatRoom.onAuth ? undefined : checkAppAuth(RoomClass.name, RoomClass.onAuth.bind(RoomClass));
      // A subclass per registration carries its context, so one class can be registered twice with different settings.
      const Bound = class extends (RoomClass as unknown as new () => ChatRoom) {
        static [CHAT_CONTEXT] = typeContext;
        static [APP_ON_AUTH] = appOnAuth;
        // Colyseus calls a room type's static onAuth unbound: the chat rules first, then the app's own.
        static onAuth = async (token: string, options: unknown, authContext: AuthContext): Promise<unknown> => {
          try {
            const admitted = await admitMatchmaking(typeContext, token, options, authContext);
            await appOnAuth?.(token, options, authContext);
            return admitted;
          } catch (e) {
            throw toMatchmakingError(e);
          }
        };
      };
      Object.defineProperty(Bound, "name", { value: RoomClass.name });
      return defineColyseusRoom(Bound as unknown as T).filterBy([FILTER_KEY as never, SHARD_KEY as never]);
    },
    drain: () => context.drain.drain(),
    processSelector: (inner) => skipDrainingProcesses(context, placeRelays(context, inner)),
    router(routerOptions: ChatRouterOptions = {}) {
      const router = Router();
      if (routerOptions.enterRoute !== false) {
        router.post(ENTER_PATH, express.json({ limit: "64kb" }), jsonBodyErrors, async (req: Request, res: Response) => {
          try {
            const authContext: AuthContext = {
              token: bearerToken(req),
              headers: new Headers(req.headers as Record<string, string>),
              ip: req.ip,
              req,
            };
            const seat = await enter(context, parseEnterRequest(req.body), undefined, authContext);
            res.json({ seat } satisfies EnterResponse);
          } catch (e) {
            sendError(res, e);
          }
        });
      }
      const postPaths: string[] = routerOptions.enterRoute !== false ? [ENTER_PATH] : [];
      if (routerOptions.operatorApi !== false) {
        router.use(createOperatorRouter(context, { rateLimitRedis, extraRoutes: routerOptions.extraRoutes }));
        postPaths.push(...[...OPERATOR_ROUTES, ...(routerOptions.extraRoutes ?? [])].map((route) => route.path));
      }
      // Unknown paths answer JSON 404 inside the router's mount path only: mounted at the root
      // (the standalone server), the application's own routes after it still run.
      router.use(notFoundJson({ onlyWhenMounted: true, postPaths: () => postPaths }));
      router.use(errorJson);
      return router;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopAuditing();
      context.claims.stop();
      await context.drain.stop().catch((e: unknown) => console.error("removing the draining mark failed:", e));
      // the rooms are gone (their SHUTDOWN events are collected): queue what is left, then close the store
      await operations.close().catch((e: unknown) => console.error("closing the webhooks failed:", e));
      metrics.close();
      // quit() waits for a Redis that is down (ioredis retries): disconnect at once then
      await Promise.allSettled([store.close(), rateLimitRedis && closeRedis(rateLimitRedis)]);
    },
  };
}

/** Closes `redis`: quit() when connected; at once otherwise (quit() waits for a Redis that is down while ioredis retries). */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== "ready") {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => {
    redis.disconnect();
  });
}
