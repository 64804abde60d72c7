/** The operator console's actions: each one RongCloud-style endpoint, the form fields it sends and what it is called in words. */

/** What an action works on: the chosen room, the selected members, and a duration. */
export interface Target {
  roomId: string;
  /** The room's display name. */
  roomName: string;
  userIds: string[];
  minutes: number;
}

/** Form parameters; an array is sent as the key repeated, as RongCloud SDKs do. */
export type FormParams = Record<string, string | number | boolean | readonly string[]>;

/** One button of the console. */
export interface OperatorAction {
  /** `data-action` of its button. */
  id: string;
  label: string;
  /** Path under the operator API, e.g. "chatroom/user/block/add.json". */
  path: string;
  /** Whether the action needs selected members. */
  users: boolean;
  params(t: Target): FormParams;
  /** The question asked before an action that removes people or rooms (red button); none for the others. */
  confirm?(t: Target): string;
  /** The result in words, e.g. "Banned bob from Stage for 1 hour." */
  done(t: Target): string;
}

const room = (t: Target): FormParams => ({ chatroomId: t.roomId });
const roomUsers = (t: Target): FormParams => ({ chatroomId: t.roomId, userId: t.userIds });
const roomUsersTimed = (t: Target): FormParams => ({ chatroomId: t.roomId, userId: t.userIds, minute: t.minutes });

/** "bob", "bob and cleo", "bob, cleo and dan". */
export function people(ids: readonly string[]): string {
  if (ids.length <= 1) return ids.join("");
  return `${ids.slice(0, -1).join(", ")} and ${ids[ids.length - 1] ?? ""}`;
}

/** "10 minutes", "1 hour", "2 days". */
export function duration(minutes: number): string {
  const unit = (n: number, word: string) => `${String(n)} ${word}${n === 1 ? "" : "s"}`;
  if (minutes % 1440 === 0) return unit(minutes / 1440, "day");
  if (minutes % 60 === 0) return unit(minutes / 60, "hour");
  return unit(minutes, "minute");
}

/** Actions on the selected members of the chosen room. */
export const MEMBER_ACTIONS: readonly OperatorAction[] = [
  {
    id: "mute",
    label: "Mute",
    path: "chatroom/user/gag/add.json",
    users: true,
    params: roomUsersTimed,
    done: (t) => `Muted ${people(t.userIds)} in ${t.roomName} for ${duration(t.minutes)}.`,
  },
  {
    id: "unmute",
    label: "Unmute",
    path: "chatroom/user/gag/rollback.json",
    users: true,
    params: roomUsers,
    done: (t) => `${people(t.userIds)} may talk again in ${t.roomName}.`,
  },
  {
    id: "kick",
    label: "Kick",
    path: "chatroom/user/kick.json",
    users: true,
    params: roomUsers,
    confirm: (t) => `Remove ${people(t.userIds)} from ${t.roomName}? They may join again.`,
    done: (t) => `Removed ${people(t.userIds)} from ${t.roomName}.`,
  },
  {
    id: "ban",
    label: "Ban",
    path: "chatroom/user/block/add.json",
    users: true,
    params: roomUsersTimed,
    confirm: (t) =>
      `Ban ${people(t.userIds)} from ${t.roomName} for ${duration(t.minutes)}? They are removed now and cannot come back until then.`,
    done: (t) => `Banned ${people(t.userIds)} from ${t.roomName} for ${duration(t.minutes)}.`,
  },
  {
    id: "unban",
    label: "Lift ban",
    path: "chatroom/user/block/rollback.json",
    users: true,
    params: roomUsers,
    done: (t) => `${people(t.userIds)} may join ${t.roomName} again.`,
  },
];

/** Actions on the chosen room itself. */
export const ROOM_ACTIONS: readonly OperatorAction[] = [
  {
    id: "muteAll",
    label: "Mute everyone",
    path: "chatroom/ban/add.json",
    users: false,
    params: room,
    done: (t) => `Everyone in ${t.roomName} is muted.`,
  },
  {
    id: "unmuteAll",
    label: "Unmute everyone",
    path: "chatroom/ban/rollback.json",
    users: false,
    params: room,
    done: (t) => `Everyone in ${t.roomName} may talk again.`,
  },
  {
    id: "stopDistribution",
    label: "Pause messages",
    path: "chatroom/message/stopDistribution.json",
    users: false,
    params: room,
    done: (t) => `Messages in ${t.roomName} are paused.`,
  },
  {
    id: "resumeDistribution",
    label: "Resume messages",
    path: "chatroom/message/resumeDistribution.json",
    users: false,
    params: room,
    done: (t) => `Messages in ${t.roomName} flow again.`,
  },
  {
    id: "keepAlive",
    label: "Keep open",
    path: "chatroom/keepalive/add.json",
    users: false,
    params: room,
    done: (t) => `${t.roomName} stays open until you close it.`,
  },
  {
    id: "noKeepAlive",
    label: "Stop keeping open",
    path: "chatroom/keepalive/remove.json",
    users: false,
    params: room,
    done: (t) => `${t.roomName} follows the normal closing rules again.`,
  },
  {
    id: "destroy",
    label: "Close room",
    path: "chatroom/destroy.json",
    users: false,
    params: room,
    confirm: (t) => `Close ${t.roomName}? Everyone in it is removed.`,
    done: (t) => `Closed ${t.roomName}.`,
  },
];

/** Publishes a RongCloud text message (`RC:TxtMsg`, content `{"content": text}`) to the room; operator sends ignore mutes. */
export function publishParams(t: Target, text: string): FormParams {
  return { fromUserId: "system", toChatroomId: t.roomId, objectName: "RC:TxtMsg", content: JSON.stringify({ content: text }) };
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
