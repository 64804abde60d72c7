/** Keep-alive endpoints: rooms on the list are never auto-destroyed. */
import { addKeepAlive, listKeepAlive, removeKeepAlive } from "../../service/roomPolicy";
import { roomIdParam } from "../form";
import type { OperatorRoute } from "./route";

export const keepAliveRoutes: OperatorRoute[] = [
  { path: "/chatroom/keepalive/add.json", handle: async (ctx, form) => addKeepAlive(ctx, roomIdParam(form)) },
  { path: "/chatroom/keepalive/remove.json", handle: async (ctx, form) => removeKeepAlive(ctx, roomIdParam(form)) },
  { path: "/chatroom/keepalive/query.json", readOnly: true, handle: async (ctx) => ({ chatroomIds: await listKeepAlive(ctx) }) },
];
