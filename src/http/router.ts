/**
 * The operator HTTP API, wire-compatible with RongCloud's chatroom Server API
 * (docs/http-api.md). Each endpoint runs: X-Request-ID echo -> signature -> form body ->
 * rate limit -> handler -> JSON envelope. Only the endpoints' own paths are touched, so the rest of
 * the Express app (entry route, demo) is unaffected.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import { ErrorCode, type ChatError } from "../core/errors";
import { operatorAuditEntry, recordAudit } from "../service/audit";
import type { ChatContext } from "../service/context";
import { formBody, formOf } from "./form";
import { OperatorRateLimiter } from "./rateLimit";
import { asChatError, bodyParserError, echoRequestId, sendFailure, sendOk, type OkFields } from "./respond";
import { auditRoutes } from "./routes/audit";
import { attributeRoutes } from "./routes/attributes";
import { keepAliveRoutes } from "./routes/keepAlive";
import { liveModerationRoutes } from "./routes/liveModeration";
import { messageListRoutes } from "./routes/messageLists";
import { messageRoutes } from "./routes/messages";
import { memberRoutes } from "./routes/members";
import { moderationRoutes } from "./routes/moderation";
import type { OperatorRoute } from "./routes/route";
import { roleRoutes } from "./routes/roles";
import { roomRoutes } from "./routes/rooms";
import { userRoutes } from "./routes/users";
import { nonceRegistry, requireSignature, signatureHeaders } from "./signature";

/** Every endpoint the server answers. */
export const OPERATOR_ROUTES: readonly OperatorRoute[] = [
  ...roomRoutes,
  ...memberRoutes,
  ...moderationRoutes,
  ...liveModerationRoutes,
  ...keepAliveRoutes,
  ...userRoutes,
  ...messageRoutes,
  ...messageListRoutes,
  ...attributeRoutes,
  ...auditRoutes,
  ...roleRoutes,
];

/** Options of {@link createOperatorRouter}. */
export interface OperatorRouterOptions {
  /** More endpoints (e.g. an application's own). */
  extraRoutes?: readonly OperatorRoute[];
  /** An ioredis client to share rate-limit counters across processes (memory when absent). */
  rateLimitRedis?: unknown;
}

/**
 * Answers every failure before the handler (body too large, malformed, badly encoded or
 * compressed, too many parameters) in the RongCloud envelope, never with Express' HTML page.
 */
function bodyErrors(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  sendFailure(res, bodyParserError(err, "x-www-form-urlencoded form", "1 MB"));
}

/**
 * Builds the Express router for the operator API. With `ctx.config.appSecret` unset every request
 * is accepted unsigned (open development mode); otherwise App-Key/Nonce/Timestamp/Signature are
 * required. Each endpoint is rate limited per App Key (`ctx.config.apiRateLimit` per second).
 */
export function createOperatorRouter(ctx: ChatContext, options: OperatorRouterOptions = {}): Router {
  const { config } = ctx;
  const router = Router();
  const signature = requireSignature({
    appKey: config.appKey,
    appSecret: config.appSecret,
    maxSkewS: config.signatureMaxSkewS,
    replayWindowS: config.signatureReplayWindowS,
    nonces: nonceRegistry(ctx.store.claims),
    now: () => ctx.now(),
  });
  const limiter = new OperatorRateLimiter({ perSecond: config.apiRateLimit, redis: options.rateLimitRedis });
  const parse = formBody();

  for (const route of [...OPERATOR_ROUTES, ...(options.extraRoutes ?? [])]) {
    router.post(route.path, echoRequestId, signature, parse, bodyErrors, async (req: Request, res: Response) => {
      const form = formOf(req);
      const appKey = signatureHeaders(req).appKey ?? "";
      try {
        await limiter.consume(appKey, route.bucket ?? route.path, route.cost?.(form) ?? 1, route.perSecond);
      } catch (e) {
        sendFailure(res, e);
        return;
      }
      let fields: OkFields | undefined;
      let failure: ChatError | undefined;
      try {
        fields = (await route.handle(ctx, form)) ?? {};
      } catch (e) {
        failure = asChatError(e, "operator API");
      }
      // kept before the answer, so whoever reads the trail after the answer finds the call in it
      if (!route.readOnly) await recordAudit(ctx, operatorAuditEntry(route.path, form, appKey, failure?.code ?? ErrorCode.OK, ctx.now()));
      if (failure) sendFailure(res, failure);
      else sendOk(res, fields);
    });
  }
  return router;
}
