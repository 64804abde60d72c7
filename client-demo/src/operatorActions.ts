/** The operator panel's actions: each one RongCloud-style endpoint and the form fields it sends. */

/** What the panel's target form holds. */
export interface Target {
  roomId: string;
  userIds: string[];
  minutes: number;
}

/** Form parameters; an array is sent as the key repeated, as RongCloud SDKs do. */
export type FormParams = Record<string, string | number | boolean | readonly string[]>;

/** One button of the panel. */
export interface OperatorAction {
  /** `data-action` of its button. */
  id: string;
  label: string;
  /** Path under the operator API, e.g. "chatroom/user/block/add.json". */
  path: string;
  /** Whether the action needs user ids. */
  users: boolean;
  params(t: Target): FormParams;
  /** A red button for actions that remove people or rooms. */
  danger?: boolean;
}

const room = (t: Target): FormParams => ({ chatroomId: t.roomId });
const roomUsers = (t: Target): FormParams => ({ chatroomId: t.roomId, userId: t.userIds });
const roomUsersTimed = (t: Target): FormParams => ({ chatroomId: t.roomId, userId: t.userIds, minute: t.minutes });

/** Actions on members of the target room. */
export const MEMBER_ACTIONS: readonly OperatorAction[] = [
  { id: "ban", label: "Ban", path: "chatroom/user/block/add.json", users: true, params: roomUsersTimed, danger: true },
  { id: "unban", label: "Unban", path: "chatroom/user/block/rollback.json", users: true, params: roomUsers },
  { id: "mute", label: "Mute", path: "chatroom/user/gag/add.json", users: true, params: roomUsersTimed },
  { id: "unmute", label: "Unmute", path: "chatroom/user/gag/rollback.json", users: true, params: roomUsers },
  { id: "kick", label: "Kick", path: "chatroom/user/kick.json", users: true, params: roomUsers, danger: true },
];

/** Actions on the target room itself. */
export const ROOM_ACTIONS: readonly OperatorAction[] = [
  { id: "info", label: "Info", path: "chatroom/get.json", users: false, params: room },
  { id: "muteAll", label: "Mute all", path: "chatroom/ban/add.json", users: false, params: room },
  { id: "unmuteAll", label: "Unmute all", path: "chatroom/ban/rollback.json", users: false, params: room },
  { id: "keepAlive", label: "Keep alive", path: "chatroom/keepalive/add.json", users: false, params: room },
  { id: "noKeepAlive", label: "Stop keep-alive", path: "chatroom/keepalive/remove.json", users: false, params: room },
  { id: "stopDistribution", label: "Stop messages", path: "chatroom/message/stopDistribution.json", users: false, params: room },
  { id: "resumeDistribution", label: "Resume messages", path: "chatroom/message/resumeDistribution.json", users: false, params: room },
  { id: "bans", label: "List bans", path: "chatroom/user/block/list.json", users: false, params: room },
  { id: "mutes", label: "List mutes", path: "chatroom/user/gag/list.json", users: false, params: room },
  { id: "destroy", label: "Destroy", path: "chatroom/destroy.json", users: false, params: room, danger: true },
];

/** Publishes a RongCloud text message (`RC:TxtMsg`, content `{"content": text}`) to the room as `from`; operator sends ignore mutes. */
export function publishParams(t: Target, from: string, text: string): FormParams {
  return { fromUserId: from, toChatroomId: t.roomId, objectName: "RC:TxtMsg", content: JSON.stringify({ content: text }) };
}

/** Encodes `params` as x-www-form-urlencoded with repeated keys. */
export function encodeForm(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "object") for (const v of value) form.append(key, v);
    else form.append(key, String(value));
  }
  return form.toString();
}
