/**
 * The browser-facing edges of the standalone server (`npm start`), safe by default:
 *
 * - where it listens: 127.0.0.1 only in open development mode (no app secret) unless a host is
 *   given, every interface otherwise ({@link listenHost});
 * - CORS: only origins on an allow-list may read answers or send credentialed requests from
 *   another origin ({@link installColyseusEdges}); Colyseus' default reflects any Origin with credentials;
 * - CSRF: requests that change state (POST, PUT, ...) from a page of another origin are refused
 *   with 403, by the browser's own Sec-Fetch-Site, Origin or Referer: Express routes by
 *   {@link refuseCrossSite}, `/matchmake/*` by {@link installColyseusEdges}.
 *
 * A studio's own server built with the plugin (src/index.ts) configures its own edges: nothing here
 * is used by the plugin.
 */
import type { AddressInfo } from "node:net";
import { matchMaker, ServerError } from "@colyseus/core";
import type { NextFunction, Request, Response } from "express";
import { ChatError, ErrorCode } from "../core/errors";

/** Settings of the standalone server's edges (options of `createChatServer`, environment of `npm start`). */
export interface EdgeOptions {
  /**
   * Interface (IP address or host name) to listen on (CHAT_HOST). Unset: 127.0.0.1 in open
   * development mode (no app secret), every interface when an app secret is set.
   */
  host?: string;
  /**
   * Origins (`scheme://host[:port]`) besides the server's own whose pages may call this server
   * from a browser: they get CORS answers with credentials, and their POSTs pass the cross-site
   * check (CHAT_CORS_ORIGINS, comma-separated) [none].
   */
  corsOrigins?: readonly string[];
}

/** The environment variables of {@link EdgeOptions}. */
export const EDGE_ENV = { host: "CHAT_HOST", corsOrigins: "CHAT_CORS_ORIGINS" } as const;

/** The loopback address open development mode listens on. */
export const OPEN_MODE_HOST = "127.0.0.1";

/**
 * `origin` as a browser sends it in an `Origin` header (`scheme://host[:port]`, lower case, no
 * default port, no path), or a ChatError(PARAMETER) naming `what`. `*` is refused: a wildcard with
 * credentials is exactly what the allow-list replaces.
 */
export function normalizeOrigin(origin: string, what = "corsOrigins"): string {
  const text = origin.trim();
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  const bare =
    url !== undefined &&
    (url.protocol === "http:" || url.protocol === "https:") &&
    !url.username &&
    !url.password &&
    url.search === "" &&
    url.hash === "" &&
    url.pathname === "/";
  // A lone "?" or "#" leaves no trace in URL, so the text itself may hold nothing after the host but one "/".
  if (!url || !bare || /\/./.test(text.slice(url.protocol.length + 2))) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `${what} takes origins like https://game.example.com or http://127.0.0.1:5173 (scheme, host and port only; no path or "*"), got ${JSON.stringify(origin)}`,
    );
  }
  return url.origin;
}

/** Checks and normalizes {@link EdgeOptions} given in code; throws ChatError(PARAMETER) naming the option. */
export function resolveEdges(options: EdgeOptions): { host: string | undefined; corsOrigins: readonly string[] } {
  const { host, corsOrigins = [] } = options;
  if (host !== undefined && (typeof host !== "string" || host.trim() === "" || /[\s/]/.test(host.trim()))) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `option host (${EDGE_ENV.host}) must be an IP address or host name, got ${JSON.stringify(host)}`,
    );
  }
  if (!Array.isArray(corsOrigins)) {
    throw new ChatError(
      ErrorCode.PARAMETER,
      `option corsOrigins (${EDGE_ENV.corsOrigins}) must be an array of origins, got ${JSON.stringify(corsOrigins)}`,
    );
  }
  const origins = (corsOrigins as unknown[]).map((o) => {
    if (typeof o !== "string")
      throw new ChatError(ErrorCode.PARAMETER, `option corsOrigins (${EDGE_ENV.corsOrigins}) must hold strings, got ${JSON.stringify(o)}`);
    return normalizeOrigin(o, `option corsOrigins (${EDGE_ENV.corsOrigins})`);
  });
  return { host: host?.trim(), corsOrigins: [...new Set(origins)] };
}

/**
 * Reads CHAT_HOST and CHAT_CORS_ORIGINS (comma-separated) for `npm start`; empty means unset.
 * Throws ChatError(PARAMETER) naming the variable on a bad origin.
 */
export function edgesFromEnv(env: NodeJS.ProcessEnv = process.env): EdgeOptions {
  const result: EdgeOptions = {};
  const host = env[EDGE_ENV.host]?.trim();
  if (host) result.host = host;
  const origins = env[EDGE_ENV.corsOrigins]
    ?.split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins?.length) result.corsOrigins = origins.map((o) => normalizeOrigin(o, EDGE_ENV.corsOrigins));
  return result;
}

/**
 * The host to pass to `listen`: the given one, else {@link OPEN_MODE_HOST} in open development
 * mode (no app secret: no signature, no user token, an open operator panel), else undefined
 * (every interface, IPv6 and IPv4 where the system has both).
 */
export function listenHost(host: string | undefined, appSecret: string | undefined): string | undefined {
  if (host) return host;
  return appSecret ? undefined : OPEN_MODE_HOST;
}

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
function isLoopback(address: string): boolean {
  const bare = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return bare === "::1" || /^127\./.test(bare);
}

/**
 * Where a listening server can be reached, for the start-up line: `http://127.0.0.1:2567 (loopback
 * only)`, `every interface, port 2567 (http://localhost:2567)` or `http://10.0.0.5:2567`.
 */
export function listenDescription(address: AddressInfo | string | null | undefined): string {
  if (!address || typeof address === "string") return address ?? "an unknown address";
  const { address: host, port } = address;
  if (host === "::" || host === "0.0.0.0") return `every interface, port ${port} (http://localhost:${port})`;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return isLoopback(host) ? `${url} (loopback only)` : url;
}

/** `value` (an origin or a full URL, e.g. a Referer) parsed, or undefined unless it is an http(s) URL. */
function originOf(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `origin` is the origin the request was addressed to (its host and port equal the
 * `Host` header; the scheme is not compared, as a TLS proxy in front may change it) or is on
 * `allowed`. `null` (sandboxed frames, cross-origin redirects) is never allowed.
 */
export function originAllowed(origin: string, hostHeader: string | undefined, allowed: readonly string[]): boolean {
  const url = originOf(origin);
  if (!url || url.origin === "null") return false;
  if (allowed.includes(url.origin)) return true;
  if (!hostHeader) return false;
  // The Host header parsed with the origin's scheme, so a default port (":80", ":443") compares equal to none.
  const own = originOf(`${url.protocol}//${hostHeader}`);
  return own !== undefined && own.host === url.host;
}

/** The request headers {@link crossSiteRefusal} reads. */
export interface RequestHeaders {
  get(name: string): string | null | undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a request must be refused as cross-site, or undefined when it may proceed. Safe methods
 * (GET, HEAD, OPTIONS) always proceed. Otherwise, in the order browsers provide them:
 * 1. `Sec-Fetch-Site` (Chromium 76+, Firefox 90+, Safari 16.4+): `same-origin` and `none` (typed
 *    by the user) proceed; `same-site` and `cross-site` only with an `Origin` on `allowed`;
 * 2. `Origin` (every current browser on every POST): the server's own origin or one on `allowed`;
 *    `null` is refused;
 * 3. `Referer`, when there is no Origin: its origin, same rule;
 * 4. none of them: not a browser (curl, a server SDK, the proxy's own forwarded call), or a browser
 *    too old to send Origin on a POST; such a request carries no credentials a page could borrow,
 *    so it proceeds (the rule of Go's net/http CrossOriginProtection).
 */
export function crossSiteRefusal(method: string, headers: RequestHeaders, allowed: readonly string[]): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const host = headers.get("host") ?? undefined;
  const origin = headers.get("origin") ?? undefined;
  const site = headers.get("sec-fetch-site")?.toLowerCase();
  if (site === "same-origin" || site === "none") return undefined;
  if (site !== undefined) {
    if (origin !== undefined && originAllowed(origin, undefined, allowed)) return undefined;
    return `a ${site} request (Origin ${origin ?? "absent"}) is refused: list its origin in CHAT_CORS_ORIGINS (option corsOrigins) to allow it`;
  }
  if (origin !== undefined) {
    return originAllowed(origin, host, allowed)
      ? undefined
      : `a request from origin ${origin} is refused: it is not this server's origin nor in CHAT_CORS_ORIGINS (option corsOrigins)`;
  }
  const referer = headers.get("referer") ?? undefined;
  if (referer !== undefined) {
    const from = originOf(referer);
    return from && originAllowed(from.origin, host, allowed)
      ? undefined
      : `a request from a page of another origin (Referer ${from?.origin ?? "unreadable"}) is refused: it is not this server's origin nor in CHAT_CORS_ORIGINS (option corsOrigins)`;
  }
  return undefined;
}

/** The JSON body of a refusal at the edges: `code` is the HTTP status. */
export interface EdgeRefusal {
  code: number;
  message: string;
}

/**
 * Express middleware answering 403 `{code: 403, message}` to a request that {@link crossSiteRefusal}
 * refuses (a cross-site POST: CSRF), before anything else sees it.
 */
export function refuseCrossSite(allowed: readonly string[] = []) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const reason = crossSiteRefusal(req.method, { get: (name) => req.get(name) }, allowed);
    if (reason === undefined) {
      next();
      return;
    }
    res.status(403).json({ code: 403, message: reason } satisfies EdgeRefusal);
  };
}

/** The hooks of Colyseus' matchmaking controller this module replaces. */
type EdgeController = Pick<typeof matchMaker.controller, "DEFAULT_CORS_HEADERS" | "getCorsHeaders" | "invokeMethod">;

/**
 * Puts the edges into Colyseus' matchmaking controller, which answers CORS for every HTTP request
 * of the server (matchmaking, `/__healthcheck` and the Express app alike, preflights answered 204
 * before any route) and runs `/matchmake/*` outside Express:
 *
 * - CORS: Colyseus by default reflects any `Origin` with `Access-Control-Allow-Credentials: true`,
 *   so any page could read every answer, the operator panel's included, with the visitor's
 *   credentials. Here only the server's own origin and `allowed` get `Access-Control-Allow-Origin`
 *   (and credentials); another origin gets neither, so the browser withholds the answer and fails
 *   the preflight;
 * - CSRF: matchmaking parses form and multipart bodies, which a page of any site can POST without
 *   a preflight; such a request is refused (403, Colyseus' `{code, error}`) by {@link crossSiteRefusal}
 *   before a room is created or a seat reserved.
 *
 * `matchMaker.controller` is process-global: only the standalone server, which owns its process,
 * may do this (the plugin never does). Returns a function that puts the previous hooks back if
 * they are still these.
 */
export function installColyseusEdges(allowed: readonly string[], controller: EdgeController = matchMaker.controller): () => void {
  const previous = {
    DEFAULT_CORS_HEADERS: controller.DEFAULT_CORS_HEADERS,
    getCorsHeaders: controller.getCorsHeaders,
    invokeMethod: controller.invokeMethod,
  };
  // Colyseus spreads getCorsHeaders() over these defaults, so the defaults must not allow an origin themselves.
  const defaults: Record<string, string> = { ...previous.DEFAULT_CORS_HEADERS, Vary: "Origin" };
  delete defaults["Access-Control-Allow-Origin"];
  delete defaults["Access-Control-Allow-Credentials"];
  const getCorsHeaders = (headers: Headers): Record<string, string> => {
    const origin = headers.get("origin");
    if (!origin || !originAllowed(origin, headers.get("host") ?? undefined, allowed)) return {};
    return { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true" };
  };
  const invokeMethod: EdgeController["invokeMethod"] = function (this: unknown, method, roomName, clientOptions, authOptions) {
    // Only the POST route of /matchmake calls this; a context without headers is not a browser's.
    const headers = authOptions?.headers;
    const reason = headers ? crossSiteRefusal("POST", headers, allowed) : undefined;
    if (reason !== undefined) return Promise.reject(new ServerError(403, reason));
    return previous.invokeMethod.call(this, method, roomName, clientOptions, authOptions);
  };
  controller.DEFAULT_CORS_HEADERS = defaults as unknown as EdgeController["DEFAULT_CORS_HEADERS"];
  controller.getCorsHeaders = getCorsHeaders;
  controller.invokeMethod = invokeMethod;
  return () => {
    if (controller.getCorsHeaders !== getCorsHeaders) return;
    Object.assign(controller, previous);
  };
}
