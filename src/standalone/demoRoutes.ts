/**
 * Everything the browser demo (client-demo/) needs from the server: its static files, a room
 * list, and the operator panel with its signing proxy (src/standalone/demoOperator.ts). Mount it with
 * `app.use(createDemoRouter(config, chat.context.directory, { allowedOrigins }))` in place of a plain
 * `express.static` of client-demo/.
 */
import path from "node:path";
import express, { Router, type Request, type Response } from "express";
import { matchMaker } from "@colyseus/core";
import { operatorAccess, operatorProxy, requireOperator, requireOperatorJson, type OperatorConfig } from "./demoOperator";
import { refuseCrossSite } from "./edges";
import type { RoomDirectory } from "../service/directory";

/** The demo's folder: public/ (served as is), operator/ (behind the password), dist/ (the esbuild output). */
export const DEMO_DIR = path.resolve(__dirname, "..", "..", "client-demo");
/** Where client-demo/build.ts writes the browser bundles. */
export const DEMO_DIST_DIR = path.join(DEMO_DIR, "dist");

/** One row of `GET /demo/rooms` and `GET /operator/api/rooms`. */
export interface DemoRoomRow {
  roomId: string;
  /** The room's name; its id when the room lives on another process and has no listing metadata. */
  roomName: string;
  /** Members (users, not connections) when known, else connected clients. */
  memberCount: number;
}

/** Answer of `GET /demo/info`: what the sign-in page and the operator link need to know. */
export interface DemoInfo {
  /**
   * Rooms accept only user tokens (the server has an app secret). Then `GET /demo/rooms` is for
   * operators too (their password), so the chat page lists only the rooms its user is in.
   */
  tokenRequired: boolean;
  operator: ReturnType<typeof operatorAccess>;
}

/** Name and member count from the room's own state when it lives on this process. */
function localDetails(roomId: string): { roomName?: string; memberCount?: number } {
  // declared as a room, but undefined when this process does not host it
  const room = matchMaker.getLocalRoomById(roomId) as { state?: unknown } | undefined;
  const state = room?.state as { roomName?: unknown; memberCount?: unknown } | undefined;
  return {
    roomName: typeof state?.roomName === "string" && state.roomName ? state.roomName : undefined,
    memberCount: typeof state?.memberCount === "number" ? state.memberCount : undefined,
  };
}

/** Every chatroom in the cluster, sorted by id. */
export async function listDemoRooms(directory: Pick<RoomDirectory, "listAll">): Promise<DemoRoomRow[]> {
  const listings = await directory.listAll();
  return listings
    .map((listing) => {
      const local = localDetails(listing.roomId);
      const metadata = (listing.metadata ?? {}) as { roomName?: unknown; memberCount?: unknown };
      return {
        roomId: listing.roomId,
        roomName: local.roomName ?? (typeof metadata.roomName === "string" ? metadata.roomName : listing.roomId),
        memberCount: local.memberCount ?? (typeof metadata.memberCount === "number" ? metadata.memberCount : listing.clients),
      };
    })
    .sort((a, b) => a.roomId.localeCompare(b.roomId));
}

/** Options of {@link createDemoRouter}. */
export interface DemoRouterOptions {
  /** Origins besides the server's own whose pages may POST to the operator proxy (CHAT_CORS_ORIGINS) [none]. */
  allowedOrigins?: readonly string[];
}

/**
 * The demo's routes: `GET /demo/info`, `GET /demo/rooms`, the operator page at `/operator/` and its
 * proxy under `/operator/api/` (both behind the operator password, see {@link operatorAccess}),
 * the static files of client-demo/public/ at `/` and the bundles of client-demo/dist/ at `/dist/`
 * (the sources and the build script are not served).
 *
 * `/demo/rooms` lists every room of the cluster: open in open development mode, behind the
 * operator password once the server has an app secret (401 without it, 403 when the panel is off;
 * no Basic challenge, so a chat page is never asked for it). The panel reads the same list at
 * `GET /operator/api/rooms`, behind the panel's guard.
 * POSTs under `/operator/` from pages of another origin are refused (403) before the password is
 * even asked for.
 */
export function createDemoRouter(
  config: OperatorConfig,
  directory: Pick<RoomDirectory, "listAll">,
  options: DemoRouterOptions = {},
): Router {
  const router = Router();
  router.get("/demo/info", (_req, res) => {
    res.json({ tokenRequired: Boolean(config.appSecret), operator: operatorAccess(config) } satisfies DemoInfo);
  });
  const sendRooms = async (_req: Request, res: Response) => {
    try {
      res.set("cache-control", "no-store").json({ rooms: await listDemoRooms(directory) });
    } catch (e) {
      res.status(500).json({ code: 1000, message: e instanceof Error ? e.message : String(e) });
    }
  };
  // With an app secret the list of every room is an operator's view; in open development mode it stays open.
  const roomListGuard = config.appSecret
    ? requireOperatorJson(config, "The list of every room")
    : (_req: Request, _res: Response, next: () => void) => next();
  router.get("/demo/rooms", roomListGuard, sendRooms);
  // Routing is not strict, so "/operator" also matches "/operator/": redirect only the slash-less forms.
  router.get(["/operator", "/operator.html"], (req, res, next) => (req.path.endsWith("/") ? next() : res.redirect(302, "/operator/")));
  router.use("/operator", refuseCrossSite(options.allowedOrigins), requireOperator(config));
  router.get("/operator/", (_req, res) => {
    res.set("cache-control", "no-store").sendFile(path.join(DEMO_DIR, "operator", "index.html"));
  });
  // The panel's room list: under /operator/, so the browser sends the panel's password with it.
  router.get("/operator/api/rooms", sendRooms);
  router.use(operatorProxy(config, { allowedOrigins: options.allowedOrigins }));
  router.use("/dist", express.static(DEMO_DIST_DIR));
  router.use(express.static(path.join(DEMO_DIR, "public")));
  return router;
}
