/**
 * Message settings endpoints: low-priority message types (chatroom/message/priority/*, camelCase
 * `objectName`), protected message types (chatroom/whitelist/*, lowercase `objectnames`, answered
 * in the misspelled `whitlistMsgType` field) and stop/resume distribution per room.
 */
import {
  addMessageTypes,
  listMessageTypes,
  MESSAGE_TYPE_LIST_LIMITS,
  removeMessageTypes,
  resumeDistribution,
  stopDistribution,
  type TypeList,
} from "../../service/messageLists";
import { checkMessageType, listParam, roomIdParam, type Form } from "../form";
import type { OperatorRoute } from "./route";

function types(form: Form, name: string, list: TypeList): string[] {
  return listParam(form, name, { max: MESSAGE_TYPE_LIST_LIMITS[list].perCall, check: checkMessageType });
}

export const messageListRoutes: OperatorRoute[] = [
  {
    path: "/chatroom/message/priority/add.json",
    handle: async (ctx, form) => addMessageTypes(ctx, "lowPriority", types(form, "objectName", "lowPriority")),
  },
  {
    path: "/chatroom/message/priority/remove.json",
    handle: async (ctx, form) => removeMessageTypes(ctx, "lowPriority", types(form, "objectName", "lowPriority")),
  },
  {
    path: "/chatroom/message/priority/query.json",
    readOnly: true,
    handle: async (ctx) => ({ objectNames: await listMessageTypes(ctx, "lowPriority") }),
  },
  {
    path: "/chatroom/whitelist/add.json",
    handle: async (ctx, form) => addMessageTypes(ctx, "protected", types(form, "objectnames", "protected")),
  },
  {
    path: "/chatroom/whitelist/delete.json",
    handle: async (ctx, form) => removeMessageTypes(ctx, "protected", types(form, "objectnames", "protected")),
  },
  {
    // `whitlistMsgType` is RongCloud's spelling on the wire (Go's struct tag reads exactly this).
    path: "/chatroom/whitelist/query.json",
    readOnly: true,
    handle: async (ctx) => ({ whitlistMsgType: await listMessageTypes(ctx, "protected") }),
  },
  {
    path: "/chatroom/message/stopDistribution.json",
    handle: async (ctx, form) => stopDistribution(ctx, roomIdParam(form)),
  },
  {
    path: "/chatroom/message/resumeDistribution.json",
    handle: async (ctx, form) => resumeDistribution(ctx, roomIdParam(form)),
  },
];
