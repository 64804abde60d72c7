/**
 * The demo's operator panel guard and signing proxy. The panel (a browser page) calls
 * `POST /operator/api/<RongCloud path>`; the proxy signs the request with the configured App Key
 * and Secret and forwards it to this server's own operator API, so the secret never reaches the
 * browser. Who may use it is decided by {@link operatorAccess}; POSTs from pages of other origins
 * are refused (CSRF, src/standalone/edges.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import express, { Router, type NextFunction, type Request, type Response } from "express";
import type { ChatConfig } from "../config";
import { rcSignature } from "../http/signature";
import { refuseCrossSite, type EdgeRefusal } from "./edges";

/**
 * Who may use the operator panel and proxy:
 * - `password`: `operatorPassword` is set; HTTP basic auth with that password (any user name);
 * - `open`: no password and no app secret (open development mode): anyone;
 * - `off`: an app secret but no password: nobody (the panel answers 404 saying how to turn it on).
 */
export type OperatorAccess = "password" | "open" | "off";

/** The settings the operator panel reads. */
export type OperatorConfig = Pick<ChatConfig, "appKey" | "appSecret" | "operatorPassword">;

/** Decides {@link OperatorAccess} from the configuration. */
export function operatorAccess(config: OperatorConfig): OperatorAccess {
  if (config.operatorPassword) return "password";
  return config.appSecret ? "off" : "open";
}

/** Paths the proxy forwards: RongCloud-style `area/op.json`, letters, digits, `_` and `/` only. */
const OPERATOR_PATH = /^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*\.json$/;

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/** True when `given` equals `expected`, in time independent of where they differ (and of their lengths). */
export function passwordMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The password of an `Authorization: Basic` header, or undefined. */
function basicPassword(req: Request): string | undefined {
  const header = req.get("authorization");
  const encoded = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** The Basic challenge of the operator panel. */
const OPERATOR_CHALLENGE = 'Basic realm="chat operator", charset="UTF-8"';

/** Whether `req` may pass the operator guard: `ok`, `off` (nobody may), or `denied` (missing or wrong password). */
function operatorVerdict(config: OperatorConfig, req: Request): "ok" | "off" | "denied" {
  const access = operatorAccess(config);
  if (access === "open") return "ok";
  if (access === "off") return "off";
  const given = basicPassword(req);
  const expected = config.operatorPassword; // set: the access is "password"
  return given !== undefined && expected !== undefined && passwordMatches(given, expected) ? "ok" : "denied";
}

/**
 * Express middleware closing what follows to anyone without the operator password:
 * 404 with a message when access is `off`, 401 with a Basic challenge on a missing or wrong password.
 */
export function requireOperator(config: OperatorConfig) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const verdict = operatorVerdict(config, req);
    if (verdict === "ok") {
      next();
      return;
    }
    if (verdict === "off") {
      res.status(404).type("text/plain").send("The operator panel is off: set CHAT_OPERATOR_PASSWORD to turn it on.\n");
      return;
    }
    res.status(401).set("WWW-Authenticate", OPERATOR_CHALLENGE).type("text/plain").send("The operator password is required.\n");
  };
}

/**
 * The same password for a JSON route outside the panel (`GET /demo/rooms`), for scripts that send
 * it themselves (`curl -u`, `Authorization: Basic`): 401 `{code: 401, message}` without it or with
 * a wrong one, 403 `{code: 403, message}` when the panel is off (no password could help).
 *
 * The 401 carries no Basic challenge on purpose: the chat page's scripts fetch such routes, and a
 * challenge would make the browser ask a chat user for the operator password (and a headless one
 * wait for an answer). The panel reads its data under `/operator/`, where the browser already
 * sends the password it was given for the panel.
 */
export function requireOperatorJson(config: OperatorConfig, what: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const verdict = operatorVerdict(config, req);
    if (verdict === "ok") {
      next();
      return;
    }
    if (verdict === "off") {
      res.status(403).json({
        code: 403,
        message: `${what} is for operators: set CHAT_OPERATOR_PASSWORD and send it (HTTP basic auth)`,
      } satisfies EdgeRefusal);
      return;
    }
    res
      .status(401)
      .json({ code: 401, message: `${what} needs the operator password (HTTP basic auth, any user name)` } satisfies EdgeRefusal);
  };
}

/** The host of this server as the request reached it, for an in-process call (IPv4-mapped and IPv6 forms handled). */
function localHost(req: Request): string {
  const address = req.socket.localAddress ?? "127.0.0.1";
  if (address.startsWith("::ffff:")) return address.slice("::ffff:".length);
  return address.includes(":") ? `[${address}]` : address;
}

/** Headers a RongCloud server SDK sends; signed only when the server has a secret. */
function signedHeaders(config: OperatorConfig): Record<string, string> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (!config.appSecret) return headers;
  const nonce = randomBytes(8).toString("hex");
  const timestamp = String(Math.floor(Date.now() / 1000));
  headers["App-Key"] = config.appKey ?? "demo";
  headers["Nonce"] = nonce;
  headers["Timestamp"] = timestamp;
  headers["Signature"] = rcSignature(config.appSecret, nonce, timestamp);
  return headers;
}

/** Options of {@link operatorProxy}. */
export interface OperatorProxyOptions {
  /** Origins besides the server's own whose pages may POST to the proxy (CHAT_CORS_ORIGINS) [none]. */
  allowedOrigins?: readonly string[];
}

/**
 * Routes of the operator panel's proxy, to mount behind {@link requireOperator}:
 * `GET /operator/api/status` -> `{ access }`, and `POST /operator/api/<path>.json` with a form body,
 * forwarded signed to this server's operator API; the answer (status and JSON) is passed back as is.
 * A POST from a page of another origin (not on `allowedOrigins`) is refused with 403 `{code, message}`
 * before it is forwarded: the browser would otherwise attach the operator's credentials to it.
 */
export function operatorProxy(config: OperatorConfig, options: OperatorProxyOptions = {}): Router {
  const router = Router();
  router.get("/operator/api/status", (_req, res) => {
    res.json({ access: operatorAccess(config) });
  });
  router.post(
    "/operator/api/*path",
    refuseCrossSite(options.allowedOrigins),
    express.text({ type: () => true, limit: "1mb" }),
    async (req: Request, res: Response) => {
      const segments = (req.params as { path?: string[] }).path ?? [];
      const path = segments.join("/");
      if (!OPERATOR_PATH.test(path)) {
        res.status(400).json({ code: 1002, errorMessage: `not an operator API path: ${JSON.stringify(path)}` });
        return;
      }
      try {
        const answer = await fetch(`http://${localHost(req)}:${req.socket.localPort}/${path}`, {
          method: "POST",
          headers: signedHeaders(config),
          body: typeof req.body === "string" ? req.body : "",
        });
        res
          .status(answer.status)
          .type(answer.headers.get("content-type") ?? "application/json")
          .send(await answer.text());
      } catch (e) {
        res
          .status(502)
          .json({ code: 1000, errorMessage: `the operator API could not be reached: ${e instanceof Error ? e.message : String(e)}` });
      }
    },
  );
  return router;
}
